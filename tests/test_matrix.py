"""``verify.matrix`` merges runs and finds the cases whose observed result differs; shards split
the catalog deterministically."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from verify.cases import builtin_paths, in_shard, load_cases, parse_shard
from verify.matrix import differences, discover, matrix_rows, render_markdown
from verify.report import RESULT_COLUMNS


def run_folder(path: Path, keras: str, backend: str, rows: list[dict[str, str]]) -> Path:
    path.mkdir(parents=True)
    with (path / "results.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, RESULT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in RESULT_COLUMNS} | {"keras_version": keras, "backend": backend})
    with (path / "environment.csv").open("w", newline="") as handle:
        handle.write(f"component,version\nkeras,{keras}\nbackend,{backend}\n")
    return path


def built(case_id: str, t: str = "7850", nt: str = "0", shape: str = "(None, 10)", status: str = "match") -> dict[str, str]:
    return {
        "case_id": case_id,
        "layer": "Dense",
        "status": status,
        "observed_trainable": t,
        "observed_non_trainable": nt,
        "observed_count_params": str(int(t) + int(nt)),
        "observed_output_shape": shape,
        "expected_trainable": t,
        "expected_non_trainable": nt,
        "expected_output_shape": shape,
    }


def refused(case_id: str) -> dict[str, str]:
    return {"case_id": case_id, "layer": "Dense", "status": "both_invalid"}


def test_runs_merge_by_version_and_backend_and_sort_oldest_first(tmp_path: Path) -> None:
    run_folder(tmp_path / "k3-shard1", "3.15.1", "tensorflow", [built("a")])
    run_folder(tmp_path / "k3-shard2", "3.15.1", "tensorflow", [built("b")])
    run_folder(tmp_path / "k2", "2.15.0", "tensorflow", [built("a"), built("b")])
    runs = discover(tmp_path)
    assert [r.label for r in runs] == ["Keras 2.15.0 (tensorflow)", "Keras 3.15.1 (tensorflow)"]
    assert sorted(runs[1].rows) == ["a", "b"] and len(runs[1].folders) == 2
    assert differences(runs) == []


def test_a_refusal_in_one_version_is_a_difference_and_the_engine_predicting_it_is_said(tmp_path: Path) -> None:
    run_folder(tmp_path / "k2", "2.15.0", "tensorflow", [built("a"), built("same")])
    run_folder(tmp_path / "k3", "3.15.1", "tensorflow", [refused("a"), built("same")])
    runs = discover(tmp_path)
    [d] = differences(runs)
    assert d.case_id == "a" and d.cells == ("7,850 + 0 → (None, 10)", "refused")
    assert not d.between_backends
    assert d.explanation.startswith("predicted")
    text = render_markdown(runs, [d])
    assert "| a | Dense | 7,850 + 0 → (None, 10) | refused | predicted" in text
    columns, rows = matrix_rows(runs)
    assert columns[:2] == ["case_id", "layer"] and len(columns) == 2 + 3 * 2
    assert {r["case_id"] for r in rows} == {"a", "same"}


def test_backends_that_disagree_are_a_finding(tmp_path: Path) -> None:
    run_folder(tmp_path / "tf", "3.15.1", "tensorflow", [built("a")])
    run_folder(tmp_path / "jax", "3.15.1", "jax", [built("a", nt="2", status="mismatch")])
    [d] = differences(discover(tmp_path))
    assert d.between_backends and d.explanation.startswith("FINDING")


def test_a_layer_that_builds_on_every_backend_but_fails_to_run_on_one_is_a_finding(tmp_path: Path) -> None:
    ran = built("a") | {"eager_input_shape": "(2, 784)", "eager_output_shape": "(2, 10)"}
    failed = built("a") | {"eager_input_shape": "(2, 784)"}
    run_folder(tmp_path / "tf", "3.15.1", "tensorflow", [ran])
    run_folder(tmp_path / "jax", "3.15.1", "jax", [failed])
    run_folder(tmp_path / "k38", "3.8.0", "tensorflow", [failed])  # across versions eager alone is no difference
    runs = discover(tmp_path)
    [d] = differences(runs)
    assert d.between_backends and "unexplained" in d.explanation
    assert d.cells == (
        "7,850 + 0 → (None, 10); eager failed",
        "7,850 + 0 → (None, 10); eager failed",
        "7,850 + 0 → (None, 10); eager (2, 10)",
    )
    run_folder(tmp_path / "other", "3.15.1", "torch", [built("b") | {"eager_input_shape": "(2, 784)"}])
    run_folder(tmp_path / "other-tf", "3.8.0", "jax", [built("b")])
    assert [d.case_id for d in differences(discover(tmp_path))] == ["a"]


def test_a_backend_rule_the_engine_knows_explains_a_backend_refusal(tmp_path: Path) -> None:
    run_folder(tmp_path / "tf", "3.15.1", "tensorflow", [built("a")])
    run_folder(tmp_path / "jax", "3.15.1", "jax", [refused("a")])
    [d] = differences(discover(tmp_path))
    assert d.between_backends
    assert (
        d.explanation
        == "FINDING: backends of one Keras version disagree; predicted: the engine's formulas for these backends differ in the same way"
    )


def test_skipped_cases_are_not_differences(tmp_path: Path) -> None:
    run_folder(tmp_path / "k2", "2.15.0", "tensorflow", [{"case_id": "a", "layer": "Dense", "status": "skipped"}])
    run_folder(tmp_path / "k3", "3.15.1", "tensorflow", [built("a")])
    assert differences(discover(tmp_path)) == []


def test_folders_without_environment_csv_are_not_runs(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "results.csv").write_text("x\n")
    assert discover(tmp_path) == []


def test_shards_partition_the_catalog() -> None:
    cases = load_cases(builtin_paths())[0]
    shards = [[c.id for c in cases if in_shard(c.id, i, 3)] for i in (1, 2, 3)]
    assert sorted(sum(shards, [])) == sorted(c.id for c in cases)
    assert all(len(s) > len(cases) / 6 for s in shards)


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "a/b", "1"])
def test_a_bad_shard_is_refused_with_the_text(text: str) -> None:
    with pytest.raises(ValueError, match=repr(text).replace("/", "/")):
        parse_shard(text)


def test_recorded_differences_explain_only_when_they_split_the_runs_the_way_keras_did(tmp_path, monkeypatch) -> None:
    from verify import matrix

    added = matrix.VersionDifference("added", "Dense", ".", ("<2.13",), "Dense added after 2.12", "https://x/added")
    order = matrix.VersionDifference("order", "Dense", ".", (">=3",), "Keras 3 orders the weights differently", "https://x/order")
    run_folder(tmp_path / "a", "2.12.0", "tensorflow", [refused("a")])
    run_folder(tmp_path / "b", "2.15.0", "tensorflow", [built("a")])
    run_folder(tmp_path / "c", "3.15.1", "tensorflow", [built("a", status="mismatch") | {"observed_weights": "other order"}])
    runs = discover(tmp_path)
    monkeypatch.setattr(matrix, "shipped_differences", lambda: (added,))
    [d] = differences(runs)
    assert d.explanation.startswith("unexplained (in part: Dense added after 2.12")
    monkeypatch.setattr(matrix, "shipped_differences", lambda: (added, order))
    [d] = differences(runs)
    assert d.explanation == "Dense added after 2.12 (https://x/added); Keras 3 orders the weights differently (https://x/order)"


def test_the_newest_versions_changes_come_first_under_their_own_heading(tmp_path: Path) -> None:
    run_folder(tmp_path / "old", "3.8.0", "tensorflow", [built("a"), built("b"), built("c")])
    run_folder(tmp_path / "k315", "3.15.1", "tensorflow", [built("a"), refused("b"), built("c")])
    run_folder(tmp_path / "nightly", "3.16.0.dev2026102704", "tensorflow", [built("a", nt="1"), refused("b"), built("c")])
    runs = discover(tmp_path)
    assert [r.keras for r in runs] == ["3.8.0", "3.15.1", "3.16.0.dev2026102704"]
    diffs = differences(runs)
    assert {d.case_id for d in diffs} == {"a", "b"}
    from verify.matrix import is_prerelease, newest_changes

    before, latest, changed = newest_changes(runs, diffs)  # type: ignore[misc]
    assert (before.keras, latest.keras) == ("3.15.1", "3.16.0.dev2026102704")
    assert [d.case_id for d in changed] == ["a"]  # b changed in 3.15.1, not in the nightly
    assert is_prerelease(latest.keras) and not is_prerelease(before.keras)
    text = render_markdown(runs, diffs)
    head = text.index("## What Keras 3.16.0.dev2026102704 changes: the next release (a pre-release), against 3.15.1 (1)")
    rest = text.index("## Other cases whose observed result differs between runs (1)")
    assert head < text.index("| a | Dense | 7,850 + 0 → (None, 10) | 7,850 + 1 → (None, 10) |") < rest
    assert text.index("| b | Dense |") > rest


def test_many_runs_group_the_runs_that_saw_the_same_thing(tmp_path: Path) -> None:
    versions = [f"3.{minor}.0" for minor in range(10)]
    for minor, keras in enumerate(versions):
        run_folder(tmp_path / keras, keras, "tensorflow", [built("a") if minor < 4 else refused("a")])
    runs = discover(tmp_path)
    text = render_markdown(runs, differences(runs))
    assert (
        "| a | Dense | Keras 3.0.0–3.3.0 (tensorflow): 7,850 + 0 → (None, 10); Keras 3.4.0–3.9.0 (tensorflow): refused |" in text
    )


def _noxfile(monkeypatch: pytest.MonkeyPatch, keras: str = "", every: str = "") -> Any:
    """noxfile.py imported with a stand-in for nox (the test extra does not install nox; only
    the session table and the selection are under test here)."""
    import importlib.util
    import sys
    import types

    fake = types.ModuleType("nox")
    fake.options = types.SimpleNamespace()  # type: ignore[attr-defined]
    fake.Session = object  # type: ignore[attr-defined]
    fake.session = lambda **kwargs: lambda f: f  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nox", fake)
    monkeypatch.setenv("KERAS", keras)
    monkeypatch.setenv("ALL", every)
    spec = importlib.util.spec_from_file_location("noxfile_under_test", Path(__file__).parents[1] / "noxfile.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_matrix_has_every_release_line_and_selects_them_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    nf = _noxfile(monkeypatch)
    lines = {name.split("-")[1] for name in nf.SESSIONS if name.startswith("keras-3.")}
    assert lines == {f"3.{minor}" for minor in range(16)}
    assert {name.split("-")[1] for name in nf.SESSIONS if name.startswith(("keras-2.", "tf_keras-2."))} == {
        f"2.{minor}" for minor in range(12, 22)
    }
    assert nf.nox.options.tags == list(nf.MATRIX) and len(nf.MATRIX) == 8  # the default stays short
    assert _noxfile(monkeypatch, "3.1").nox.options.tags == ["keras-3.1-tensorflow"]  # not 3.10
    assert _noxfile(monkeypatch, "3.15").nox.options.tags == ["keras-3.15-tensorflow", "keras-3.15-jax", "keras-3.15-torch"]
    assert _noxfile(monkeypatch, "nightly").nox.options.tags == ["keras-nightly-tensorflow"]
    assert _noxfile(monkeypatch, every="1").nox.options.tags == list(nf.SESSIONS) and len(nf.SESSIONS) == 29


def test_a_sweep_beside_the_runs_is_not_merged_into_them(tmp_path: Path) -> None:
    """paramproof sweep writes reports/sweep/ by default: its random draws are not catalog cases."""
    run_folder(tmp_path / "k3", "3.15.1", "tensorflow", [built("a")])
    run_folder(tmp_path / "sweep", "3.15.1", "tensorflow", [built("sweep-Dense-0-1"), built("sweep-Dense-0-2")])
    [run] = discover(tmp_path)
    assert list(run.rows) == ["a"] and run.folders == [tmp_path / "k3"]
