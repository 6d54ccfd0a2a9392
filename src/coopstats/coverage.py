r"""Coverage of a trade frame: who trades with whom on what basis, and what is missing.

Where to start
--------------
:func:`coverage` takes the canonical trade frame (``year, exporter_iso3, importer_iso3,
hs6_code, value_usd`` and, when present, ``flow_basis``) and returns a
:class:`CoverageResult` with three tidy tables:

* ``table`` - one row per ``year, exporter_iso3, importer_iso3, sector``: the number of
  flows (HS6 rows), products, value and the share of value from mirror flows
  (:func:`coverage_table`);
* ``blackouts`` - reporting blackouts (:func:`find_blackouts`): pairs that traded in earlier
  years and have no flow later (found in the data), countries that vanish from the data, and
  the known blackouts of the sourced reference table ``coopstats/data/trade_blackouts.csv``
  (:func:`known_blackouts`; e.g. no Belarus-Russia flow in BACI from 2022, because neither
  side reports), each checked against the data;
* ``product_gaps`` - products expected (the sector lists, or every product of the frame)
  with no flow in a year (:func:`product_gaps`).

:func:`coverage_statement` turns a result into a short text for a report's coverage section,
in English or Russian, with every number computed from the data.

Mirror flows and valuation
--------------------------
A trade frame may mix ``flow_basis`` values ``reported`` (the preferred side's declaration),
``mirror`` (the partner's declaration, used when the preferred side did not report) and
``reconciled`` (CEPII BACI). :func:`mirror_value_usd` gives the part of each row's value that
comes from mirror flows, which the analyses sum into a ``mirror_share_pct`` column.
Declarations are valued CIF (imports) or FOB (exports); BACI is FOB. :func:`with_valuation`
labels each row's valuation from how the frame was built, and :func:`cif_to_fob` divides CIF
values by a CIF/FOB ratio, by default :data:`DEFAULT_CIF_FOB_RATIO` = 1.10, the IMF
*Direction of Trade Statistics* convention (CIF = 1.10 x FOB where only one side is known).
BACI instead estimates the ratio per flow from distance, contiguity and the product's unit
value (Gaulier & Zignago 2010, section 3), which is why its values need no adjustment.

References
----------
Gaulier, G. and Zignago, S. (2010). BACI: International Trade Database at the Product-Level.
CEPII Working Paper 2010-23. IMF (1993), *A Guide to Direction of Trade Statistics*, on the
10 % CIF/FOB factor. Sources of each known blackout: ``trade_blackouts.csv``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from . import geo
from .columns import column
from .errors import DataFileError, InvalidParameterError

__all__ = [
    "FLOW_BASES",
    "DEFAULT_CIF_FOB_RATIO",
    "DEFAULT_MIN_VALUE_USD",
    "LANGUAGES",
    "known_blackouts",
    "mirror_value_usd",
    "mirror_share_pct",
    "with_valuation",
    "cif_to_fob",
    "coverage_table",
    "find_blackouts",
    "product_gaps",
    "CoverageResult",
    "coverage",
    "coverage_statement",
    "blackout_statement",
    "coverage_section",
    "facts_coverage_statement",
    "trade_beside_official",
    "trade_beside_official_statement",
    "known_blackout_statement",
    "blackout_span",
    "dataset_years",
    "dated_records_statement",
    "real_data_section",
]

#: Flow bases a trade row can have (``coopstats.columns``: reported, mirror, reconciled).
FLOW_BASES: tuple[str, ...] = tuple(column("flow_basis").checks["isin"])

#: CIF/FOB ratio of :func:`cif_to_fob` when none is given: IMF DOTS's 10 % convention.
DEFAULT_CIF_FOB_RATIO = 1.10

#: A pair counts as a data-found blackout only if it traded at least this much (USD) in its
#: last year with flows: smaller pairs come and go in product-level data without any
#: reporting change.
DEFAULT_MIN_VALUE_USD = 1_000_000.0

#: Languages of :func:`coverage_statement`.
LANGUAGES = ("en", "ru")

_BLACKOUT_COLUMNS = [
    "kind",
    "country_iso3",
    "partner_iso3",
    "year_from",
    "year_to",
    "reason",
    "source",
]

_KEY = ["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]


# ---------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------


def _frame(trade: object, *, name: str = "trade", allow_empty: bool = True) -> pd.DataFrame:
    if not isinstance(trade, pd.DataFrame):
        raise InvalidParameterError(name, type(trade).__name__, "a pandas DataFrame")
    missing = [c for c in _KEY if c not in trade.columns]
    if missing:
        raise InvalidParameterError(
            name,
            f"columns {list(trade.columns)}",
            f"a trade frame with columns {_KEY}",
            why=f"missing column(s) {missing}",
        )
    for c in _KEY:
        bad = trade[c].isna()
        if bad.any():
            raise InvalidParameterError(
                name,
                f"{int(bad.sum())} missing value(s) in column {c!r} at index "
                f"{list(trade.index[bad][:10])}",
                "complete values",
                why="coopstats does not fill missing values; drop or fix these rows explicitly",
            )
    if (trade["value_usd"] < 0).any():
        raise InvalidParameterError(name, "negative value_usd", "value_usd >= 0")
    if "flow_basis" in trade.columns:
        found = set(trade["flow_basis"].dropna().astype(str)) - set(FLOW_BASES)
        if found or trade["flow_basis"].isna().any():
            raise InvalidParameterError(
                f"{name}.flow_basis",
                sorted(found) + (["<missing>"] if trade["flow_basis"].isna().any() else []),
                list(FLOW_BASES),
            )
    if trade.empty and not allow_empty:
        raise InvalidParameterError(name, "an empty frame", "a trade frame with rows")
    out = trade.copy()
    out["year"] = out["year"].astype("int64")
    return out


def _check_number(name: str, value: object, lo: float) -> float:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or value < lo:
        raise InvalidParameterError(name, value, f"a finite number >= {lo}")
    return float(value)


def _data_years(tr: pd.DataFrame, years: Iterable[int] | None) -> list[int]:
    """Return ``years`` when given (they must contain the frame's years), else the frame's."""
    have = sorted(int(y) for y in tr["year"].unique())
    if years is None:
        return have
    given = sorted({int(y) for y in years})
    outside = sorted(set(have) - set(given))
    if outside:
        raise InvalidParameterError(
            "years", given, why=f"the frame has rows in {outside}, which are not among them"
        )
    return given


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidParameterError("language", language, list(LANGUAGES))
    return language


def _countries(name: str, countries: Iterable[str] | None) -> list[str] | None:
    if countries is None:
        return None
    if isinstance(countries, str):
        countries = [countries]
    out = sorted(set(countries))
    bad = [c for c in out if not (isinstance(c, str) and len(c) == 3 and c.isupper())]
    if bad:
        raise InvalidParameterError(name, bad, "ISO 3166 alpha-3 codes, e.g. ['BLR', 'RUS']")
    return out


# ---------------------------------------------------------------------------------------
# reference table of known blackouts
# ---------------------------------------------------------------------------------------


def known_blackouts(path: str | Path | None = None) -> pd.DataFrame:
    """Return the sourced table of known reporting blackouts.

    A ``pair`` row says that no flow between ``country_iso3`` and ``partner_iso3`` (either
    direction) can be in a declaration-based dataset from ``year_from`` to ``year_to``
    (open-ended when missing): both sides stopped reporting. A ``reporter`` row says that
    ``country_iso3``'s own declarations are missing, so its flows come from partners only.

    Parameters
    ----------
    path
        A CSV with columns ``kind, country_iso3, partner_iso3, year_from, year_to, reason,
        source``; default ``coopstats/data/trade_blackouts.csv`` (Belarus-Russia from 2022,
        Russia and Belarus as reporters from 2022).

    Returns
    -------
    pandas.DataFrame
        The table with ``year_from`` / ``year_to`` as nullable integers.

    Raises
    ------
    DataFileError
        A missing column, an unknown ``kind``, a bad ISO3 code or year, an empty reason or
        source; the message names file, line, column and value.
    """
    path = Path(path) if path is not None else geo.data_path("trade_blackouts.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in _BLACKOUT_COLUMNS if c not in table.columns]
    if missing:
        raise DataFileError(
            f"missing column(s) {missing}; the table needs {_BLACKOUT_COLUMNS}", path=path, line=1
        )

    def fail(i: int, col: str, why: str) -> None:
        raise DataFileError(
            why,
            path=path,
            line=i + 2,
            column=col,
            value=table.at[i, col],
            hint="fix the row; every blackout has a kind, countries, years, reason and source",
        )

    for i in table.index:
        if table.at[i, "kind"] not in ("pair", "reporter"):
            fail(i, "kind", "kind must be 'pair' or 'reporter'")
        for col in ("country_iso3", "partner_iso3"):
            v = table.at[i, col]
            need = col == "country_iso3" or table.at[i, "kind"] == "pair"
            if (need or v) and not (len(v) == 3 and v.isalpha() and v.isupper()):
                fail(i, col, "an ISO 3166 alpha-3 code is needed")
        for col in ("year_from", "year_to"):
            v = table.at[i, col]
            if (col == "year_from" or v) and not (v.isdigit() and 1988 <= int(v) <= 2100):
                fail(i, col, "a year 1988-2100 is needed (year_to may be empty)")
        for col in ("reason", "source"):
            if not table.at[i, col].strip():
                fail(i, col, "every blackout states its reason and source")
    out = table[_BLACKOUT_COLUMNS].copy()
    for col in ("year_from", "year_to"):
        out[col] = pd.to_numeric(out[col].replace("", None)).astype("Int64")
    out["partner_iso3"] = out["partner_iso3"].replace("", None)
    return out


# ---------------------------------------------------------------------------------------
# mirror flows and valuation
# ---------------------------------------------------------------------------------------


def mirror_value_usd(trade: pd.DataFrame) -> pd.Series:
    """Part of each row's ``value_usd`` that comes from a mirror flow.

    ``value_usd`` where ``flow_basis == "mirror"``, else 0 (also when the frame has no
    ``flow_basis`` column: such a frame holds no mirror flow it knows of).

    Returns
    -------
    pandas.Series
        float64, aligned with ``trade``.
    """
    value = trade["value_usd"].astype("float64")
    if "flow_basis" not in trade.columns:
        return value * 0.0
    return value.where(trade["flow_basis"].astype("string").eq("mirror").fillna(False), 0.0)


def mirror_share_pct(mirror_usd: pd.Series | float, value_usd: pd.Series | float):
    r"""Share of value from mirror flows, :math:`100\,m / v` (NaN where ``v`` is 0).

    Examples
    --------
    >>> mirror_share_pct(25.0, 100.0)
    25.0
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if isinstance(value_usd, pd.Series) or isinstance(mirror_usd, pd.Series):
            v = (
                pd.Series(value_usd, dtype="float64")
                if not isinstance(value_usd, pd.Series)
                else value_usd
            )
            return (100.0 * mirror_usd / v.where(v != 0)).astype("float64")
        return float(100.0 * mirror_usd / value_usd) if value_usd else float("nan")


def with_valuation(
    trade: pd.DataFrame, *, prefer: Literal["importer", "exporter"] = "importer"
) -> pd.DataFrame:
    """Add a ``valuation`` column (``CIF`` or ``FOB``) from how the frame was built.

    ``reconciled`` rows (BACI) are FOB. For declarations read with
    :func:`coopstats.sources.comtrade.to_trade`, ``prefer="importer"`` makes ``reported``
    rows importers' declarations (CIF) and ``mirror`` rows exporters' (FOB);
    ``prefer="exporter"`` the other way round. A ``valuation`` column already present is
    kept as it is.

    Parameters
    ----------
    trade
        Trade frame with ``flow_basis``.
    prefer
        The side whose declarations the frame preferred.

    Returns
    -------
    pandas.DataFrame
        A copy with ``valuation``.
    """
    if prefer not in ("importer", "exporter"):
        raise InvalidParameterError("prefer", prefer, ["importer", "exporter"])
    out = _frame(trade)
    if "valuation" in out.columns:
        return out
    if "flow_basis" not in out.columns:
        raise InvalidParameterError(
            "trade",
            "no flow_basis column",
            "a trade frame with flow_basis",
            why="the valuation of a row follows from its flow basis",
        )
    reported = "CIF" if prefer == "importer" else "FOB"
    mirror = "FOB" if prefer == "importer" else "CIF"
    basis = out["flow_basis"].astype(str)
    out["valuation"] = np.select(
        [basis == "reported", basis == "mirror"], [reported, mirror], default="FOB"
    )
    return out


def cif_to_fob(trade: pd.DataFrame, *, ratio: float = DEFAULT_CIF_FOB_RATIO) -> pd.DataFrame:
    r"""Put CIF-valued rows on an FOB basis: :math:`v_{FOB} = v_{CIF} / r`.

    Parameters
    ----------
    trade
        Trade frame with a ``valuation`` column (``CIF``/``FOB``; see :func:`with_valuation`).
    ratio
        CIF/FOB ratio :math:`r \ge 1`; default :data:`DEFAULT_CIF_FOB_RATIO` (1.10, IMF
        DOTS convention).

    Returns
    -------
    pandas.DataFrame
        A copy in which CIF rows have ``value_usd / ratio`` and ``valuation = "FOB"``.

    Raises
    ------
    InvalidParameterError
        No ``valuation`` column, a valuation other than CIF/FOB, or ``ratio < 1``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2022, "exporter_iso3": "KAZ", "importer_iso3": "RUS",
    ...                   "hs6_code": "260600", "value_usd": [110.0, 50.0],
    ...                   "valuation": ["CIF", "FOB"]})
    >>> cif_to_fob(t)["value_usd"].round(6).tolist()
    [100.0, 50.0]
    """
    ratio = _check_number("cif_fob_ratio", ratio, 1.0)
    out = _frame(trade)
    if "valuation" not in out.columns:
        raise InvalidParameterError(
            "trade",
            "no valuation column",
            "a frame with valuation CIF/FOB",
            why="add it with coopstats.coverage.with_valuation(trade, prefer=...)",
        )
    bad = ~out["valuation"].isin(["CIF", "FOB"])
    if bad.any():
        raise InvalidParameterError(
            "trade.valuation", sorted(map(str, out.loc[bad, "valuation"].unique())), ["CIF", "FOB"]
        )
    cif = out["valuation"] == "CIF"
    out["value_usd"] = out["value_usd"].astype("float64").where(~cif, out["value_usd"] / ratio)
    out["valuation"] = "FOB"
    return out


# ---------------------------------------------------------------------------------------
# coverage table
# ---------------------------------------------------------------------------------------


def _with_sector(
    tr: pd.DataFrame, sector_map: pd.DataFrame | None, include_total: bool
) -> pd.DataFrame:
    if sector_map is None:
        return tr.assign(sector="total")
    if not isinstance(sector_map, pd.DataFrame) or not {"hs6_code", "sector"} <= set(
        sector_map.columns
    ):
        raise InvalidParameterError(
            "sector_map", type(sector_map).__name__, "a frame hs6_code, sector"
        )
    smap = sector_map[["hs6_code", "sector"]].drop_duplicates()
    parts = [tr.merge(smap, on="hs6_code", how="inner")]
    if include_total:
        parts.append(tr.assign(sector="total"))
    return pd.concat(parts, ignore_index=True)


def coverage_table(
    trade: pd.DataFrame,
    *,
    sector_map: pd.DataFrame | None = None,
    include_total: bool = True,
) -> pd.DataFrame:
    r"""Flows, products, value and basis per year, exporter, importer and sector.

    For each group :math:`g`: ``n_flows`` = rows (HS6 flows), ``n_products`` = distinct HS6
    codes, ``value_usd`` = :math:`\sum v`, ``mirror_value_usd`` = :math:`\sum v\,[\text{mirror}]`,
    ``mirror_share_pct`` = :math:`100\,\text{mirror} / v`, ``flow_bases`` = the bases present,
    ``+``-joined in alphabetical order (``reconciled`` for BACI). A directed pair is the
    reporter x partner cell of a declaration-based dataset: the exporter and the importer
    are the two countries that may have reported it.

    Parameters
    ----------
    trade
        Canonical trade frame (an empty frame gives an empty table).
    sector_map
        ``hs6_code, sector`` frame; ``None`` gives ``sector="total"`` only.
    include_total
        Add ``sector="total"`` over all codes when ``sector_map`` is given.

    Returns
    -------
    pandas.DataFrame
        ``year, exporter_iso3, importer_iso3, sector, n_flows, n_products, value_usd,
        mirror_value_usd, mirror_share_pct, flow_bases``, sorted by the keys.
    """
    tr = _frame(trade)
    tr = tr.assign(mirror_value_usd=mirror_value_usd(tr))
    if "flow_basis" not in tr.columns:
        tr["flow_basis"] = "unstated"
    tr = _with_sector(tr, sector_map, include_total)
    keys = ["year", "exporter_iso3", "importer_iso3", "sector"]
    cols = [
        *keys,
        "n_flows",
        "n_products",
        "value_usd",
        "mirror_value_usd",
        "mirror_share_pct",
        "flow_bases",
    ]
    if tr.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    out = (
        tr.groupby(keys, sort=True, observed=True)
        .agg(
            n_flows=("hs6_code", "size"),
            n_products=("hs6_code", "nunique"),
            value_usd=("value_usd", "sum"),
            mirror_value_usd=("mirror_value_usd", "sum"),
            flow_bases=("flow_basis", lambda s: "+".join(sorted(set(map(str, s))))),
        )
        .reset_index()
    )
    out["mirror_share_pct"] = mirror_share_pct(out["mirror_value_usd"], out["value_usd"])
    return out[cols]


# ---------------------------------------------------------------------------------------
# blackouts
# ---------------------------------------------------------------------------------------

_BLACKOUT_OUT = [
    "origin",
    "kind",
    "country_iso3",
    "partner_iso3",
    "year_from",
    "year_to",
    "years_checked",
    "n_flows",
    "value_usd",
    "last_year_with_flows",
    "value_last_year_usd",
    "status",
    "reason",
    "source",
]


def _pairs(tr: pd.DataFrame) -> pd.DataFrame:
    """Unordered pair (a < b alphabetically) totals per year."""
    a = np.minimum(tr["exporter_iso3"].astype(str), tr["importer_iso3"].astype(str))
    b = np.maximum(tr["exporter_iso3"].astype(str), tr["importer_iso3"].astype(str))
    return (
        tr.assign(country_iso3=a, partner_iso3=b)
        .groupby(["country_iso3", "partner_iso3", "year"], sort=True)
        .agg(n_flows=("hs6_code", "size"), value_usd=("value_usd", "sum"))
        .reset_index()
    )


def _detected_pairs(tr: pd.DataFrame, years: list[int], min_value_usd: float) -> pd.DataFrame:
    p = _pairs(tr)
    p = p[p["value_usd"] > 0]
    last = p.sort_values("year").groupby(["country_iso3", "partner_iso3"]).tail(1)
    final = years[-1]
    last = last[(last["year"] < final) & (last["value_usd"] >= min_value_usd)]
    rows = []
    for r in last.itertuples(index=False):
        after = [y for y in years if y > r.year]
        rows.append(
            {
                "origin": "data",
                "kind": "pair",
                "country_iso3": r.country_iso3,
                "partner_iso3": r.partner_iso3,
                "year_from": after[0],
                "year_to": final,
                "years_checked": ",".join(map(str, after)),
                "n_flows": 0,
                "value_usd": 0.0,
                "last_year_with_flows": int(r.year),
                "value_last_year_usd": float(r.value_usd),
                "status": "no_flows_after",
                "reason": f"traded in {r.year}, no flow in any later year of the data",
                "source": "computed from the trade frame",
            }
        )
    return pd.DataFrame(rows, columns=_BLACKOUT_OUT)


def _detected_countries(tr: pd.DataFrame, years: list[int], min_value_usd: float) -> pd.DataFrame:
    both = pd.concat(
        [
            tr[["year", "exporter_iso3", "value_usd"]].rename(columns={"exporter_iso3": "c"}),
            tr[["year", "importer_iso3", "value_usd"]].rename(columns={"importer_iso3": "c"}),
        ]
    )
    g = (
        both.groupby(["c", "year"], sort=True)
        .agg(n=("value_usd", "size"), total=("value_usd", "sum"))
        .reset_index()
    )
    last = g.groupby("c").tail(1)
    final = years[-1]
    rows = []
    last = last[(last["year"] < final) & (last["total"] >= min_value_usd)]
    for r in last.itertuples(index=False):
        after = [y for y in years if y > r.year]
        rows.append(
            {
                "origin": "data",
                "kind": "country",
                "country_iso3": r.c,
                "partner_iso3": None,
                "year_from": after[0],
                "year_to": final,
                "years_checked": ",".join(map(str, after)),
                "n_flows": 0,
                "value_usd": 0.0,
                "last_year_with_flows": int(r.year),
                "value_last_year_usd": float(r.total),
                "status": "no_flows_after",
                "reason": f"in the data until {r.year}, no flow with any partner later",
                "source": "computed from the trade frame",
            }
        )
    return pd.DataFrame(rows, columns=_BLACKOUT_OUT)


def _checked_known(tr: pd.DataFrame, years: list[int], known: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for k in known.itertuples(index=False):
        hi = years[-1] if pd.isna(k.year_to) else int(k.year_to)
        checked = [y for y in years if int(k.year_from) <= y <= hi]
        ex, im = tr["exporter_iso3"], tr["importer_iso3"]
        if k.kind == "pair":
            m = ((ex == k.country_iso3) & (im == k.partner_iso3)) | (
                (ex == k.partner_iso3) & (im == k.country_iso3)
            )
        else:
            m = (ex == k.country_iso3) | (im == k.country_iso3)
        inside = tr[m & tr["year"].isin(checked)]
        before = tr[m & (tr["year"] < int(k.year_from))]
        last_year = int(before["year"].max()) if len(before) else None
        if not checked:
            status = "not_covered"
        elif k.kind == "pair":
            status = "confirmed" if inside.empty else "flows_present"
        else:
            mirror = (
                inside["flow_basis"].isin(["mirror", "reconciled"]).all()
                if "flow_basis" in inside.columns
                else False
            )
            status = (
                "no_flows" if inside.empty else ("partners_only" if mirror else "flows_present")
            )
        rows.append(
            {
                "origin": "reference",
                "kind": k.kind,
                "country_iso3": k.country_iso3,
                "partner_iso3": k.partner_iso3,
                "year_from": int(k.year_from),
                "year_to": None if pd.isna(k.year_to) else int(k.year_to),
                "years_checked": ",".join(map(str, checked)),
                "n_flows": int(len(inside)),
                "value_usd": float(inside["value_usd"].sum()),
                "last_year_with_flows": last_year,
                "value_last_year_usd": (
                    float(before.loc[before["year"] == last_year, "value_usd"].sum())
                    if last_year is not None
                    else None
                ),
                "status": status,
                "reason": k.reason,
                "source": k.source,
            }
        )
    return pd.DataFrame(rows, columns=_BLACKOUT_OUT)


def find_blackouts(
    trade: pd.DataFrame,
    *,
    countries: Iterable[str] | None = None,
    known: pd.DataFrame | None = None,
    min_value_usd: float = DEFAULT_MIN_VALUE_USD,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    r"""Find reporting blackouts: pairs and countries present earlier, absent later; known ones.

    Three kinds of row, in this order:

    1. ``origin="reference", kind="pair"|"reporter"`` - each row of the sourced table
       (:func:`known_blackouts`) checked against the data's years from ``year_from``:
       a pair is ``confirmed`` when the data hold no flow between the two countries in
       those years, ``flows_present`` otherwise; a reporter is ``partners_only`` when its
       flows there are all mirror or reconciled (built from partners' declarations),
       ``flows_present`` when some are its own, ``no_flows`` when there are none;
       ``not_covered`` when the data have no year in the range.
    2. ``origin="data", kind="pair"``: an unordered pair whose last year with flows
       :math:`L` is before the data's last year and whose value in :math:`L` is at least
       ``min_value_usd``; the blackout runs from the next data year to the last.
    3. ``origin="data", kind="country"``: a country with no flow at all after its last year
       with flows, in which its flows summed to at least ``min_value_usd``.

    Parameters
    ----------
    trade
        Canonical trade frame (``flow_basis`` optional).
    countries
        Keep rows involving one of these ISO3 codes (``None``: all).
    known
        The reference table (:func:`known_blackouts`, the default); an empty frame with its
        columns turns the check off.
    min_value_usd
        Materiality threshold of data-found blackouts (default
        :data:`DEFAULT_MIN_VALUE_USD`).
    years
        The years the dataset covers (default: the frame's). Give them when the frame is a
        selection (e.g. one pair's flows), so that years without any of its rows still count
        as years of the data.

    Returns
    -------
    pandas.DataFrame
        ``origin, kind, country_iso3, partner_iso3, year_from, year_to, years_checked,
        n_flows, value_usd, last_year_with_flows, value_last_year_usd, status, reason,
        source``. Data-found rows are sorted by lost value, largest first.
    """
    tr = _frame(trade)
    min_value_usd = _check_number("min_value_usd", min_value_usd, 0.0)
    keep = _countries("countries", countries)
    known = known_blackouts() if known is None else known
    missing = [c for c in _BLACKOUT_COLUMNS if c not in known.columns]
    if missing:
        raise InvalidParameterError(
            "known", list(known.columns), _BLACKOUT_COLUMNS, why=f"missing column(s) {missing}"
        )
    years = _data_years(tr, years)
    if not years:
        return pd.DataFrame(columns=_BLACKOUT_OUT)
    parts = [_checked_known(tr, years, known)]
    detected = [
        f.astype(object)
        for f in (
            _detected_pairs(tr, years, min_value_usd),
            _detected_countries(tr, years, min_value_usd),
        )
        if len(f)
    ]
    found = (
        pd.concat(detected, ignore_index=True) if detected else pd.DataFrame(columns=_BLACKOUT_OUT)
    )
    found = found.sort_values(
        ["value_last_year_usd", "country_iso3", "partner_iso3"],
        ascending=[False, True, True],
        kind="mergesort",
        na_position="last",
    )
    parts.append(found)
    parts = [p.astype(object) for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_BLACKOUT_OUT)
    if keep is not None:
        out = out[out["country_iso3"].isin(keep) | out["partner_iso3"].isin(keep)]
    return out[_BLACKOUT_OUT].reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# product gaps
# ---------------------------------------------------------------------------------------


def product_gaps(
    trade: pd.DataFrame,
    *,
    products: Iterable[str] | pd.DataFrame | None = None,
    exporters: Iterable[str] | None = None,
    importers: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    r"""List expected products without any flow in a year of the data.

    For every year :math:`t` of the frame and product :math:`k` of the expected list, the
    flows with :math:`k` (restricted to ``exporters`` / ``importers`` when given) are
    counted; a gap is a (:math:`t`, :math:`k`) with none. ``status`` says whether the
    product had flows in an earlier year (``absent_after_flows``) or not (``absent``).

    Parameters
    ----------
    trade
        Canonical trade frame.
    products
        Expected HS6 codes: a list, or a sector map (``hs6_code, sector``); ``None`` uses
        every code of the frame (so only codes present some years can be gaps).
    exporters, importers
        Restrict the flows counted (e.g. a bloc's members as importers).
    years
        The years the dataset covers (default: the frame's).

    Returns
    -------
    pandas.DataFrame
        ``year, hs6_code, sector, status`` (``sector`` from the map, else missing), sorted.
    """
    tr = _frame(trade)
    exp = _countries("exporters", exporters)
    imp = _countries("importers", importers)
    years = _data_years(tr, years)
    if products is None:
        expected = pd.DataFrame({"hs6_code": sorted(tr["hs6_code"].astype(str).unique())})
        expected["sector"] = None
    elif isinstance(products, pd.DataFrame):
        if not {"hs6_code", "sector"} <= set(products.columns):
            raise InvalidParameterError("products", list(products.columns), "hs6_code, sector")
        expected = (
            products.groupby("hs6_code", sort=True)["sector"]
            .agg(lambda s: ",".join(sorted(set(map(str, s)))))
            .reset_index()
        )
    else:
        codes = [products] if isinstance(products, str) else list(products)
        expected = pd.DataFrame({"hs6_code": sorted(set(map(str, codes)))})
        expected["sector"] = None
    if exp is not None:
        tr = tr[tr["exporter_iso3"].isin(exp)]
    if imp is not None:
        tr = tr[tr["importer_iso3"].isin(imp)]
    present = tr[tr["value_usd"] > 0].groupby(["hs6_code", "year"]).size()
    rows = []
    for k in expected.itertuples(index=False):
        seen = False
        for y in years:
            if (k.hs6_code, y) in present.index:
                seen = True
                continue
            rows.append((y, k.hs6_code, k.sector, "absent_after_flows" if seen else "absent"))
    out = pd.DataFrame(rows, columns=["year", "hs6_code", "sector", "status"])
    return out.sort_values(["year", "hs6_code"], kind="mergesort").reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# result and statement
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageResult:
    """Coverage of a trade frame (see :func:`coverage`).

    Attributes
    ----------
    table : pandas.DataFrame
        :func:`coverage_table` rows.
    blackouts : pandas.DataFrame
        :func:`find_blackouts` rows.
    product_gaps : pandas.DataFrame
        :func:`product_gaps` rows.
    params : dict
        ``datasets, years, countries, min_value_usd, n_products_expected``.
    """

    table: pd.DataFrame
    blackouts: pd.DataFrame
    product_gaps: pd.DataFrame
    params: dict = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """Return the coverage table (one row per year, exporter, importer, sector)."""
        return self.table

    def summary(self) -> pd.DataFrame:
        """Summarise per year: flows, pairs, products, value, mirror share, blackouts, gaps.

        Uses the ``sector="total"`` rows; blackouts and product gaps are counted in the years
        they touch.

        Returns
        -------
        pandas.DataFrame
            ``year, n_flows, n_pairs, n_products, value_usd, mirror_share_pct,
            n_blackouts, n_product_gaps``.
        """
        cols = [
            "year",
            "n_flows",
            "n_pairs",
            "n_products",
            "value_usd",
            "mirror_share_pct",
            "n_blackouts",
            "n_product_gaps",
        ]
        years = self.params.get("years", [])
        if not years:
            return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
        t = self.table[self.table["sector"] == "total"]
        g = t.groupby("year").agg(
            n_flows=("n_flows", "sum"),
            n_pairs=("n_flows", "size"),
            value_usd=("value_usd", "sum"),
            mirror_value_usd=("mirror_value_usd", "sum"),
        )
        g = g.reindex(years, fill_value=0)
        g["n_products"] = [self.params["n_products_by_year"].get(y, 0) for y in years]
        g["mirror_share_pct"] = mirror_share_pct(g["mirror_value_usd"], g["value_usd"])
        b = self.blackouts
        g["n_blackouts"] = [
            int(sum(str(y) in str(s).split(",") for s in b["years_checked"])) if len(b) else 0
            for y in years
        ]
        gaps = self.product_gaps.groupby("year").size().to_dict()
        g["n_product_gaps"] = [int(gaps.get(y, 0)) for y in years]
        g = g.reset_index().rename(columns={"index": "year"})
        return g[cols]


def coverage(
    trade: pd.DataFrame,
    *,
    sector_map: pd.DataFrame | None = None,
    countries: Iterable[str] | None = None,
    known: pd.DataFrame | None = None,
    products: Iterable[str] | pd.DataFrame | None = None,
    min_value_usd: float = DEFAULT_MIN_VALUE_USD,
    years: Iterable[int] | None = None,
) -> CoverageResult:
    """Coverage table, blackouts and product gaps of a trade frame in one result.

    Parameters
    ----------
    trade
        Canonical trade frame; an empty frame gives an empty result (never an error), which
        :func:`coverage_statement` reports as absent data.
    sector_map
        ``hs6_code, sector``; sectors of the coverage table, and the expected products when
        ``products`` is ``None``.
    countries
        Blackouts kept: those involving these countries (``None``: all).
    known
        Reference blackouts (default :func:`known_blackouts`).
    products
        Expected products of :func:`product_gaps` (default: ``sector_map``, else the frame's).
    min_value_usd
        Materiality threshold of data-found pair blackouts.
    years
        The years the dataset covers (default: the frame's; see :func:`find_blackouts`).

    Returns
    -------
    CoverageResult
    """
    tr = _frame(trade)
    keep = _countries("countries", countries)
    years = _data_years(tr, years)
    table = coverage_table(tr, sector_map=sector_map)
    blackouts = find_blackouts(
        tr, countries=keep, known=known, min_value_usd=min_value_usd, years=years
    )
    gaps = product_gaps(tr, products=products if products is not None else sector_map, years=years)
    by_year = tr[tr["value_usd"] > 0].groupby("year")["hs6_code"].nunique()
    params = {
        "datasets": sorted(map(str, tr["dataset"].unique())) if "dataset" in tr.columns else [],
        "years": years,
        "countries": keep,
        "min_value_usd": float(min_value_usd),
        "n_products_by_year": {int(y): int(n) for y, n in by_year.items()},
        "n_products": int(tr["hs6_code"].nunique()),
        "n_flows": int(len(tr)),
        "value_usd": float(tr["value_usd"].sum()),
        "mirror_value_usd": float(mirror_value_usd(tr).sum()),
    }
    return CoverageResult(table=table, blackouts=blackouts, product_gaps=gaps, params=params)


def _num(x: float, language: str, digits: int = 0) -> str:
    """Thousands separated (en: 1,234.5; ru: 1 234,5)."""
    text = f"{x:,.{digits}f}"
    if language == "ru":
        text = text.replace(",", " ").replace(".", ",")
    return text


def _plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Russian noun form after the number ``n`` (1 поток, 2 потока, 5 потоков)."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _money(x: float, language: str) -> str:
    units = (
        [(1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")]
        if language == "en"
        else [(1e12, "трлн"), (1e9, "млрд"), (1e6, "млн"), (1e3, "тыс.")]
    )
    for scale, name in units:
        if abs(x) >= scale:
            num = _num(x / scale, language, 1)
            return f"${num} {name}" if language == "en" else f"{num} {name} долл."
    return f"${_num(x, 'en')}" if language == "en" else f"{_num(x, 'ru')} долл."


def _years(ys: Sequence[int] | str) -> str:
    if isinstance(ys, str):
        ys = [int(y) for y in ys.split(",") if y]
    return ", ".join(str(y) for y in ys)


def _pair(a: str, b: str | None) -> str:
    return a if b is None or (isinstance(b, float) and np.isnan(b)) else f"{a}↔{b}"


def blackout_statement(
    result: CoverageResult, row: pd.Series | dict, *, language: str = "en"
) -> str:
    """One sentence about one blackout row of ``result.blackouts``, numbers from the data.

    For a confirmed pair blackout it also states how many flows each of the two countries
    has with other partners in the same years, which shows the gap is a reporting gap, not
    a country missing from the data.
    """
    language = _check_language(language)
    r = dict(row)
    who = _pair(r["country_iso3"], r["partner_iso3"])
    years = _years(r["years_checked"])
    t = result.table[result.table["sector"] == "total"]
    if r["kind"] == "pair" and r["status"] == "confirmed":
        a, b = r["country_iso3"], r["partner_iso3"]
        checked = [int(y) for y in str(r["years_checked"]).split(",") if y]
        inside = t[t["year"].isin(checked)]
        others = []
        for c, o in ((a, b), (b, a)):
            m = ((inside["exporter_iso3"] == c) & (inside["importer_iso3"] != o)) | (
                (inside["importer_iso3"] == c) & (inside["exporter_iso3"] != o)
            )
            partners = set(inside.loc[m, "exporter_iso3"]) | set(inside.loc[m, "importer_iso3"])
            others.append((c, int(inside.loc[m, "n_flows"].sum()), len(partners - {c})))
        if not any(n for _, n, _ in others):
            others = []
        if language == "en":
            tail = "; ".join(
                f"{c} has {n:,} flow{'' if n == 1 else 's'} with {p} other "
                f"partner{'' if p == 1 else 's'}"
                for c, n, p in others
            )
            return (
                f"No {who} flow in either direction in {years}"
                + (f" ({tail} in the same years)" if tail else "")
                + ": "
                f"a known reporting blackout from {r['year_from']}. Neither side reports its "
                f"customs declarations, and data built from declarations cannot show their "
                f"mutual trade [{r['source']}]."
            )
        tail = "; ".join(
            f"у {c} {_num(n, 'ru')} {_plural_ru(n, 'поток', 'потока', 'потоков')} с {p} "
            f"{_plural_ru(p, 'другим партнёром', 'другими партнёрами', 'другими партнёрами')}"
            for c, n, p in others
        )
        return (
            f"Потоков {who} нет ни в одну сторону в {years}"
            + (f" ({tail} в те же годы)" if tail else "")
            + ": "
            f"известный пробел в отчётности с {r['year_from']} г. — обе страны не публикуют "
            f"таможенную статистику, а данные, собранные из деклараций, не могут показать их "
            f"взаимную торговлю [{r['source']}]."
        )
    if r["kind"] == "pair" and r["status"] == "flows_present":
        if language == "en":
            return (
                f"{who}: {int(r['n_flows']):,} flows ({_money(r['value_usd'], 'en')}) in {years}"
                f" despite a listed blackout from {r['year_from']}; check their basis."
            )
        return (
            f"{who}: потоков — {int(r['n_flows'])} ({_money(r['value_usd'], 'ru')}) в {years}, "
            f"хотя с {r['year_from']} г. отмечен пробел в отчётности; проверьте их основу."
        )
    if r["kind"] == "reporter":
        if r["status"] in ("not_covered", "no_flows"):
            return ""  # nothing in the frame to attribute (e.g. a page holding one pair only)
        if language == "en":
            return (
                f"{who} does not report from {r['year_from']}: its {int(r['n_flows']):,} flows in"
                f" {years} ({_money(r['value_usd'], 'en')}) come from partners' declarations."
            )
        n = int(r["n_flows"])
        return (
            f"{who} не отчитывается с {r['year_from']} г.: {_num(n, 'ru')} "
            f"{_plural_ru(n, 'поток', 'потока', 'потоков')} с её участием в {years} "
            f"({_money(r['value_usd'], 'ru')}) известны только из деклараций партнёров."
        )
    if r["status"] == "not_covered":
        return ""
    last = r["last_year_with_flows"]
    val = _money(r["value_last_year_usd"] or 0.0, language)
    if language == "en":
        return f"{who}: {val} in {last}, no flow in {years}."
    return f"{who}: {val} в {last} г., потоков нет в {years}."


def coverage_statement(
    result: CoverageResult,
    *,
    countries: Iterable[str] | None = None,
    max_detected: int = 3,
    what: str = "",
    fill_hint: str = "run `coopstats data build` with a BACI release covering these years",
    language: str = "en",
) -> str:
    """Short coverage text for a report page, every number computed from ``result``.

    Parameters
    ----------
    result
        :func:`coverage` result.
    countries
        Only blackouts involving these countries are stated (``None``: all).
    max_detected
        At most this many data-found blackouts are named (the largest); the rest are counted.
    what
        What the data should hold (e.g. ``"BLR -> RUS flows in microelectronics"``), used
        when the frame is empty.
    fill_hint
        What would fill an empty section.
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        Markdown: a paragraph on datasets, years, flows, products, value and mirror share,
        then one bullet per known blackout and the largest data-found ones, then product
        gaps.

    Examples
    --------
    >>> import pandas as pd
    >>> empty = pd.DataFrame(columns=["year", "exporter_iso3", "importer_iso3", "hs6_code",
    ...                               "value_usd"])
    >>> coverage_statement(coverage(empty, known=known_blackouts().head(0)),
    ...                    what="BLR -> RUS flows")[:32]
    'No data: BLR -> RUS flows absent'
    """
    language = _check_language(language)
    keep = _countries("countries", countries)
    p = result.params
    if not p.get("years"):
        thing = what or ("trade flows" if language == "en" else "торговые потоки")
        if language == "en":
            return (
                f"No data: {thing} absent from the trade frame; to fill this section, {fill_hint}."
            )
        return (
            f"Нет данных: {thing} отсутствуют в торговом массиве; чтобы заполнить раздел, "
            f"нужен выпуск BACI за эти годы (`coopstats data build`)."
        )
    years = _years(p["years"])
    share = mirror_share_pct(p["mirror_value_usd"], p["value_usd"])
    ds = ", ".join(p["datasets"]) or ("unnamed dataset" if language == "en" else "без названия")
    pct = _num(0.0 if np.isnan(share) else share, language, 1)
    if language == "en":
        head = (
            f"**Coverage.** {ds}, {years}: {_num(p['n_flows'], 'en')} flows of "
            f"{p['n_products']} HS6 products worth {_money(p['value_usd'], 'en')}; "
            f"{pct} % of the value from mirror flows."
        )
    else:
        head = (
            f"**Покрытие.** {ds}, {years}: {_num(p['n_flows'], 'ru')} потоков по "
            f"{p['n_products']} товарам ТН ВЭД (6 знаков) на {_money(p['value_usd'], 'ru')}; "
            f"доля зеркальных потоков — {pct} % стоимости."
        )
    b = result.blackouts
    if keep is not None and len(b):
        b = b[b["country_iso3"].isin(keep) | b["partner_iso3"].isin(keep)]
    lines = [head]
    ref = b[b["origin"] == "reference"]
    for _, r in ref.iterrows():
        text = blackout_statement(result, r, language=language)
        if text:
            lines.append(f"- {text}")
    found = b[b["origin"] == "data"]
    confirmed = {
        frozenset((r.country_iso3, r.partner_iso3))
        for r in ref.itertuples(index=False)
        if r.kind == "pair" and r.status == "confirmed"
    }
    found = found[
        [
            not (k == "pair" and frozenset((a, p)) in confirmed)
            for k, a, p in zip(
                found["kind"], found["country_iso3"], found["partner_iso3"], strict=True
            )
        ]
    ]  # a pair already stated as a known blackout is not repeated
    if len(found):
        named = [
            blackout_statement(result, r, language=language)
            for _, r in found.head(max_detected).iterrows()
        ]
        n = len(found)
        thr = _money(p["min_value_usd"], language)
        if language == "en":
            lines.append(
                f"- {n:,} pair(s) or countries that traded (pairs: at least {thr}) and "
                f"have no flow in a later year; the largest: " + " ".join(named)
            )
        else:
            lines.append(
                f"- Пар и стран, торговавших ранее (пары — не менее {thr}), но без "
                f"потоков в последующие годы: {_num(n, 'ru')}; крупнейшие: " + " ".join(named)
            )
    elif language == "en":
        lines.append(
            f"- No pair that traded at least {_money(p['min_value_usd'], 'en')} "
            f"disappears in a later year."
        )
    else:
        lines.append(
            f"- Ни одна пара с торговлей от {_money(p['min_value_usd'], 'ru')} не "
            f"исчезает в последующие годы."
        )
    gaps = result.product_gaps
    if len(gaps):
        per = gaps.groupby("year").size()
        listing = ", ".join(f"{y}: {n}" for y, n in per.items())
        if language == "en":
            lines.append(f"- Products expected but without any flow, by year: {listing}.")
        else:
            lines.append(f"- Ожидаемые товары без единого потока, по годам: {listing}.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# report sections: coverage of a page's data, trade data beside official figures
# ---------------------------------------------------------------------------------------


def coverage_section(
    trade: pd.DataFrame | None,
    *,
    countries: Iterable[str] | None = None,
    sector_map: pd.DataFrame | None = None,
    known: pd.DataFrame | None = None,
    min_value_usd: float = DEFAULT_MIN_VALUE_USD,
    years: Iterable[int] | None = None,
    what: str = "",
    fill_hint: str = "run `coopstats data build` with a BACI release covering these years",
    language: str = "en",
) -> str:
    """Coverage section of a report page: :func:`coverage` then :func:`coverage_statement`.

    Never raises on absent data: ``trade=None`` or an empty frame gives the sentence saying
    what is absent and what would fill it.

    Parameters
    ----------
    trade
        The page's trade frame (or ``None`` when the page could not load one).
    countries, sector_map, known, min_value_usd, years
        As in :func:`coverage`.
    what, fill_hint, language
        As in :func:`coverage_statement`.

    Returns
    -------
    str
        Markdown.
    """
    language = _check_language(language)
    if trade is None:
        trade = pd.DataFrame(columns=_KEY)
    res = coverage(
        trade,
        sector_map=sector_map,
        countries=countries,
        known=known,
        min_value_usd=min_value_usd,
        years=years,
    )
    return coverage_statement(
        res, countries=countries, what=what, fill_hint=fill_hint, language=language
    )


def facts_coverage_statement(
    series: pd.DataFrame,
    *,
    start_year: int,
    end_year: int,
    what: str,
    language: str = "en",
) -> str:
    """Coverage of a facts series: the years with a cited figure, the years without, the bases.

    Parameters
    ----------
    series
        Rows of :func:`coopstats.sources.facts.series` (``year, fact_id``, optionally
        ``trade_basis``, ``caveats``); may be empty.
    start_year, end_year
        The page's window.
    what
        What the series is (e.g. ``"EAEU mutual_trade_turnover in USD"``).
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        Markdown; with no rows it says what is absent and that a cited row of
        ``data/raw/facts/facts.csv`` would fill it.
    """
    language = _check_language(language)
    window = list(range(int(start_year), int(end_year) + 1))
    have = sorted({int(y) for y in series["year"]} & set(window)) if len(series) else []
    missing = [y for y in window if y not in have]
    if not have:
        if language == "en":
            return (
                f"No data: the facts table has no full-year figure of {what} in "
                f"{window[0]}-{window[-1]}; a cited row in data/raw/facts/facts.csv would "
                f"fill this section."
            )
        return (
            f"Нет данных: в таблице фактов нет годовых значений ({what}) за "
            f"{window[0]}-{window[-1]} гг.; заполнить раздел может строка с источником в "
            f"data/raw/facts/facts.csv."
        )
    rows = series[series["year"].isin(have)]
    bases = sorted(set(map(str, rows["trade_basis"]))) if "trade_basis" in rows else []
    flagged = int((rows["caveats"].fillna("") != "").sum()) if "caveats" in rows else 0
    if language == "en":
        text = (
            f"**Coverage.** {what}: {len(have)} of {len(window)} years have a cited figure "
            f"({_years(have)}), from {rows['fact_id'].nunique()} facts-table rows"
        )
        text += f"; bases: {', '.join(bases)}" if bases else ""
        text += f"; {flagged} figure(s) carry a caveat (approximate, bound, inferred year, mirror)."
        if missing:
            text += f" No cited figure for {_years(missing)}: those years are left empty."
        return text
    text = (
        f"**Покрытие.** {what}: значения с источником есть за {len(have)} из {len(window)} "
        f"лет ({_years(have)}), строк таблицы фактов — {rows['fact_id'].nunique()}"
    )
    text += f"; основа: {', '.join(bases)}" if bases else ""
    text += (
        f"; с оговорками (приблизительно, граница, год по контексту, зеркальные данные) — "
        f"{flagged}."
    )
    if missing:
        text += f" За {_years(missing)} значений нет; эти годы остаются пустыми."
    return text


_SIDE_COLUMNS = [
    "year",
    "sector",
    "value_usd",
    "source",
    "fact_id",
    "trade_basis",
    "caveats",
    "status",
]


def trade_beside_official(
    trade: pd.DataFrame | None,
    facts: pd.DataFrame,
    *,
    country_iso3: str,
    partner_iso3: str,
    start_year: int,
    end_year: int,
    measure: Literal["exports", "turnover"] = "exports",
    sectors: Sequence[str] = ("total",),
    data_years: Iterable[int] | None = None,
    known: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Trade-data values and officially stated figures of one flow, side by side, by source.

    ``measure="exports"``: ``country_iso3`` -> ``partner_iso3`` per sector (the trade frame
    needs a ``sector`` column, e.g. after merging a sector map; ``"total"`` sums all its
    rows); facts metric ``exports``. ``measure="turnover"``: both directions summed, facts
    metric ``trade_turnover`` in either order. Facts are full-year USD figures
    (:func:`coopstats.sources.facts.series`), one line per stated trade basis.

    A year of the window in which the trade data hold no flow gets a row with a missing
    value and ``status`` ``"blackout"`` when a known pair blackout
    (:func:`known_blackouts`) covers it, ``"no flow"`` otherwise, or ``"outside the data"``
    when the year is not among ``data_years`` (the years the dataset covers; default: the
    years of ``trade``). ``trade=None`` gives the official figures only.

    Returns
    -------
    pandas.DataFrame
        ``year, sector, value_usd, source, fact_id, trade_basis, caveats, status, series``
        (``sector: source``, one line of a chart), sorted by sector, source and year.
        ``source`` is the dataset (e.g. ``BACI_HS92_V202601``) or
        ``official statements (facts table, <basis>)``.
    """
    from .sources.facts import series as facts_series

    if measure not in ("exports", "turnover"):
        raise InvalidParameterError("measure", measure, ["exports", "turnover"])
    tr = _frame(pd.DataFrame(columns=_KEY) if trade is None else trade)
    a, b = (
        _countries("country_iso3", [country_iso3])[0],
        _countries("partner_iso3", [partner_iso3])[0],
    )
    window = list(range(int(start_year), int(end_year) + 1))
    if measure == "exports":
        pair = tr[(tr["exporter_iso3"] == a) & (tr["importer_iso3"] == b)]
    else:
        pair = tr[
            ((tr["exporter_iso3"] == a) & (tr["importer_iso3"] == b))
            | ((tr["exporter_iso3"] == b) & (tr["importer_iso3"] == a))
        ]
    pair = pair[pair["year"].isin(window)]
    years_in_data = sorted(
        int(y) for y in (tr["year"].unique() if data_years is None else data_years)
    )
    known = known_blackouts() if known is None else known
    listed = known[
        (known["kind"] == "pair")
        & (
            ((known["country_iso3"] == a) & (known["partner_iso3"] == b))
            | ((known["country_iso3"] == b) & (known["partner_iso3"] == a))
        )
    ]

    def blackout(year: int) -> bool:
        return any(
            int(k.year_from) <= year and (pd.isna(k.year_to) or year <= int(k.year_to))
            for k in listed.itertuples(index=False)
        )

    label = ", ".join(sorted(map(str, tr["dataset"].unique()))) if "dataset" in tr.columns else ""
    label = label or "trade data"
    rows = []
    for sector in sectors:
        part = (
            pair
            if sector == "total" or "sector" not in pair.columns
            else pair[pair["sector"] == sector]
        )
        if sector != "total" and "sector" not in pair.columns:
            raise InvalidParameterError(
                "trade",
                "no sector column",
                "a frame merged with a sector map",
                why=f"sector {sector!r} was asked for",
            )
        per = part.groupby("year")["value_usd"].sum()
        for y in window if trade is not None else []:
            if y in per.index and per[y] > 0:
                rows.append((y, sector, float(per[y]), label, None, "goods", "", "trade data"))
            else:
                status = (
                    "outside the data"
                    if y not in years_in_data
                    else "blackout"
                    if blackout(y)
                    else "no flow"
                )
                rows.append((y, sector, np.nan, label, None, "goods", "", status))
        metric = "exports" if measure == "exports" else "trade_turnover"
        select = dict(
            metric=metric,
            reporter=a,
            partner=b,
            sector=sector,
            unit="USD",
            unordered_pair=measure == "turnover",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # partial years go to the series' ledger
            if _pair_facts(facts, metric, a, b, sector, measure).empty:
                parts = []  # no statement about this flow in the facts table
            elif _single_basis(facts, metric, a, b, sector, measure):
                parts = [facts_series(facts, **select).kept]
            else:
                parts = [
                    facts_series(facts, **select, basis=basis).kept
                    for basis in ("goods", "goods_and_services")
                ]
        for kept in parts:
            for r in kept[kept["year"].isin(window)].itertuples(index=False):
                rows.append(
                    (
                        int(r.year),
                        sector,
                        float(r.value),
                        f"official statements (facts table, {r.trade_basis})",
                        r.fact_id,
                        r.trade_basis,
                        r.caveats if isinstance(r.caveats, str) else "",
                        "official",
                    )
                )
    out = pd.DataFrame(rows, columns=_SIDE_COLUMNS)
    out = out.drop_duplicates(["year", "sector", "source", "fact_id"])
    out["series"] = out["sector"] + ": " + out["source"]
    return out.sort_values(["sector", "source", "year"], kind="mergesort").reset_index(drop=True)


def _pair_facts(facts, metric, a, b, sector, measure) -> pd.DataFrame:
    """USD facts rows of ``metric`` for the pair (either order for turnover) and sector."""
    f = facts[(facts["metric"] == metric) & (facts["sector"] == sector) & (facts["unit"] == "USD")]
    pair = (f["reporter_iso3"] == a) & (f["partner_iso3"] == b)
    if measure == "turnover":
        pair |= (f["reporter_iso3"] == b) & (f["partner_iso3"] == a)
    return f[pair]


def _single_basis(facts, metric, a, b, sector, measure) -> bool:
    """Whether the selected facts rows state one trade basis (or none): no split needed."""
    from .sources.facts import trade_basis

    f = _pair_facts(facts, metric, a, b, sector, measure)
    if f.empty:
        return True
    bases = set(trade_basis(f["note"])) - {"unstated"}
    return len(bases) <= 1


def trade_beside_official_statement(
    side: pd.DataFrame,
    *,
    country_iso3: str,
    partner_iso3: str,
    measure: Literal["exports", "turnover"] = "exports",
    language: str = "en",
) -> str:
    """Say per sector how far the trade data go, the blackout years, and the official figures.

    Reads a :func:`trade_beside_official` frame: the last year with a trade-data value, the
    years marked ``blackout``, and the officially stated values after the last trade-data
    year, each with its fact id.
    """
    language = _check_language(language)
    arrow = "→" if measure == "exports" else "↔"
    lines = []
    for sector, g in side.groupby("sector", sort=True):
        data = g[g["status"] == "trade data"]
        dark = g[g["status"] == "blackout"]
        off = g[g["status"] == "official"]
        last = int(data["year"].max()) if len(data) else None
        last_value = float(data.loc[data["year"] == last, "value_usd"].sum())
        after = off[off["year"] > last] if last is not None else off
        if language == "en":
            s = f"- **{sector}**, {country_iso3}{arrow}{partner_iso3}: "
            s += (
                f"trade data up to {last} ({_money(last_value, 'en')} in {last})"
                if last is not None
                else "no flow in the trade data"
            )
            if len(dark):
                s += f"; blackout in {_years(sorted(dark['year']))} (no flow: neither side reports)"
            if len(after):
                s += (
                    "; officially stated after that: "
                    if last is not None
                    else "; officially stated: "
                )
                s += ", ".join(
                    f"{int(r.year)}: {_money(r.value_usd, 'en')} ({r.fact_id})"
                    for r in after.itertuples(index=False)
                )
            elif len(dark):
                s += "; no official figure for those years in the facts table"
            if len(off) > len(after):
                s += "; official figures for years with trade data: " + ", ".join(
                    f"{int(r.year)}: {_money(r.value_usd, 'en')} ({r.fact_id})"
                    for r in off[~off.index.isin(after.index)].itertuples(index=False)
                )
            lines.append(s + ".")
        else:
            s = f"- **{sector}**, {country_iso3}{arrow}{partner_iso3}: "
            s += (
                f"торговые данные до {last} г. ({_money(last_value, 'ru')} в {last} г.)"
                if last is not None
                else "в торговых данных потоков нет"
            )
            if len(dark):
                s += f"; пробел в {_years(sorted(dark['year']))} (обе стороны не отчитываются)"
            if len(after):
                s += (
                    "; официальные данные за последующие годы: "
                    if last is not None
                    else "; официальные данные: "
                )
                s += ", ".join(
                    f"{int(r.year)}: {_money(r.value_usd, 'ru')} ({r.fact_id})"
                    for r in after.itertuples(index=False)
                )
            elif len(dark):
                s += "; официальных данных за эти годы в таблице фактов нет"
            if len(off) > len(after):
                s += "; официальные данные за годы с торговыми данными: " + ", ".join(
                    f"{int(r.year)}: {_money(r.value_usd, 'ru')} ({r.fact_id})"
                    for r in off[~off.index.isin(after.index)].itertuples(index=False)
                )
            lines.append(s + ".")
    return "\n".join(lines)


def known_blackout_statement(
    country_iso3: str,
    partner_iso3: str,
    *,
    known: pd.DataFrame | None = None,
    language: str = "en",
) -> str:
    """State the known reporting blackout of a pair from the sourced table, or that none is known.

    For pages built from official statements only (no trade frame to check against): the
    sentence names the first year, says why declaration-based trade data cannot show the flow
    and cites the table's sources.
    """
    language = _check_language(language)
    a, b = (
        _countries("country_iso3", [country_iso3])[0],
        _countries("partner_iso3", [partner_iso3])[0],
    )
    known = known_blackouts() if known is None else known
    rows = known[
        (known["kind"] == "pair")
        & (
            ((known["country_iso3"] == a) & (known["partner_iso3"] == b))
            | ((known["country_iso3"] == b) & (known["partner_iso3"] == a))
        )
    ]
    if rows.empty:
        return (
            f"No reporting blackout of {a}↔{b} is listed in coopstats' blackout table."
            if language == "en"
            else f"В таблице пробелов coopstats для пары {a}↔{b} пробелов в отчётности нет."
        )
    r = rows.iloc[0]
    if language == "en":
        return (
            f"Trade databases built from customs declarations (CEPII BACI, UN Comtrade) hold no "
            f"{a}↔{b} flow from {int(r['year_from'])}: neither side reports. From then on, the "
            f"official statements on this page are the only figures [{r['source']}]."
        )
    return (
        f"В торговых базах, собранных из таможенных деклараций (CEPII BACI, UN Comtrade), "
        f"потоков {a}↔{b} с {int(r['year_from'])} г. нет: обе стороны не отчитываются. С этого "
        f"года единственные цифры — официальные заявления на этой странице [{r['source']}]."
    )


def blackout_span(side: pd.DataFrame) -> tuple[int, int] | None:
    """First and last year marked ``blackout`` in a :func:`trade_beside_official` frame, or None.

    What :func:`coopstats.plots.line_by_year` shades with its ``span`` argument.
    """
    years = side.loc[side["status"] == "blackout", "year"]
    return (int(years.min()), int(years.max())) if len(years) else None


def dataset_years(
    processed_dir: str | Path,
    datasets: Iterable[str] | None = None,
    *,
    start_year: int | None = None,
    end_year: int | None = None,
) -> list[int]:
    """Years the processed trade data cover, from the partition folders or ``trade.parquet``.

    A page that loads one pair's flows cannot see from them which years the dataset has;
    this reads the folder names of ``<processed_dir>/trade/dataset=*/year=*`` (no file is
    opened) or, without partitions, the ``year`` column of ``trade.parquet``.

    Parameters
    ----------
    processed_dir
        ``data/processed``.
    datasets
        Only these datasets (``None``: all).
    start_year, end_year
        Keep the years in this window (inclusive; ``None``: unbounded).

    Returns
    -------
    list of int
        Sorted years; empty when there are no processed trade data.
    """
    from .sources.store import partition_datasets

    root = Path(processed_dir)
    want = None if datasets is None else {str(d) for d in datasets}
    parts = partition_datasets(root, "trade") if (root / "trade").is_dir() else {}
    lo = -(10**9) if start_year is None else int(start_year)
    hi = 10**9 if end_year is None else int(end_year)
    if parts:
        found = {y for d, ys in parts.items() if want is None or d in want for y in ys}
    else:
        path = root / "trade.parquet"
        if not path.is_file():
            return []
        import pyarrow.parquet as pq

        cols = ["year"] if want is None else ["year", "dataset"]
        table = pq.read_table(path, columns=cols).to_pandas()
        if want is not None:
            table = table[table["dataset"].isin(want)]
        found = {int(y) for y in table["year"].unique()}
    return sorted(y for y in found if lo <= y <= hi)


def dated_records_statement(
    dates: pd.Series | Sequence[str | None],
    *,
    what: str,
    n_unread: int = 0,
    language: str = "en",
) -> str:
    """Coverage of dated records (e.g. events read from press releases): how many, when, gaps.

    Parameters
    ----------
    dates
        ISO dates ``YYYY-MM-DD`` (or ``YYYY``, ``YYYY-MM``) of the records; missing = undated.
    what
        What the records are (``"cooperation events"``).
    n_unread
        Documents that could not be read (they are not among the records).
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        Markdown: the count, the dated range, records per year, undated and unread counts;
        with no record, that the section is empty and what would fill it.
    """
    language = _check_language(language)
    d = pd.Series(list(dates), dtype="object")
    n = len(d)
    if n == 0:
        return (
            f"No data: no {what}; documents in the input folder (or a shipped .jsonl) would "
            f"fill this section."
            + (f" {n_unread} document(s) could not be read." if n_unread else "")
            if language == "en"
            else f"Нет данных: записей ({what}) нет; раздел заполнят документы во входной папке "
            f"(или выгрузка .jsonl)."
            + (f" Не прочитано документов: {n_unread}." if n_unread else "")
        )
    text = d.dropna().astype(str)
    text = text[text.str.strip() != ""]
    starts = text.str.split("..", regex=False).str[0]  # a period 2024-01..2024-09: start
    ends = text.str.split("..", regex=False).str[-1]  # and end
    years = pd.to_numeric(starts.str[:4], errors="coerce").dropna().astype(int)
    undated = n - len(years)
    per = years.value_counts().sort_index()
    listing = ", ".join(f"{y}: {c}" for y, c in per.items())
    if language == "en":
        out = f"**Coverage.** {n} {what}"
        out += (
            f", dated {starts.min()} to {ends.max()} (by starting year: {listing})"
            if len(years)
            else ""
        )
        out += f"; {undated} undated" if undated else ""
        out += f"; {n_unread} document(s) could not be read and are not counted" if n_unread else ""
        return out + "."
    out = f"**Покрытие.** Записей ({what}): {n}"
    out += (
        f", даты с {starts.min()} по {ends.max()} (по году начала: {listing})" if len(years) else ""
    )
    out += f"; без даты: {undated}" if undated else ""
    out += f"; не прочитано и не учтено документов: {n_unread}" if n_unread else ""
    return out + "."


def real_data_section(
    processed_dir: str | Path,
    *,
    countries: Iterable[str],
    exclude: Iterable[str] = (),
    known: pd.DataFrame | None = None,
    language: str = "en",
) -> str:
    """Coverage of ``countries`` in every real (not synthetic) trade dataset of the build.

    A page whose own data are the synthetic demonstration panel (or another dataset) can still
    state what real data show about its countries: for each dataset of the partitioned
    processed trade table (``<processed_dir>/trade/dataset=*``) that is not synthetic and not
    in ``exclude``, the flows touching ``countries`` are read (only those rows) and passed to
    :func:`coverage_section` with the dataset's own years.

    Returns
    -------
    str
        Markdown, one :func:`coverage_section` per dataset; when there is none, a sentence
        saying so and what would provide one.
    """
    from .provenance import SYNTHETIC_DATASET
    from .sources.store import partition_datasets, read_partitioned

    language = _check_language(language)
    keep = _countries("countries", countries)
    root = Path(processed_dir)
    parts = partition_datasets(root, "trade") if (root / "trade").is_dir() else {}
    skip = {str(d) for d in exclude}
    real = sorted(d for d in parts if not d.startswith(SYNTHETIC_DATASET) and d not in skip)
    if not real:
        if language == "en":
            return (
                "No other real trade dataset in the processed data to check these countries "
                "against; `make data` (BACI HS92 V202601) would provide one."
            )
        return (
            "Других реальных торговых данных для проверки этих стран нет; их даст "
            "`make data` (BACI HS92 V202601)."
        )
    out = []
    for d in real:
        rows = read_partitioned(
            "trade",
            root,
            datasets=[d],
            filters=[[("exporter_iso3", "in", keep)], [("importer_iso3", "in", keep)]],
        )
        head = f"*Real data, {d}:*" if language == "en" else f"*Реальные данные, {d}:*"
        out.append(
            head
            + "\n\n"
            + coverage_section(
                rows, countries=keep, known=known, years=sorted(parts[d]), language=language
            )
        )
    return "\n\n".join(out)
