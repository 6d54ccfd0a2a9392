"""Sector lists of HS6 codes per revision: coopstats sectors, the CHPL, OECD high-tech groups.

Shipped tables (sources in ``data/reference_data.md``):

* ``hs_sectors.csv``: sector rules at chapter, heading or subheading level with rationale and
  source (:func:`sector_rules`), expanded to HS6 against the code lists of
  :mod:`coopstats.hs`; a revision without rules gets its list derived from the taxonomy's
  base revision (:data:`BASE_REVISION`) with the UNSD tables
  (:func:`coopstats.hs_revisions.derive_list`; :func:`sector_table` says how, per code);
* ``oecd_high_tech_sitc.csv``: the OECD high-technology product groups in SITC Rev.4, reached
  through HS -> SITC (:func:`coopstats.hs_revisions.hs_to_sitc`; taxonomy ``OECD_HT``,
  :func:`high_tech_items`).

:func:`sector_map` (one sector per code of a revision) is what the analyses take.
"""

from __future__ import annotations

import functools

import pandas as pd

from . import reference
from .errors import DataFileError, InvalidParameterError, MissingDataError
from .geo import data_path
from .hs import CODE_LISTS, HS_REVISIONS, check_revision, code_list
from .hs_revisions import derive_list, hs_to_sitc

__all__ = [
    "TAXONOMIES",
    "sector_table",
    "sector_rules",
    "sector_codes",
    "sector_map",
    "sectors",
    "high_tech_items",
    "BASE_REVISION",
]


#: Taxonomies of :func:`sector_table`: coopstats sectors, the G7/EU Common High Priority List
#: (both in ``hs_sectors.csv``) and the OECD high-technology product groups (``OECD_HT``,
#: from ``oecd_high_tech_sitc.csv`` through HS -> SITC Rev.4).
TAXONOMIES = ("coopstats", "CHPL", "OECD_HT")


#: Revision whose lists the other revisions' lists are derived from, per taxonomy.
BASE_REVISION = {"coopstats": "HS17", "CHPL": "HS22"}


_SECTORS = "hs_sectors.csv"


_OECD = "oecd_high_tech_sitc.csv"


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
    return sorted(code_list(revision))


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
                derive_list(
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
    sitc = pd.Series(sorted(set(hs_to_sitc(revision)["sitc_code"])), dtype=object)
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
        links = hs_to_sitc(rev)
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
    check_revision(revision)
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
    check_revision(revision)
    if taxonomy not in TAXONOMIES:
        raise InvalidParameterError("taxonomy", taxonomy, list(TAXONOMIES))
    t = _table()
    rows = t[(t["hs_revision"] == revision) & (t["taxonomy"] == taxonomy)]
    return rows[["hs6_code", "sector"]].sort_values(["sector", "hs6_code"]).reset_index(drop=True)
