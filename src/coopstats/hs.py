"""HS codes: normalisation, validation, revisions, concordance and sector lists.

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

Revisions are named ``HS92 HS96 HS02 HS07 HS12 HS17 HS22``. The HS17 6-digit code list ships
as ``data/hs17_codes.csv`` (codes only, derived from CEPII BACI ``product_codes_HS17_V202201.csv``,
Etalab 2.0). Sector lists live in ``data/hs_sectors.csv`` (rules at chapter, heading or
subheading level with rationale and source, expanded to HS6 against the code list), and the
explicit one-to-many HS17 <-> HS22 table for codes that changed in ``data/hs_concordance.csv``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import reference
from .errors import DataFileError, InvalidParameterError, MissingDataError
from .geo import data_path
from .ledger import Cleaned, change_entries, empty_ledger, ledger_entries

__all__ = [
    "HS_REVISIONS",
    "TAXONOMIES",
    "normalize_hs6",
    "clean_hs6",
    "hs6_codes",
    "sector_table",
    "sector_rules",
    "sector_codes",
    "sector_map",
    "sectors",
    "concordance",
    "convert_codes",
]

#: HS revisions (the ``hs_revision`` vocabulary of :mod:`coopstats.columns`).
HS_REVISIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
#: Taxonomies in ``hs_sectors.csv``: coopstats sectors, the G7/EU Common High Priority List.
TAXONOMIES = ("coopstats", "CHPL")
#: Revisions whose full HS6 code list ships with coopstats.
CODE_LISTS = {"HS17": "hs17_codes.csv"}

_SECTORS = "hs_sectors.csv"
_CONCORDANCE = "hs_concordance.csv"
_RELATIONS = ("one_to_one", "one_to_many", "many_to_one", "many_to_many")
_FLIP = {
    "one_to_one": "one_to_one",
    "one_to_many": "many_to_one",
    "many_to_one": "one_to_many",
    "many_to_many": "many_to_many",
}

_SIX = re.compile(r"\d{6}")
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


@functools.cache
def _code_list(revision: str) -> frozenset[str]:
    name = CODE_LISTS[revision]
    frame = reference.read_table(name, ["hs6_code"], required=["hs6_code"])
    reference.fail_rows(
        frame,
        ~frame["hs6_code"].str.fullmatch(_SIX.pattern),
        name,
        "hs6_code",
        "not a 6-digit code",
        "codes are zero-padded 6-digit strings",
    )
    reference.fail_rows(
        frame,
        frame["hs6_code"].duplicated(keep=False),
        name,
        "hs6_code",
        "duplicated code",
        "one row per code",
    )
    return frozenset(frame["hs6_code"])


def hs6_codes(revision: str = "HS17") -> list[str]:
    """Sorted HS6 codes of ``revision`` (HS17 ships: 5,384 codes from BACI V202201's dictionary).

    Raises
    ------
    MissingDataError
        For a revision whose code list does not ship.
    """
    _check_revision(revision)
    if revision not in CODE_LISTS:
        raise MissingDataError(
            f"{revision.lower()}_codes.csv",
            where=data_path(""),
            how=f"only {sorted(CODE_LISTS)} code lists ship; add one (codes only, with a source)",
        )
    return sorted(_code_list(revision))


def _check_revision(revision: str) -> str:
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
        _check_revision(revision)
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


# --------------------------------------------------------------------------- sectors
@functools.lru_cache(maxsize=1)
def _rules() -> pd.DataFrame:
    cols = ["taxonomy", "sector", "hs_revision", "hs_code", "rationale", "source"]
    frame = reference.read_table(_SECTORS, cols, required=cols)
    reference.fail_rows(
        frame,
        ~frame["taxonomy"].isin(TAXONOMIES),
        _SECTORS,
        "taxonomy",
        "unknown taxonomy",
        f"taxonomies are {TAXONOMIES}",
    )
    reference.fail_rows(
        frame,
        ~frame["hs_revision"].isin(HS_REVISIONS),
        _SECTORS,
        "hs_revision",
        "unknown revision",
        f"revisions are {HS_REVISIONS}",
    )
    reference.fail_rows(
        frame,
        ~frame["hs_code"].str.fullmatch(r"\d{2}|\d{4}|\d{6}"),
        _SECTORS,
        "hs_code",
        "not a 2-, 4- or 6-digit HS code",
        "write chapters, headings or subheadings zero-padded",
    )
    no_list = ~frame["hs_revision"].isin(list(CODE_LISTS))
    reference.fail_rows(
        frame,
        no_list & (frame["hs_code"].str.len() != 6),
        _SECTORS,
        "hs_code",
        "prefix rule for a revision without a shipped code list",
        "list 6-digit codes for this revision",
    )
    reference.fail_rows(
        frame,
        frame.duplicated(["taxonomy", "sector", "hs_revision", "hs_code"], keep=False),
        _SECTORS,
        "hs_code",
        "duplicated rule",
        "one row per taxonomy, sector, revision and code",
    )
    return frame


def sector_rules() -> pd.DataFrame:
    """Return the rules of ``hs_sectors.csv`` as written (chapter/heading/subheading prefixes).

    Returns
    -------
    pandas.DataFrame
        ``taxonomy, sector, hs_revision, hs_code`` (2, 4 or 6 digits), ``rationale, source``,
        indexed by file line.
    """
    return _rules().copy()


@functools.lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    rules = _rules()
    parts = []
    for line, rule in rules.iterrows():
        rev, code = rule["hs_revision"], rule["hs_code"]
        if rev in CODE_LISTS:
            hits = sorted(c for c in _code_list(rev) if c.startswith(code))
            if not hits:
                raise DataFileError(
                    f"rule matches no {rev} HS6 code",
                    path=data_path(_SECTORS),
                    line=int(line),
                    column="hs_code",
                    value=code,
                    hint=f"check the code against {CODE_LISTS[rev]}",
                )
        else:
            hits = [code]
        parts.append(
            pd.DataFrame(
                {
                    "taxonomy": rule["taxonomy"],
                    "sector": rule["sector"],
                    "hs_revision": rev,
                    "hs6_code": hits,
                    "rule": code,
                    "rationale": rule["rationale"],
                    "source": rule["source"],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    dup = out.duplicated(["sector", "hs_revision", "hs6_code"], keep=False)
    if dup.any():
        first = out[dup].iloc[0]
        raise DataFileError(
            "an HS6 code is listed twice for one sector (overlapping rules)",
            path=data_path(_SECTORS),
            column="hs_code",
            value=f"{first['sector']} {first['hs_revision']} {first['hs6_code']}",
            hint="keep one rule per code",
        )
    out = out.sort_values(
        ["taxonomy", "sector", "hs_revision", "hs6_code"], kind="stable"
    ).reset_index(drop=True)
    return out.astype("string")


def sector_table() -> pd.DataFrame:
    """Sector -> HS6 code lists per HS revision, long format (a code may be in several lists).

    Taxonomies: ``coopstats`` sectors (microelectronics, machine_tools, advanced_materials,
    uav, optics) and the G7/EU Common High Priority List tiers (``chpl_tier_1`` to
    ``chpl_tier_4b``;
    HS22 codes as published, plus HS17 equivalents through :func:`concordance`).

    Returns
    -------
    pandas.DataFrame
        ``sector, hs_revision, hs6_code, rationale, source`` plus ``taxonomy`` and ``rule``
        (the prefix in ``hs_sectors.csv`` the code was expanded from), all strings.

    References
    ----------
    BIS, Common High Priority List (23 Feb 2024); Council Regulation (EU) No 833/2014, Annex XL;
    WCO Harmonized System 2017 and 2022 nomenclatures.
    """
    t = _table()
    return t[
        ["sector", "hs_revision", "hs6_code", "rationale", "source", "taxonomy", "rule"]
    ].copy()


def sectors(*, taxonomy: str | None = None) -> list[str]:
    """Sector names available in :func:`sector_table` (optionally of one taxonomy), sorted."""
    t = _table()
    if taxonomy is not None:
        if taxonomy not in TAXONOMIES:
            raise InvalidParameterError("taxonomy", taxonomy, list(TAXONOMIES))
        t = t[t["taxonomy"] == taxonomy]
    return sorted(t["sector"].unique().tolist())


def sector_codes(sector: str, *, revision: str = "HS17") -> list[str]:
    """Sorted HS6 codes of ``sector`` in ``revision``.

    Raises
    ------
    InvalidParameterError
        Unknown sector or revision.
    MissingDataError
        The sector has no list for this revision (says which revisions it has).
    """
    _check_revision(revision)
    t = _table()
    known = sorted(t["sector"].unique().tolist())
    if sector not in known:
        raise InvalidParameterError("sector", sector, known)
    rows = t[(t["sector"] == sector) & (t["hs_revision"] == revision)]
    if rows.empty:
        have = sorted(t.loc[t["sector"] == sector, "hs_revision"].unique().tolist())
        raise MissingDataError(
            f"{sector} codes for {revision}",
            where=data_path(_SECTORS),
            how=f"the sector is listed for {have}; add {revision} rows with rationale and source",
        )
    return sorted(rows["hs6_code"].tolist())


def sector_map(*, revision: str = "HS17", taxonomy: str = "coopstats") -> pd.DataFrame:
    """``hs6_code, sector`` pairs of one revision and taxonomy (input for growth/localization).

    A code in several sectors appears once per sector.
    """
    _check_revision(revision)
    if taxonomy not in TAXONOMIES:
        raise InvalidParameterError("taxonomy", taxonomy, list(TAXONOMIES))
    t = _table()
    rows = t[(t["hs_revision"] == revision) & (t["taxonomy"] == taxonomy)]
    return rows[["hs6_code", "sector"]].sort_values(["sector", "hs6_code"]).reset_index(drop=True)


# --------------------------------------------------------------------------- concordance
@functools.lru_cache(maxsize=1)
def _concordance() -> pd.DataFrame:
    cols = ["from_revision", "from_code", "to_revision", "to_code", "relation", "source", "note"]
    frame = reference.read_table(_CONCORDANCE, cols, required=cols[:6])
    for c in ("from_revision", "to_revision"):
        reference.fail_rows(
            frame,
            ~frame[c].isin(HS_REVISIONS),
            _CONCORDANCE,
            c,
            "unknown revision",
            f"use {HS_REVISIONS}",
        )
    for c in ("from_code", "to_code"):
        reference.fail_rows(
            frame,
            ~frame[c].str.fullmatch(_SIX.pattern),
            _CONCORDANCE,
            c,
            "not a 6-digit code",
            "write zero-padded 6-digit codes",
        )
    reference.fail_rows(
        frame,
        ~frame["relation"].isin(_RELATIONS),
        _CONCORDANCE,
        "relation",
        "unknown relation",
        f"relations are {_RELATIONS}",
    )
    reference.fail_rows(
        frame,
        frame.duplicated(cols[:4], keep=False),
        _CONCORDANCE,
        "to_code",
        "duplicated pair",
        "one row per code pair",
    )
    hs17 = _code_list("HS17")
    from17 = frame["from_revision"] == "HS17"
    reference.fail_rows(
        frame,
        from17 & ~frame["from_code"].isin(hs17),
        _CONCORDANCE,
        "from_code",
        "not an HS17 code",
        "check against hs17_codes.csv",
    )
    return frame


def concordance() -> pd.DataFrame:
    """Explicit one-to-many HS17 -> HS22 table for codes that changed (unchanged codes omitted).

    Returns
    -------
    pandas.DataFrame
        ``from_revision, from_code, to_revision, to_code, relation, source, note``.
        ``relation`` describes the from-code's side: ``one_to_one`` (renumbered),
        ``one_to_many`` (split; the from-code is in several rows), ``many_to_one``,
        ``many_to_many``.

    References
    ----------
    WCO, Correlation Tables HS 2017 - HS 2022; UN Statistics Division HS conversion tables.
    """
    return _concordance().reset_index(drop=True).copy()


def convert_codes(
    codes: list[str] | pd.Series, *, from_revision: str = "HS17", to_revision: str = "HS22"
) -> pd.DataFrame:
    """Map codes between revisions: changed codes via :func:`concordance`, others unchanged.

    Returns
    -------
    pandas.DataFrame
        ``from_code, to_code, relation`` (``unchanged`` for codes not in the table); a split
        code yields several rows. Reverse direction (HS22 -> HS17) uses the same rows.
    """
    _check_revision(from_revision)
    _check_revision(to_revision)
    table = _concordance()
    fwd = table[(table["from_revision"] == from_revision) & (table["to_revision"] == to_revision)]
    rev = table[(table["from_revision"] == to_revision) & (table["to_revision"] == from_revision)]
    pairs = pd.concat(
        [
            fwd[["from_code", "to_code", "relation"]],
            rev.rename(columns={"from_code": "to_code", "to_code": "from_code"}).assign(
                relation=lambda d: d["relation"].map(_FLIP)
            )[["from_code", "to_code", "relation"]],
        ],
        ignore_index=True,
    ).drop_duplicates(["from_code", "to_code"])
    if fwd.empty and rev.empty and from_revision != to_revision:
        raise MissingDataError(
            f"{from_revision}->{to_revision} concordance",
            where=data_path(_CONCORDANCE),
            how="only HS17<->HS22 changed codes ship",
        )
    src = normalize_hs6(pd.Series(list(codes), dtype="object"))
    out = pd.DataFrame({"from_code": src}).merge(pairs, on="from_code", how="left")
    same = out["to_code"].isna()
    out.loc[same, "to_code"] = out.loc[same, "from_code"]
    out.loc[same, "relation"] = "unchanged"
    return out.astype("string").reset_index(drop=True)
