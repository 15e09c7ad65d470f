"""When a worker clears Keras's global state, so that memory stays flat over long runs.

Clearing (``keras.backend.clear_session()``) has a price: it drops TensorFlow's traced functions,
which then have to be traced again (clearing every 200 cases cost 10 % of a catalog run).  So a
worker clears only when its resident memory has *crept* up by ``growth`` since its baseline.

A single large case is not creep.  Building Dense(4096) on 25,088 inputs (102 M parameters) lifts
a worker's resident memory from about 0.8 to 2 GiB in one step, and TensorFlow's allocator keeps
that memory for reuse: clearing the session afterwards gives none of it back, it only costs the
re-tracing.  A rise that large within one case therefore moves the baseline instead.
"""

from __future__ import annotations

import os

#: Growth of resident memory since the baseline that triggers a clear.
CLEAR_GROWTH = float(os.environ.get("PARAMPROOF_CLEAR_GROWTH", "1.25"))
#: Cases a worker builds before it takes its baseline (start-up allocations are not creep).
WARM_UP = 300
#: Without /proc (no resident-memory reading), clear on this fixed, rare schedule.
FALLBACK_EVERY = 2000


def rss_kib() -> int | None:
    """Resident memory now (not the peak), from /proc; None where there is no /proc."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


class ClearPolicy:
    """Feed it the resident memory after each case; it answers whether to clear now.  After a
    clear, call :meth:`cleared` with the memory then."""

    def __init__(self, *, growth: float = CLEAR_GROWTH, warm_up: int = WARM_UP) -> None:
        self.growth = growth
        self.warm_up = warm_up
        self.done = 0
        self.baseline: int | None = None
        self.previous: int | None = None
        self.clears = 0

    def after_case(self, rss: int | None) -> bool:
        self.done += 1
        if rss is None:
            return self.done % FALLBACK_EVERY == 0
        previous, self.previous = self.previous, rss
        if self.done < self.warm_up:
            return False
        if self.baseline is None:
            self.baseline = rss
            return False
        step = rss - (previous if previous is not None else rss)
        if step > self.baseline * (self.growth - 1) / 2:
            self.baseline += step  # one case's own allocation, kept by the allocator: not creep
            return False
        return rss > self.baseline * self.growth

    def cleared(self, rss: int | None) -> None:
        self.clears += 1
        if rss is not None:
            self.baseline = self.previous = rss
