"""The reference tables shipped in ``coopstats/data/``: one way to find and read them.

Every shipped reference CSV (bloc membership, country codes and names, HS sectors and
concordances, excluded economy codes, lexicons ...) is a small UTF-8 table in which each row
carries its source. :func:`read_table` reads one strictly (the CSV rules of
:func:`coopstats.sources._text.read_csv_strict`: a record with the wrong number of fields, a
missing header column or an undecodable byte is an error naming file, line and column),
strips the cells, refuses empty cells in the columns that must be filled, and indexes rows
by their 1-based line in the file (header = line 1) so that :func:`fail_rows` can name the
line of the first bad row. The list of files and what each holds: ``reference_data.md`` next
to the tables.

>>> members = read_table("bloc_membership.csv", ["bloc", "country_iso3", "start_date"])
>>> members.index.name, int(members.index[0])
('line', 2)
>>> sorted(set(members["bloc"]))[:2]
['CIS', 'CSTO']
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import DataFileError
from .sources._text import read_csv_strict

__all__ = ["path", "read_table", "fail_rows"]


def path(name: str) -> Path:
    """Return the path of a reference file shipped in ``coopstats/data/``.

    Parameters
    ----------
    name : str
        File name, e.g. ``"bloc_membership.csv"`` (``""`` gives the folder).

    Returns
    -------
    pathlib.Path
        The file inside the installed package (found with :mod:`importlib.resources`).
    """
    return Path(str(resources.files("coopstats").joinpath("data", name)))


def read_table(
    name: str,
    columns: Sequence[str],
    *,
    required: Sequence[str] = (),
    blank: str | None = "",
) -> pd.DataFrame:
    """Read the shipped reference table ``name``: strings, stripped, indexed by file line.

    Parameters
    ----------
    name : str
        File name in ``coopstats/data/``.
    columns : sequence of str
        Columns the header must have; the frame holds exactly these, in this order.
    required : sequence of str
        Columns in which every cell must be filled.
    blank : str or None
        What an empty cell becomes: ``""`` (default; plain ``str`` values, ``object`` dtype)
        or ``None`` for ``<NA>`` (pandas ``string`` dtype).

    Returns
    -------
    pandas.DataFrame
        ``columns``; the index (``line``) is the 1-based line where each record starts.

    Raises
    ------
    DataFileError
        Naming file, line and column: missing header column, malformed record, undecodable
        byte, or an empty cell in a ``required`` column.
    """
    file = path(name)
    frame = read_csv_strict(file, required=list(columns))[list(columns)]
    frame = frame.apply(lambda s: s.str.strip()).replace("", pd.NA)
    for col in required:
        empty = frame[col].isna()
        if empty.any():
            raise DataFileError(
                f"{int(empty.sum())} empty required cell(s)",
                path=file,
                line=int(frame.index[empty.to_numpy()][0]),
                column=col,
                value="",
                hint="every row needs this field (with a source)",
            )
    if blank is None:
        return frame
    return frame.astype(object).where(frame.notna(), blank)


def fail_rows(
    frame: pd.DataFrame, bad: pd.Series, name: str, column: str, message: str, hint: str
) -> None:
    """Raise a :class:`DataFileError` for the first ``bad`` row of a :func:`read_table` frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as read by :func:`read_table` (indexed by file line).
    bad : pandas.Series of bool
        Rows that fail the check, aligned with ``frame``.
    name, column : str
        File name and the column checked (named in the error with the first bad value).
    message, hint : str
        What is wrong and what to do; the number of bad rows is appended to ``message``.
    """
    if bad.any():
        line = int(frame.index[bad.to_numpy()][0])
        raise DataFileError(
            f"{message} ({int(bad.sum())} row(s))",
            path=path(name),
            line=line,
            column=column,
            value=frame.loc[line, column],
            hint=hint,
        )
