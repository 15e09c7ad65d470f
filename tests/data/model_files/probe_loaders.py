"""Which Keras line can load each corpus file? Fills `loads_on` in corpus.json.

Run from the project's venv (TF 2.21, Keras 3.15, tf-keras 2.21):

    /work/main/.venv/bin/python tests/data/model_files/probe_loaders.py

Two worker processes, one per line, each loading every file the way a user would:

- keras-3.15: `keras.models.load_model(path, safe_mode=True, compile=False)` for HDF5 / zip / SavedModel
  folders, `keras.models.model_from_json(text)` for JSON;
- keras-3.15-legacy (JSON files only): Keras 3's own legacy path, the one its `.h5` loader uses:
  `keras.src.legacy.saving.saving_utils.model_from_config(json.loads(text))`;
- tf_keras-2.21 (TF_USE_LEGACY_KERAS=1): `tf_keras.models.load_model(path, compile=False)` (its default
  safe_mode=True), `tf_keras.models.model_from_json(text)`.

JSON is unwrapped first the way paramproof will (`call` says what was passed): a JSON string holding
JSON is decoded once; a TensorFlow.js model.json gives `modelTopology.model_config` (or `modelTopology`
itself in the older form). No custom_objects are given: a custom class must be refused.
A worker that dies (segfault) is restarted after the file it was on, which is marked "crashed".
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.json"
LINES = {"keras-3.15": {}, "keras-3.15-legacy": {}, "tf_keras-2.21": {"TF_USE_LEGACY_KERAS": "1"}}


def one_line(e: BaseException) -> str:
    msg = " ".join(str(e).split()).replace(str(HERE) + "/", "")
    msg = re.sub(r" at 0x[0-9a-f]+", "", msg)  # object addresses change from run to run
    return f"{type(e).__name__}: {msg[:170]}"


def worker(line: str, out_path: str) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if line.startswith("tf_keras"):
        import tf_keras as keras  # noqa: PLC0415
    else:
        import keras  # noqa: PLC0415
    done = set()
    if os.path.exists(out_path):
        for ln in open(out_path):
            done.add(json.loads(ln)["path"])
    files = json.loads(CORPUS.read_text())["files"]
    with open(out_path, "a") as out:
        for e in files:
            rel = e["path"]
            if rel in done or e.get("written") is False or e.get("format") is None:
                continue
            if line.endswith("-legacy") and not rel.endswith(".json"):
                continue
            out.write(json.dumps({"path": rel, "status": "started"}) + "\n")
            out.flush()
            p = HERE / rel.rstrip("/")
            res = {"path": rel}
            try:
                n, call = load(keras, line, p)
                res.update({"ok": True, "count_params": n, "call": call})
            except BaseException as exc:  # noqa: BLE001 - every refusal is a result
                res.update({"ok": False, "error": one_line(exc), "call": CALL.get("last", "")})
            try:
                keras.backend.clear_session()
            except Exception:  # noqa: BLE001
                pass
            out.write(json.dumps(res) + "\n")
            out.flush()


CALL: dict = {}


def load(keras, line: str, p: Path):
    head = p.read_bytes()[:8] if p.is_file() else b""
    is_json = p.is_file() and (p.suffix == ".json")
    if not is_json:
        if line.startswith("tf_keras"):
            CALL["last"] = "tf_keras.models.load_model(path, compile=False)"
            m = keras.models.load_model(str(p), compile=False)
        else:
            CALL["last"] = "keras.models.load_model(path, safe_mode=True, compile=False)"
            m = keras.models.load_model(str(p), safe_mode=True, compile=False)
        return int(m.count_params()), CALL["last"]
    text = p.read_text()
    call = "model_from_json(text)"
    try:
        obj = json.loads(text)
    except ValueError:
        obj = None
    if isinstance(obj, str):
        text, call = obj, "model_from_json(json.loads(text))  # JSON string holding JSON"
    elif isinstance(obj, dict) and "modelTopology" in obj:
        topo = obj["modelTopology"]
        if "model_config" in topo:
            text, call = json.dumps(topo["model_config"]), "model_from_json(modelTopology.model_config)  # TF.js"
        else:
            text, call = json.dumps(topo), "model_from_json(modelTopology)  # older TF.js"
    if line.endswith("-legacy"):
        from keras.src.legacy.saving import saving_utils  # noqa: PLC0415

        call = "legacy saving_utils.model_from_config(<dict>) after " + call
        CALL["last"] = call
        m = saving_utils.model_from_config(json.loads(text))
        return int(m.count_params()), call
    CALL["last"] = call
    m = keras.models.model_from_json(text)
    del head
    return int(m.count_params()), call


def run_line(line: str, env_extra: dict) -> dict:
    out_path = f"/tmp/probe_{line}.jsonl"
    if os.path.exists(out_path):
        os.unlink(out_path)
    env = dict(os.environ, **env_extra)
    for _attempt in range(40):
        rc = subprocess.run(
            [sys.executable, __file__, "--worker", line, out_path],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=1800,
        ).returncode
        rows = [json.loads(ln) for ln in open(out_path)] if os.path.exists(out_path) else []
        if rc == 0:
            break
        # the last "started" without a result crashed the worker: record it and go on
        started = [r for r in rows if r.get("status") == "started"]
        finished = {r["path"] for r in rows if "status" not in r}
        crashed = [r["path"] for r in started if r["path"] not in finished]
        with open(out_path, "a") as f:
            for c in crashed:
                f.write(json.dumps({"path": c, "ok": False, "error": f"crashed: worker exited with code {rc}"}) + "\n")
    rows = [json.loads(ln) for ln in open(out_path)]
    return {r["path"]: r for r in rows if "status" not in r}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3])
        return
    t0 = time.time()
    results = {line: run_line(line, env) for line, env in LINES.items()}
    corpus = json.loads(CORPUS.read_text())
    for e in corpus["files"]:
        lo = {}
        for line, res in results.items():
            r = res.get(e["path"])
            if r is None:
                continue
            item = {"ok": r["ok"]}
            if r["ok"]:
                item["count_params"] = r["count_params"]
                if e.get("count_params") is not None and r["count_params"] != e["count_params"]:
                    item["differs_from_saved"] = True
            else:
                item["error"] = r["error"]
            if r.get("call") and ("#" in r["call"] or "legacy" in r["call"]):
                item["call"] = r["call"]  # only where the JSON was unwrapped or the legacy path used (see the docstring)
            lo[line] = item
        if lo:
            e["loads_on"] = lo
    body = ",\n  ".join(json.dumps(e) for e in corpus["files"])
    CORPUS.write_text('{"about": ' + json.dumps(corpus["about"]) + ',\n "files": [\n  ' + body + "\n ]}\n")
    # a table for the README / the report
    print("| file | format | saved | keras-3.15 | keras-3.15-legacy | tf_keras-2.21 |")
    print("|---|---|---|---|---|---|")
    for e in corpus["files"]:
        lo = e.get("loads_on", {})

        def cell(line, lo=lo):
            r = lo.get(line)
            if r is None:
                return "-"
            if r["ok"]:
                return "yes" + ("" if not r.get("differs_from_saved") else f" ({r['count_params']}!)")
            return "no: " + r["error"][:110].replace("|", "/")

        print(
            f"| {e['path']} | {e.get('format')} | {e.get('count_params', '')} | {cell('keras-3.15')} | {cell('keras-3.15-legacy')} | {cell('tf_keras-2.21')} |"
        )
    print(f"probed in {time.time() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
