"""``make fuzz``: every reader's fuzz tests with a long budget, each file in its own process with
a memory limit, then a table of the inputs each reader was fed.

    python tests/fuzz/run.py                       # 100,000 byte-level inputs per reader (make fuzz)
    python tests/fuzz/run.py --inputs 2000 cases   # a quick look at one reader's files

Each input is bounded in time (``--seconds``, enforced inside the tests by SIGALRM) and each
process in memory (``--memory-mb``, an address-space limit: a reader that tries to hold more
fails with MemoryError, which the tests report as a failure).  Exit 0 when every file passed and
every reader was fed at least ``--inputs`` inputs, 1 otherwise, 2 on bad usage.  The seed is
printed: ``--seed S`` replays a run's byte-level inputs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


#: The child sets its own address-space limit, then becomes pytest (no preexec_fn: threads run here).
_LIMITED = "import os, resource, sys; n = int(sys.argv[1]) * 2**20; resource.setrlimit(resource.RLIMIT_AS, (n, n)); os.execv(sys.executable, [sys.executable, *sys.argv[2:]])"


def _run_file(path: Path, env: dict[str, str], memory_mb: int, lock: threading.Lock) -> tuple[int, float]:
    start = time.monotonic()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _LIMITED,
            str(memory_mb),
            "-m",
            "pytest",
            "-q",
            "-s",
            "-x",
            "-p",
            "no:cacheprovider",
            str(path.relative_to(ROOT)),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        with lock:
            print(f"[{path.stem}] {line.rstrip()}", flush=True)
    return proc.wait(), time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/fuzz/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("readers", nargs="*", help="only the test files whose name holds one of these (e.g. cases summaries)")
    parser.add_argument("--inputs", type=int, default=100_000, help="byte-level inputs per reader's file (default 100,000)")
    parser.add_argument("--examples", type=int, default=10_000, help="hypothesis examples per structured test (default 10,000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="the longest one input may take (default 10)")
    parser.add_argument("--memory-mb", type=int, default=4096, help="address-space limit of each process (default 4096)")
    parser.add_argument("--seed", type=int, default=None, help="byte-level mutation seed (default: a new one, printed)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="files fuzzed at once")
    args = parser.parse_args(argv)
    files = sorted(HERE.glob("test_fuzz_*.py"))
    if args.readers:
        files = [f for f in files if any(r.replace("-", "_") in f.stem for r in args.readers)]
    if not files:
        print(f"no fuzz test file matches {args.readers}", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    print(
        f"fuzzing {len(files)} file(s): {args.inputs:,} byte-level inputs per reader, {args.examples:,} examples per "
        f"structured test, {args.seconds:g} s per input, {args.memory_mb:,} MB per process, seed {seed}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        tally = Path(tmp) / "tally.jsonl"
        env = {
            **os.environ,
            "PARAMPROOF_FUZZ_INPUTS": str(args.inputs),
            "PARAMPROOF_FUZZ_EXAMPLES": str(args.examples),
            "PARAMPROOF_FUZZ_SECONDS": str(args.seconds),
            "PARAMPROOF_FUZZ_SEED": str(seed),
            "PARAMPROOF_FUZZ_TALLY": str(tally),
            "PARAMPROOF_HYPOTHESIS": "default",
            "TF_CPP_MIN_LOG_LEVEL": "3",
        }
        lock = threading.Lock()
        outcomes: dict[str, tuple[int, float]] = {}
        pending = list(files)

        def worker() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    path = pending.pop(0)
                outcomes[path.stem] = _run_file(path, env, args.memory_mb, lock)

        threads = [threading.Thread(target=worker) for _ in range(max(1, min(args.jobs, len(files))))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        counts: dict[str, int] = defaultdict(int)
        if tally.exists():
            for line in tally.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                counts[record["reader"]] += int(record["inputs"])
    print()
    print(f"{'file':<32} {'result':<8} {'seconds':>9}")
    for stem, (code, seconds) in sorted(outcomes.items()):
        print(f"{stem:<32} {'passed' if code == 0 else f'FAILED ({code})':<8} {seconds:>9,.0f}")
    print()
    print(f"{'reader':<14} {'inputs':>10}")
    short = []
    for reader, n in sorted(counts.items()):
        flag = "" if n >= args.inputs else f"  (under {args.inputs:,})"
        if flag:
            short.append(reader)
        print(f"{reader:<14} {n:>10,}{flag}")
    failed = [s for s, (code, _) in outcomes.items() if code != 0]
    if failed or short:
        print(f"\nseed {seed}: {len(failed)} file(s) failed, {len(short)} reader(s) under budget", flush=True)
        return 1
    print(f"\nseed {seed}: every reader held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
