import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# CI (.ci/run) fuzzes the same examples on every run, so a landing change is judged on its own
# merits; a developer's `make test` draws fresh ones and finds new bugs (pin each with @example).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("PARAMPROOF_HYPOTHESIS", "default"))


@pytest.fixture(scope="session")
def keras_env():
    """The installed Keras, imported once per test session (never mocked)."""
    from verify.harness import KerasEnv

    env = KerasEnv()
    env.keras  # noqa: B018 - import now, so the first test does not pay for it
    return env
