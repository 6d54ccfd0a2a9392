"""Report definitions and failures (issue 13): refused paths, duplicate keys, kept reasons,
failure isolation with the index marking the failed report.

Definitions are checked without executing anything; the isolation test runs the real notebook
00_facts_overview on a throw-away project (one language, no PDF), like tests/test_report.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coopstats.build import build, load_definitions
from coopstats.build import run as build_run
from coopstats.errors import DataFileError, InvalidParameterError, ReportsFailedError

ROOT = Path(__file__).resolve().parents[1]
NB = "00_facts_overview.ipynb"


def _definition(**over) -> str:
    body = {
        "title": "Test report",
        "notebook": NB,
        "parameters": {"bloc": "EAEU", "facts_path": "../data/raw/facts/facts.csv"},
        "inputs": ["data/raw/facts/facts.csv"],
        **over,
    }
    return json.dumps(body)  # JSON is YAML


def _project(tmp: Path) -> Path:
    root = tmp / "p"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / NB, root / "notebooks" / NB)
    (root / "data" / "raw" / "facts").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / "facts" / "facts.csv", root / "data" / "raw" / "facts")
    (root / "reports" / "definitions").mkdir(parents=True)
    return root


def _load_error(tmp_path: Path, text: str, exc=DataFileError):
    root = _project(tmp_path)
    (root / "reports" / "definitions" / "rep.yaml").write_text(text)
    with pytest.raises(exc) as err:
        load_definitions(root)
    assert "rep.yaml" in str(err.value)
    return err.value


@pytest.mark.parametrize("notebook", ["../../x/evil.ipynb", "/tmp/evil.ipynb", "../README.md"])
def test_notebook_outside_notebooks_folder_is_refused(tmp_path: Path, notebook: str) -> None:
    outside = tmp_path / "x"
    outside.mkdir()
    (outside / "evil.ipynb").write_text("{}")
    err = _load_error(tmp_path, _definition(notebook=notebook))
    assert err.column == "notebook" and "inside the project's notebooks/" in str(err)


@pytest.mark.parametrize("item", ["/etc/passwd", "../outside.csv", "data/../../outside.csv"])
def test_inputs_outside_the_project_are_refused(tmp_path: Path, item: str) -> None:
    err = _load_error(tmp_path, _definition(inputs=["data/raw/facts/facts.csv", item]))
    assert err.column == "inputs" and err.value == item


def test_duplicated_yaml_key_is_rejected(tmp_path: Path) -> None:
    text = (
        "title: A\nnotebook: 00_facts_overview.ipynb\ntitle: B\n"
        "inputs: [data/raw/facts/facts.csv]\n"
    )
    err = _load_error(tmp_path, text)
    assert err.line == 3 and "duplicate key 'title'" in str(err) and "line 1" in str(err)


def test_parameter_reason_is_kept_in_the_error(tmp_path: Path) -> None:
    params = {"bloc": "EAEU", "start_year": "twenty", "facts_path": "../data/raw/facts/facts.csv"}
    err = _load_error(tmp_path, _definition(parameters=params), exc=InvalidParameterError)
    text = str(err)
    assert "start_year" in text and "rep.yaml, full variant" in text
    assert err.why and err.why.split(";")[0] in text  # the validator's own reason comes first
    assert "int" in text


@pytest.mark.slow
def test_failing_report_is_recorded_and_the_others_still_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(build_run, "DEFAULT_LANGUAGES", ("en",))
    monkeypatch.setattr(build_run, "DEFAULT_PDF", False)
    root = _project(tmp_path)
    defs = root / "reports" / "definitions"
    (defs / "a_bad.yaml").write_text(_definition(title="Bad"))
    (defs / "b_good.yaml").write_text(_definition(title="Good"))
    build(root, stamp="S1")  # both pages built
    bad_page = root / "reports" / "a_bad" / "en" / "index.html"
    before = bad_page.read_text()
    params = {
        "bloc": "EAEU",
        "metric": "no_such_metric",
        "facts_path": "../data/raw/facts/facts.csv",
    }
    (defs / "a_bad.yaml").write_text(_definition(title="Bad", parameters=params))
    with pytest.raises(ReportsFailedError) as err:
        build(root, stamp="S2")
    assert [f[0] for f in err.value.failures] == ["a_bad"] and err.value.built == ["b_good"]
    assert "no_such_metric" in str(err.value)
    assert bad_page.read_text() == before  # the previous page is kept
    index = (root / "reports" / "index.html").read_text()
    assert "FAILED (en) in the last build" in index and "no_such_metric" in index
    assert "from an earlier build" in index
    # `coopstats report` turns the error into a non-zero exit (without re-running the notebook)
    from coopstats.cli import main

    def failing_build(*args, **kwargs):
        raise err.value

    monkeypatch.setattr(build_run, "build", failing_build)
    assert main(["report", "--root", str(root)]) == 2
    assert "a_bad (en)" in capsys.readouterr().err
    monkeypatch.undo()
    monkeypatch.setattr(build_run, "DEFAULT_LANGUAGES", ("en",))
    monkeypatch.setattr(build_run, "DEFAULT_PDF", False)
    (defs / "a_bad.yaml").write_text(_definition(title="Bad"))
    build(root, stamp="S3")  # fixed: the failure mark goes away
    assert "FAILED" not in (root / "reports" / "index.html").read_text()


@pytest.mark.slow
def test_a_broken_definition_is_recorded_and_the_others_still_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_run, "DEFAULT_LANGUAGES", ("en",))
    monkeypatch.setattr(build_run, "DEFAULT_PDF", False)
    root = _project(tmp_path)
    defs = root / "reports" / "definitions"
    (defs / "a_broken.yaml").write_text(
        "title: A\nnotebook: 00_facts_overview.ipynb\ntitle: B\n"
        "inputs: [data/raw/facts/facts.csv]\n"
    )
    (defs / "b_good.yaml").write_text(_definition(title="Good"))
    with pytest.raises(ReportsFailedError) as err:
        build(root, stamp="S1")
    assert [f[:2] for f in err.value.failures] == [("a_broken", "en")]
    assert err.value.built == ["b_good"] and "duplicate key 'title'" in str(err.value)
    assert (root / "reports" / "b_good" / "en" / "index.html").is_file()
    index = (root / "reports" / "index.html").read_text()
    assert "FAILED (en) in the last build" in index and "a_broken.yaml" in index
    assert "could not be read" in index
    # load_definitions (strict) still raises the first error, naming the file
    with pytest.raises(DataFileError, match="a_broken.yaml"):
        load_definitions(root)
