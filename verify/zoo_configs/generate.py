"""Regenerate the stored ``keras.applications`` configs (architecture inputs, not expected values).

Run once with each Keras line's Python::

    .venv/bin/python verify/zoo_configs/generate.py            # Keras 3 -> keras3/
    /path/to/tf215/bin/python verify/zoo_configs/generate.py   # Keras 2.15 -> keras2/

Each application is built with ``weights=None`` (nothing is downloaded) at its default input shape,
one after another in this process, and ``model.to_json()`` is written gzipped (level 9, no
timestamp) as ``<line>/<Model>.json.gz``; ``<line>/index.json`` records the Keras and TensorFlow
versions and the model names.  ``--only NAME ...`` regenerates a few.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from verify.atomic import write_atomic

HERE = Path(__file__).resolve().parent


def import_keras() -> Any:
    """Keras 3, or Keras 2 (``tf.keras`` on TF < 2.16, tf-keras with ``TF_USE_LEGACY_KERAS=1``)."""
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        import tf_keras

        return tf_keras
    import keras

    return keras


def line_of(keras: Any) -> str:
    return "keras3" if keras.__version__.startswith("3") else "keras2"


def application_names(keras: Any) -> list[str]:
    apps = keras.applications
    return sorted(n for n in dir(apps) if n[:1].isupper() and callable(getattr(apps, n)))


def config_bytes(model: Any) -> bytes:
    """``model.to_json()`` re-serialised with sorted keys, gzipped reproducibly."""
    text = json.dumps(json.loads(model.to_json()), sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def build_each(keras: Any, names: Iterable[str], on_model: Callable[[str, Any], None]) -> None:
    """Build each application (``weights=None``), hand it to ``on_model``, then free it."""
    for name in names:
        keras.backend.clear_session()
        model = getattr(keras.applications, name)(weights=None)
        on_model(name, model)
        del model
    keras.backend.clear_session()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="model names (default: every application)")
    args = parser.parse_args(argv)
    keras = import_keras()
    import tensorflow as tf

    line = line_of(keras)
    out = HERE / line
    out.mkdir(exist_ok=True)
    every = application_names(keras)
    names = args.only or every

    def write(name: str, model: Any) -> None:
        write_atomic(out / f"{name}.json.gz", config_bytes(model))
        print(f"{line}/{name}.json.gz", file=sys.stderr)

    build_each(keras, names, write)
    index = {"keras": keras.__version__, "tensorflow": tf.__version__, "models": every}
    write_atomic(out / "index.json", (json.dumps(index, indent=1) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
