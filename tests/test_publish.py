"""Publishable outputs: number formatting, en/ru catalogue, figure and table exports, folders.

The end-to-end test builds one real report (notebook 00 on the real facts table) in both
languages into a throw-away project and checks the folder: page, figures as SVG/PDF/PNG
(300 dpi), tables as CSV, CITATION with the data vintage, a PDF of the page (when headless
Chromium is installed; CI installs it), the language landing page and the index links.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from coopstats import outputs, text
from coopstats.build import publish
from coopstats.errors import DataFileError, InvalidParameterError
from coopstats.tables import table, with_hs_descriptions

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"


# ---------------------------------------------------------------- numbers and words


@pytest.mark.parametrize(
    ("value", "en", "ru"),
    [
        (79551551.0, "79,551,551", f"79{NBSP}551{NBSP}551"),
        (5.0, "5", "5"),
        (127.5, "127.5", "127,5"),
        (1234.5678, "1,235", f"1{NBSP}235"),
        (0.012345, "0.0123", "0,0123"),
        (-3.25, "-3.25", "−3,25"),
        (-0.0, "0", "0"),
        (None, "—", "—"),
        (float("nan"), "—", "—"),
    ],
)
def test_format_number_reads_well_in_both_languages(value, en, ru):
    assert text.format_number(value, "en") == en
    assert text.format_number(value, "ru") == ru


def test_money_percent_and_cells():
    assert text.format_money(192_000_000, "USD", "en") == f"US${NBSP}192{NBSP}m"
    assert text.format_money(192_000_000, "USD", "ru") == f"192{NBSP}млн{NBSP}долл. США"
    assert text.format_money(18e9, "RUB", "ru") == f"18{NBSP}млрд{NBSP}руб."
    assert text.format_money(79.55e9, "USD", "en") == f"US${NBSP}79.5{NBSP}bn" or \
        text.format_money(79.55e9, "USD", "en") == f"US${NBSP}79.6{NBSP}bn"
    assert text.format_percent(127.5, "ru", signed=True) == f"+127,5{NBSP}%"
    assert text.format_percent(9.0, "en") == f"9{NBSP}%"
    assert text.format_cell(2024.0, "year", "en") == "2024"  # years have no separator
    assert text.format_cell(79551551.0, "value_usd", "en") == "79,551,551"
    assert text.format_cell(0.0004, "p_value", "en") == "<0.001"
    assert text.format_cell(["RUS", "BLR"], "countries", "en") == "RUS, BLR"


def test_catalogue_errors_and_fallbacks():
    assert text.t("banner.synthetic", "en") == "SYNTHETIC DEMONSTRATION DATA"
    assert text.t("banner.synthetic", "ru") == "СИНТЕТИЧЕСКИЕ ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ"
    with pytest.raises(KeyError, match="text.csv"):
        text.t("no.such.key")
    with pytest.raises(InvalidParameterError, match="language"):
        text.t("banner.synthetic", "de")
    assert text.column_label("value_usd", "ru") == "Стоимость (долл. США)"
    assert text.column_label("made_up_column", "ru") == "made_up_column"
    assert isinstance(text.untranslated("ru"), list)


def test_registry_column_without_a_catalogue_entry_gets_name_and_unit(monkeypatch):
    monkeypatch.setattr(text, "has", lambda key: False)
    assert text.column_label("n_draws", "en") == "n draws (count)"
    assert text.column_label("value_usd", "ru") == "value usd (USD)"


def test_catalogue_file_errors_name_file_line_column(tmp_path, monkeypatch):
    bad = tmp_path / "coopstats" / "data"
    bad.mkdir(parents=True)
    (bad / "text.csv").write_text("key,en,ru\na.b,One,Один\na.b,Two,Два\n", encoding="utf-8")
    from importlib import resources

    real = resources.files
    monkeypatch.setattr(text.resources, "files",
                        lambda pkg: tmp_path / "coopstats" if pkg == "coopstats" else real(pkg))
    text._catalogue.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"text.csv:3: column 'key'.*duplicate"):
            text.t("a.b")
    finally:
        monkeypatch.undo()
        text._catalogue.cache_clear()


def test_every_catalogue_row_has_russian():
    # what remains English on Russian pages is prose without a translation, never chrome
    assert text.untranslated("ru") == []


# ---------------------------------------------------------------- tables and figures


def test_tables_get_hs_descriptions_headers_and_csv(monkeypatch):
    frame = pd.DataFrame({"hs6_code": ["854231", "871000"], "value_usd": [79551551.0, 5.0]})
    described = with_hs_descriptions(frame)
    assert list(described.columns) == ["hs6_code", "hs_description", "value_usd"]
    assert described["hs_description"].iloc[1].startswith("Tanks and other armoured")
    monkeypatch.setenv(outputs.EXPORTS_ENV, "1")
    bundle = table(frame, source="test", caption="Caption", language="ru")._repr_mimebundle_()
    page = bundle["text/html"]
    assert "<th>Код ГС</th>" in page and f"79{NBSP}551{NBSP}551" in page
    assert "Источник: test" in page
    csv = bundle[outputs.TABLE_MIME]["csv"]
    assert csv.splitlines()[0] == "hs6_code,hs_description,value_usd"
    assert "79551551.0" in csv  # raw numbers in the CSV
    monkeypatch.delenv(outputs.EXPORTS_ENV)
    assert outputs.TABLE_MIME not in table(frame, source="t")._repr_mimebundle_()


def _png_dpi(data: bytes) -> float:
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs":
            ppm_x, _, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            assert unit == 1
            return ppm_x * 0.0254
        pos += 12 + length
    raise AssertionError("no pHYs chunk")


def test_figure_exports_are_deterministic_and_300_dpi(monkeypatch):
    import base64

    from coopstats import plots

    monkeypatch.setenv(outputs.EXPORTS_ENV, "1")
    frame = pd.DataFrame({"year": [2020, 2021, 2022], "value": [1e9, 2e9, 1.5e9]})

    def payload():
        fig = plots.line_by_year(frame, y="value", title="Взаимная торговля", source="s",
                                 money_scale="bn", currency="USD", ylabel="")
        bundle, _meta = fig._repr_mimebundle_()
        return bundle[outputs.FIGURE_MIME]

    a, b = payload(), payload()
    assert a == b
    assert a["svg"].lstrip().startswith("<?xml") and "<svg" in a["svg"]
    assert base64.b64decode(a["pdf_base64"]).startswith(b"%PDF")
    png = base64.b64decode(a["png_base64"])
    assert png.startswith(b"\x89PNG") and round(_png_dpi(png)) == 300
    assert zlib.crc32(png) == zlib.crc32(base64.b64decode(b["png_base64"]))


def test_write_exports_names_files_and_removes_stale_ones(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={
            outputs.TABLE_MIME: {"caption": "Mutual trade, US$", "source": "s", "csv": "a\n1\n"},
            "text/plain": "t"}),
        nbformat.v4.new_output("display_data", data={
            outputs.FIGURE_MIME: {"title": "Взаимная торговля", "source": "s", "svg": "<svg/>",
                                  "pdf_base64": "JVBERg==", "png_base64": "iVBORw==",
                                  "png_dpi": 300},
            "text/plain": "f"}),
    ]
    nb.cells.append(cell)
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "tab-09-old.csv").write_text("stale")
    manifest = outputs.write_exports(nb, tmp_path)
    assert [m["stem"] for m in manifest] == ["tab-01-mutual-trade-us", "fig-01-vzaimnaya-torgovlya"]
    assert (tmp_path / "tables" / "tab-01-mutual-trade-us.csv").read_text() == "a\n1\n"
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == [
        "fig-01-vzaimnaya-torgovlya.pdf", "fig-01-vzaimnaya-torgovlya.png",
        "fig-01-vzaimnaya-torgovlya.svg"]
    assert not (tmp_path / "tables" / "tab-09-old.csv").exists()


def test_markdown_translation_by_content_key(tmp_path):
    nbdir = tmp_path / "notebooks"
    (nbdir / "i18n").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_markdown_cell("Other")]
    (nbdir / "i18n" / "x.ru.json").write_text(
        json.dumps({publish.markdown_key("# Title\n"): "# Заголовок"}), encoding="utf-8")
    out, done, missing = publish.translate_markdown(nb, nbdir / "x.ipynb", "ru")
    assert [c.source for c in out.cells] == ["# Заголовок", "Other"] and (done, missing) == (1, 1)


def test_shipped_notebook_translations_match_current_cells():
    """Keys of notebooks/i18n/*.ru.json belong to markdown cells of their notebook.

    A cell edited in English after its translation renders in English (counted in the page's
    sidecar) until the translation is updated; most of a file going stale means it was
    forgotten.
    """
    files = sorted((ROOT / "notebooks" / "i18n").glob("*.ru.json"))
    assert len(files) >= 5
    for path in files:
        nb = nbformat.read(ROOT / "notebooks" / f"{path.name.split('.')[0]}.ipynb", as_version=4)
        keys = {publish.markdown_key(c.source) for c in nb.cells if c.cell_type == "markdown"}
        table = json.loads(path.read_text(encoding="utf-8"))
        assert all(len(k) == 16 and v.strip() for k, v in table.items()), path.name
        stale = set(table) - keys
        assert len(stale) <= len(table) // 2, f"{path.name}: stale translations {sorted(stale)}"


# ---------------------------------------------------------------- a report folder, both languages


@pytest.mark.slow
def test_report_folder_in_both_languages(tmp_path, monkeypatch):
    from coopstats import provenance as provenance_module
    from coopstats.build import build
    from coopstats.build import run as build_run

    # the package is edited by others while tests run: pin the code part of the cache key
    monkeypatch.setattr(build_run, "code_fingerprint", lambda: "c0de" * 16)
    monkeypatch.setattr(provenance_module, "code_fingerprint", lambda: "c0de" * 16)

    root = tmp_path / "p"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "00_facts_overview.ipynb", root / "notebooks")
    if (ROOT / "notebooks" / "i18n").is_dir():
        shutil.copytree(ROOT / "notebooks" / "i18n", root / "notebooks" / "i18n")
    (root / "data" / "raw" / "facts").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / "facts" / "facts.csv", root / "data/raw/facts/facts.csv")
    (root / "reports" / "definitions").mkdir(parents=True)
    (root / "reports" / "definitions" / "eaeu_overview.yaml").write_text(json.dumps({
        "title": "EAEU mutual trade", "notebook": "00_facts_overview.ipynb",
        "description": "test", "inputs": ["data/raw/facts/facts.csv"],
        "parameters": {"start_year": 2021, "end_year": 2024}}))
    results = build(root, stamp="STAMP")
    assert [(r.name, r.status) for r in results] == [("eaeu_overview", "executed")] * 2
    reports = root / "reports"
    for lang in ("en", "ru"):
        folder = reports / "eaeu_overview" / lang
        page = (folder / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in page
        assert 'href="../../index.html"' in page and "CITATION" in page
        svgs = sorted((folder / "figures").glob("*.svg"))
        assert svgs and all(s.with_suffix(".pdf").is_file() and s.with_suffix(".png").is_file()
                            for s in svgs)
        assert round(_png_dpi(svgs[0].with_suffix(".png").read_bytes())) == 300
        csvs = sorted((folder / "tables").glob("*.csv"))
        assert csvs and pd.read_csv(csvs[0], encoding="utf-8")["year"].min() >= 2021
        citation = (folder / "CITATION").read_text(encoding="utf-8")
        assert "data/raw/facts/facts.csv: sources dated" in citation and "STAMP" in citation
        if publish.chromium():
            assert (folder / "eaeu_overview.pdf").read_bytes().startswith(b"%PDF")
        else:
            assert text.t("page.pdf_skipped", lang) in page
    ru = (reports / "eaeu_overview" / "ru" / "index.html").read_text(encoding="utf-8")
    assert "Файлы для загрузки" in ru and "Год" in ru
    # the browser tab names the report in the page language (catalogue title)
    assert f"<title>{text.t('report.eaeu_overview.title', 'ru')}</title>" in ru
    landing = (reports / "eaeu_overview" / "index.html").read_text(encoding="utf-8")
    assert 'href="en/index.html"' in landing and 'href="ru/index.html"' in landing
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="eaeu_overview/en/index.html"' in index
    assert 'href="eaeu_overview/ru/index.html"' in index and 'href="index.ru.html"' in index
    index_ru = (reports / "index.ru.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in index_ru and "Отчёты coopstats" in index_ru
    assert '<a href="eaeu_overview/ru/index.html">' in index_ru
    # a rebuild takes both languages from the cache and leaves the files as they were
    before = {p: p.read_bytes() for p in reports.rglob("*") if p.is_file()
              and p.suffix in (".svg", ".png", ".csv")}
    assert {r.status for r in build(root, stamp="STAMP")} == {"cached"}
    assert before == {p: p.read_bytes() for p in before}


def test_registry_columns_have_russian_headers():
    """Column headers come from the registry: nearly every column has a catalogue label."""
    from coopstats.columns import COLUMNS

    missing = [c for c in COLUMNS if not text.has(f"col.{c}")]
    assert len(missing) <= len(COLUMNS) // 10, f"add col.<name> rows to text.csv for {missing}"
    assert all(text.column_label(c, "ru") != c for c in COLUMNS if c not in missing)
