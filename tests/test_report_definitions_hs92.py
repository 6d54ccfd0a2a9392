"""Every shipped report definition that reads processed trade data runs on an HS92 release.

The release is the session fixture ``hs92_release_processed`` (tests/conftest.py: a small
BACI HS92 V202601 release, 2015-2024, in CEPII's layout with the real dictionaries, built with
``coopstats data build``). Each definition's notebook is executed with its ``ci`` parameters
and ``processed_dir`` pointed at that build; the run must finish without an error cell and
show its coverage section (computed text, never an empty chart or an exception).

One definition per notebook is executed (the first of each, as in tests/test_notebooks.py):
the others differ in parameters only, which tests/test_notebooks.py and the parameter-grid
tests check. Definitions that read a specific dataset other than the release (the
critical-materials page reads the BACI HS17 V202601 extract) or no processed data at all
(facts and press-release pages) are listed with the reason they are not run here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopstats.build import load_definitions
from coopstats.params import NOTEBOOK_PARAMS

ROOT = Path(__file__).resolve().parents[1]


def _selection():
    run, skipped, seen = [], [], set()
    for d in load_definitions(ROOT):
        processed = [p for p in d.inputs if p.startswith("data/processed")]
        fields = {f for f in NOTEBOOK_PARAMS[d.notebook].__dataclass_fields__}
        if not processed:
            skipped.append((d.name, "reads no processed trade data (facts or texts only)"))
        elif any("dataset=" in p and "HS92" not in p for p in processed):
            skipped.append((d.name, "reads a specific extract's partitions, not a full release"))
        elif "processed_dir" not in fields:
            skipped.append((d.name, "its notebook takes no processed_dir parameter"))
        elif d.notebook not in seen:
            seen.add(d.notebook)
            run.append(d)
    return run, skipped


RUN, SKIPPED = _selection()


def test_the_selection_covers_the_trade_notebooks():
    names = {d.notebook for d in RUN}
    assert {"02_growth.ipynb", "03_localization.ipynb", "04_sector_priority.ipynb"} <= names
    # every definition is either run (its notebook) or skipped with a stated reason
    assert all(reason for _, reason in SKIPPED)


@pytest.mark.slow
@pytest.mark.parametrize("definition", RUN, ids=lambda d: d.name)
def test_definition_runs_on_the_hs92_release(definition, hs92_release_processed, tmp_path):
    import papermill as pm

    params = dict(definition.parameters_for("ci"))
    params["processed_dir"] = str(hs92_release_processed)
    out = tmp_path / definition.notebook
    pm.execute_notebook(
        str(ROOT / "notebooks" / definition.notebook),
        str(out),
        parameters=params,
        kernel_name="coopstats",
        language="python",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        execution_timeout=600,
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    errors = [
        o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    texts = [
        "".join(o["data"]["text/markdown"])
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]
    # the coverage section is computed from the release: it names its dataset and years
    assert any("BACI_HS92_V202601" in t and "Coverage" in t for t in texts), texts
