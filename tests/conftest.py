import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def keras_env():
    """The installed Keras, imported once per test session (never mocked)."""
    from verify.harness import KerasEnv

    env = KerasEnv()
    env.keras  # noqa: B018 - import now, so the first test does not pay for it
    return env
