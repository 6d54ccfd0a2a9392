"""Every table a cell makes is shown; warnings become escaped notes without local paths."""

from __future__ import annotations

import pytest

from coopstats.build.sanitize import WARNING_NOTE_CLASS, find_leaks, scrub_paths, warnings_to_notes

SOURCE = """
import warnings
import pandas as pd
from coopstats.tables import table
table(pd.DataFrame({"a": [1]}), source="s", caption="first table")
warnings.warn("odd <b>value</b> in /work/main/data/processed/trade.parquet")
table(pd.DataFrame({"b": [2]}), source="s", caption="second table")
"""


@pytest.mark.slow
def test_two_tables_in_a_cell_both_render_and_the_warning_becomes_a_note():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SOURCE)]
    NotebookClient(nb, kernel_name="coopstats", timeout=120).execute()
    html_outputs = [
        o["data"]["text/html"] for o in nb.cells[0].outputs if "text/html" in o.get("data", {})
    ]
    assert sum("first table" in h for h in html_outputs) == 1
    assert sum("second table" in h for h in html_outputs) == 1  # shown once, not twice
    warnings_to_notes(nb)
    notes = [
        o["data"]["text/html"]
        for o in nb.cells[0].outputs
        if WARNING_NOTE_CLASS in o.get("data", {}).get("text/html", "")
    ]
    assert len(notes) == 1
    assert "&lt;b&gt;value&lt;/b&gt;" in notes[0] and "/work/main" not in notes[0]
    assert "…/trade.parquet" in notes[0]
    assert nb.metadata["coopstats"]["captured_warnings"]
    assert not any(o.get("name") == "stderr" for o in nb.cells[0].outputs)
    page = "".join(notes)
    assert find_leaks(page) == ["a captured warning (note) is on the page"]


def test_scrub_and_leak_detection():
    assert scrub_paths("C:\\Users\\me\\x.csv and /home/u/a/b.py:3") == "…/x.csv and …/b.py:3"
    assert find_leaks("<p>ok ../data/processed and https://cepii.fr/a/b</p>") == []
    assert find_leaks("<pre>Traceback (most recent call last):</pre>") == ["a traceback"]
    assert find_leaks("x UserWarning: y")[0].startswith("raw warning")
    assert find_leaks("<p>/tmp/pytest-1/x.html</p>")[0].startswith("a local path")
