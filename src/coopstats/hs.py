"""HS codes: normalisation, validation and the code list of every revision.

Normalisation rules of :func:`normalize_hs6` (every change is recorded by :func:`clean_hs6`):

=====================  ===========  =============================================================
input                  result       rule
=====================  ===========  =============================================================
``"010121"``           ``010121``   already a 6-digit string
``" 010121 "``         ``010121``   surrounding spaces removed
``10121`` (int)        ``010121``   5 digits: the leading zero was lost (chapters 01-09)
``"10121"``            ``010121``   same, as text
``10121.0`` (float)    ``010121``   a float with zero fraction is an integer that lost its zero
``"85423.0"``          ``085423``   same rule: an integer written as a float. It is *not* read as
                                    854230 (a dropped trailing zero cannot be told apart from a
                                    dropped leading one); ``085423`` then fails validation
                                    against the revision's code list (there is no heading 0854)
``"8542.31"``          ``854231``   heading.subheading notation
``"85.42.31"``         ``854231``   chapter.heading.subheading notation
``"8542.3"``           invalid      ambiguous (8542.30? a lost trailing zero)
``"8542"``             invalid      a heading (4 digits) is not an HS6 code
``"85423100"``         invalid      8+ digits are national tariff lines, not HS6
``-10121``, ``"abc"``  invalid      not a code
=====================  ===========  =============================================================

Revisions are named ``HS92 HS96 HS02 HS07 HS12 HS17 HS22``. Shipped table (source in
``data/reference_data.md``, derivation script ``data/raw/hs/build_reference.py``):
``hs_products.csv``, every revision's HS6 codes with CEPII BACI's descriptions
(:func:`hs6_codes`, :func:`code_list`, :func:`products`).

Conversion between revisions and HS -> SITC are in :mod:`coopstats.hs_revisions`; sector
lists (coopstats sectors, CHPL, OECD high-tech) in :mod:`coopstats.hs_sectors`.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import reference
from .columns import HS6_REGEX
from .errors import DataFileError, InvalidParameterError, MissingDataError
from .geo import data_path
from .ledger import Cleaned, change_entries, empty_ledger, ledger_entries

__all__ = [
    "HS_REVISIONS",
    "is_hs6",
    "normalize_hs6",
    "clean_hs6",
    "hs6_codes",
    "products",
    "code_list",
    "check_revision",
]

#: HS revisions (the ``hs_revision`` vocabulary of :mod:`coopstats.columns`).
HS_REVISIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
#: Revisions whose full HS6 code list ships with coopstats (all of them, in ``hs_products.csv``).
CODE_LISTS = {r: "hs_products.csv" for r in HS_REVISIONS}

_PRODUCTS = "hs_products.csv"

#: the registry's HS6 rule (coopstats.columns.HS6_REGEX), ASCII digits only
_SIX = re.compile(HS6_REGEX.removeprefix("^").removesuffix("$"), re.ASCII)
_FIVE = re.compile(r"\d{5}")
_FLOATISH = re.compile(r"(\d{5,6})\.0+")
_DOTTED = re.compile(r"(\d{4})\.(\d{2})")
_DOTTED3 = re.compile(r"(\d{2})\.(\d{2})\.(\d{2})")


# --------------------------------------------------------------------------- normalisation
def _one(text: str) -> tuple[str | None, str]:
    """Normalise one non-6-digit string; return (code or None, rule/reason)."""
    t = text.strip()
    if _SIX.fullmatch(t):
        return t, "surrounding whitespace removed"
    if _FIVE.fullmatch(t):
        return t.zfill(6), "5 digits: leading zero restored"
    m = _FLOATISH.fullmatch(t)
    if m:
        digits = m.group(1)
        return digits.zfill(6), "integer written as a float" + (
            "; leading zero restored" if len(digits) == 5 else ""
        )
    m = _DOTTED.fullmatch(t)
    if m:
        return m.group(1) + m.group(2), "dotted notation (heading.subheading) joined"
    m = _DOTTED3.fullmatch(t)
    if m:
        return "".join(m.groups()), "dotted notation (chapter.heading.subheading) joined"
    if t == "":
        return None, "empty HS code"
    if re.fullmatch(r"\d{4}\.\d", t):
        return None, "ambiguous: one decimal after the heading (a lost trailing zero?)"
    if re.fullmatch(r"\d{1,4}", t):
        return None, f"{len(t)} digits: a chapter or heading, not an HS6 code"
    if re.fullmatch(r"\d{7,}", t):
        return None, f"{len(t)} digits: a national tariff line, not an HS6 code"
    if t.startswith("-"):
        return None, "negative number, not an HS code"
    return None, "not a 6-digit HS code"


def _normalize_unique(value: object) -> tuple[str | None, str, bool]:
    """Normalise one distinct value: (code or None, reason, changed)."""
    if isinstance(value, (bool, np.bool_)):
        return None, "boolean, not an HS code", False
    text = str(value)
    if _SIX.fullmatch(text):
        return text, "", False
    code, why = _one(text)
    return code, why, code is not None


def _normalize(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return (codes with <NA> where invalid, reason per row or "", changed mask).

    Work is done once per distinct value (an HS revision has ~5,400 codes), then broadcast
    back with the factorised positions, so millions of rows cost one factorisation.
    """
    values = pd.Series(values)
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(object)
    positions, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [_normalize_unique(v) for v in uniques]
    codes_u = np.array([r[0] for r in results] + [None], dtype=object)
    reason_u = np.array([r[1] for r in results] + ["missing HS code"], dtype=object)
    changed_u = np.array([r[2] for r in results] + [False], dtype=bool)
    # position -1 (missing value) picks the extra last element
    codes = pd.Series(codes_u[positions], index=values.index, dtype="string")
    reason = pd.Series(reason_u[positions], index=values.index, dtype="object")
    changed = pd.Series(changed_u[positions], index=values.index)
    return codes, reason, changed


def is_hs6(values: pd.Series | str) -> pd.Series | bool:
    r"""Return whether values are 6-digit HS codes as strings: the one HS6 check.

    The rule is the column registry's (:data:`coopstats.columns.HS6_REGEX`, ``^\d{6}$``):
    exactly six ASCII digits, zero-padded, no dots or spaces. Missing values are not codes.
    Use :func:`normalize_hs6` to turn ``8542.31`` or ``10121`` into codes first.

    Parameters
    ----------
    values : pandas.Series or str
        Codes (any dtype) or one code.

    Returns
    -------
    pandas.Series of bool (same index) or bool

    Examples
    --------
    >>> is_hs6(pd.Series(["854231", "8542.31", "10121", None])).tolist()
    [True, False, False, False]
    >>> is_hs6("010121")
    True
    """
    if isinstance(values, str):
        return _SIX.fullmatch(values) is not None
    s = pd.Series(values)
    text = s.astype("string")
    ok = text.str.fullmatch(_SIX.pattern, flags=re.ASCII)
    return ok.fillna(False).astype(bool).set_axis(s.index)

def normalize_hs6(values: pd.Series) -> pd.Series:
    r"""Normalise HS codes to 6-digit zero-padded strings (rules in the module docstring).

    Parameters
    ----------
    values : pandas.Series
        Codes as strings, integers or floats.

    Returns
    -------
    pandas.Series of string
        Same index and name; every value matches ``^\\d{6}$``.

    Raises
    ------
    DataFileError
        When any value cannot be normalised; names the column, the first bad value and its
        index label, with a count. Use :func:`clean_hs6` to quarantine such rows instead.

    Examples
    --------
    >>> normalize_hs6(pd.Series(["8542.31", " 010121 ", 10121])).tolist()
    ['854231', '010121', '010121']
    """
    codes, reason, _ = _normalize(values)
    bad = codes.isna()
    if bad.any():
        first = codes.index[bad.to_numpy()][0]
        shown = ", ".join(
            f"{values.loc[i]!r} ({reason.loc[i]})" for i in codes.index[bad.to_numpy()][:10]
        )
        raise DataFileError(
            f"{int(bad.sum())} value(s) are not HS6 codes: {shown}",
            line=int(first)
            if isinstance(first, (int, np.integer)) and values.index.name == "line"
            else None,
            column=None if values.name is None else str(values.name),
            value=values.loc[first],
            hint="read product codes as strings; use coopstats.hs.clean_hs6 to quarantine bad rows",
        )
    codes.name = values.name
    return codes


@functools.lru_cache(maxsize=1)
def _products() -> pd.DataFrame:
    frame = reference.read_table(
        _PRODUCTS, ["hs_revision", "hs6_code", "description"], required=["hs_revision", "hs6_code"]
    )
    reference.fail_rows(
        frame,
        ~frame["hs_revision"].isin(HS_REVISIONS),
        _PRODUCTS,
        "hs_revision",
        "unknown revision",
        f"revisions are {HS_REVISIONS}",
    )
    reference.fail_rows(
        frame,
        ~is_hs6(frame["hs6_code"]),
        _PRODUCTS,
        "hs6_code",
        "not a 6-digit code",
        "codes are zero-padded 6-digit strings",
    )
    reference.fail_rows(
        frame,
        frame.duplicated(["hs_revision", "hs6_code"], keep=False),
        _PRODUCTS,
        "hs6_code",
        "duplicated code",
        "one row per revision and code",
    )
    return frame


@functools.cache
def code_list(revision: str) -> frozenset[str]:
    """Return the HS6 codes of ``revision`` as a frozen set (cached; see :func:`hs6_codes`)."""
    frame = _products()
    return frozenset(frame.loc[frame["hs_revision"] == revision, "hs6_code"])


def products(revision: str = "HS17") -> pd.DataFrame:
    """HS6 codes of ``revision`` with CEPII BACI's product descriptions (for labels).

    Returns
    -------
    pandas.DataFrame
        ``hs6_code, description`` sorted by code (HS92 5,021 codes, HS96 5,114, HS02 5,222,
        HS07 5,050, HS12 5,202, HS17 5,384, HS22 5,609; BACI's own aggregates such as
        ``271000`` and ``999999`` included).

    References
    ----------
    CEPII BACI product lists ``product_codes_HS<rev>_V202401.csv`` (Etalab 2.0); unchanged
    in later releases as far as checked (HS17 V202601 has the same SHA-256).
    """
    check_revision(revision)
    frame = _products()
    rows = frame[frame["hs_revision"] == revision]
    return rows[["hs6_code", "description"]].sort_values("hs6_code").reset_index(drop=True)


def hs6_codes(revision: str = "HS17") -> list[str]:
    """Sorted HS6 codes of ``revision`` (every revision ships, from BACI's product lists).

    Raises
    ------
    MissingDataError
        For a revision whose code list does not ship.
    """
    check_revision(revision)
    if revision not in CODE_LISTS:
        raise MissingDataError(
            f"{revision.lower()}_codes.csv",
            where=data_path(""),
            how=f"only {sorted(CODE_LISTS)} code lists ship; add one (codes only, with a source)",
        )
    return sorted(code_list(revision))


def check_revision(revision: str) -> str:
    """Return ``revision`` if it is one of :data:`HS_REVISIONS`, else raise.

    Raises
    ------
    InvalidParameterError
        Naming the revision and the known ones.
    """
    if revision not in HS_REVISIONS:
        raise InvalidParameterError("revision", revision, list(HS_REVISIONS))
    return revision


def clean_hs6(
    frame: pd.DataFrame,
    column: str = "hs6_code",
    *,
    step: str,
    file: str | Path,
    revision: str | None = None,
) -> Cleaned:
    """Normalise an HS code column; record every changed value and quarantine invalid rows.

    Rows whose code cannot be normalised (rule ``hs6_format``) or, with ``revision``, is not in
    that revision's code list (rule ``hs6_unknown``) are rejected; rows whose code was rewritten
    (e.g. ``10121`` -> ``010121``) are kept and get a ``changed`` ledger entry with the old
    value (rule ``hs6_normalized``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows indexed by source line (header = line 1).
    column : str
        The code column.
    step, file : str
        Recorded in the ledger.
    revision : str, optional
        Check membership in the code list of this revision (``"HS17"`` ships).

    Returns
    -------
    Cleaned
        ``kept`` with the normalised column (dtype string); ledger rows for rejected and
        changed values. ``rows_in = rows_kept + rows_rejected`` is checked.
    """
    if column not in frame.columns:
        raise InvalidParameterError(
            "column", column, list(frame.columns), why="column not in frame"
        )
    known = None
    if revision is not None:
        check_revision(revision)
        known = set(hs6_codes(revision))
    codes, reason, changed = _normalize(frame[column])
    bad = codes.isna()
    unknown = pd.Series(False, index=frame.index)
    if known is not None:
        unknown = ~bad & ~codes.isin(known).fillna(False).astype(bool)
    ledgers = []
    if bad.any():
        ledgers.append(
            ledger_entries(
                frame.index[bad.to_numpy()],
                frame.loc[bad, column],
                step=step,
                file=str(file),
                column=column,
                rule="hs6_format",
                reason=reason[bad].tolist(),
            )
        )
    if unknown.any():
        ledgers.append(
            ledger_entries(
                frame.index[unknown.to_numpy()],
                frame.loc[unknown, column],
                step=step,
                file=str(file),
                column=column,
                rule="hs6_unknown",
                reason=[
                    f"{c} is not an {revision} HS6 code (normalised from {v!r})"
                    if ch
                    else f"not an {revision} HS6 code"
                    for c, v, ch in zip(
                        codes[unknown], frame.loc[unknown, column], changed[unknown], strict=True
                    )
                ],
            )
        )
    keep = ~bad & ~unknown
    moved = keep & changed
    if moved.any():
        ledgers.append(
            change_entries(
                frame.index[moved.to_numpy()],
                frame.loc[moved, column],
                codes[moved],
                step=step,
                file=str(file),
                column=column,
                rule="hs6_normalized",
                reason=reason[moved].tolist(),
            )
        )
    kept = frame[keep.to_numpy()].copy()
    kept[column] = codes[keep].astype("string")
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else empty_ledger()
    return Cleaned(kept, ledger, step, len(frame)).check()


