"""PARAMETER GRID (slow, issue 12): notebooks 02/03/04 over legitimate parameter sets.

Each notebook runs in one kernel over its parameter sets (the namespace is reset between
runs, the imports stay warm): every bloc, several sectors, windows inside the data, before it
(years before 2015), beyond it (end_year after the last year) and across the HS 2017
revision change, every membership rule, both inference methods and both dependency criteria.
A run fails on an error, on any warning or log line printed by the computation, on an empty
figure (``coopstats_has_data`` of each PNG) or on a leak in the rendered HTML (a captured
warning, a traceback or a local path: :func:`coopstats.build.sanitize.find_leaks`).

The data are the synthetic demonstration panel built from ``data/raw`` without any BACI flow
file into ``.build/grid-processed`` (deterministic; rebuilt when ``data/raw`` or the builder
changes), so the grid does not depend on which real extract is present. About 20
executions; a few minutes on a loaded two-core machine.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRID_DIR = ROOT / ".build" / "grid-processed"
REL = "../.build/grid-processed"  # relative to notebooks/, as report parameters are

GRID: dict[str, list[dict]] = {
    "02_growth.ipynb": [
        {},  # defaults: EAEU, BLR -> RUS, 2015-2024, break 2022
        {"bloc": "UNION_STATE", "sectors": ["microelectronics", "machine_tools"]},
        {
            "bloc": "CIS",
            "exporter_iso3": "KAZ",
            "importer_iso3": "UKR",
            "sectors": ["uav"],
            "start_year": 2012,
            "end_year": 2026,
            "break_year": 2022,
            "as_of": "any_day",
        },
        {
            "bloc": "CSTO",
            "exporter_iso3": "RUS",
            "importer_iso3": "ARM",
            "sectors": ["advanced_materials"],
            "start_year": 2016,
            "end_year": 2019,
            "break_year": 2017,
            "as_of": "full_year",
        },
        {
            "bloc": "CUSTOMS_UNION",
            "exporter_iso3": "BLR",
            "importer_iso3": "KAZ",
            "sectors": ["machine_tools"],
            "start_year": 2012,
            "end_year": 2016,
            "break_year": 2014,
        },
        {
            "bloc": "EAEU",
            "exporter_iso3": "RUS",
            "importer_iso3": "KGZ",
            "sectors": ["optics"],
            "start_year": 2015,
            "end_year": 2024,
            "break_year": 2020,
            "inference": "hac_fixed_b",
            "as_of": "mid_year",
        },
        {
            "bloc": "EAEU",
            "exporter_iso3": "KAZ",
            "importer_iso3": "BLR",
            "sectors": ["microelectronics"],
            "start_year": 2020,
            "end_year": 2025,
            "break_year": 2022,
            "language": "ru",
        },
    ],
    "03_localization.ipynb": [
        {},
        {"bloc": "CIS", "sectors": ["advanced_materials"], "top_suppliers": 10},
        {"bloc": "CSTO", "sectors": ["uav", "optics"], "criteria": "ec", "as_of": "mid_year"},
        {
            "bloc": "UNION_STATE",
            "sectors": ["microelectronics"],
            "start_year": 2019,
            "end_year": 2024,
            "criteria": "ec",
            "extra_share_threshold": 0.6,
        },
        {
            "bloc": "CUSTOMS_UNION",
            "sectors": ["machine_tools"],
            "start_year": 2012,
            "end_year": 2016,
        },
        {
            "bloc": "EAEU",
            "sectors": ["machine_tools"],
            "start_year": 2016,
            "end_year": 2026,
            "as_of": "year_start",
            "hhi_imports_threshold": 0.25,
            "language": "ru",
        },
    ],
    "04_sector_priority.ipynb": [
        {"stability_draws": 50},
        {
            "bloc": "CIS",
            "sectors": ["advanced_materials", "optics", "uav"],
            "stability_draws": 50,
            "method": "rank",
            "as_of": "any_day",
        },
        {
            "bloc": "CSTO",
            "sectors": ["uav", "optics", "microelectronics"],
            "stability_draws": 50,
            "start_year": 2017,
            "end_year": 2025,
            "top_k": 1,
        },
        {
            "bloc": "UNION_STATE",
            "sectors": ["microelectronics", "machine_tools"],
            "stability_draws": 50,
            "weights": {"extra_bloc_hhi": 1.0, "dependent_share_pct": 2.0},
        },
        {
            "bloc": "EAEU",
            "sectors": ["machine_tools", "optics"],
            "stability_draws": 50,
            "start_year": 2018,
            "end_year": 2022,
            "method": "minmax",
            "language": "ru",
        },
    ],
}


def _raw_state(raw: Path) -> str:
    files = sorted(p for p in raw.rglob("*") if p.is_file() and not p.name.startswith("BACI_"))
    code = sorted((ROOT / "src" / "coopstats" / "sources").glob("*.py"))
    return "\n".join(
        f"{p.relative_to(ROOT)}\t{p.stat().st_size}\t{p.stat().st_mtime_ns}"
        for p in [*files, *code]
    )


@pytest.fixture(scope="module")
def grid_processed() -> str:
    """Synthetic-only processed data in .build/grid-processed (built once, then reused)."""
    from coopstats.sources.ingest import build_processed

    raw = ROOT / "data" / "raw"
    state = _raw_state(raw)
    stamp = GRID_DIR / "grid.state"
    if not (
        stamp.is_file() and stamp.read_text() == state and (GRID_DIR / "manifest.json").is_file()
    ):
        work = ROOT / ".build" / "grid-raw"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(raw, work, ignore=shutil.ignore_patterns("BACI_*_Y*", "downloads"))
        build_processed(work, GRID_DIR)
        shutil.rmtree(work, ignore_errors=True)
        stamp.write_text(state)
    return REL


def _check(nb, label: str) -> list[str]:
    from nbconvert import HTMLExporter

    from coopstats.build.sanitize import find_leaks, warnings_to_notes

    problems = []
    figures = 0
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"{label}: cell {i} error {out.get('ename')}: {out.get('evalue')}")
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"{label}: cell {i} printed a warning: {out.get('text', '')[:300]}")
            meta = out.get("metadata", {}).get("image/png", {})
            figures += "image/png" in out.get("data", {})
            if "image/png" in out.get("data", {}) and not meta.get("coopstats_has_data", False):
                problems.append(f"{label}: cell {i} shows an empty figure")
    warnings_to_notes(nb)
    page, _ = HTMLExporter(template_name="lab", exclude_input=True).from_notebook_node(nb)
    problems += [f"{label}: page leaks {leak}" for leak in find_leaks(page, root=ROOT)]
    return problems, figures


@pytest.mark.slow
@pytest.mark.parametrize("notebook", sorted(GRID))
def test_notebook_over_the_parameter_grid(notebook, grid_processed):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from coopstats.params import validate_params

    source = load_notebook_node(str(ROOT / "notebooks" / notebook))
    source.metadata["kernelspec"] = {
        "name": "coopstats",
        "language": "python",
        "display_name": "coopstats",
    }
    client = NotebookClient(
        copy.deepcopy(source),
        kernel_name="coopstats",
        timeout=600,
        allow_errors=True,
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    problems: list[str] = []
    figures = 0
    with client.setup_kernel():
        for k, extra in enumerate(GRID[notebook]):
            params = {"processed_dir": grid_processed, **extra}
            validate_params(notebook, params)  # every set is legitimate
            nb = parameterize_notebook(
                copy.deepcopy(source), params, kernel_name="coopstats", language="python"
            )
            client.nb = nb
            reset = nbformat.v4.new_code_cell("%reset -f")
            client.execute_cell(reset, 0)
            for i, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    try:
                        client.execute_cell(cell, i)
                    except CellExecutionError as err:  # pragma: no cover - reported below
                        problems.append(f"{notebook} set {k}: cell {i}: {err}")
                        break
            found, shown = _check(nb, f"{notebook} set {k} {extra}")
            problems += found
            figures += shown
    assert not problems, "\n".join(problems)
    assert figures >= len(GRID[notebook]), f"{notebook}: only {figures} figures over the grid"


@pytest.mark.parametrize("notebook", sorted(GRID))
def test_every_declared_parameter_is_used_by_the_notebook(notebook):
    """A parameter the notebook does not use would be accepted and silently ignored."""
    import dataclasses

    import nbformat

    from coopstats.params import params_class

    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    code = "\n".join(
        c.source
        for c in nb.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    )
    for f in dataclasses.fields(params_class(notebook)):
        if f.name.endswith("_fingerprint"):
            continue  # provenance records them (show_provenance(params, ...))
        assert f"params.{f.name}" in code, f"{notebook}: parameter {f.name!r} is never used"


def test_a_parameter_the_notebook_does_not_declare_is_rejected():
    from coopstats.errors import InvalidParameterError
    from coopstats.params import validate_params

    with pytest.raises(InvalidParameterError, match="currency"):
        validate_params("02_growth.ipynb", {"currency": "RUB"})
    with pytest.raises(InvalidParameterError, match="as_of"):
        validate_params("03_localization.ipynb", {"as_of": "someday"})
