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

:func:`dataset_years` reads which years the processed trade data cover. The page statements
built on a result (:func:`coopstats.coverage_text.coverage_statement`, English or Russian,
every number computed from the data) are in :mod:`coopstats.coverage_text`; trade data
beside officially stated figures in :mod:`coopstats.official_figures`; the share of value
from mirror flows and the CIF -> FOB conversion in :mod:`coopstats.valuation`.

References
----------
Gaulier, G. and Zignago, S. (2010). BACI: International Trade Database at the Product-Level.
CEPII Working Paper 2010-23. Sources of each known blackout: ``trade_blackouts.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import geo
from .checks import FLOW_BASES, check_number, iso3_codes, require_trade_frame
from .errors import DataFileError, InvalidParameterError
from .valuation import mirror_share_pct, mirror_value_usd

__all__ = [
    "FLOW_BASES",
    "DEFAULT_MIN_VALUE_USD",
    "known_blackouts",
    "known_pair_blackouts",
    "coverage_table",
    "find_blackouts",
    "product_gaps",
    "CoverageResult",
    "coverage",
    "dataset_years",
]

#: A pair counts as a data-found blackout only if it traded at least this much (USD) in its
#: last year with flows: smaller pairs come and go in product-level data without any
#: reporting change.
DEFAULT_MIN_VALUE_USD = 1_000_000.0

_BLACKOUT_COLUMNS = [
    "kind",
    "country_iso3",
    "partner_iso3",
    "year_from",
    "year_to",
    "reason",
    "source",
]


# ---------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------


def _frame(trade: object) -> pd.DataFrame:
    """Return a checked copy (:func:`coopstats.checks.require_trade_frame`), ``year`` int64."""
    return require_trade_frame(trade).astype({"year": "int64"})


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


def known_pair_blackouts(
    country_iso3: str, partner_iso3: str, *, known: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Rows of the known-blackout table (:func:`known_blackouts`) for one pair, either order.

    Only ``kind == "pair"`` rows; ``known`` defaults to the shipped table.

    >>> known_pair_blackouts("RUS", "BLR")[["country_iso3", "partner_iso3"]].values.tolist()
    [['BLR', 'RUS']]
    """
    a, b = country_iso3, partner_iso3
    known = known_blackouts() if known is None else known
    return known[
        (known["kind"] == "pair")
        & (
            ((known["country_iso3"] == a) & (known["partner_iso3"] == b))
            | ((known["country_iso3"] == b) & (known["partner_iso3"] == a))
        )
    ]


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


def _lost(
    kind: str,
    country: str,
    partner: str | None,
    last_year: int,
    last_value: float,
    years: list[int],
    reason: str,
) -> dict:
    """Return a data-found blackout row: flows until ``last_year``, none in later data years."""
    after = [y for y in years if y > last_year]
    return {
        "origin": "data",
        "kind": kind,
        "country_iso3": country,
        "partner_iso3": partner,
        "year_from": after[0],
        "year_to": years[-1],
        "years_checked": ",".join(map(str, after)),
        "n_flows": 0,
        "value_usd": 0.0,
        "last_year_with_flows": last_year,
        "value_last_year_usd": last_value,
        "status": "no_flows_after",
        "reason": reason,
        "source": "computed from the trade frame",
    }


def _detected_pairs(tr: pd.DataFrame, years: list[int], min_value_usd: float) -> pd.DataFrame:
    p = _pairs(tr)
    p = p[p["value_usd"] > 0]
    last = p.sort_values("year").groupby(["country_iso3", "partner_iso3"]).tail(1)
    final = years[-1]
    last = last[(last["year"] < final) & (last["value_usd"] >= min_value_usd)]
    rows = [
        _lost(
            "pair",
            r.country_iso3,
            r.partner_iso3,
            int(r.year),
            float(r.value_usd),
            years,
            f"traded in {r.year}, no flow in any later year of the data",
        )
        for r in last.itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=_BLACKOUT_OUT)


def _detectediso3_codes(tr: pd.DataFrame, years: list[int], min_value_usd: float) -> pd.DataFrame:
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
    last = last[(last["year"] < final) & (last["total"] >= min_value_usd)]
    rows = [
        _lost(
            "country",
            r.c,
            None,
            int(r.year),
            float(r.total),
            years,
            f"in the data until {r.year}, no flow with any partner later",
        )
        for r in last.itertuples(index=False)
    ]
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
    min_value_usd = check_number("min_value_usd", min_value_usd, 0.0)
    keep = iso3_codes("countries", countries)
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
            _detectediso3_codes(tr, years, min_value_usd),
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
    exp = iso3_codes("exporters", exporters)
    imp = iso3_codes("importers", importers)
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
# result
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
        :func:`coopstats.coverage_text.coverage_statement` reports as absent data.
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
    keep = iso3_codes("countries", countries)
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
