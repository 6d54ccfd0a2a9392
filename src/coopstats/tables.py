"""Report tables: a frame shown with its caption and its source, as deterministic HTML.

Cells are formatted for reading by :func:`coopstats.text.format_cell` (thousands separators,
units from the column registry, no spurious decimals), headers are the registry's labels in
the page language (:func:`coopstats.text.column_label`), and HS6 products get their
description from the HS product list of their revision (``hs_description``, CEPII BACI).
Under ``coopstats report`` (``COOPSTATS_EXPORTS=1``) each table also carries its CSV
(:mod:`coopstats.outputs`): canonical column names with units, raw numbers, UTF-8.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from .errors import InvalidParameterError

__all__ = ["table", "with_hs_descriptions"]


def with_hs_descriptions(frame: pd.DataFrame, *, revision: str = "HS17") -> pd.DataFrame:
    """Insert ``hs_description`` after ``hs6_code`` (CEPII BACI product list of the revision).

    The revision is the frame's ``hs_revision`` where it has one, else ``revision``. Codes the
    list lacks get an empty description; a frame without ``hs6_code`` (or already described)
    is returned unchanged.
    """
    if "hs6_code" not in frame.columns or "hs_description" in frame.columns or frame.empty:
        return frame
    from . import hs

    revs = (frame["hs_revision"].dropna().astype(str).unique().tolist()
            if "hs_revision" in frame.columns else [])
    lookup: dict[tuple[str, str], str] = {}
    for rev in sorted(set(revs) | {revision}):
        try:
            products = hs.products(rev)
        except Exception:  # an unknown revision label: leave its codes undescribed
            continue
        lookup.update({(rev, c): d for c, d in zip(products["hs6_code"], products["description"],
                                                     strict=True)})
    rev_col = (frame["hs_revision"].astype("string").fillna(revision)
               if "hs_revision" in frame.columns else pd.Series(revision, index=frame.index))
    desc = [lookup.get((str(r), str(c)), "") for r, c in zip(rev_col, frame["hs6_code"],
                                                              strict=True)]
    out = frame.copy()
    out.insert(list(out.columns).index("hs6_code") + 1, "hs_description", desc)
    return out


_URL = re.compile(r"https?://[^\s\"'<>`]+")


def _html_cell(value: object) -> str:
    """Escape a cell; a cell that is exactly one http(s) URL becomes an escaped link."""
    text = "" if value is None else str(value)
    if _URL.fullmatch(text):
        href = html.escape(text, quote=True)
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{href}</a>'
    return html.escape(text, quote=True)


def _html_table(frame: pd.DataFrame) -> str:
    """Render the frame as an HTML table, every header and cell escaped (links included)."""
    head = "".join(f"<th>{html.escape(str(c), quote=True)}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_html_cell(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    return (
        f'<table class="coopstats-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


class _Table:
    def __init__(self, frame: pd.DataFrame, caption: str, source: str,
                 float_format: str | None, language: str) -> None:
        self.frame, self.caption, self.source = frame, caption, source
        self.float_format, self.language = float_format, language

    def _cell(self, v: object, column: str) -> str:
        from .text import format_cell, format_number

        if (self.float_format and isinstance(v, float) and not pd.isna(v)
                and not v.is_integer()):
            text = format(v, self.float_format)
            negative_zero = text.startswith("-") and not any(c in "123456789" for c in text)
            text = text[1:] if negative_zero else text
            if self.language == "ru":
                text = text.replace(",", "\u00a0").replace(".", ",")
            return text
        if isinstance(v, float) and v.is_integer() and abs(v) < 10_000 and column == "":
            return format_number(v, self.language)
        return format_cell(v, column, self.language)

    def _repr_html_(self) -> str:
        from .text import column_label, t

        if self.frame.empty:
            body = f"<p class='coopstats-empty'>{html.escape(t('page.no_rows', self.language))}</p>"
        else:
            frame = self.frame.copy()
            for col in frame.columns:
                frame[col] = frame[col].map(lambda v, c=str(col): self._cell(v, c))
            frame.columns = [column_label(str(c), self.language) for c in frame.columns]
            body = _html_table(frame)
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        src = (
            f"<p class='coopstats-source'>{html.escape(t('page.source', self.language))}: "
            f"{html.escape(self.source)}</p>"
            if self.source
            else ""
        )
        return f"<figure class='coopstats-table'>{cap}{body}{src}</figure>"

    def _ipython_display_(self) -> None:
        # shown once: when made inside a notebook, and not again as a cell's last value
        if getattr(self, "_shown", False):
            return
        from IPython.display import publish_display_data

        self._shown = True
        publish_display_data(self._repr_mimebundle_())

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        from .outputs import TABLE_MIME, exports_enabled, table_export

        bundle = {"text/html": self._repr_html_(), "text/plain": repr(self)}
        if exports_enabled():
            bundle[TABLE_MIME] = table_export(self.frame, caption=self.caption,
                                              source=self.source)
        return bundle

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}\nSource: {self.source}"


def table(
    frame: pd.DataFrame,
    *,
    source: str,
    caption: str = "",
    float_format: str | None = None,
    language: str | None = None,
    hs_revision: str = "HS17",
) -> _Table:
    """Display ``frame`` as a report table with a caption and its source (no index; URLs linked).

    Inside a notebook the table is displayed when it is made, so every table of a cell shows
    (not only the last value); every header and cell is HTML-escaped, and a cell holding
    exactly one ``http(s)`` URL becomes a link whose address is escaped too.

    Deterministic HTML (no random element ids, unlike a pandas ``Styler``).

    Parameters
    ----------
    frame
        The rows to show, canonical column names (:mod:`coopstats.columns`).
    source
        Where the numbers come from (required).
    caption
        Title above the table, in the page language.
    float_format
        Format of non-whole floats (e.g. ``",.1f"``); ``None`` formats by the column's unit
        (:func:`coopstats.text.format_cell`). Whole numbers never get decimals.
    language
        ``"en"`` or ``"ru"`` (headers, missing-value and source labels, number style);
        ``None`` uses the page language set by the notebook's parameters.
    hs_revision
        HS revision of ``hs6_code`` when the frame has no ``hs_revision`` column (for the
        product descriptions added by :func:`with_hs_descriptions`).
    """
    from .text import check_language, page_language

    if not isinstance(source, str) or not source.strip():
        raise InvalidParameterError("source", source, why="every table must name its source")
    language = check_language(language or page_language())
    out = _Table(with_hs_descriptions(frame, revision=hs_revision), caption, source.strip(),
                 float_format, language)
    if _in_notebook():  # every table a cell makes is shown, not only the cell's last value
        out._ipython_display_()
    return out


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None
