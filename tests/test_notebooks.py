"""Notebooks: thin, outputs-free, one typed ``parameters`` cell, and each one runs.

Static checks read the committed JSON. The execution test runs every notebook through
papermill on the registered ``coopstats`` kernel with its smallest parameter set (the ``ci``
variant of the first report definition that uses it); it is marked ``slow`` but runs in
``make test``.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest

from coopstats.build import load_definitions
from coopstats.params import NOTEBOOK_PARAMS, validate_params
from coopstats.provenance import PROVENANCE_MIME
from coopstats.sources.processed import ensure_processed

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def _params_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]


def test_the_expected_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= {"00_facts_overview.ipynb"}
    assert set(IDS) <= set(NOTEBOOK_PARAMS), "every notebook needs a params dataclass"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_exactly_one_parameters_cell(path):
    cells = _params_cells(_nb(path))
    assert len(cells) == 1, f"{path.name}: {len(cells)} cells tagged 'parameters'"
    assert cells[0]["cell_type"] == "code"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path):
    for i, cell in enumerate(_nb(path)["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name} cell {i} has outputs"
            assert cell["execution_count"] is None, f"{path.name} cell {i} has an execution count"
        assert "injected-parameters" not in cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_thin_no_definitions_no_file_writes(path):
    for i, cell in enumerate(_nb(path)["cells"]):
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(_src(cell))
        for node in ast.walk(tree):
            assert not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ), f"{path.name} cell {i}: define functions in src/coopstats, not in a notebook"
        assert not re.search(
            r"\.(to_csv|to_parquet|savefig|write_text|write_bytes)\(|open\(", _src(cell)
        ), f"{path.name} cell {i} writes files"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_structure_intro_kernel_provenance(path):
    nb = _nb(path)
    assert nb["metadata"]["kernelspec"]["name"] == "coopstats"
    assert nb["cells"][0]["cell_type"] == "markdown" and _src(nb["cells"][0]).startswith("# ")
    code = "\n".join(_src(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert code.count("show_provenance(") == 1
    # prose says what to notice: several markdown cells, not only the intro
    md = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert len(md) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_are_typed_commented_literals_matching_the_dataclass(path):
    cell = _params_cells(_nb(path))[0]
    source = _src(cell)
    tree = ast.parse(source)
    declared = {}
    lines = source.splitlines()
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name), (
            f"{path.name}: parameters cell line {node.lineno} is not `name: type = literal`"
        )
        assert "#" in lines[node.lineno - 1], (
            f"{path.name}: parameter {node.target.id} has no comment"
        )
        declared[node.target.id] = ast.literal_eval(node.value)
    cls = NOTEBOOK_PARAMS[path.name]
    defaults = {
        f.name: (f.default if f.default is not dataclasses.MISSING else f.default_factory())
        for f in dataclasses.fields(cls)
    }
    assert declared == defaults, f"{path.name}: parameters cell and {cls.__name__} disagree"
    validate_params(path.name, declared)  # the defaults themselves are valid


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_papermill_sees_every_parameter(path):
    import papermill as pm

    seen = pm.inspect_notebook(str(path))
    cls = NOTEBOOK_PARAMS[path.name]
    assert set(seen) == {f.name for f in dataclasses.fields(cls)}
    assert all(p["help"] for p in seen.values()), (
        "every parameter has a comment papermill shows as help"
    )


def _ci_parameters() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for d in load_definitions(ROOT):
        out.setdefault(d.notebook, d.parameters_for("ci"))
    return out


def test_every_notebook_is_used_by_a_report_definition():
    assert set(IDS) <= set(_ci_parameters())


@pytest.fixture(scope="module")
def processed_data():
    """data/processed built (or confirmed fresh) the way `make report` does it."""
    defs = load_definitions(ROOT)
    if any(p.startswith("data/processed") for d in defs for p in d.inputs):
        ensure_processed(ROOT)
    return ROOT / "data" / "processed"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_with_its_smallest_parameters(path, tmp_path, processed_data):
    import papermill as pm

    params = _ci_parameters()[path.name]
    validate_params(path.name, params)
    out = tmp_path / path.name
    pm.execute_notebook(
        str(path),
        str(out),
        parameters=params,
        kernel_name="coopstats",
        language="python",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        execution_timeout=600,
    )
    nb = _nb(out)
    errors = [
        o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    mimes = {m for c in nb["cells"] for o in c.get("outputs", []) for m in o.get("data", {})}
    assert PROVENANCE_MIME in mimes
    assert "image/png" in mimes, f"{path.name} shows no figure"
