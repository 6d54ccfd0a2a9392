"""Report tables: a frame shown with its caption and its source, as deterministic HTML."""

from __future__ import annotations

import html
import re

import pandas as pd

from .errors import InvalidParameterError

__all__ = ["table"]


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
    def __init__(self, frame: pd.DataFrame, caption: str, source: str, float_format: str) -> None:
        self.frame, self.caption, self.source, self.float_format = (
            frame,
            caption,
            source,
            float_format,
        )

    def _cell(self, v: object) -> str:
        if hasattr(v, "tolist") and not isinstance(v, str | float | int):
            v = v.tolist()  # numpy arrays from parquet list columns
        if isinstance(v, list | tuple):
            return ", ".join(self._cell(x) for x in v) if len(v) else "—"
        if v is None or (not isinstance(v, dict) and pd.isna(v)):
            return "—"
        if isinstance(v, float):
            if v.is_integer() and abs(v) < 10_000:  # years and counts in mixed columns
                return str(int(v))
            text = format(v, self.float_format)
            negative_zero = text.startswith("-") and not any(c in "123456789" for c in text)
            return text[1:] if negative_zero else text
        return str(v)

    def _repr_html_(self) -> str:
        if self.frame.empty:
            body = "<p class='coopstats-empty'>(no rows)</p>"
        else:
            frame = self.frame.apply(lambda col: col.map(self._cell))
            frame.columns = [str(c) for c in frame.columns]  # drop a pivot's columns name
            body = _html_table(frame)
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        src = (
            f"<p class='coopstats-source'>Source: {html.escape(self.source)}</p>"
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
        publish_display_data({"text/html": self._repr_html_(), "text/plain": repr(self)})

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}\nSource: {self.source}"


def table(
    frame: pd.DataFrame, *, source: str, caption: str = "", float_format: str = ",.1f"
) -> _Table:
    """Display ``frame`` as a report table with a caption and its source (no index; URLs linked).

    Inside a notebook the table is displayed when it is made, so every table of a cell shows
    (not only the last value); every header and cell is HTML-escaped, and a cell holding
    exactly one ``http(s)`` URL becomes a link whose address is escaped too.

    Deterministic HTML (no random element ids, unlike a pandas ``Styler``).
    """
    if not isinstance(source, str) or not source.strip():
        raise InvalidParameterError("source", source, why="every table must name its source")
    out = _Table(frame, caption, source.strip(), float_format)
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
