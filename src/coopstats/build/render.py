"""Rendering an executed notebook to a self-contained HTML page (nbconvert or Quarto)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from ..errors import CoopstatsError, InvalidParameterError, NotebookExecutionError
from ..provenance import SYNTHETIC_BANNER
from .definitions import ReportDefinition

__all__ = [
    "RENDERERS",
    "STAMP_CLASS",
    "build_stamp",
    "stamp_line",
    "banner",
    "render_html",
    "require_quarto",
    "render_quarto",
    "write_if_changed",
]

#: Renderers of ``coopstats report --renderer``.
RENDERERS = ("nbconvert", "quarto")
#: Marker of the one volatile line in every rendered page.
STAMP_CLASS = "coopstats-build-stamp"


def build_stamp() -> str:
    """Return the build stamp: UTC now, or ``SOURCE_DATE_EPOCH`` when set (reproducible)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch else datetime.now(tz=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style>
COOPSTATS_CSS
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<header class="coopstats-header">
{{ resources.coopstats_header }}
</header>
<main>
{%- endblock body_header -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="
{{- ((output | get_metadata('alt', 'image/png')) or 'Figure (no description)') | escape_html }}">
</div>
{% endblock data_png %}
{% block body_footer %}
</main>
<footer class="coopstats-footer">
{{ resources.coopstats_footer }}
</footer>
</body>
{% endblock body_footer %}
"""

_CSS = """
body { max-width: 1100px; margin: 0 auto; padding: 0 1.2rem 2rem; }
.coopstats-header, .coopstats-footer {
  font-family: var(--jp-content-font-family, system-ui, sans-serif); }
.coopstats-header .report-title { font-size: 1.05rem; font-weight: bold; margin: .4rem 0 .2rem; }
.coopstats-banner { background: #b00020; color: #fff; font-weight: bold; text-align: center;
  padding: .6rem; letter-spacing: .08em; font-size: 1.1rem; margin: 0 -1.2rem 1rem; }
.coopstats-header nav { font-size: .9rem; margin: .6rem 0; }
.coopstats-header .definition { color: #444; font-size: .9rem; }
.coopstats-provenance { border: 1px solid #ccc; background: #f7f7f7; padding: .4rem 1rem;
  font-size: .85rem; }
.jp-RenderedHTMLCommon section.coopstats-provenance table { border-collapse: collapse;
  margin: 0 0 .6rem 0; table-layout: auto; }
.jp-RenderedHTMLCommon section.coopstats-provenance th,
.jp-RenderedHTMLCommon section.coopstats-provenance td {
  text-align: left; padding: 2px 10px 2px 0; vertical-align: top; border: none; }
.coopstats-provenance code.sha { font-size: .75rem; }
.coopstats-synthetic { color: #b00020; font-weight: bold; }
figure.coopstats-table { margin: .5rem 0 1rem; }
figure.coopstats-table figcaption { font-weight: bold; margin-bottom: .3rem; }
.coopstats-source { color: #555; font-size: .8rem; margin-top: .2rem; }
.jp-RenderedHTMLCommon table.coopstats-table { border-collapse: collapse; font-size: .85rem;
  table-layout: auto; margin: 0; }
.jp-RenderedHTMLCommon table.coopstats-table th, .jp-RenderedHTMLCommon table.coopstats-table td {
  padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top;
  max-width: 28rem; }
.jp-RenderedHTMLCommon table.coopstats-table td.num { text-align: right; }
.coopstats-footer { color: #666; font-size: .8rem; border-top: 1px solid #ddd; margin-top: 2rem;
  padding-top: .5rem; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
.coopstats-downloads { font-size: .85rem; margin: .4rem 0 .8rem; }
.coopstats-downloads ol { margin: .2rem 0 .4rem; }
/* the page PDF (headless Chromium) keeps the red synthetic banner and the table shading */
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .coopstats-downloads { display: none; }
  figure.coopstats-table, .jp-OutputArea-output img { break-inside: avoid; }
}
"""


def stamp_line(stamp: str) -> str:
    """Return the one volatile line of a page: the build stamp."""
    return f'<p class="{STAMP_CLASS}">Built {html.escape(stamp)}</p>'


def banner(synthetic: bool, text: str = SYNTHETIC_BANNER) -> str:
    """Return the red synthetic-data banner, or ``""`` when not synthetic."""
    if not synthetic:
        return ""
    return f'<div class="coopstats-banner" role="alert">{html.escape(text)}</div>'


def _header(
    definition: ReportDefinition,
    params: dict,
    synthetic: bool,
    language: str = "en",
    extra: str = "",
) -> str:
    from ..text import LANGUAGES, t
    from .publish import report_title

    e = html.escape
    shown = ", ".join(
        f"{k}={json.dumps(v, ensure_ascii=False)}"
        for k, v in params.items()
        if not k.endswith("_fingerprint")
    )
    others = " ".join(
        f'<a href="../{lang}/index.html" hreflang="{lang}" class="coopstats-language">'
        f"{e(t('page.other_language', language))}</a>"
        for lang in LANGUAGES
        if lang != language
    )
    return (
        banner(synthetic, t("banner.synthetic", language))
        + f'<nav><a href="../../index.html">&larr; {e(t("page.all_reports", language))}</a> '
        + f"{others}</nav>"
        + f'<p class="report-title">{e(report_title(definition, language))}</p>'
        + "<p class=\"definition\">"
        + e(t("page.definition", language, name=definition.name, notebook=definition.notebook,
              params=shown or "-", path=definition.path))
        + "</p>"
        + extra
    )


def _footer(stamp: str) -> str:
    from .. import __version__

    return (
        f"<p>coopstats {html.escape(__version__)} &middot; rendered with nbconvert from the "
        "jupyter-cache record of this notebook.</p>\n" + stamp_line(stamp)
    )


def render_html(
    nb,
    definition: ReportDefinition,
    params: dict,
    *,
    synthetic: bool,
    stamp: str,
    language: str = "en",
    extra_header: str = "",
) -> str:
    """Render an executed notebook to a self-contained HTML page with code hidden.

    ``language`` sets the page chrome (banner, navigation, header) and ``<html lang>``;
    ``extra_header`` (the downloads block) goes at the end of the header.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        extra_loaders=[
            DictLoader({"coopstats_report.html.j2": _TEMPLATE.replace("COOPSTATS_CSS", _CSS)})
        ],
        template_file="coopstats_report.html.j2",
    )
    from .publish import report_title

    resources = {
        "metadata": {"name": report_title(definition, language)},
        "coopstats_header": _header(definition, params, synthetic, language, extra_header),
        "coopstats_footer": _footer(stamp),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    if language != "en":
        body = re.sub(r'<html lang="en"', f'<html lang="{language}"', body, count=1)
    if 'id="provenance"' not in body and "id='provenance'" not in body:
        raise NotebookExecutionError(
            f"report {definition.name!r}: notebooks/{definition.notebook} "
            "shows no provenance block; "
            "display `coopstats.provenance.show_provenance(params, inputs)` in it"
        )
    return body


def require_quarto() -> str:
    """Return the path of the ``quarto`` CLI, or a clear error when it is not on PATH."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise InvalidParameterError(
            "renderer",
            "quarto",
            list(RENDERERS),
            why="the `quarto` CLI is not on PATH; install it from "
            "https://quarto.org/docs/get-started/ "
            "or use --renderer nbconvert (the default)",
        )
    return quarto


def render_quarto(
    nb,
    definition: ReportDefinition,
    root: Path,
    params: dict,
    *,
    synthetic: bool,
    stamp: str,
    language: str = "en",
    extra_header: str = "",
) -> str:
    """Render an executed notebook with ``quarto render --no-execute``; add header and footer."""
    import nbformat

    quarto = require_quarto()
    work = root / ".build" / "quarto"
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"{definition.name}.ipynb"
    nb = nbformat.from_dict(json.loads(nbformat.writes(nb)))
    nb.cells.insert(
        0,
        nbformat.v4.new_raw_cell(
            "---\n" + f"title: {json.dumps(definition.title, ensure_ascii=False)}\n"
            "echo: false\nexecute:\n  enabled: false\n"
            "format:\n  html:\n    embed-resources: true\n---"
        ),
    )
    nbformat.write(nb, src)
    proc = subprocess.run(
        [quarto, "render", src.name, "--to", "html", "--no-execute"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    out = work / f"{definition.name}.html"
    if proc.returncode != 0 or not out.is_file():
        raise CoopstatsError(
            f"report {definition.name!r}: `quarto render` failed (exit {proc.returncode}): "
            f"{(proc.stderr or proc.stdout).strip()[-800:]}"
        )
    page = out.read_text(encoding="utf-8")
    head = f"{_header(definition, params, synthetic, language, extra_header)}"
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + head, page, count=1)
    page = page.replace(
        "</body>", f'<footer class="coopstats-footer">{_footer(stamp)}</footer></body>', 1
    )
    return page


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` only when it differs (keeps mtimes of unchanged pages)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
