"""The version matrix: the built-in catalog under each Keras line and backend.

    nox -l                        # the sessions
    nox -s keras-2.15-tensorflow  # one of them
    make matrix                   # all of them;  make matrix KERAS=2.15  just those matching

Each session runs ``paramproof run`` on the whole catalog and writes ``reports/<session>/``
(results.csv, environment.csv, ...); ``paramproof matrix`` merges them.  Environments are kept
between runs (``reuse_venv``): a second run only checks the installs.

uv builds the environments where it can; the PyTorch session uses pip, because only pip finds the
CPU wheel of torch 2.13.0 on this machine (uv would download a multi-GB CUDA build).
"""

from __future__ import annotations

import os

import nox

nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

#: session name -> (requirements, environment variables).  Each name holds ``keras``, the Keras
#: line's version and the backend; it is also the folder under reports/.
MATRIX: dict[str, tuple[list[str], dict[str, str]]] = {
    "keras-2.12-tensorflow": (["tensorflow==2.12.*", "numpy<2"], {}),
    "keras-2.15-tensorflow": (["tensorflow==2.15.*", "numpy<2"], {}),
    "tf_keras-2.21-tensorflow": (["tensorflow==2.21.*", "tf-keras==2.21.*"], {"TF_USE_LEGACY_KERAS": "1"}),
    "keras-3.0-tensorflow": (["tensorflow==2.16.*", "keras==3.0.*"], {}),
    "keras-3.8-tensorflow": (["tensorflow==2.18.*", "keras==3.8.*"], {}),
    "keras-3.15-tensorflow": (["tensorflow==2.21.*", "keras==3.15.*"], {}),
    # JAX and PyTorch backends: TensorFlow stays installed because Keras 3's string
    # preprocessing layers (StringLookup, TextVectorization) need it on every backend.
    "keras-3.15-jax": (["keras==3.15.*", "jax[cpu]", "tensorflow==2.21.*"], {"KERAS_BACKEND": "jax"}),
    "keras-3.15-torch": (["keras==3.15.*", "torch==2.13.0", "tensorflow==2.21.*"], {"KERAS_BACKEND": "torch"}),
}

#: The next release, not in the default run: ``make matrix KERAS=nightly``.  TensorFlow pins
#: ``keras``, so the session installs TensorFlow first, then replaces its ``keras`` with
#: ``keras-nightly`` (which installs the same ``keras`` package) and checks ``keras.__version__``.
NIGHTLY: dict[str, tuple[list[str], dict[str, str]]] = {
    "keras-nightly-tensorflow": (["tensorflow==2.21.*"], {}),
}

#: ``make matrix KERAS=2.15`` runs the sessions whose name holds that text (the nightly session
#: too); plain ``make matrix`` runs MATRIX.
_only = os.environ.get("KERAS", "")
nox.options.sessions = [name for name in {**MATRIX, **NIGHTLY} if _only in name] if _only else list(MATRIX)


def _catalog(session: nox.Session, name: str, requirements: list[str], env: dict[str, str]) -> None:
    # The pins decide TensorFlow and Keras; the project goes in without its own dependencies.
    session.install(*requirements, "pandas", "rich>=13", "scipy")
    if name in NIGHTLY:
        session.run("python", "-m", "pip", "uninstall", "--quiet", "--yes", "keras")
        session.install("--pre", "--upgrade", "keras-nightly")
        check = "import keras, sys; print('keras', keras.__version__); sys.exit('.dev' not in keras.__version__)"
        session.run("python", "-c", check)
    session.install("--no-deps", "-e", ".")
    out = os.path.join("reports", name)
    args = ["paramproof", "run", "--out", out, *session.posargs]
    session.run(*args, env={"TF_CPP_MIN_LOG_LEVEL": "3", **env})


def _define(name: str, requirements: list[str], env: dict[str, str]) -> None:
    # pip, not uv: PyTorch's CPU wheel is found only by pip here; the nightly session uninstalls
    # with pip.
    backend = "venv" if "torch" in name or name in NIGHTLY else "uv|venv"

    @nox.session(name=name, python="3.11", venv_backend=backend)
    def session(session: nox.Session) -> None:
        _catalog(session, name, requirements, env)

    session.__doc__ = f"the catalog on {name.replace('-', ' ')}"


for _name, (_requirements, _env) in {**MATRIX, **NIGHTLY}.items():
    _define(_name, _requirements, _env)
