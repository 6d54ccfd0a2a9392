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

Revisions are named ``HS92 HS96 HS02 HS07 HS12 HS17 HS22``. Shipped tables (sources in
``data/reference_data.md``, derivation script ``data/raw/hs/build_reference.py``):

* ``hs_products.csv``: every revision's HS6 codes with CEPII BACI's descriptions
  (:func:`hs6_codes`, :func:`products`);
* ``hs_correlation.csv``: the UNSD correlation tables (every revision <-> HS92 and <-> HS17,
  with UNSD's conversion link marked): :func:`correlation`, :func:`correspondence` (all
  links), :func:`conversion_table` and :func:`convert_revision` (values from one revision to
  another, totals conserved, split rows flagged);
* ``hs_sitc.csv``: UNSD HS -> SITC Rev.4 (:func:`hs_to_sitc`), with
  ``oecd_high_tech_sitc.csv`` for the OECD high-technology groups (taxonomy ``OECD_HT``);
* ``hs_sectors.csv``: sector rules at chapter, heading or subheading level with rationale and
  source, expanded to HS6 against the code lists; a revision without rules gets its list
  derived from the taxonomy's base revision (:data:`BASE_REVISION`) with the UNSD tables
  (:func:`sector_table` says how, per code);
* ``hs_concordance.csv``: the older hand-made HS17 <-> HS22 table of changed codes
  (:func:`concordance`, :func:`convert_codes`).
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
    "products",
    "correlation",
    "correspondence",
    "convert_revision",
    "conversion_table",
    "hs_to_sitc",
    "high_tech_items",
    "BASE_REVISION",
]

#: HS revisions (the ``hs_revision`` vocabulary of :mod:`coopstats.columns`).
HS_REVISIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
#: Taxonomies of :func:`sector_table`: coopstats sectors, the G7/EU Common High Priority List
#: (both in ``hs_sectors.csv``) and the OECD high-technology product groups (``OECD_HT``,
#: from ``oecd_high_tech_sitc.csv`` through HS -> SITC Rev.4).
TAXONOMIES = ("coopstats", "CHPL", "OECD_HT")
#: Revisions whose full HS6 code list ships with coopstats (all of them, in ``hs_products.csv``).
CODE_LISTS = {r: "hs_products.csv" for r in HS_REVISIONS}
#: Revision whose lists the other revisions' lists are derived from, per taxonomy.
BASE_REVISION = {"coopstats": "HS17", "CHPL": "HS22"}

_SECTORS = "hs_sectors.csv"
_CONCORDANCE = "hs_concordance.csv"
_PRODUCTS = "hs_products.csv"
_CORRELATION = "hs_correlation.csv"
_SITC = "hs_sitc.csv"
_OECD = "oecd_high_tech_sitc.csv"
_UNSD_RELATIONS = ("1:1", "1:n", "n:1", "n:n")
_RELATIONS = ("one_to_one", "one_to_many", "many_to_one", "many_to_many")
_FLIP = {
    "one_to_one": "one_to_one",
    "one_to_many": "many_to_one",
    "many_to_one": "one_to_many",
    "many_to_many": "many_to_many",
}

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
def _code_list(revision: str) -> frozenset[str]:
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
    _check_revision(revision)
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


@functools.cache
def _sorted_codes(revision: str) -> list[str]:
    return sorted(_code_list(revision))


def _prefixed(revision: str, prefix: str) -> list[str]:
    """Sorted codes of ``revision`` starting with ``prefix`` (binary search)."""
    import bisect

    codes = _sorted_codes(revision)
    lo = bisect.bisect_left(codes, prefix)
    hi = bisect.bisect_left(codes, prefix + "\x7f")
    return codes[lo:hi]


@functools.lru_cache(maxsize=1)
def _explicit_table() -> pd.DataFrame:
    rules = _rules()
    parts = []
    for line, rule in rules.iterrows():
        rev, code = rule["hs_revision"], rule["hs_code"]
        if rev in CODE_LISTS:
            hits = _prefixed(rev, code)
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


@functools.lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    """Explicit lists, plus every missing revision derived from the taxonomy's base revision."""
    explicit = _explicit_table()
    parts = [explicit]
    for (taxonomy, sector), rows in explicit.groupby(["taxonomy", "sector"], sort=True):
        base = BASE_REVISION[str(taxonomy)]
        if base not in set(rows["hs_revision"]):
            revs = set(rows["hs_revision"])
            base = "HS17" if "HS17" in revs else str(rows["hs_revision"].iloc[0])
        have = set(rows["hs_revision"])
        base_rows = rows[rows["hs_revision"] == base]
        for rev in HS_REVISIONS:
            if rev in have:
                continue
            parts.append(
                _derive_list(
                    set(base_rows["hs6_code"]),
                    base,
                    rev,
                    taxonomy=str(taxonomy),
                    sector=str(sector),
                    rationale=str(base_rows["rationale"].iloc[0]),
                    source=str(base_rows["source"].iloc[0]),
                )
            )
    parts.append(_oecd_table())
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(
        ["taxonomy", "sector", "hs_revision", "hs6_code"], kind="stable"
    ).reset_index(drop=True)
    return out.astype("string")


def _older(a: str, b: str) -> bool:
    return HS_REVISIONS.index(a) < HS_REVISIONS.index(b)


@functools.cache
def _conversion(newer: str, older: str) -> dict[str, str]:
    """UNSD conversion of ``newer`` codes to one ``older`` code each (chained through HS17)."""
    table = _correlation()
    rows = table[
        (table["from_revision"] == newer)
        & (table["to_revision"] == older)
        & (table["conversion"] == "yes")
    ]
    if len(rows) or (newer, older) in _DIRECT_PAIRS():
        out = {c: c for c in _code_list(newer) if c in _code_list(older)}
        out.update(zip(rows["from_code"], rows["to_code"], strict=True))
        return out
    if _older("HS17", newer) and _older(older, "HS17"):
        first, second = _conversion(newer, "HS17"), _conversion("HS17", older)
        return {c: second[m] for c, m in first.items() if m in second}
    raise MissingDataError(
        f"{newer}->{older} conversion",
        where=data_path(_CORRELATION),
        how="the shipped UNSD tables pair every revision with HS92 and HS17",
    )


@functools.cache
def _DIRECT_PAIRS() -> frozenset[tuple[str, str]]:  # noqa: N802 - constant-like cache
    t = _correlation()
    return frozenset(zip(t["from_revision"], t["to_revision"], strict=True))


@functools.cache
def _derivation_inputs(base: str, revision: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return base -> older conversion pairs and the correlation links of codes none converts to."""
    conv = _conversion(base, revision)
    pre = pd.DataFrame({"b": list(conv.keys()), "r": list(conv.values())})
    orphans = _code_list(revision) - set(pre["r"])
    links = _correspondence(revision, base)
    links = links[links["from_code"].isin(orphans)].reset_index(drop=True)
    return pre, links


def _derive_list(
    codes: set[str],
    base: str,
    revision: str,
    *,
    taxonomy: str,
    sector: str,
    rationale: str,
    source: str,
) -> pd.DataFrame:
    """Codes of ``revision`` belonging to a list given in ``base``, by UNSD's conversion tables.

    UNSD's conversion table gives each code of the newer revision **one** code of the older
    one (its main correspondence); the correlation table also lists the slivers that moved
    (HS 2007 moved multi-component integrated circuits from many headings into 85.42, HS 2022
    linked ~1,000 codes to the catch-all 85.49), which must not pull whole codes into a list.

    * ``revision`` newer than ``base``: a code is in the list when its conversion is;
    * ``revision`` older than ``base``: a code that a base code of the same number converts to
      follows that code; otherwise it is in the list when more than half of the base codes
      converting to it are in the list; a code no base code converts to (deleted in the
      base revision) when more than half of its correlation links point into the list and
      one of them stays in the code's own heading.
    """
    if _older(base, revision):
        conv = _conversion(revision, base)
        hits = sorted(c for c, b in conv.items() if b in codes)
        rule = {c: f"derived from {base}: UNSD conversion {c} -> {conv[c]}" for c in hits}
    else:
        pre, links = _derivation_inputs(base, revision)
        pre = pre.assign(hit=pre["b"].isin(codes))
        stats = pre.groupby("r").agg(n=("hit", "size"), k=("hit", "sum"))
        # a code continued under the same number follows that code (its other preimages are
        # slivers, e.g. HS 2022's electronic waste 85.49 converting into 85.42)
        same = pre[pre["b"] == pre["r"]].set_index("r")["hit"]
        cont = stats.index.isin(same.index)
        keep = np.where(
            cont,
            same.reindex(stats.index, fill_value=False).to_numpy(dtype=bool),
            (stats["k"] * 2 > stats["n"]).to_numpy(),
        )
        stats = stats[keep]
        rule = {
            c: f"derived from {base}: {k} of {n} {base} codes converting to it are in the list"
            for c, k, n in zip(stats.index, stats["k"], stats["n"], strict=True)
        }
        # codes no base code converts to (deleted in the base revision): the correlation
        # links; more than half must point into the list and one of those must stay in the
        # code's own heading (links into 84.86 or 85.42 from printing machines or telephones
        # are the slivers HS 2007 moved there, not where the code went)
        inlist = links["to_code"].isin(codes)
        same_heading = inlist & (links["to_code"].str[:4] == links["from_code"].str[:4])
        g = pd.DataFrame(
            {
                "n": links.groupby("from_code").size(),
                "k": inlist.groupby(links["from_code"]).sum(),
                "h": same_heading.groupby(links["from_code"]).sum(),
            }
        )
        for c, rec in g[(g["k"] * 2 > g["n"]) & (g["h"] > 0)].iterrows():
            rule[str(c)] = (
                f"derived from {base}: no {base} code converts to it; {rec['k']} of its "
                f"{rec['n']} UNSD correlation links are in the list, in its own heading"
            )
        hits = sorted(rule)
    return pd.DataFrame(
        {
            "taxonomy": taxonomy,
            "sector": sector,
            "hs_revision": revision,
            "hs6_code": hits,
            "rule": [rule[c] for c in hits],
            "rationale": rationale,
            "source": f"{source}; {revision} codes derived with the UNSD HS conversion tables",
        }
    )


# --------------------------------------------------------------------------- HS -> SITC, OECD
@functools.lru_cache(maxsize=1)
def _sitc() -> pd.DataFrame:
    cols = ["hs_revision", "hs6_code", "sitc_revision", "sitc_code", "relationship"]
    frame = reference.read_table(_SITC, cols, required=cols)
    reference.fail_rows(
        frame,
        ~is_hs6(frame["hs6_code"]),
        _SITC,
        "hs6_code",
        "not a 6-digit code",
        "codes are zero-padded 6-digit strings",
    )
    reference.fail_rows(
        frame,
        ~frame["sitc_code"].str.fullmatch(r"\d{4,5}"),
        _SITC,
        "sitc_code",
        "not a 4- or 5-digit SITC code",
        "SITC codes are written without dots (71491 = 714.91)",
    )
    return frame


def hs_to_sitc(revision: str = "HS17") -> pd.DataFrame:
    """HS6 -> SITC Rev.4 links of ``revision`` (UNSD correlation tables).

    HS12, HS17 and HS22 use UNSD's own HS -> SITC Rev.4 tables; an older code takes the SITC
    links of the HS17 codes that UNSD's conversion table maps to it (no HS1992-HS2007 ->
    SITC Rev.4 table is in the shipped set).

    Returns
    -------
    pandas.DataFrame
        ``hs6_code, sitc_code`` (SITC Rev.4 without dots: ``71491`` = 714.91), one row per
        link, sorted.

    References
    ----------
    United Nations Statistics Division, HS2012/HS2017/HS2022 to SITC Rev.4 correlation tables.
    """
    _check_revision(revision)
    return _hs_to_sitc(revision).copy()


@functools.cache
def _hs_to_sitc(revision: str) -> pd.DataFrame:
    table = _sitc()
    if revision in set(table["hs_revision"]):
        rows = table[table["hs_revision"] == revision][["hs6_code", "sitc_code"]]
    else:
        via = table[table["hs_revision"] == "HS17"][["hs6_code", "sitc_code"]]
        conv = _conversion("HS17", revision)
        rows = pd.DataFrame(
            {"hs6_code": via["hs6_code"].map(conv), "sitc_code": via["sitc_code"]}
        ).dropna()
    return (
        rows.drop_duplicates()
        .sort_values(["hs6_code", "sitc_code"])
        .reset_index(drop=True)
        .astype("string")
    )


@functools.lru_cache(maxsize=1)
def _oecd_items() -> pd.DataFrame:
    cols = ["group", "sitc_revision", "sitc_code", "include", "source", "note"]
    frame = reference.read_table(_OECD, cols, required=cols[:5])
    reference.fail_rows(
        frame,
        ~frame["sitc_code"].str.fullmatch(r"\d{3,5}"),
        _OECD,
        "sitc_code",
        "not a 3- to 5-digit SITC code",
        "write SITC codes without dots",
    )
    reference.fail_rows(
        frame, ~frame["include"].isin(["yes", "no"]), _OECD, "include", "not yes/no", "yes or no"
    )
    reference.fail_rows(
        frame,
        frame["sitc_revision"] != "SITC4",
        _OECD,
        "sitc_revision",
        "only SITC4 items are supported",
        "the UNSD HS -> SITC tables shipped are SITC Rev.4",
    )
    return frame


def high_tech_items(revision: str = "HS17") -> pd.DataFrame:
    """SITC Rev.4 items of each OECD high-technology group, expanded to the codes of the HS table.

    Returns
    -------
    pandas.DataFrame
        ``group, sitc_code`` (5-digit items of the HS -> SITC table matching an included
        prefix and no excluded one).
    """
    items = _oecd_items()
    sitc = pd.Series(sorted(set(_hs_to_sitc(revision)["sitc_code"])), dtype=object)
    rows = []
    for group, g in items.groupby("group", sort=True):
        inc = tuple(g.loc[g["include"] == "yes", "sitc_code"])
        exc = tuple(g.loc[g["include"] == "no", "sitc_code"])
        hit = sitc.str.startswith(inc) & ~(sitc.str.startswith(exc) if exc else False)
        rows.extend((group, code) for code in sitc[hit])
    return pd.DataFrame(rows, columns=["group", "sitc_code"]).astype("string")


def _oecd_table() -> pd.DataFrame:
    """OECD high-technology groups as HS6 lists of every revision (taxonomy ``OECD_HT``).

    An HS6 code is in a group when at least half of its SITC Rev.4 links are items of the
    group (a code of heading 85.42, linked to several SITC items, is counted where most of
    its links are).
    """
    items = _oecd_items()
    parts = []
    for rev in HS_REVISIONS:
        links = _hs_to_sitc(rev)
        groups = high_tech_items(rev)
        n = links.groupby("hs6_code").size()
        hit = links.merge(groups, on="sitc_code")
        k = hit.groupby(["group", "hs6_code"]).size().rename("k").reset_index()
        k["n"] = k["hs6_code"].map(n)
        k = k[k["k"] * 2 >= k["n"]]
        src = items.drop_duplicates("group").set_index("group")["source"]
        parts.append(
            pd.DataFrame(
                {
                    "taxonomy": "OECD_HT",
                    "sector": k["group"].to_numpy(dtype=object),
                    "hs_revision": rev,
                    "hs6_code": k["hs6_code"].to_numpy(dtype=object),
                    "rule": [
                        f"SITC Rev.4 items of the group: {a} of {b} links"
                        for a, b in zip(k["k"], k["n"], strict=True)
                    ],
                    "rationale": "OECD high-technology product group (R&D-intensive products)",
                    "source": [
                        f"{src[g]}; HS -> SITC Rev.4: UNSD correlation tables" for g in k["group"]
                    ],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


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
            ~is_hs6(frame[c]),
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
        "check against the HS17 codes of hs_products.csv",
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


# --------------------------------------------------------------------------- UNSD correlation
@functools.lru_cache(maxsize=1)
def _correlation() -> pd.DataFrame:
    cols = ["from_revision", "from_code", "to_revision", "to_code", "relationship", "conversion"]
    frame = reference.read_table(_CORRELATION, cols, required=cols)
    reference.fail_rows(
        frame,
        ~frame["conversion"].isin(["yes", "no"]),
        _CORRELATION,
        "conversion",
        "not yes/no",
        "yes marks UNSD's conversion link of the newer code",
    )
    for c in ("from_revision", "to_revision"):
        reference.fail_rows(
            frame,
            ~frame[c].isin(HS_REVISIONS),
            _CORRELATION,
            c,
            "unknown revision",
            f"use {HS_REVISIONS}",
        )
    for c in ("from_code", "to_code"):
        reference.fail_rows(
            frame,
            ~is_hs6(frame[c]),
            _CORRELATION,
            c,
            "not a 6-digit code",
            "write zero-padded 6-digit codes",
        )
    reference.fail_rows(
        frame,
        ~frame["relationship"].isin([*_UNSD_RELATIONS, "conversion_only"]),
        _CORRELATION,
        "relationship",
        "unknown relationship",
        f"UNSD relationships are {_UNSD_RELATIONS}",
    )
    reference.fail_rows(
        frame,
        frame.duplicated(cols[:4], keep=False),
        _CORRELATION,
        "to_code",
        "duplicated link",
        "one row per code pair",
    )
    return frame


def correlation() -> pd.DataFrame:
    """Return the shipped UNSD HS correlation tables as one long tidy table.

    Pairs (newer -> older, as UNSD publishes them): every revision -> HS92 and every
    revision <-> HS17 (11 pairs; other pairs are chained through HS17 by
    :func:`correspondence`). Rows that map a code 1:1 to the same code are not stored: a code
    without rows in a pair maps to itself.

    Returns
    -------
    pandas.DataFrame
        ``from_revision, from_code, to_revision, to_code, relationship`` (UNSD's ``1:1``,
        ``1:n``, ``n:1``, ``n:n``; ``conversion_only`` for the few pairs of UNSD's conversion
        table missing from its correlation sheet, which :func:`correspondence` does not use)
        and ``conversion`` (``yes``: the link UNSD's conversion table picks for the newer
        code, used by :func:`sector_table` to derive lists).

    References
    ----------
    United Nations Statistics Division, HS correspondence (correlation) tables HS2022-HS1992
    ... HS1996-HS1992, as distributed with the R package *concordance* 2.1.0 (Liao, Kim,
    Miyano and Zhang).
    """
    return _correlation().reset_index(drop=True).copy()


def _relationship(links: pd.DataFrame) -> pd.Series:
    n_to = links.groupby("from_code")["to_code"].transform("size")
    n_from = links.groupby("to_code")["from_code"].transform("size")
    left = np.where(n_from > 1, "n", "1")
    right = np.where(n_to > 1, "n", "1")
    return pd.Series(
        np.char.add(np.char.add(left.astype(str), ":"), right.astype(str)), index=links.index
    )


def _direct(from_revision: str, to_revision: str) -> pd.DataFrame | None:
    table = _correlation()
    table = table[table["relationship"] != "conversion_only"]
    fwd = table[(table["from_revision"] == from_revision) & (table["to_revision"] == to_revision)]
    if len(fwd):
        return fwd[["from_code", "to_code"]]
    rev = table[(table["from_revision"] == to_revision) & (table["to_revision"] == from_revision)]
    if len(rev):
        return rev.rename(columns={"from_code": "to_code", "to_code": "from_code"})[
            ["from_code", "to_code"]
        ]
    return None


def _with_identity(links: pd.DataFrame, from_revision: str, to_revision: str) -> pd.DataFrame:
    """Add ``code -> code`` for codes of ``from_revision`` the stored rows do not mention."""
    source, target = _code_list(from_revision), _code_list(to_revision)
    missing = sorted(c for c in source - set(links["from_code"]) if c in target)
    ident = pd.DataFrame({"from_code": missing, "to_code": missing})
    return pd.concat([links, ident], ignore_index=True)


@functools.cache
def _correspondence(from_revision: str, to_revision: str) -> pd.DataFrame:
    if from_revision == to_revision:
        codes = sorted(_code_list(from_revision))
        links = pd.DataFrame({"from_code": codes, "to_code": codes})
    else:
        direct = _direct(from_revision, to_revision)
        if direct is not None:
            links = _with_identity(direct, from_revision, to_revision)
        else:
            via = "HS17" if "HS17" not in (from_revision, to_revision) else "HS92"
            first = _correspondence(from_revision, via)[["from_code", "to_code"]]
            second = _correspondence(via, to_revision)[["from_code", "to_code"]]
            links = first.merge(
                second.rename(columns={"from_code": "mid", "to_code": "to"}),
                left_on="to_code",
                right_on="mid",
            )[["from_code", "to"]].rename(columns={"to": "to_code"})
    links = links.drop_duplicates().sort_values(["from_code", "to_code"]).reset_index(drop=True)
    links["relationship"] = _relationship(links)
    return links.astype("string")


def correspondence(from_revision: str, to_revision: str) -> pd.DataFrame:
    """Links between the HS6 codes of two revisions (UNSD correlation tables).

    Direct UNSD tables are used in either direction; pairs without a shipped table are chained
    through HS17 (through HS92 when one side is HS17). Codes the tables do not mention map to
    themselves when the code exists in the target revision.

    Returns
    -------
    pandas.DataFrame
        ``from_code, to_code, relationship`` with the relationship recomputed on these links
        (``1:1``, ``1:n`` = the from-code is split, ``n:1`` = merged, ``n:n``). A from-code
        without a link (e.g. HS92 ``380999``, for which UNSD gives ``n/a`` in later revisions)
        is absent.
    """
    _check_revision(from_revision)
    _check_revision(to_revision)
    return _correspondence(from_revision, to_revision).copy()


@functools.cache
def _conversion_links(from_revision: str, to_revision: str) -> pd.DataFrame:
    if from_revision == to_revision:
        codes = sorted(_code_list(from_revision))
        links = pd.DataFrame({"from_code": codes, "to_code": codes})
    elif _older(to_revision, from_revision) and (
        (from_revision, to_revision) in _DIRECT_PAIRS()
        or (_older("HS17", from_revision) and _older(to_revision, "HS17"))
    ):
        conv = _conversion(from_revision, to_revision)
        links = pd.DataFrame({"from_code": list(conv), "to_code": list(conv.values())})
    elif _older(from_revision, to_revision) and (
        (to_revision, from_revision) in _DIRECT_PAIRS()
        or (_older("HS17", to_revision) and _older(from_revision, "HS17"))
    ):
        # older -> newer: the newer codes UNSD's conversion table maps back to each older code
        conv = _conversion(to_revision, from_revision)
        links = pd.DataFrame({"from_code": list(conv.values()), "to_code": list(conv)})
        # older codes no newer code converts to (merged into a code whose main origin is
        # another one): their correlation links
        orphans = sorted(_code_list(from_revision) - set(links["from_code"]))
        corr = correspondence(from_revision, to_revision)
        corr = corr[corr["from_code"].isin(orphans)][["from_code", "to_code"]]
        links = pd.concat([links, corr], ignore_index=True)
    else:  # no table and HS17 not between them: up to HS17, then down (or the reverse)
        first = _conversion_links(from_revision, "HS17")
        second = _conversion_links("HS17", to_revision)
        links = first.merge(
            second.rename(columns={"from_code": "mid", "to_code": "to"}),
            left_on="to_code",
            right_on="mid",
        )[["from_code", "to"]].rename(columns={"to": "to_code"})
    links = links.drop_duplicates().sort_values(["from_code", "to_code"]).reset_index(drop=True)
    links["relationship"] = _relationship(links)
    return links.astype("string")


def conversion_table(from_revision: str, to_revision: str) -> pd.DataFrame:
    """Return the code mapping :func:`convert_revision` uses (UNSD conversion tables).

    * newer -> older: UNSD's conversion table, one older code per newer code (merges only,
      never a split; chained through HS17 when there is no direct table);
    * older -> newer: each older code goes to the newer codes UNSD's conversion maps back to
      it (a split when there are several); an older code no newer code converts to takes its
      correlation links;
    * two revisions older than HS17 without a direct table: through HS17.

    The full UNSD correlation links, slivers included (HS 2007 moved parts of many codes into
    84.86 and 85.42), are in :func:`correspondence`; splitting values over every sliver would
    spread e.g. computer parts over integrated circuits.

    Returns
    -------
    pandas.DataFrame
        ``from_code, to_code, relationship`` (``1:1``, ``1:n`` split, ``n:1`` merge, ``n:n``).
    """
    _check_revision(from_revision)
    _check_revision(to_revision)
    return _conversion_links(from_revision, to_revision).copy()


def convert_revision(
    frame: pd.DataFrame,
    to_revision: str,
    *,
    shares: pd.DataFrame | None = None,
    value_columns: tuple[str, ...] = ("value_usd", "quantity_t"),
    unmapped: str = "raise",
) -> pd.DataFrame:
    r"""Convert a trade frame's HS codes to another revision, conserving totals.

    Each row's code is mapped with :func:`conversion_table` (UNSD conversion tables):

    * a code with one target code keeps its whole value (one-to-one and many-to-one links);
    * a code with several targets (one-to-many, many-to-many) is **split**: target ``t`` of
      source code ``s`` gets the share

      .. math:: w_{st} = \frac{V_t}{\sum_{t' \in T(s)} V_{t'}}

      where :math:`V_t` is the value of ``t`` in ``shares`` (e.g. world exports of an overlap
      year reported in the target revision), or :math:`w_{st} = 1/|T(s)|` (even split) when
      ``shares`` is None or gives the targets no value;
    * rows are then summed by their key (every column but the value columns), so
      :math:`\sum` value is unchanged (up to floating-point rounding).

    Parameters
    ----------
    frame : pandas.DataFrame
        With ``hs6_code``, ``hs_revision`` (one or several revisions) and ``value_columns``.
    to_revision : str
        Target revision, e.g. ``"HS92"``.
    shares : pandas.DataFrame, optional
        ``hs6_code`` (target revision) and ``value_usd``: split weights.
    value_columns : tuple of str
        Additive columns split with the weights (absent ones are skipped; missing quantities
        stay missing unless another part of the output row has one).
    unmapped : {"raise", "keep"}
        A code with no link in the UNSD tables: raise (default, listing them) or keep the row
        with its code unchanged (flagged converted).

    Returns
    -------
    pandas.DataFrame
        The frame in ``to_revision`` with two extra columns: ``hs_converted`` (bool: the row's
        code was changed, merged or split) and ``hs_split_share`` (share of the row's
        ``value_usd`` that was allocated by splitting one-to-many codes, 0-1; 0 = exact).

    Raises
    ------
    UnmappedCodeError
        Codes without a correspondence (``unmapped="raise"``).
    """
    from .errors import UnmappedCodeError

    _check_revision(to_revision)
    if unmapped not in ("raise", "keep"):
        raise InvalidParameterError("unmapped", unmapped, ["raise", "keep"])
    for c in ("hs6_code", "hs_revision"):
        if c not in frame.columns:
            raise InvalidParameterError("frame", c, list(frame.columns), why="column missing")
    values = [c for c in value_columns if c in frame.columns]
    keys = [
        c for c in frame.columns if c not in values and c not in ("hs_converted", "hs_split_share")
    ]
    pieces = []
    weight_of = None
    if shares is not None:
        weight_of = shares.groupby(shares["hs6_code"].astype(str))["value_usd"].sum()
    for rev, part in frame.groupby(frame["hs_revision"].astype(str), sort=True):
        _check_revision(rev)
        part = part.assign(_src=part["hs6_code"].astype(str))
        links = _conversion_links(rev, to_revision)[["from_code", "to_code"]]
        links = links[links["from_code"].isin(set(part["_src"]))].copy()
        missing = sorted(set(part["_src"]) - set(links["from_code"]))
        if missing and unmapped == "raise":
            raise UnmappedCodeError(
                missing,
                what=f"{rev} HS6 code",
                crosswalk=data_path(_CORRELATION),
                source=f"no UNSD correspondence to {to_revision}; pass unmapped='keep' to keep "
                "the rows under their old code",
            )
        if missing:
            links = pd.concat(
                [links, pd.DataFrame({"from_code": missing, "to_code": missing})],
                ignore_index=True,
            )
        n = links.groupby("from_code")["to_code"].transform("size")
        w = 1.0 / n
        if weight_of is not None:
            v = links["to_code"].map(weight_of).fillna(0.0).astype(float)
            tot = v.groupby(links["from_code"]).transform("sum")
            w = np.where(tot > 0, v / tot.where(tot > 0, 1.0), w)
        links["_w"] = np.asarray(w, dtype=float)
        links["_split"] = n.to_numpy() > 1
        links = links[links["_w"] > 0].copy()  # targets the overlap year gave no value
        links["_changed"] = (
            (links["to_code"] != links["from_code"]).to_numpy()
            | links["_split"].to_numpy()
            | links["from_code"].isin(missing).to_numpy()
        )
        merged = part.merge(links, left_on="_src", right_on="from_code", how="inner")
        for c in values:
            merged[c] = merged[c].astype(float) * merged["_w"]
        merged["hs6_code"] = merged["to_code"].astype("string")
        merged["hs_revision"] = to_revision
        merged["_split_usd"] = np.where(
            merged["_split"], merged["value_usd"] if "value_usd" in values else 0.0, 0.0
        )
        pieces.append(merged)
    if not pieces:
        out = frame.copy()
        out["hs_revision"] = to_revision
        return out.assign(hs_converted=False, hs_split_share=0.0)
    allrows = pd.concat(pieces, ignore_index=True)
    agg = {c: (c, lambda s: s.sum(min_count=1)) for c in values}
    agg["hs_converted"] = ("_changed", "any")
    agg["_split_usd"] = ("_split_usd", "sum")
    grouped = allrows.groupby(keys, dropna=False, sort=True, observed=True).agg(**agg)
    out = grouped.reset_index()
    total = out["value_usd"] if "value_usd" in values else pd.Series(0.0, index=out.index)
    out["hs_split_share"] = np.where(
        total > 0, out["_split_usd"] / total.where(total > 0, 1.0), 0.0
    ).clip(0.0, 1.0)
    out = out.drop(columns="_split_usd")
    for c in keys:
        if c in frame.columns and c != "hs6_code":
            try:
                out[c] = out[c].astype(frame[c].dtype)
            except (TypeError, ValueError):
                pass
    out["hs6_code"] = out["hs6_code"].astype("string")
    out["hs_revision"] = out["hs_revision"].astype("string")
    return out[
        [
            *frame.columns.drop(["hs_converted", "hs_split_share"], errors="ignore"),
            "hs_converted",
            "hs_split_share",
        ]
    ]
