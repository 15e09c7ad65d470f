"""formulas/ is standard library only: importing and using it pulls in no heavy module."""

import json
import subprocess
import sys

from conftest import ROOT

HEAVY = ("tensorflow", "keras", "tf_keras", "numpy", "pandas", "jax", "torch")


def test_importing_and_using_formulas_imports_no_tensorflow_keras_numpy_or_pandas():
    code = (
        "import sys, json, formulas\n"
        "formulas.expect({'class_name': 'Conv2D', 'config': {'filters': 8, 'kernel_size': 3}}, (None, 9, 9, 3)).explain()\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_explain_without_keras_never_imports_tensorflow():
    code = (
        "import sys, json\n"
        "from verify.cli import main\n"
        "rc = main(['explain', 'Dense', 'units=10', '--input-shape', '784', '--no-keras'])\n"
        f"print(json.dumps([rc, [m for m in {HEAVY[:3]!r} if m in sys.modules]]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    rc, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    assert rc == 0
    assert heavy == []
    assert "7,850" in out.stdout
