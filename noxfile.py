"""The version matrix: the built-in catalog under each Keras line and backend.

    nox -l                        # the sessions
    nox -s keras-2.15-tensorflow  # one of them
    make matrix                   # the default eight;  make matrix KERAS=2.15  just that line
    make matrix ALL=1             # every release line (and keras-nightly)

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

#: Every other release line, run by ``make matrix ALL=1`` (or by name: ``make matrix KERAS=3.10``):
#: every Keras 3 minor release at its last patch, on the TensorFlow of its day (each TensorFlow
#: release accepts the Keras of its time), and every Keras 2 line that installs on Python 3.11:
#: Keras 2.13-2.14 with their TensorFlow, tf-keras 2.16-2.20 with theirs.  The engine's version facts
#: (formulas/versions.json) are pinned with these runs.
RELEASES: dict[str, tuple[list[str], dict[str, str]]] = {
    # 2.13.1 exactly: with "2.13.*" and a newer numpy the resolver backtracks to 2.13.0rc2.
    "keras-2.13-tensorflow": (["tensorflow==2.13.1", "numpy<2"], {}),
    "keras-2.14-tensorflow": (["tensorflow==2.14.*", "numpy<2"], {}),
    **{
        f"tf_keras-2.{minor}-tensorflow": (
            [f"tensorflow==2.{minor}.*", f"tf-keras==2.{minor}.*", *(["numpy<2"] if minor < 18 else [])],
            {"TF_USE_LEGACY_KERAS": "1"},
        )
        for minor in range(16, 21)
    },
    **{
        f"keras-3.{minor}-tensorflow": ([f"tensorflow=={tf}.*", f"keras==3.{minor}.*"], {})
        for minor, tf in [
            (1, "2.16"),
            (2, "2.16"),
            (3, "2.16"),
            (4, "2.17"),
            (5, "2.17"),
            (6, "2.17"),
            (7, "2.18"),
            (9, "2.19"),
            (10, "2.19"),
            (11, "2.20"),
            (12, "2.20"),
            (13, "2.21"),
            (14, "2.21"),
        ]
    },
}

#: The next release, not in the default run: ``make matrix KERAS=nightly``.  TensorFlow pins
#: ``keras``, so the session installs TensorFlow first, then replaces its ``keras`` with
#: ``keras-nightly`` (which installs the same ``keras`` package) and checks ``keras.__version__``.
NIGHTLY: dict[str, tuple[list[str], dict[str, str]]] = {
    "keras-nightly-tensorflow": (["tensorflow==2.21.*"], {}),
}

SESSIONS = {**MATRIX, **RELEASES, **NIGHTLY}


def _selected(only: str, every: bool) -> list[str]:
    """``KERAS=3.1`` → the sessions whose Keras line is exactly 3.1 (not 3.10); a text that is no
    session's line (``KERAS=jax``, ``KERAS=tf_keras``) selects the names that hold it.  ``ALL=1``:
    every session, the nightly one included.  Neither: the default matrix."""
    if not only:
        return list(SESSIONS) if every else list(MATRIX)
    exact = [name for name in SESSIONS if only in name.split("-")]
    return exact or [name for name in SESSIONS if only in name]


# Selected by tag (each session is tagged with its own name), not by name: nox compares names as
# Python expressions, so ``-s keras-3.1-tensorflow`` also selects keras-3.10-tensorflow (3.1 == 3.10).
# From the command line, ``nox -t keras-3.1-tensorflow`` runs exactly one session.
nox.options.tags = _selected(os.environ.get("KERAS", ""), os.environ.get("ALL", "") not in ("", "0"))


def _catalog(session: nox.Session, name: str, requirements: list[str], env: dict[str, str]) -> None:
    # The pins decide TensorFlow and Keras; the project goes in without its own dependencies.
    session.install(*requirements, "pandas", "rich>=13", "scipy")
    if name in NIGHTLY:
        # keras and keras-nightly install the same files: remove both (a reused environment
        # already has keras-nightly, which the uninstall of keras would leave without its files),
        # then install the newest nightly.
        session.run("python", "-m", "pip", "uninstall", "--quiet", "--yes", "keras", "keras-nightly")
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

    @nox.session(name=name, python="3.11", venv_backend=backend, tags=[name])
    def session(session: nox.Session) -> None:
        _catalog(session, name, requirements, env)

    session.__doc__ = f"the catalog on {name.replace('-', ' ')}"


for _name, (_requirements, _env) in SESSIONS.items():
    _define(_name, _requirements, _env)
