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

from coopstats.build import load_definitions
from coopstats.errors import DataFileError, InvalidParameterError

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
