"""Figures and tables of a report as files a paper can use: SVG, PDF, 300-dpi PNG and CSV.

How they travel: while a report notebook executes under the build (which sets
``COOPSTATS_EXPORTS=1``), every figure finished by :func:`coopstats.plots.finish` and every
table made by :func:`coopstats.tables.table` adds one extra output of its own MIME type
(:data:`FIGURE_MIME`, :data:`TABLE_MIME`) to the display bundle. HTML renderers ignore those
types; the build reads them back from the executed notebook — freshly executed or taken from
the jupyter-cache, so a cached report gets its files too — and writes them with
:func:`write_exports` into ``reports/<name>/<language>/figures/`` and ``tables/``.

Files are deterministic: SVG with a fixed hash salt and no date, PDF without creation date,
PNG without software stamp; CSV in UTF-8 with the canonical column names (units in the
names), ``.`` as decimal point and no index.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "EXPORTS_ENV",
    "FIGURE_MIME",
    "TABLE_MIME",
    "PNG_DPI",
    "exports_enabled",
    "slug",
    "figure_export",
    "table_export",
    "collect",
    "write_exports",
]

#: environment variable the build sets to make figures and tables carry their files
EXPORTS_ENV = "COOPSTATS_EXPORTS"
FIGURE_MIME = "application/vnd.coopstats.figure+json"
TABLE_MIME = "application/vnd.coopstats.table+json"
#: resolution of the exported PNG
PNG_DPI = 300


def exports_enabled() -> bool:
    """Whether figures and tables should carry their export files (``COOPSTATS_EXPORTS=1``)."""
    return os.environ.get(EXPORTS_ENV, "") == "1"


def slug(text: str, *, fallback: str = "item", max_len: int = 60) -> str:
    """File-name stem from a title: ASCII letters, digits and ``-`` (Cyrillic transliterated).

    >>> slug("Mutual trade of the EAEU, 2015–2024 (US$ bn)")
    'mutual-trade-of-the-eaeu-2015-2024-us-bn'
    >>> slug("Взаимная торговля ЕАЭС")
    'vzaimnaya-torgovlya-eaes'
    """
    table = str.maketrans({
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya",
    })
    text = re.sub(r"[\W_]+", " ", text.lower().translate(table))  # dashes, quotes: separators
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return (text[:max_len].rstrip("-")) or fallback


def figure_export(fig: Figure, *, title: str, source: str) -> dict[str, Any]:
    """Payload of :data:`FIGURE_MIME`: the figure as SVG, PDF and 300-dpi PNG (base64).

    Returns
    -------
    dict
        ``{"title", "source", "svg", "pdf_base64", "png_base64", "png_dpi"}``.
    """
    import matplotlib

    out: dict[str, Any] = {"title": title, "source": source, "png_dpi": PNG_DPI}
    kw = {"bbox_inches": "tight", "facecolor": "white"}
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "coopstats"}):  # no random ids
        fig.savefig(buf, format="svg", metadata={"Date": None}, **kw)
    out["svg"] = buf.getvalue().decode("utf-8")
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None}, **kw)
    out["pdf_base64"] = base64.b64encode(buf.getvalue()).decode("ascii")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None}, **kw)
    out["png_base64"] = base64.b64encode(buf.getvalue()).decode("ascii")
    return out


def table_export(frame: pd.DataFrame, *, caption: str, source: str) -> dict[str, Any]:
    """Payload of :data:`TABLE_MIME`: the table as CSV text (canonical names, raw numbers).

    List cells (organisations, countries) are joined with ``"; "``.
    """
    flat = frame.copy()
    for col in flat.columns:
        if flat[col].dtype == object:
            flat[col] = flat[col].map(
                lambda v: "; ".join(map(str, v.tolist() if hasattr(v, "tolist") else v))
                if isinstance(v, list | tuple) or (hasattr(v, "tolist") and not isinstance(v, str))
                else v
            )
    flat.columns = [str(c) for c in flat.columns]
    csv = flat.to_csv(index=False, lineterminator="\n")
    return {"caption": caption, "source": source, "csv": csv}


def collect(nb) -> list[dict[str, Any]]:
    """Figures and tables carried by an executed notebook, in page order, each named once.

    Returns
    -------
    list of dict
        ``{"kind": "figure"|"table", "stem": "fig-01-<slug>", ...payload}``.
    """
    items: list[dict[str, Any]] = []
    counts = {"figure": 0, "table": 0}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime, kind, prefix in ((FIGURE_MIME, "figure", "fig"),
                                       (TABLE_MIME, "table", "tab")):
                if mime not in data:
                    continue
                payload = data[mime]
                if isinstance(payload, str):
                    payload = json.loads(payload)
                counts[kind] += 1
                name = payload.get("title") or payload.get("caption") or kind
                stem = f"{prefix}-{counts[kind]:02d}-{slug(name, fallback=kind)}"
                items.append({"kind": kind, "stem": stem, **payload})
    return items


def write_exports(nb, folder: str | Path) -> list[dict[str, str]]:
    """Write the figures and tables of an executed notebook under ``folder``.

    Creates ``folder/figures/<stem>.svg|.pdf|.png`` and ``folder/tables/<stem>.csv`` (files
    of an earlier build that are no longer produced are removed).

    Returns
    -------
    list of dict
        One entry per item: ``kind, stem, title, source, files`` (paths relative to ``folder``).
    """
    folder = Path(folder)
    items = collect(nb)
    wanted: set[Path] = set()
    manifest: list[dict[str, str]] = []
    for item in items:
        if item["kind"] == "figure":
            sub = folder / "figures"
            files = {
                f"{item['stem']}.svg": item["svg"].encode("utf-8"),
                f"{item['stem']}.pdf": base64.b64decode(item["pdf_base64"]),
                f"{item['stem']}.png": base64.b64decode(item["png_base64"]),
            }
        else:
            sub = folder / "tables"
            files = {f"{item['stem']}.csv": item["csv"].encode("utf-8")}
        sub.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = sub / name
            wanted.add(path)
            if not path.exists() or path.read_bytes() != content:
                path.write_bytes(content)
        manifest.append({
            "kind": item["kind"],
            "stem": item["stem"],
            "title": item.get("title") or item.get("caption") or "",
            "source": item.get("source", ""),
            "files": [str((sub / n).relative_to(folder)) for n in files],
        })
    for sub in ("figures", "tables"):
        for old in (folder / sub).glob("*") if (folder / sub).is_dir() else []:
            if old not in wanted:
                old.unlink()
    return manifest
