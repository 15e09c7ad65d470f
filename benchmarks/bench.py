"""paramproof's benchmarks: every figure is a ratio measured in the same run.

1. overhead:   `paramproof run -j 1` on the catalog against bare_keras.py (whole processes)
2. scaling:    throughput of `-j 2` against `-j 1`
3. memory:     a worker's peak RSS after 1,000 and after 10,000 cases
4. engine:     formulas.expect on every catalog case against the Keras builds

Usage: python benchmarks/bench.py [--repeat N] [--memory-cases N] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def overhead_and_scaling(repeat: int) -> None:
    """The three commands interleaved, ``repeat`` rounds, best time of each: Keras's own build
    times drift by several seconds between runs on a shared machine, so interleaving matters."""
    from verify.cases import builtin_paths, load_cases

    n = len(load_cases(builtin_paths())[0])
    times: dict[str, list[float]] = {"bare": [], "j1": [], "j2": []}
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "bare": [PY, "benchmarks/bare_keras.py"],
            "j1": [PY, "-m", "verify", "run", "-q", "-j", "1", "--out", out],
            "j2": [PY, "-m", "verify", "run", "-q", "-j", "2", "--out", out],
        }
        for _ in range(repeat):
            for name, cmd in commands.items():
                times[name].append(timed(cmd))
    bare, j1, j2 = (min(times[k]) for k in ("bare", "j1", "j2"))
    print(
        f"catalog: {n} cases, {repeat} interleaved rounds, best of each (all: "
        + "; ".join(f"{k} " + ", ".join(f"{t:.1f}" for t in v) for k, v in times.items())
        + ")"
    )
    print(f"  bare Keras script        {bare:7.1f} s   {n / bare:6.1f} cases/s")
    print(f"  paramproof run -j 1      {j1:7.1f} s   {n / j1:6.1f} cases/s   overhead ratio {j1 / bare:.3f}x (target <= 1.10)")
    print(f"  paramproof run -j 2      {j2:7.1f} s   {n / j2:6.1f} cases/s   throughput -j2/-j1 {j1 / j2:.2f}x (target >= 1.6)")


def memory(total: int) -> None:
    from verify.cases import builtin_paths, load_cases
    from verify.pool import WorkerPool

    base, _ = load_cases(builtin_paths())
    cases = [base[i % len(base)] for i in range(total)]
    marks = {1_000: 0, total: 0}
    start = time.perf_counter()
    with WorkerPool(1) as pool:
        for done, _ in enumerate(pool.run(cases), start=1):
            if done in marks:
                marks[done] = pool.peak_kib
    seconds = time.perf_counter() - start
    first, last = marks[1_000], marks[total]
    print(f"memory: one worker, {total:,} cases (the catalog repeated) in {seconds:.0f} s")
    print(f"  peak RSS after  1,000 cases  {first / 1024:7.0f} MiB")
    print(f"  peak RSS after {total:,} cases  {last / 1024:7.0f} MiB   ratio {last / first:.2f}x (target <= 1.5)")


def engine_vs_keras() -> None:
    import formulas
    from verify.cases import builtin_paths, load_cases

    cases, _ = load_cases(builtin_paths())
    start = time.perf_counter()
    for _ in range(5):
        for case in cases:
            try:
                formulas.expect(case.layer, case.input_shape, keras="3", quantize=case.quantize)
            except (formulas.InvalidLayerError, formulas.UnknownLayerError):
                pass
    engine = (time.perf_counter() - start) / 5
    out = subprocess.run([PY, "benchmarks/bare_keras.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    keras_seconds = json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
    print(f"engine: {len(cases)} catalog cases in {engine * 1000:.0f} ms ({engine / len(cases) * 1e6:.0f} µs a case)")
    print(f"  Keras builds the same cases in {keras_seconds:.1f} s: the engine is {keras_seconds / engine:,.0f}x faster")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-cases", type=int, default=10_000)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    overhead_and_scaling(args.repeat)
    engine_vs_keras()
    if not args.skip_memory:
        memory(args.memory_cases)


if __name__ == "__main__":
    main()
