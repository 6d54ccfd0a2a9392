"""Everything a report folder holds besides the page: figures, tables, PDF, CITATION.

Layout (one folder per report, one sub-folder per language)::

    reports/<name>/index.html            links the language versions
    reports/<name>/<lang>/index.html     the page (lang: en, ru)
    reports/<name>/<lang>/figures/       fig-NN-<slug>.svg | .pdf | .png (300 dpi)
    reports/<name>/<lang>/tables/        tab-NN-<slug>.csv (UTF-8, canonical names with units)
    reports/<name>/<lang>/<name>.pdf     the whole page printed by headless Chromium
    reports/<name>/<lang>/CITATION       how to cite the report, with the data vintages

Markdown prose of a notebook is rendered in Russian from ``notebooks/i18n/<stem>.ru.json``
(English cell text's SHA-256 prefix -> Russian text); a cell without a translation stays in
English and is counted in the page's sidecar (``untranslated_cells``).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..text import LANGUAGES, t

__all__ = [
    "report_title",
    "report_description",
    "page_dir",
    "page_href",
    "markdown_key",
    "translate_markdown",
    "downloads_html",
    "citation_text",
    "chromium",
    "print_pdf",
    "write_landing",
    "SEED_SYSTEMS",
    "seed_systems_html",
]

#: the seed cooperation systems and the reports that show them (index section "Seed systems")
SEED_SYSTEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seed.union_state", ("union_state_microelectronics_machine_tools", "union_state_localization",
                          "russia_belarus_turnover")),
    ("seed.csto", ("csto_defence_industry",)),
    ("seed.regions", ("regional_cooperation",)),
    ("seed.eaeu_financing", ("cooperation_programmes", "eaeu_overview")),
    ("seed.cis_materials", ("cooperation_programmes", "cis_advanced_materials")),
    ("seed.eaeu_microelectronics", ("cooperation_events_seeds", "eaeu_sector_priority")),
    ("seed.events", ("cooperation_events_seeds",)),
)

#: flags for headless Chromium on a closed network, as root (``--no-sandbox``)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


def report_title(definition, language: str) -> str:
    """Return the title of a report in ``language``.

    The catalogue key ``report.<name>.title`` where it has the language, else the
    definition's (English) title.
    """
    key = f"report.{definition.name}.title"
    from ..text import has

    return t(key, language) if language != "en" and has(key) else definition.title


def report_description(definition, language: str) -> str:
    """Return the description of a report in ``language`` (key ``report.<name>.description``)."""
    key = f"report.{definition.name}.description"
    from ..text import has

    return t(key, language) if language != "en" and has(key) else definition.description


def page_dir(root: Path, name: str, language: str) -> Path:
    """``reports/<name>/<language>/``."""
    return Path(root) / "reports" / name / language


def page_href(name: str, language: str) -> str:
    """Link to a report page relative to ``reports/index.html``."""
    return f"{name}/{language}/index.html"


def markdown_key(source: str) -> str:
    """Key of a markdown cell in a translation file: SHA-256 prefix of its stripped text."""
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:16]


def translate_markdown(nb, notebook_path: Path, language: str) -> tuple[object, int, int]:
    """Replace markdown cells by their ``language`` version; return (nb, translated, missing).

    Translations live in ``notebooks/i18n/<stem>.<language>.json``: ``{key: text}`` with
    ``key = markdown_key(english_text)``; a changed English cell no longer matches and renders
    in English until its translation is updated (``missing`` counts those cells).
    """
    if language == "en":
        return nb, 0, 0
    path = notebook_path.parent / "i18n" / f"{notebook_path.stem}.{language}.json"
    table = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    done = missing = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown" or not cell.source.strip():
            continue
        text = table.get(markdown_key(cell.source))
        if text:
            cell.source = text
            done += 1
        else:
            missing += 1
    return nb, done, missing


def _size(path: Path) -> str:
    n = path.stat().st_size
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def downloads_html(folder: Path, name: str, manifest: list[dict], language: str,
                   *, pdf: bool) -> str:
    """Return the page's download block: figures, tables (CSV), page PDF, CITATION."""
    e = html.escape
    figs = [m for m in manifest if m["kind"] == "figure"]
    tabs = [m for m in manifest if m["kind"] == "table"]
    parts = [f'<details class="coopstats-downloads"><summary>{e(t("page.downloads", language))}'
             f" ({len(figs)} + {len(tabs)})</summary>"]
    if figs:
        parts.append(f"<p>{e(t('page.figures', language))}</p><ol>")
        for m in figs:
            links = " · ".join(
                f'<a href="{e(f)}">{e(Path(f).suffix[1:].upper())}</a>' for f in m["files"]
            )
            parts.append(f"<li>{e(m['title'])} — {links}</li>")
        parts.append("</ol>")
    if tabs:
        parts.append(f"<p>{e(t('page.tables', language))}</p><ol>")
        for m in tabs:
            (f,) = m["files"]
            parts.append(f'<li><a href="{e(f)}">{e(m["title"] or Path(f).name)}</a> (CSV)</li>')
        parts.append("</ol>")
    pdf_link = (f'<a href="{e(name)}.pdf">{e(t("page.pdf", language))}</a>' if pdf
                else e(t("page.pdf_skipped", language)))
    parts.append(f'<p>{pdf_link} · <a href="CITATION">{e(t("page.citation", language))}</a></p>')
    parts.append("</details>")
    return "".join(parts)


def citation_text(*, name: str, title: str, language: str, record: dict, synthetic: bool,
                  stamp: str) -> str:
    """Plain-text citation of one report page with the vintage of every input file."""
    from .. import __version__

    soft = record.get("software", {})
    commit = str(soft.get("git commit", "unknown"))
    ru = language == "ru"
    lines = [
        f"{title}.",
        (f"Отчёт coopstats {__version__} '{name}' ({language}), коммит git {commit}; "
         f"собран {stamp}." if ru else
         f"coopstats {__version__} report '{name}' ({language}), git commit {commit}; "
         f"built {stamp}."),
        ("Программа: coopstats (лицензия MIT), см. CITATION.cff в репозитории." if ru else
         "Software: coopstats (MIT licence), see CITATION.cff in the repository."),
        "",
        ("Версии данных (файл: версия; SHA-256):" if ru else
         "Data vintages (file: vintage; SHA-256):"),
    ]
    for item in record.get("inputs", []):
        lines.append(f"- {item['path']}: {item.get('vintage') or 'n/a'}; {item['sha256']}")
    paths = " ".join(i["path"] for i in record.get("inputs", []))
    lines += ["", "Ссылайтесь также на поставщиков данных:" if ru else
              "Cite also the data providers:"]
    if "facts" in paths:
        lines.append("- источник каждой цифры, указанный в facts.csv (source_title, source_url, "
                     "source_date)" if ru else
                     "- each figure's own source as listed in facts.csv (source_title, "
                     "source_url, source_date)")
    if "processed" in paths or "baci" in paths:
        lines.append("- CEPII BACI: Gaulier, G. and Zignago, S. (2010), BACI: International "
                     "Trade Database at the Product-Level. The 1994-2007 Version, CEPII Working "
                     "Paper 2010-23 (Etalab Open Licence 2.0)")
    if "wdi" in paths:
        lines.append("- World Bank, World Development Indicators (CC BY 4.0)")
    if "events" in paths:
        lines.append("- пресс-релизы, названные в таблице событий (только структурированные данные)"
                     if ru else
                     "- the press releases named in the events table (structured data only)")
    if "regions" in paths:
        lines.append("- источники, названные в data/raw/regions/regional_cooperation.csv" if ru
                     else "- the sources named in data/raw/regions/regional_cooperation.csv")
    if synthetic:
        lines += ["", "ВНИМАНИЕ: страница использует СИНТЕТИЧЕСКИЕ ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ; не "
                  "цитируйте её цифры как реальные." if ru else
                  "WARNING: this page uses SYNTHETIC DEMONSTRATION DATA; do not cite its "
                  "numbers as real."]
    return "\n".join(lines) + "\n"


def chromium() -> str | None:
    """Path of a Chromium executable (``COOPSTATS_CHROMIUM`` or ``chromium`` on PATH)."""
    exe = os.environ.get("COOPSTATS_CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    return exe if exe and Path(exe).exists() else None


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})")


def print_pdf(html_path: Path, pdf_path: Path, *, stamp: str, timeout: int = 180) -> bool:
    """Print a page to PDF with headless Chromium; False (no file) when Chromium is absent.

    The PDF's creation and modification dates are set to the build stamp (same length, so
    the cross-reference table stays valid): with the stamp masked, two builds give the same
    dates.
    """
    exe = chromium()
    if exe is None:
        pdf_path.unlink(missing_ok=True)
        return False
    with tempfile.TemporaryDirectory(prefix="coopstats-chromium-") as profile:
        tmp = pdf_path.with_suffix(".pdf.part")
        proc = subprocess.run(
            [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}",
             html_path.resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout,
        )
        if proc.returncode != 0 or not tmp.is_file():
            tmp.unlink(missing_ok=True)
            from ..errors import CoopstatsError

            raise CoopstatsError(
                f"{html_path}: headless Chromium could not print the page to PDF "
                f"(exit {proc.returncode}): {(proc.stderr or proc.stdout).strip()[-600:]}"
            )
    digits = re.sub(r"\D", "", stamp)[:14].ljust(14, "0").encode("ascii")
    data = _PDF_DATE.sub(lambda m: b"/" + m.group(1) + b" (D:" + digits, tmp.read_bytes())
    tmp.unlink()
    if not pdf_path.is_file() or pdf_path.read_bytes() != data:
        pdf_path.write_bytes(data)
    return True


def seed_systems_html(names: set[str]) -> str:
    """Index section linking each seed system to the reports that show it (English, Russian)."""
    e = html.escape
    items = []
    for key, reports in SEED_SYSTEMS:
        links = " · ".join(
            f'<a href="{e(page_href(r, "en"))}">{e(r)}</a> '
            f'(<a href="{e(page_href(r, "ru"))}" hreflang="ru">ru</a>)'
            for r in reports if r in names
        )
        if links:
            items.append(f"<li><b>{e(t(key, 'en'))}</b> / <span lang=\"ru\">{e(t(key, 'ru'))}"
                         f"</span>: {links}</li>")
    if not items:
        return ""
    return (f'<section class="seed-systems"><h2>{e(t("page.seed_systems", "en"))} / '
            f'<span lang="ru">{e(t("page.seed_systems", "ru"))}</span></h2><ul>'
            + "".join(items) + "</ul></section>")


def write_landing(root: Path, name: str, title: str, languages: list[str]) -> Path:
    """``reports/<name>/index.html``: links to the page in each language (English first)."""
    e = html.escape
    links = "".join(
        f'<li><a href="{lang}/index.html" hreflang="{lang}">'
        f'{"English" if lang == "en" else "Русский"}</a></li>'
        for lang in LANGUAGES if lang in languages
    )
    first = languages[0] if languages else "en"
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="refresh" content="0; url={first}/index.html">\n'
        f"<title>{e(title)}</title>\n</head>\n<body>\n"
        f"<h1>{e(title)}</h1>\n<ul>{links}</ul>\n"
        '<p><a href="../index.html">all reports / все отчёты</a></p>\n</body>\n</html>\n'
    )
    path = Path(root) / "reports" / name / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != page:
        path.write_text(page, encoding="utf-8")
    return path
