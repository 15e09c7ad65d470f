"""CPU cost of ``paramproof check-summary``: summaries of 50, 100 and 200 rows against a 1 s target.

    .venv/bin/python benchmarks/summary_check.py [--repeat N]

Two kinds of input, each checked from a cold start (the engine memo cleared before every run):

* generated: a Keras 2 style table of exactly N rows (convolution blocks with every hidden value
  the search must find: kernel sizes 1/3/5/7 and a 6×8 rectangle, bias on/off, depthwise
  multipliers, separable convolutions, BatchNormalization, pooling, then a Dense head); the
  counts are the engine's own (``formulas.expect``), so this measures the search, not the reader;
* corpus: the real ``model.summary()`` texts of ``tests/data/summaries/corpus`` (printed by
  Keras) whose row count is nearest to N.

It prints the CPU seconds (``time.process_time``, the median of ``--repeat`` runs) and the ratio
to the 1 s target.  Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import formulas  # noqa: E402
from verify import summary_check  # noqa: E402
from verify.summary_parse import parse_summary  # noqa: E402

TARGET = 1.0
SIZES = (50, 100, 200)


def _layers(n: int) -> list[tuple[str, str, dict[str, Any]]]:
    """n (name, class, config) of a plausible CNN: blocks of conv / BN / activation, a pool now
    and then, a Dense head."""
    kernels = [[3, 3], [1, 1], [5, 5], [3, 3], [7, 7], [6, 8], [3, 3]]
    out: list[tuple[str, str, dict[str, Any]]] = []
    counts: dict[str, int] = {}

    def add(cls: str, config: dict[str, Any]) -> None:
        base = "".join("_" + c.lower() if c.isupper() else c for c in cls).lstrip("_").replace("2_d", "2d")
        k = counts.get(base, 0)
        counts[base] = k + 1
        out.append((base if k == 0 else f"{base}_{k}", cls, config))

    i = 0
    filters = 16
    while len(out) < n - 3:
        kind = i % 4
        if kind == 0:
            add(
                "Conv2D",
                {"filters": filters, "kernel_size": kernels[i % len(kernels)], "padding": "same", "use_bias": i % 3 != 0},
            )
        elif kind == 1:
            add("DepthwiseConv2D", {"kernel_size": [3, 3], "padding": "same", "depth_multiplier": 1 + i % 2})
            filters *= 1 + i % 2
        elif kind == 2:
            add("SeparableConv2D", {"filters": filters, "kernel_size": [5, 5] if i % 3 else [3, 3], "padding": "same"})
        else:
            add("Conv2D", {"filters": filters, "kernel_size": [1, 1], "use_bias": False})
        add("BatchNormalization", {})
        add("ReLU", {})
        i += 1
        if i % 12 == 0 and len(out) < n - 4:
            add("MaxPooling2D", {"padding": "same"})
        filters = min(filters, 256)
    add("GlobalAveragePooling2D", {})
    add("Dropout", {"rate": 0.5})
    add("Dense", {"units": 10})
    return out[:n]


def generated(n: int) -> str:
    """A Keras 2 style summary of exactly ``n`` rows, counts from the engine."""
    shape: Any = (None, 64, 64, 3)
    rows: list[str] = []
    total = 0
    nt = 0
    for name, cls, config in _layers(n):
        e = formulas.expect({"class_name": cls, "config": config}, shape, keras="2.15")
        shape = e.output_shape
        total += e.total
        nt += e.non_trainable
        rows.append(f" {f'{name} ({cls})':<40} {formulas.format_output_shape(shape):<30} {e.total:<10}")
        rows.append("")
    rule = "_" * 84
    return "\n".join(
        [
            'Model: "generated"',
            rule,
            f" {'Layer (type)':<40} {'Output Shape':<30} {'Param #':<10}",
            "=" * 84,
            *rows,
            "=" * 84,
            f"Total params: {total:,}",
            f"Trainable params: {total - nt:,}",
            f"Non-trainable params: {nt:,}",
            rule,
        ]
    )


def corpus() -> list[tuple[int, str, str]]:
    """(rows, label, text) of every readable ``default`` corpus summary."""
    try:
        import summary_corpus_data  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    out = []
    for rec in summary_corpus_data.load():
        if rec.get("variant") != "default":
            continue
        try:
            rows = len(parse_summary(rec["text"]).rows)
        except ValueError:
            continue
        out.append((rows, f"{rec['line']}/{rec['model']}", rec["text"]))
    return out


def cpu_seconds(text: str, repeat: int) -> tuple[float, int, bool]:
    summary = parse_summary(text)
    times = []
    consistent = False
    for _ in range(repeat):
        summary_check._expect_frozen.cache_clear()
        start = time.process_time()
        check = summary_check.check_summary(summary)
        times.append(time.process_time() - start)
        consistent = check.consistent
    return statistics.median(times), len(summary.rows), consistent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per input; the median is printed (default 3)")
    args = parser.parse_args()
    print(f"check-summary CPU seconds (median of {args.repeat}, cold engine memo); target {TARGET:.1f} s per summary")
    print(f"{'input':<52} {'rows':>5} {'CPU s':>7} {'/target':>8}  verdict")
    worst = 0.0
    real = corpus()
    for n in (*SIZES, None):
        inputs = [] if n is None else [(f"generated, {n} rows", generated(n))]
        if real:
            # The real summary nearest in size (for the last line: the largest one).
            rows, label, text = max(real) if n is None else min(real, key=lambda r: abs(r[0] - n))
            inputs.append((f"corpus {label}" + (" (the largest)" if n is None else ""), text))
        for label, text in inputs:
            seconds, rows, consistent = cpu_seconds(text, args.repeat)
            worst = max(worst, seconds / TARGET)
            verdict = "consistent" if consistent else "INCONSISTENT"
            print(f"{label:<52} {rows:>5} {seconds:>7.3f} {seconds / TARGET:>8.2f}  {verdict}")
    print(f"worst ratio to the target: {worst:.2f} ({'within' if worst <= 1 else 'OVER'} the 1 s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
