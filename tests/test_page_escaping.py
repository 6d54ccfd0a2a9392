"""Hostile text from data never becomes markup: facts, events and report definitions.

Every text column of the shipped facts table and the shipped events gets script-injection
strings (``"><script>``, ``<img onerror>``, a ``javascript:`` link, a URL that breaks out of
``href``); the rendered report tables, the index page and a page header must show them as
text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from coopstats.tables import table

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = [
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(2)>",
    "javascript:alert(3)",
    'https://example.org/x"><script>alert(4)</script>',
    "https://example.org/ok?a=1&b=<svg/onload=alert(5)>",
]
# markup the hostile strings would create if they were not escaped
RAW = re.compile(r"<script|<img|<svg|onerror=alert\(2\)>|href=\"javascript", re.I)


def _poison(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    out = frame.head(len(HOSTILE)).copy().reset_index(drop=True)
    cols = [
        c
        for c in out.columns
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype)
    ]
    for c in cols:
        out[c] = out[c].astype(object)
        for i in range(len(out)):
            out.at[i, c] = HOSTILE[i % len(HOSTILE)]
    return out, cols


def _assert_inert(page: str) -> None:
    assert not RAW.search(page), RAW.search(page).group(0)
    for m in re.finditer(r'href="([^"]*)"', page):
        href = m.group(1)
        assert not href.lower().startswith("javascript") and "<" not in href, href


def test_every_text_column_of_facts_is_escaped_in_tables():
    from coopstats.sources.processed import load_facts

    facts, cols = _poison(load_facts(ROOT / "data" / "raw" / "facts" / "facts.csv"))
    assert {"source_url", "note"} <= set(cols)
    page = table(facts, source=HOSTILE[0], caption=HOSTILE[1])._repr_html_()
    _assert_inert(page)
    assert "&lt;script&gt;" in page and "&quot;&gt;" in page
    # a proper URL is still a link
    ok = table(pd.DataFrame({"source_url": ["https://eaeunion.org/news?a=1&b=2"]}), source="s")
    assert '<a href="https://eaeunion.org/news?a=1&amp;b=2"' in ok._repr_html_()


def test_every_text_column_of_events_is_escaped_in_tables():
    from coopstats import events

    ev = events.read_events_jsonl(ROOT / "data" / "raw" / "events" / "seed_events.jsonl")
    frame = ev.events if hasattr(ev, "events") else ev
    poisoned, cols = _poison(frame)
    assert cols
    _assert_inert(table(poisoned, source="events", caption=HOSTILE[2])._repr_html_())


@pytest.fixture(name="hostile_root")
def fixture_hostile_root(tmp_path):
    (tmp_path / "reports" / "definitions").mkdir(parents=True)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "data").mkdir()
    text = (
        "title: '\"><script>alert(1)</script>'\n"
        "notebook: 02_growth.ipynb\n"
        "description: '<img src=x onerror=alert(2)>'\n"
        "parameters:\n  exporter_iso3: BLR\n"
        "inputs:\n  - data/raw/facts/facts.csv\n"
    )
    (tmp_path / "reports" / "definitions" / "hostile.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_definition_title_and_description_are_escaped_on_index_and_page(hostile_root):
    import nbformat

    from coopstats.build import load_definitions
    from coopstats.build.index import write_index
    from coopstats.build.render import render_html

    (d,) = load_definitions(hostile_root)
    index = write_index(hostile_root, stamp="test").read_text(encoding="utf-8")
    _assert_inert(index)
    assert "&lt;script&gt;" in index
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<div id='provenance'></div>"})
    ]
    nb.cells = [cell]
    page = render_html(nb, d, {"exporter_iso3": HOSTILE[1]}, synthetic=False, stamp="test")
    _assert_inert(page)
