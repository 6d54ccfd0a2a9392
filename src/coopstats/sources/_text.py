"""Strict reading shared by the readers: exact line numbers, clear encoding and syntax errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataFileError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_csv_strict", "csv_records", "decode_bytes", "parse_json", "load_yaml"]


def decode_bytes(
    raw: bytes,
    path: str | Path,
    *,
    encoding: str = "utf-8-sig",
    delimiter: str | None = ",",
    name: str | None = None,
    hint: str,
) -> str:
    """Decode ``raw`` (the bytes of ``path``), raising a located error on the first bad byte.

    Parameters
    ----------
    raw
        The file's bytes.
    path
        The file (named in the error).
    encoding
        Expected encoding (``utf-8-sig`` accepts and strips a BOM).
    delimiter
        Used to tell which column of the header the bad byte falls in; ``None``: a tab if
        the header has one, else a comma.
    name
        Encoding name stated in the message; default ``encoding``.
    hint
        What the user should do about a bad byte.

    Raises
    ------
    DataFileError
        Naming file, 1-based line, the column (header field) and the byte.
    """
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        header = raw.split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff")
        if delimiter is None:
            delimiter = "\t" if "\t" in header else ","
        names = header.rstrip("\r").split(delimiter)
        field = raw[line_start : exc.start].count(delimiter.encode())
        raise DataFileError(
            f"byte 0x{raw[exc.start]:02x} at character {exc.start - line_start + 1} is not valid "
            f"{name or encoding}",
            path=Path(path),
            line=raw[: exc.start].count(b"\n") + 1,
            column=names[field] if field < len(names) else f"field {field + 1}",
            hint=hint,
        ) from None


def parse_json(text: str, path: str | Path, *, hint: str) -> Any:
    """``json.loads(text)``, or a :class:`DataFileError` naming ``path``, line and character."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            f"not valid JSON ({exc.msg})",
            path=Path(path),
            line=exc.lineno,
            column=f"character {exc.colno}",
            hint=hint,
        ) from None


def _unique_key_loader():
    """Return a ``yaml.SafeLoader`` subclass that refuses a mapping key given twice."""
    import yaml

    class UniqueKeySafeLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):  # noqa: D102
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:  # an unhashable key: the base class reports it
                    continue
                if first != key_node.start_mark.line + 1:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r} (first given on line {first})",
                        key_node.start_mark,
                    )
            return super().construct_mapping(node, deep=deep)

    return UniqueKeySafeLoader


def load_yaml(path: str | Path, *, hint: str) -> Any:
    """Parse the UTF-8 YAML file ``path`` (safe loader), or raise a located DataFileError.

    A mapping key given twice is an error naming both lines (PyYAML alone keeps the last).
    """
    import yaml  # only the modules reading YAML need it

    path = Path(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_unique_key_loader())  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})",
            path=path,
            line=None if mark is None else mark.line + 1,
            hint=hint,
        ) from None


def csv_records(
    reader: Any,
    header: Sequence[str],
    path: str | Path,
    *,
    delimiter: str,
    column_of: Callable[[list[str]], str | None],
    hint: str,
) -> tuple[list[list[str]], list[int]]:
    """Return the records of a :func:`csv.reader` past its header and their start lines.

    Blank lines are skipped. Raises :class:`~coopstats.errors.DataFileError` naming the
    file and line for a record whose field count differs from the header's (the column is
    ``column_of(record)``, the hint ``hint``) or for malformed CSV.
    """
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
                    path=Path(path),
                    line=start,
                    column=column_of(rec),
                    value=delimiter.join(rec)[:80],
                    hint=hint,
                )
            rows.append(rec)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataFileError(
            f"malformed CSV ({exc})",
            path=Path(path),
            line=reader.line_num,
            hint="the file may be truncated inside a quoted field",
        ) from None
    return rows, lines


def require_columns(
    header: Sequence[str], required: Iterable[str], path: str | Path, *, delimiter: str, hint: str
) -> None:
    """Raise naming file, line 1 and the first missing column; guess a wrong delimiter."""
    header = list(header)
    missing = [c for c in required if c not in header]
    if missing:
        guess = ""
        if len(header) == 1 and any(d in header[0] for d in ";\t|,".replace(delimiter, "")):
            guess = f" The header looks delimited by something other than {delimiter!r}."
        raise DataFileError(
            f"missing column(s) {missing}; found {header}.{guess}",
            path=path,
            line=1,
            column=missing[0],
            hint=hint,
        )


def read_csv_strict(
    path: str | Path,
    *,
    required: Sequence[str],
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    text: str | None = None,
) -> pd.DataFrame:
    """Read a small CSV as strings, indexed by the 1-based line where each record starts.

    Empty cells become ``<NA>``; nothing else is converted. ``text``: the file's contents
    when the caller has already decoded them (the file is then not read again). Raises
    :class:`~coopstats.errors.DataFileError` naming file, line and column for an undecodable
    byte, JSON instead of CSV, a missing column, a wrong delimiter or a record with the wrong
    number of fields.
    """
    import pandas as pd  # imported here: fetch uses this module and stays pandas-free

    path = Path(path)
    if text is None:
        text = decode_bytes(
            path.read_bytes(),
            path,
            encoding=encoding,
            delimiter=delimiter,
            hint="save the file as UTF-8 (Excel: 'CSV UTF-8')",
        )
    if text.lstrip()[:1] in ("[", "{"):  # never parse JSON as a one-line CSV
        raise DataFileError(
            "the file holds JSON, not CSV",
            path=path,
            line=1,
            value=text.lstrip()[:40],
            hint=f"expected a CSV with the columns {list(required)}; a JSON answer has its own "
            "reader (and a .json name)",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataFileError(
            "the file is empty", path=path, line=1, hint=f"expected a header with {list(required)}"
        ) from None
    require_columns(
        header,
        required,
        path,
        delimiter=delimiter,
        hint=f"the file needs the columns {list(required)}",
    )
    rows, lines = csv_records(
        reader,
        header,
        path,
        delimiter=delimiter,
        column_of=lambda rec: header[min(len(rec), len(header)) - 1] if rec else None,
        hint="check quoting and the delimiter; the file may be truncated",
    )
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    frame.index = pd.Index(lines, name="line")
    return frame.replace("", pd.NA)
