"""Read the summary corpus: real ``model.summary()`` texts with their ground truth (stdlib only).

The corpus (``tests/data/summaries/corpus/<line>.jsonl.gz``, made by ``tools/summary_corpus.py``,
see the README there) holds, per Keras line, one record per model and variant::

    {"model": "conv2d_variants", "variant": "default" | "narrow60" | "narrow80",
     "line": "keras315", "keras": "3.15.1", "text": <exactly what summary() printed>,
     "rows": [{"name": "conv2d", "class": "Conv2D", "params": 224}, ...],   # top-level rows
     "total": 17018, "trainable": 17018, "non_trainable": 0, "built": True}

``rows`` are the rows the summary prints, in its order (Keras 3 Functional models include their
InputLayer rows, Sequential ones do not; Keras 2 prints ``model.layers``), with ``count_params()``
of the live layer (0 for an unbuilt one).  Application models are named ``app_<Name>``.

    from summary_corpus_data import LINES, load   # in tests/ (as tests import conftest)
    for rec in load(["keras315"]):
        ...
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "data" / "summaries" / "corpus"

# Every line the corpus may hold, oldest layout first; LINES is the subset present on disk.
ALL_LINES = (
    "keras1style",
    "keras212",
    "keras213",
    "keras214",
    "keras215",
    "tfkeras221",
    "keras30",
    "keras38",
    "keras315",
)
LINES: tuple[str, ...] = tuple(line for line in ALL_LINES if (CORPUS / f"{line}.jsonl.gz").exists())


def load(lines: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Yield the records of ``lines`` (default: every line present), line by line in the order
    given, records in file order.  An unknown or absent line raises ``FileNotFoundError``."""
    for line in LINES if lines is None else lines:
        path = CORPUS / f"{line}.jsonl.gz"
        if not path.exists():
            raise FileNotFoundError(f"no summary corpus for line {line!r}: {path}")
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for raw in fh:
                if raw.strip():
                    yield json.loads(raw)
