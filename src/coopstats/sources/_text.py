"""Strict CSV reading shared by the readers: exact line numbers, clear encoding errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import DataFileError

__all__ = ["read_csv_strict"]


def read_csv_strict(
    path: str | Path,
    *,
    required: Sequence[str],
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
) -> pd.DataFrame:
    """Read a small CSV as strings, indexed by the 1-based line where each record starts.

    Empty cells become ``<NA>``; nothing else is converted. Raises
    :class:`~coopstats.errors.DataFileError` naming file, line and column for an undecodable
    byte, a missing column, a wrong delimiter or a record with the wrong number of fields.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataFileError(
            f"byte 0x{raw[exc.start]:02x} at character {col} is not valid {encoding}",
            path=path, line=line, hint="save the file as UTF-8 (Excel: 'CSV UTF-8')",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataFileError("the file is empty", path=path, line=1, hint=f"expected a header with {list(required)}") from None
    missing = [c for c in required if c not in header]
    if missing:
        guess = ""
        if len(header) == 1 and any(d in header[0] for d in ";\t|"):
            guess = f" The header looks delimited by something other than {delimiter!r}."
        raise DataFileError(
            f"missing column(s) {missing}; found {header}.{guess}",
            path=path, line=1, column=missing[0], hint=f"the file needs the columns {list(required)}",
        )
    rows, lines = [], []
    start = reader.line_num + 1
    try:
        for rec in reader:
            if rec == []:
                start = reader.line_num + 1
                continue
            if len(rec) != len(header):
                raise DataFileError(
                    f"record has {len(rec)} fields, the header has {len(header)}",
                    path=path, line=start, column=header[min(len(rec), len(header)) - 1] if rec else None,
                    value=delimiter.join(rec)[:80], hint="check quoting and the delimiter; the file may be truncated",
                )
            rows.append(rec)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataFileError(f"malformed CSV ({exc})", path=path, line=reader.line_num,
                            hint="the file may be truncated inside a quoted field") from None
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    frame.index = pd.Index(lines, name="line")
    return frame.replace("", pd.NA)
