"""``reports/index.html``: every defined report, its parameters and data vintage."""

from __future__ import annotations

import html
import json
from pathlib import Path

from ..errors import MissingDataError
from .definitions import ReportDefinition, read_definitions
from .render import banner, build_stamp, stamp_line, write_if_changed

__all__ = ["write_index"]


def _vintage_lines(inputs: list[dict]) -> list[tuple[str, str]]:
    """One line per input file, or per folder when more than three files share it."""
    by_dir: dict[str, list[dict]] = {}
    for i in inputs:
        by_dir.setdefault(i["path"].rsplit("/", 1)[0] if "/" in i["path"] else "", []).append(i)
    lines = []
    for folder, items in by_dir.items():
        if len(items) > 3:
            kinds = sorted({i["vintage"] for i in items if i["vintage"]})
            lines.append((f"{folder}/ ({len(items)} files)", "; ".join(kinds) or "see the report"))
        else:
            lines += [(i["path"], i["vintage"] or f"sha256 {i['sha256'][:12]}") for i in items]
    return lines


def write_index(root: str | Path, *, stamp: str | None = None, language: str = "en") -> Path:
    """Write ``reports/index.html`` listing every defined report that has been built.

    The English index also writes its Russian twin ``reports/index.ru.html`` (``language="ru"``:
    Russian titles, labels and links to the Russian pages); each links the other.

    Each entry: title (linked), description, notebook, parameters, data vintage, and the
    synthetic banner where the report uses the demonstration panel. Definitions without a
    built page are listed as "not built yet". A report whose last build failed is marked
    FAILED with its error (recorded by :func:`coopstats.build.run.build` in
    ``.build/reports/<name>.<language>.failed.json``), also when an earlier page is shown.
    """
    root = Path(root).resolve()
    e = html.escape
    stamp = stamp or build_stamp()
    try:
        definitions, broken = read_definitions(root)
    except MissingDataError:
        definitions, broken = [], []
    # a definition that does not read is listed with its failure record, under its file name
    definitions = definitions + [
        ReportDefinition(name=name, title=name, notebook="", parameters={}, inputs=())
        for name, _ in broken
    ]
    items = []
    any_synthetic = False
    from ..text import LANGUAGES, check_language, t
    from .publish import page_href, report_description, report_title, seed_systems_html

    check_language(language)

    for d in definitions:
        built = {}
        failed = ""
        for lang in LANGUAGES:
            side = root / ".build" / "reports" / f"{d.name}.{lang}.json"
            if side.is_file() and (root / "reports" / page_href(d.name, lang)).is_file():
                built[lang] = json.loads(side.read_text(encoding="utf-8"))
            fail = root / ".build" / "reports" / f"{d.name}.{lang}.failed.json"
            if fail.is_file():
                rec = json.loads(fail.read_text(encoding="utf-8"))
                older = " The page linked is from an earlier build." if lang in built else ""
                where = (
                    f' The failed notebook is in <code>{e(rec["failed_notebook"])}</code>.'
                    if rec.get("failed_notebook")
                    else " Its definition (reports/definitions) could not be read."
                )
                failed += (
                    f'<p class="coopstats-failed">FAILED ({e(lang)}) in the last build: '
                    f'<code>{e(rec["error"])}</code>.{older}{where}</p>'
                )
        if not built:
            state = "not built yet: its last build failed" if failed else "not built yet"
            state = t("page.not_built", language) if language != "en" else state
            items.append(
                f'<li class="report missing" id="{e(d.name)}"><h2>'
                f"{e(report_title(d, language))}</h2>{failed}"
                f"<p>{state} (<code>coopstats report --only {e(d.name)}</code>)</p></li>"
            )
            continue
        info = built.get("en") or next(iter(built.values()))
        any_synthetic |= bool(info["synthetic"])
        params = "".join(
            f"<li><code>{e(k)}</code> = <code>{e(str(v))}</code></li>"
            for k, v in info["parameters"].items()
        )
        vintage = "".join(
            f"<li><code>{e(path)}</code>: {e(text)}</li>"
            for path, text in _vintage_lines(info["inputs"])
        )
        flag = (f'<p class="coopstats-synthetic">{e(t("banner.synthetic", language))}</p>'
                if info["synthetic"] else "")
        versions = " · ".join(
            f'<a href="{e(page_href(d.name, lang))}" hreflang="{lang}">'
            f"{'English' if lang == 'en' else 'Русский'}</a>"
            + (f' (<a href="{e(d.name)}/{lang}/{e(d.name)}.pdf">PDF</a>)' if built[lang].get("pdf")
               else "")
            + f' (<a href="{e(d.name)}/{lang}/CITATION">CITATION</a>)'
            + (f" — {built[lang]['untranslated_cells']} prose cell(s) still in English"
               if built[lang].get("untranslated_cells") else "")
            for lang in LANGUAGES
            if lang in built
        )
        n_fig = sum(o["kind"] == "figure" for o in info.get("outputs", []))
        n_tab = sum(o["kind"] == "table" for o in info.get("outputs", []))
        ru_title = (
            f'<p class="meta" lang="ru">{e(report_title(d, "ru"))}</p>'
            if language == "en" and "ru" in built and report_title(d, "ru") != d.title
            else ""
        )
        own = built.get(language, info)
        href = page_href(d.name, language) if language in built else info["html"]
        outputs = t("page.n_outputs", language, n_fig=n_fig, n_tab=n_tab)
        items.append(
            f'<li class="report" id="{e(d.name)}"><h2><a href="{e(href)}">'
            f'{e(report_title(d, language) if language != "en" else own["title"])}</a></h2>'
            f"{flag}{failed}{ru_title}"
            f'<p class="meta">{versions} · {e(outputs)}</p>'
            f"<p>{e(report_description(d, language) if language != 'en' else own['description'])}"
            "</p>"
            f'<p class="meta">{e(t("page.notebook", language))} '
            f'<code>notebooks/{e(info["notebook"])}</code></p>'
            f"<details><summary>{e(t('page.parameters', language))}</summary><ul>{params}</ul>"
            "</details>"
            f'<p class="meta">{e(t("page.data_vintage", language))}:</p>'
            f'<ul class="vintage">{vintage}</ul></li>'
        )
    from .. import __version__

    other = "index.ru.html" if language == "en" else "index.html"
    switch = (f'<nav><a href="{other}" hreflang="{"ru" if language == "en" else "en"}">'
              f'{e(t("page.other_language", language))}</a></nav>')
    page = f"""<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(t("page.index_title", language))}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 960px;
  margin: 0 auto; padding: 0 1.2rem 2rem; color: #222; }}
.coopstats-banner {{ background: #b00020; color: #fff; font-weight: bold; text-align: center;
  padding: .6rem; letter-spacing: .08em; }}
.coopstats-synthetic {{ color: #b00020; font-weight: bold; margin: .2rem 0; }}
.coopstats-failed {{ color: #b00020; margin: .2rem 0; }}
ul.reports {{ list-style: none; padding: 0; }}
li.report {{ border-bottom: 1px solid #ddd; padding: .6rem 0; }}
li.report h2 {{ font-size: 1.15rem; margin: .2rem 0; }}
.meta {{ color: #555; font-size: .85rem; margin: .2rem 0; }}
ul.vintage {{ font-size: .85rem; color: #444; margin-top: 0; }}
footer {{ color: #666; font-size: .8rem; border-top: 1px solid #ddd; margin-top: 2rem;
  padding-top: .5rem; }}
</style>
</head>
<body>
{banner(any_synthetic, t("banner.synthetic_index", language))}
{switch}
<h1>{e(t("page.index_title", language))}</h1>
<p>{e(t("page.index_intro", language))}</p>
{seed_systems_html({d.name for d in definitions})}
<ul class="reports">
{chr(10).join(items)}
</ul>
<footer>
<p>coopstats {e(__version__)} &middot; {e(t("page.rebuild", language))} <code>make report</code></p>
{stamp_line(stamp)}
</footer>
</body>
</html>
"""
    path = root / "reports" / ("index.html" if language == "en" else f"index.{language}.html")
    write_if_changed(path, page)
    if language == "en":
        for other in LANGUAGES[1:]:
            write_index(root, stamp=stamp, language=other)
    return path
