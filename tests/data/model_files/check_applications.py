"""Every keras.applications model of this process's Keras, written as a model file and checked the
way ``paramproof model`` checks a file on this Keras line (a measurement, not a test: it takes
10-20 minutes).

Keras 3 writes each model as a ``.keras`` archive holding only ``config.json`` and
``metadata.json``; Keras 2 (tf-keras, ``TF_USE_LEGACY_KERAS=1``) as ``to_json()``.  Each file is
read with :func:`verify.models.read_model_file` and checked with
:func:`verify.model_lines.check_here`; a model is OK when the line confirms it and its total is the
``count_params()`` of the model that wrote the file.

    .venv/bin/python tests/data/model_files/check_applications.py /tmp/apps3
    TF_USE_LEGACY_KERAS=1 .venv/bin/python tests/data/model_files/check_applications.py /tmp/apps2
    ... check_applications.py OUT ResNet50,ConvNeXtTiny     # only these
"""

from __future__ import annotations

import json
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from verify.harness import KerasEnv  # noqa: E402
from verify.model_lines import check_here  # noqa: E402
from verify.models import applications, read_model_file  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    env = KerasEnv()
    keras = env.keras
    line = env.version[0]
    names = applications(env)
    if len(sys.argv) > 2:
        names = [n for n in names if n in sys.argv[2].split(",")]
    bad = 0
    for name in names:
        start = time.time()
        model = getattr(keras.applications, name)(weights=None)
        total = model.count_params()
        if line == "3":
            path = out / f"{name}.keras"
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr("config.json", model.to_json())
                archive.writestr("metadata.json", json.dumps({"keras_version": keras.__version__}))
        else:
            path = out / f"{name}.json"
            path.write_text(model.to_json())
        del model
        env.clear()
        result = check_here(read_model_file(path), None, line)
        env.clear()
        ok = result.status.value == "match" and result.keras_total == total
        bad += not ok
        verdict = "OK" if ok else f"BAD {result.detail[:300]}"
        print(
            f"{name:28s} {result.status.value:12s} {result.keras_total} {total} {verdict} {time.time() - start:.1f}s", flush=True
        )
    print(f"BAD {bad} of {len(names)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
