"""The engine against Keras on whole models (run by ``make bench``; not a test).

1. zoo:   the engine's summary of every ``keras.applications`` model, from the committed configs
          (``verify/zoo_configs``: gzip read, ``formulas.expect_model``, ``.summary()``), against
          Keras building the same models with ``weights=None`` (one process, TensorFlow imported
          before the clock starts, ``clear_session()`` between models).  Target: >= 100x.
2. huge:  the engine on a synthetic Sequential of 10^12 parameters (a stack of huge Dense
          layers) that no machine could build.  Target: well under a second.

Usage: python benchmarks/zoo.py [--only NAME,...] [--skip-keras]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KERAS_BUILDS = """
import json, os, sys, time
sys.path.insert(0, {root!r})
from verify.harness import KerasEnv
env = KerasEnv()
env.keras  # import before the clock starts
times = {{}}
for name in sys.argv[1:]:
    start = time.perf_counter()
    model = getattr(env.keras.applications, name)(weights=None)
    model.count_params()
    times[name] = time.perf_counter() - start
    del model
    env.clear()
print(json.dumps(times))
"""


def installed_line() -> tuple[str, str]:
    from verify.cli import _installed_keras_version
    from verify.zoo import line_of

    version = _installed_keras_version()
    return version, line_of(version)


def engine_zoo(names: list[str], line: str, version: str, rounds: int = 3) -> tuple[float, dict[str, float]]:
    """Seconds to read the committed configs (gzip + JSON), and per model the best of ``rounds``
    for ``expect_model`` + ``summary()``."""
    import formulas
    from verify import zoo_configs

    start = time.perf_counter()
    configs = {name: zoo_configs.load(name, line) for name in names}
    load = time.perf_counter() - start
    times: dict[str, float] = {}
    for _ in range(rounds):
        for name in names:
            start = time.perf_counter()
            formulas.expect_model(configs[name], keras=version).summary()
            elapsed = time.perf_counter() - start
            times[name] = min(times.get(name, elapsed), elapsed)
    return load, times


def keras_zoo(names: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", KERAS_BUILDS.format(root=str(ROOT)), *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def huge_config(units: int, layers: int) -> dict[str, object]:
    """A Keras 3 Sequential config: Input(units) then ``layers`` × Dense(units)."""
    specs: list[dict[str, object]] = [{"class_name": "InputLayer", "config": {"name": "input", "batch_shape": [None, units]}}]
    specs += [{"class_name": "Dense", "config": {"name": f"dense_{i}", "units": units}} for i in range(layers)]
    return {"class_name": "Sequential", "config": {"name": "huge", "layers": specs}}


def huge() -> None:
    import formulas

    units, layers = 500_000, 4
    config = huge_config(units, layers)
    start = time.perf_counter()
    expected = formulas.expect_model(config, keras="3")
    text = expected.summary()
    seconds = time.perf_counter() - start
    independent = layers * units * (units + 1)
    assert expected.total == independent, (expected.total, independent)
    print(f"huge: {layers} × Dense({units:,}) on {units:,} inputs: {expected.total:,} params ({expected.total:.2e})")
    print(f"  engine: expect_model + summary in {seconds * 1000:.1f} ms ({len(text.splitlines())} summary lines)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated model names (default: every committed model)")
    parser.add_argument("--skip-keras", action="store_true", help="engine figures only")
    args = parser.parse_args()
    from verify import zoo_configs

    version, line = installed_line()
    names = args.only.split(",") if args.only else list(zoo_configs.names(line))
    engine_zoo(names[:1], line, version, rounds=1)  # warm the imports
    load, engine = engine_zoo(names, line, version)
    e_total = sum(engine.values())
    print(f"zoo: {len(names)} models, Keras {version} ({line} configs)")
    print(f"  engine: {e_total:.2f} s for every expect_model + summary, best of 3 ({e_total / len(names) * 1000:.0f} ms a model)")
    print(f"          + {load:.2f} s to read the committed configs (gzip, JSON)")
    if not args.skip_keras:
        keras = keras_zoo(names)
        k_total = sum(keras.values())
        print(f"  Keras:  {k_total:.1f} s to build the same models (weights=None; TensorFlow already imported)")
        print(
            f"  ratio:  the engine is {k_total / e_total:,.0f}x faster ({k_total / (e_total + load):,.0f}x with reading the configs)"
            " (target >= 100x)"
        )
        slowest = max(names, key=lambda n: engine[n])
        print(f"  slowest engine model: {slowest} {engine[slowest] * 1000:.0f} ms (Keras {keras[slowest]:.1f} s)")
    huge()


if __name__ == "__main__":
    main()
