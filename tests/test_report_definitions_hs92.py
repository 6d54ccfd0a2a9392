"""Every shipped report definition that reads processed trade data runs on an HS92 release.

The release is the session fixture ``hs92_release_processed`` (tests/conftest.py: a small
BACI HS92 V202601 release, 2015-2024, in CEPII's layout with the real dictionaries, built with
``coopstats data build``). Each definition's notebook is executed with its ``ci`` parameters
and ``processed_dir`` pointed at that build; the run must finish without an error cell and
show its coverage section (computed text, never an empty chart or an exception).

One definition per notebook is executed (the first of each, as in tests/test_notebooks.py):
the others differ in parameters only, which tests/test_notebooks.py and the parameter-grid
tests check. Pages that read one dataset's partitions (gravity, event study) are pointed at
the release's dataset. Definitions built on the BACI HS17 V202601 critical-materials extract
(their 30 codes are not in the fixture's product sample) or reading no processed data at all
(facts and press-release pages) are listed with the reason they are not run here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopstats.build import load_definitions
from coopstats.params import NOTEBOOK_PARAMS

ROOT = Path(__file__).resolve().parents[1]


RELEASE = "BACI_HS92_V202601"


def _selection():
    run, skipped, seen = [], [], set()
    for d in load_definitions(ROOT):
        processed = [p for p in d.inputs if p.startswith("data/processed")]
        fields = {f for f in NOTEBOOK_PARAMS[d.notebook].__dataclass_fields__}
        dataset = str(d.parameters.get("dataset", ""))
        if not processed:
            skipped.append((d.name, "reads no processed trade data (facts or texts only)"))
        elif dataset.startswith("BACI_HS17"):
            skipped.append(
                (
                    d.name,
                    f"built on the {dataset} critical-materials extract, whose "
                    "30 codes are not in the fixture release's product sample",
                )
            )
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
    assert {"07_gravity.ipynb", "08_event_study.ipynb"} <= names
    # every definition is either run (its notebook) or skipped with a stated reason
    assert all(reason for _, reason in SKIPPED)


@pytest.mark.slow
@pytest.mark.parametrize("definition", RUN, ids=lambda d: d.name)
def test_definition_runs_on_the_hs92_release(definition, hs92_release_processed, tmp_path):
    import papermill as pm

    params = dict(definition.parameters_for("ci"))
    params["processed_dir"] = str(hs92_release_processed)
    if "dataset" in params:  # pages reading one dataset's partitions read the release's
        params["dataset"] = RELEASE
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
    assert any(RELEASE in t and "Coverage" in t for t in texts), texts
