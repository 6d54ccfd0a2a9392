"""HS revisions: UNSD correlation tables, conversion between revisions, HS -> SITC Rev.4.

Shipped tables (sources in ``data/reference_data.md``, derivation script
``data/raw/hs/build_reference.py``):

* ``hs_correlation.csv``: the UNSD correlation tables (every revision <-> HS92 and <-> HS17,
  with UNSD's conversion link marked): :func:`correlation`, :func:`correspondence` (all
  links), :func:`conversion_table` and :func:`convert_revision` (values from one revision to
  another, totals conserved, split rows flagged); :func:`derive_list` (a code list of one
  revision in another, used by :mod:`coopstats.hs_sectors`);
* ``hs_sitc.csv``: UNSD HS -> SITC Rev.4 (:func:`hs_to_sitc`);
* ``hs_concordance.csv``: the older hand-made HS17 <-> HS22 table of changed codes
  (:func:`concordance`, :func:`convert_codes`).

The codes themselves (normalisation, code lists) are in :mod:`coopstats.hs`.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from . import reference
from .errors import InvalidParameterError, MissingDataError
from .geo import data_path
from .hs import HS_REVISIONS, check_revision, code_list, is_hs6, normalize_hs6

__all__ = [
    "concordance",
    "convert_codes",
    "correlation",
    "correspondence",
    "convert_revision",
    "conversion_table",
    "hs_to_sitc",
    "derive_list",
]


_CONCORDANCE = "hs_concordance.csv"


_CORRELATION = "hs_correlation.csv"


_SITC = "hs_sitc.csv"


_UNSD_RELATIONS = ("1:1", "1:n", "n:1", "n:n")


_RELATIONS = ("one_to_one", "one_to_many", "many_to_one", "many_to_many")


_FLIP = {
    "one_to_one": "one_to_one",
    "one_to_many": "many_to_one",
    "many_to_one": "one_to_many",
    "many_to_many": "many_to_many",
}


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
        out = {c: c for c in code_list(newer) if c in code_list(older)}
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
    orphans = code_list(revision) - set(pre["r"])
    links = _correspondence(revision, base)
    links = links[links["from_code"].isin(orphans)].reset_index(drop=True)
    return pre, links


def derive_list(
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
    check_revision(revision)
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


def _check_revision_links(frame: pd.DataFrame, file_name: str) -> None:
    """Fail on rows of table ``file_name`` with an unknown revision or a non-HS6 code."""
    for c in ("from_revision", "to_revision"):
        reference.fail_rows(
            frame,
            ~frame[c].isin(HS_REVISIONS),
            file_name,
            c,
            "unknown revision",
            f"use {HS_REVISIONS}",
        )
    for c in ("from_code", "to_code"):
        reference.fail_rows(
            frame,
            ~is_hs6(frame[c]),
            file_name,
            c,
            "not a 6-digit code",
            "write zero-padded 6-digit codes",
        )


# --------------------------------------------------------------------------- concordance
@functools.lru_cache(maxsize=1)
def _concordance() -> pd.DataFrame:
    cols = ["from_revision", "from_code", "to_revision", "to_code", "relation", "source", "note"]
    frame = reference.read_table(_CONCORDANCE, cols, required=cols[:6])
    _check_revision_links(frame, _CONCORDANCE)
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
    hs17 = code_list("HS17")
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
    check_revision(from_revision)
    check_revision(to_revision)
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
    _check_revision_links(frame, _CORRELATION)
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


def _chain(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Links ``from_code -> to_code`` through a middle revision: ``first`` then ``second``."""
    return first.merge(
        second.rename(columns={"from_code": "mid", "to_code": "to"}),
        left_on="to_code",
        right_on="mid",
    )[["from_code", "to"]].rename(columns={"to": "to_code"})


def _link_table(links: pd.DataFrame) -> pd.DataFrame:
    """Distinct sorted links with their recomputed ``relationship``, as strings."""
    links = links.drop_duplicates().sort_values(["from_code", "to_code"]).reset_index(drop=True)
    links["relationship"] = _relationship(links)
    return links.astype("string")


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
    source, target = code_list(from_revision), code_list(to_revision)
    missing = sorted(c for c in source - set(links["from_code"]) if c in target)
    ident = pd.DataFrame({"from_code": missing, "to_code": missing})
    return pd.concat([links, ident], ignore_index=True)


@functools.cache
def _correspondence(from_revision: str, to_revision: str) -> pd.DataFrame:
    if from_revision == to_revision:
        codes = sorted(code_list(from_revision))
        links = pd.DataFrame({"from_code": codes, "to_code": codes})
    else:
        direct = _direct(from_revision, to_revision)
        if direct is not None:
            links = _with_identity(direct, from_revision, to_revision)
        else:
            via = "HS17" if "HS17" not in (from_revision, to_revision) else "HS92"
            first = _correspondence(from_revision, via)[["from_code", "to_code"]]
            second = _correspondence(via, to_revision)[["from_code", "to_code"]]
            links = _chain(first, second)
    return _link_table(links)


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
    check_revision(from_revision)
    check_revision(to_revision)
    return _correspondence(from_revision, to_revision).copy()


@functools.cache
def _conversion_links(from_revision: str, to_revision: str) -> pd.DataFrame:
    if from_revision == to_revision:
        codes = sorted(code_list(from_revision))
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
        orphans = sorted(code_list(from_revision) - set(links["from_code"]))
        corr = correspondence(from_revision, to_revision)
        corr = corr[corr["from_code"].isin(orphans)][["from_code", "to_code"]]
        links = pd.concat([links, corr], ignore_index=True)
    else:  # no table and HS17 not between them: up to HS17, then down (or the reverse)
        first = _conversion_links(from_revision, "HS17")
        second = _conversion_links("HS17", to_revision)
        links = _chain(first, second)
    return _link_table(links)


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
    check_revision(from_revision)
    check_revision(to_revision)
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

    check_revision(to_revision)
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
        check_revision(rev)
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
