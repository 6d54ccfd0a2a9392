"""Report tables: a frame shown with its caption and its source, as deterministic HTML."""

from __future__ import annotations

import html

import pandas as pd

from .errors import InvalidParameterError

__all__ = ["table"]


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
            body = frame.to_html(
                index=False, border=0, render_links=True, escape=True, classes="coopstats-table"
            )
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        src = (
            f"<p class='coopstats-source'>Source: {html.escape(self.source)}</p>"
            if self.source
            else ""
        )
        return f"<figure class='coopstats-table'>{cap}{body}{src}</figure>"

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}\nSource: {self.source}"


def table(
    frame: pd.DataFrame, *, source: str, caption: str = "", float_format: str = ",.1f"
) -> _Table:
    """Display ``frame`` as a report table with a caption and its source (no index; URLs linked).

    Deterministic HTML (no random element ids, unlike a pandas ``Styler``).
    """
    if not isinstance(source, str) or not source.strip():
        raise InvalidParameterError("source", source, why="every table must name its source")
    return _Table(frame, caption, source.strip(), float_format)
