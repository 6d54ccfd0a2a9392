"""Growth of trade values and cited figures: rates, CAGR, indices, contributions, deflation.

Where to start
--------------
Every function takes a tidy long frame with a ``year`` column and one value column
(``value_usd`` for trade frames, ``value`` for facts series) and returns a new frame.
Values are summed within ``by`` keys + ``year`` first, so a raw trade frame can be passed
directly (e.g. ``by=("exporter_iso3", "importer_iso3")`` for bilateral growth).

============================  =====================================================
function                      question it answers
============================  =====================================================
:func:`growth_rates`          year-on-year growth, ``100 (v_t / v_{t-1} - 1)``
:func:`period_growth`         growth and CAGR between two years
:func:`cagr`                  compound annual growth rate of two numbers
:func:`index_numbers`         values as an index, base year = 100
:func:`contributions`         contributions (percentage points) to growth by partner/sector
:func:`to_real`               nominal -> constant prices with a deflator frame
:func:`facts_growth`          growth of a cited-facts series, one trade basis only
============================  =====================================================

Trend growth and break tests (:func:`~coopstats.trends.log_linear_trend`,
:func:`~coopstats.trends.break_test`) are in :mod:`coopstats.trends`.

Strictness
----------
Inputs are never repaired: missing values raise, a frame that mixes datasets, flow
bases, units, currencies, price bases or trade bases (goods vs goods and services) raises
(:class:`~coopstats.errors.InvalidParameterError` naming the column and the values found),
and growth that is mathematically undefined (previous year absent or zero) is ``NaN``.

References
----------
OECD (2001), *Measuring Productivity*, annex on growth rates and contributions;
Kiefer & Vogelsang (2005) for fixed-b HAC inference (:mod:`coopstats.inference`);
Chow (1960) for the break test;
Wagner, Soumerai, Zhang & Ross-Degnan (2002) for segmented (interrupted) time series.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from . import valuation
from .checks import (
    BASIS_COLUMNS,
    require_columns,
    require_flow_bases,
    require_no_nan,
    require_single_basis,
    require_unique,
    sector_pairs,
    validate_literal,
)
from .errors import InvalidParameterError

__all__ = [
    "growth_rates",
    "period_growth",
    "cagr",
    "index_numbers",
    "contributions",
    "to_real",
    "facts_growth",
    "TRADE_BASES",
    "annual_totals",
    "as_keys",
    "validate_year",
    "stated_vs_implied",
]

logger = logging.getLogger(__name__)

#: Bases a trade figure can be stated on; a series uses exactly one.
TRADE_BASES = ("goods", "goods_and_services")


# ---------------------------------------------------------------------------------------
# growth's own validation helpers (shared frame checks: coopstats.checks); the public ones
# are also used by coopstats.trends
# ---------------------------------------------------------------------------------------


def as_keys(by: str | Sequence[str] | None) -> tuple[str, ...]:
    """Return ``by`` (``None``, one column name or several) as a tuple of column names."""
    if by is None:
        return ()
    if isinstance(by, str):
        return (by,)
    return tuple(by)


def validate_year(name: str, value: object) -> int:
    """Return ``value`` as ``int`` if it is an integer year (not a bool), else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidParameterError(name, value, "an integer year")
    return int(value)


def _validate_period(start: object, end: object) -> tuple[int, int]:
    """Validate the years ``start < end`` of a period."""
    start = validate_year("start", start)
    end = validate_year("end", end)
    if start >= end:
        raise InvalidParameterError(
            "end", end, f"a year after start={start}", why="the period is empty"
        )
    return start, end


def _require_years(annual: pd.DataFrame, year_col: str, **years: int) -> None:
    """Refuse a year (named by its parameter) that has no row in ``annual``."""
    have = sorted(annual[year_col].unique())
    for pname, y in years.items():
        if y not in have:
            raise InvalidParameterError(pname, y, f"a year with data: {have}")


def annual_totals(
    frame: pd.DataFrame, *, value_col: str, by: tuple[str, ...], year_col: str, name: str
) -> pd.DataFrame:
    """Validate and sum ``value_col`` within ``by`` + ``year`` (sorted, deterministic).

    Refuses missing values, mixed bases and an empty frame; a trade frame with flow bases
    also gets ``mirror_share_pct`` (share of each total from mirror flows).
    """
    require_columns(frame, (*by, year_col, value_col), name=name)
    require_no_nan(frame, (*by, year_col, value_col), name=name)
    require_single_basis(
        frame, name=name, columns=[c for c in BASIS_COLUMNS if c not in ("dataset", "flow_basis")]
    )
    require_flow_bases(frame, name=name)
    if frame.empty:
        raise InvalidParameterError(name, "an empty frame", "a frame with at least one row")
    mirror = "flow_basis" in frame.columns and value_col == "value_usd"
    if mirror:  # trade with flow bases: also the share of each total from mirror flows
        frame = frame.assign(mirror_value_usd=valuation.mirror_value_usd(frame))
    sums = [value_col, "mirror_value_usd"] if mirror else [value_col]
    out = frame.groupby([*by, year_col], sort=True, observed=True)[sums].sum().reset_index()
    out[year_col] = out[year_col].astype("int64")
    if mirror:
        out["mirror_share_pct"] = valuation.mirror_share_pct(
            out.pop("mirror_value_usd"), out[value_col]
        )
    return out


# ---------------------------------------------------------------------------------------
# growth rates
# ---------------------------------------------------------------------------------------


def growth_rates(
    frame: pd.DataFrame,
    *,
    value_col: str = "value_usd",
    by: str | Sequence[str] | None = None,
    year_col: str = "year",
) -> pd.DataFrame:
    r"""Year-on-year growth of annual totals.

    .. math:: g_t = 100 \left( \frac{v_t}{v_{t-1}} - 1 \right)

    where :math:`v_t` is the sum of ``value_col`` over the rows of year *t* (within each
    ``by`` group). :math:`g_t` is ``NaN`` when year *t-1* is absent from the group (gaps are
    not bridged) or :math:`v_{t-1} = 0`.

    Parameters
    ----------
    frame
        Tidy frame with ``year_col``, ``value_col`` and the ``by`` columns, e.g. the canonical
        trade frame or a facts series.
    value_col
        Column to sum (``value_usd`` for trade, ``value`` for facts).
    by
        Grouping columns, e.g. ``("exporter_iso3", "importer_iso3")``; ``None`` for one total.
    year_col
        Name of the year column.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` group and year: the ``by`` columns, ``year``, ``value_col``
        (annual total), ``value_prev`` (total of year *t-1*, ``NaN`` if absent),
        ``growth_pct`` (percent).

    Raises
    ------
    InvalidParameterError
        Missing columns or values, or a frame mixing datasets/units/bases.

    References
    ----------
    OECD Glossary of Statistical Terms, "growth rate".

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"year": [2022, 2023], "value_usd": [100.0, 125.0]})
    >>> growth_rates(f)["growth_pct"].tolist()
    [nan, 25.0]
    """
    keys = as_keys(by)
    out = annual_totals(frame, value_col=value_col, by=keys, year_col=year_col, name="frame")
    prev = out[[*keys, year_col, value_col]].copy()
    prev[year_col] = prev[year_col] + 1
    prev = prev.rename(columns={value_col: "value_prev"})
    out = out.merge(prev, on=[*keys, year_col], how="left", validate="one_to_one")
    with np.errstate(divide="ignore", invalid="ignore"):
        g = 100.0 * (out[value_col] / out["value_prev"] - 1.0)
    out["growth_pct"] = g.where(out["value_prev"] != 0)
    return out.sort_values([*keys, year_col], kind="mergesort").reset_index(drop=True)


def cagr(start_value: float, end_value: float, years: float) -> float:
    r"""Compound annual growth rate in percent.

    .. math:: \mathrm{CAGR} = 100 \left( (v_{end} / v_{start})^{1/n} - 1 \right)

    Parameters
    ----------
    start_value, end_value
        Values at the start and the end of the period (same unit, > 0 at the start).
    years
        Length of the period in years, :math:`n > 0` (2015 -> 2024 is 9).

    Returns
    -------
    float
        CAGR in percent; ``NaN`` when ``start_value`` is 0 or the ratio is negative.

    Raises
    ------
    InvalidParameterError
        ``years`` not positive.

    References
    ----------
    OECD Glossary of Statistical Terms, "compound annual growth rate".

    Examples
    --------
    >>> round(cagr(100.0, 121.0, 2), 10)
    10.0
    """
    if not (isinstance(years, (int, float, np.integer, np.floating)) and years > 0):
        raise InvalidParameterError("years", years, "a number of years > 0")
    if start_value == 0 or end_value / start_value < 0:
        return math.nan
    return 100.0 * ((end_value / start_value) ** (1.0 / years) - 1.0)


def period_growth(
    frame: pd.DataFrame,
    *,
    start: int,
    end: int,
    value_col: str = "value_usd",
    by: str | Sequence[str] | None = None,
    year_col: str = "year",
) -> pd.DataFrame:
    r"""Growth and compound annual growth between two years.

    .. math::

        G = 100 \left(\frac{v_{end}}{v_{start}} - 1\right), \qquad
        \mathrm{CAGR} = 100 \left( \left(\frac{v_{end}}{v_{start}}\right)^{1/(end-start)} - 1
        \right)

    Parameters
    ----------
    frame
        Tidy frame with ``year_col``, ``value_col`` and the ``by`` columns.
    start, end
        First and last year, ``start < end``; both must be present in the frame.
    value_col, by, year_col
        As in :func:`growth_rates`.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` group: the ``by`` columns, ``start_year``, ``end_year``,
        ``value_start``, ``value_end``, ``growth_pct``, ``cagr_pct``. A group absent in
        one of the two years has ``NaN`` for that value and for the growth.

    Raises
    ------
    InvalidParameterError
        ``start >= end`` (an empty period) or a year with no data at all.

    References
    ----------
    OECD Glossary of Statistical Terms, "compound annual growth rate".

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"year": [2020, 2021, 2022], "value_usd": [100.0, 150.0, 121.0]})
    >>> period_growth(f, start=2020, end=2022)[["growth_pct", "cagr_pct"]].round(6).values.tolist()
    [[21.0, 10.0]]
    """
    start, end = _validate_period(start, end)
    keys = as_keys(by)
    annual = annual_totals(frame, value_col=value_col, by=keys, year_col=year_col, name="frame")
    _require_years(annual, year_col, start=start, end=end)
    # one column per year; a group without a row in start or end year gets NaN there
    key_frame = annual[list(keys)].drop_duplicates() if keys else pd.DataFrame(index=[0])
    out = key_frame.reset_index(drop=True)
    for y, name in ((start, "value_start"), (end, "value_end")):
        vals = annual[annual[year_col] == y][[*keys, value_col]].rename(columns={value_col: name})
        if keys:
            out = out.merge(vals, on=list(keys), how="left", validate="one_to_one")
        else:
            out[name] = vals[name].to_numpy()
    out.columns.name = None
    out.insert(len(keys), "start_year", start)
    out.insert(len(keys) + 1, "end_year", end)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["value_end"] / out["value_start"]
    ratio = ratio.where(out["value_start"] != 0)
    out["growth_pct"] = 100.0 * (ratio - 1.0)
    out["cagr_pct"] = 100.0 * (ratio.where(ratio >= 0) ** (1.0 / (end - start)) - 1.0)
    return out.sort_values(list(keys), kind="mergesort").reset_index(drop=True) if keys else out


def index_numbers(
    frame: pd.DataFrame,
    *,
    base_year: int,
    value_col: str = "value_usd",
    by: str | Sequence[str] | None = None,
    year_col: str = "year",
) -> pd.DataFrame:
    r"""Annual totals as an index with the base year = 100.

    .. math:: I_t = 100 \, v_t / v_{base}

    Parameters
    ----------
    frame
        Tidy frame with ``year_col``, ``value_col`` and the ``by`` columns.
    base_year
        Year whose value is 100; must have data.
    value_col, by, year_col
        As in :func:`growth_rates`.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``year``, ``value_col``, ``base_year``, ``index_value``
        (base = 100; ``NaN`` for groups with no or zero value in the base year).

    Raises
    ------
    InvalidParameterError
        ``base_year`` without data.

    References
    ----------
    OECD Glossary of Statistical Terms, "index number".

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"year": [2020, 2021], "value_usd": [80.0, 100.0]})
    >>> index_numbers(f, base_year=2021)["index_value"].tolist()
    [80.0, 100.0]
    """
    base_year = validate_year("base_year", base_year)
    keys = as_keys(by)
    out = annual_totals(frame, value_col=value_col, by=keys, year_col=year_col, name="frame")
    _require_years(out, year_col, base_year=base_year)
    base = out[out[year_col] == base_year][[*keys, value_col]].rename(columns={value_col: "_base"})
    out = (
        out.merge(base, on=list(keys), how="left")
        if keys
        else out.assign(_base=base["_base"].iloc[0])
    )
    out["base_year"] = base_year
    with np.errstate(divide="ignore", invalid="ignore"):
        out["index_value"] = (100.0 * out[value_col] / out["_base"]).where(out["_base"] != 0)
    return (
        out.drop(columns="_base")
        .sort_values([*keys, year_col], kind="mergesort")
        .reset_index(drop=True)
    )


# ---------------------------------------------------------------------------------------
# trends and breaks (coopstats.inference)
# ---------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------
# contributions and prices
# ---------------------------------------------------------------------------------------


def _attach_sector(
    frame: pd.DataFrame,
    sector_map: pd.DataFrame,
    *,
    unmapped: Literal["other", "raise"],
    partition: bool,
) -> pd.DataFrame:
    require_columns(frame, ("hs6_code",), name="frame")
    smap = sector_pairs(sector_map, frame)
    if partition:
        multi = smap[smap.duplicated("hs6_code", keep=False)]
        if not multi.empty:
            raise InvalidParameterError(
                "sector_map",
                f"{multi['hs6_code'].nunique()} hs6_code(s) in several sectors, "
                f"e.g. {multi.head(4).to_dict('records')}",
                "a partition: each hs6_code in one sector",
                why="contributions must add up to the total; filter sector_map to one taxonomy",
            )
    out = frame.merge(smap, on="hs6_code", how="left")
    miss = out["sector"].isna()
    if miss.any():
        if unmapped == "raise":
            codes = sorted(out.loc[miss, "hs6_code"].unique())[:20]
            raise InvalidParameterError(
                "sector_map",
                f"no sector for hs6_code(s) {codes}",
                "a sector_map covering every code, or unmapped='other'",
            )
        out["sector"] = out["sector"].fillna("other")
    return out


def contributions(
    frame: pd.DataFrame,
    *,
    by: str | Sequence[str],
    start: int,
    end: int,
    value_col: str = "value_usd",
    year_col: str = "year",
    sector_map: pd.DataFrame | None = None,
    unmapped: Literal["other", "raise"] = "other",
) -> pd.DataFrame:
    r"""Contributions of components (partners, sectors, products) to total growth.

    .. math::

        C_i = 100 \, \frac{v_{i,end} - v_{i,start}}{\sum_j v_{j,start}}, \qquad
        \sum_i C_i = 100 \left( \frac{V_{end}}{V_{start}} - 1 \right)

    in percentage points: the components' contributions add up exactly to the total growth.

    Parameters
    ----------
    frame
        Tidy frame with ``year_col``, ``value_col`` and the ``by`` columns (a trade frame
        restricted to the flow of interest, e.g. Belarus's exports to Russia).
    by
        Component column(s): ``"importer_iso3"`` for partners, ``"sector"`` for sectors
        (needs ``sector_map``), ``"hs6_code"`` for products.
    start, end
        Start and end year (``start < end``; the total must be non-zero at ``start``).
    value_col, year_col
        Value and year columns.
    sector_map
        Frame ``hs6_code, sector`` (e.g. a one-taxonomy filter of
        :func:`coopstats.hs_sectors.sector_table`); needed when ``"sector"`` is in ``by``. Must be a
        partition (each code in one sector) so contributions add up.
    unmapped
        Codes absent from ``sector_map``: ``"other"`` groups them as sector ``other``
        (so the parts still add up to the total), ``"raise"`` refuses.

    Returns
    -------
    pandas.DataFrame
        One row per component: the ``by`` columns, ``start_year``, ``end_year``,
        ``value_start``, ``value_end``, ``growth_pct`` (the component's own growth),
        ``share_start_pct``, ``contribution_pp``; sorted by ``contribution_pp`` descending.

    Raises
    ------
    InvalidParameterError
        Empty period, zero total at ``start``, a non-partition ``sector_map``.

    References
    ----------
    OECD (2001), *Measuring Productivity — OECD Manual*, Annex 1 (contributions to growth).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"year": [2022, 2022, 2023, 2023], "importer_iso3": ["RUS", "KAZ"] * 2,
    ...                   "value_usd": [80.0, 20.0, 100.0, 30.0]})
    >>> contributions(f, by="importer_iso3", start=2022, end=2023)["contribution_pp"].tolist()
    [20.0, 10.0]
    """
    validate_literal("unmapped", unmapped, ("other", "raise"))
    keys = as_keys(by)
    if not keys:
        raise InvalidParameterError("by", by, "one or more component columns")
    start, end = _validate_period(start, end)
    if "sector" in keys and "sector" not in frame.columns:
        if sector_map is None:
            raise InvalidParameterError(
                "sector_map", None, "a frame with hs6_code, sector", why="by includes 'sector'"
            )
        frame = _attach_sector(frame, sector_map, unmapped=unmapped, partition=True)
    annual = annual_totals(frame, value_col=value_col, by=keys, year_col=year_col, name="frame")
    _require_years(annual, year_col, start=start, end=end)
    wide = annual[annual[year_col].isin([start, end])].pivot_table(
        index=list(keys), columns=year_col, values=value_col, aggfunc="sum", fill_value=0.0
    )
    # a component absent in one year traded nothing that year (tidy trade omits zeros)
    wide = wide.reindex(columns=[start, end], fill_value=0.0)
    total_start = float(wide[start].sum())
    if total_start == 0:
        raise InvalidParameterError(
            "start",
            start,
            "a year with a non-zero total",
            why="contributions are shares of the start-year total",
        )
    out = wide.reset_index()
    out.columns.name = None
    out = out.rename(columns={start: "value_start", end: "value_end"})
    out.insert(len(keys), "start_year", start)
    out.insert(len(keys) + 1, "end_year", end)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = 100.0 * (out["value_end"] / out["value_start"] - 1.0)
    out["growth_pct"] = g.where(out["value_start"] != 0)
    out["share_start_pct"] = 100.0 * out["value_start"] / total_start
    out["contribution_pp"] = 100.0 * (out["value_end"] - out["value_start"]) / total_start
    return out.sort_values(
        ["contribution_pp", *keys], ascending=[False] + [True] * len(keys), kind="mergesort"
    ).reset_index(drop=True)


def to_real(
    frame: pd.DataFrame,
    deflator: pd.DataFrame,
    *,
    base_year: int,
    value_col: str = "value_usd",
    deflator_col: str = "value",
    year_col: str = "year",
    out_col: str = "value_real_usd",
) -> pd.DataFrame:
    r"""Convert nominal values to constant prices of a base year with a deflator series.

    .. math:: v^{real}_t = v_t \cdot \frac{P_{base}}{P_t}

    where :math:`P_t` is the deflator (any base; it is rebased here). For USD trade values a
    US price index is the usual choice (e.g. World Bank ``NY.GDP.DEFL.ZS`` for the USA, or
    the US import price index).

    Parameters
    ----------
    frame
        Tidy frame with ``year_col`` and ``value_col`` (row-level; not aggregated).
    deflator
        Frame with ``year_col`` and ``deflator_col``: one positive value per year
        (e.g. an indicators frame filtered to one country and indicator).
    base_year
        Year whose prices are used; must be in ``deflator``.
    value_col, deflator_col, year_col
        Column names.
    out_col
        Name of the added real-value column.

    Returns
    -------
    pandas.DataFrame
        ``frame`` with ``deflator_index`` (deflator rebased to ``base_year`` = 100) and
        ``out_col`` added; ``price_basis`` (if present) is set to ``constant_<base_year>``.

    Raises
    ------
    InvalidParameterError
        Deflator missing years of ``frame``, duplicated or non-positive deflator values.

    References
    ----------
    United Nations et al. (2009), *System of National Accounts 2008*, ch. 15 (price and
    volume measures).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"year": [2020, 2021], "value_usd": [100.0, 110.0]})
    >>> d = pd.DataFrame({"year": [2020, 2021], "value": [100.0, 110.0]})
    >>> to_real(f, d, base_year=2020)["value_real_usd"].tolist()
    [100.0, 100.0]
    """
    base_year = validate_year("base_year", base_year)
    require_columns(frame, (year_col, value_col), name="frame")
    require_no_nan(frame, (year_col, value_col), name="frame")
    require_columns(deflator, (year_col, deflator_col), name="deflator")
    require_no_nan(deflator, (year_col, deflator_col), name="deflator")
    require_unique(deflator, (year_col,), name="deflator")
    require_single_basis(
        deflator, name="deflator", columns=("dataset", "indicator", "country_iso3", "unit")
    )
    if (deflator[deflator_col] <= 0).any():
        raise InvalidParameterError("deflator", "non-positive deflator values", "values > 0")
    p = deflator.set_index(year_col)[deflator_col].astype(float)
    if base_year not in p.index:
        raise InvalidParameterError("base_year", base_year, f"a deflator year: {sorted(p.index)}")
    missing = sorted(set(frame[year_col].unique()) - set(p.index))
    if missing:
        raise InvalidParameterError(
            "deflator", f"no value for year(s) {missing}", "a deflator covering every year of frame"
        )
    out = frame.copy()
    idx = 100.0 * p / p.loc[base_year]
    out["deflator_index"] = out[year_col].map(idx).astype(float)
    out[out_col] = out[value_col] * 100.0 / out["deflator_index"]
    if "price_basis" in out.columns:
        out["price_basis"] = f"constant_{base_year}"
    return out


# ---------------------------------------------------------------------------------------
# facts series
# ---------------------------------------------------------------------------------------


def facts_growth(
    facts: pd.DataFrame,
    *,
    metric: str,
    basis: Literal["goods", "goods_and_services"] | None = None,
    **selection: object,
) -> pd.DataFrame:
    r"""Year-on-year growth of one cited-facts series.

    .. math:: g_t = 100 \left( \frac{v_t}{v_{t-1}} - 1 \right)

    A thin composition: :func:`coopstats.sources.facts.series` assembles the annual series
    (selection, one unit, one trade basis or ``basis`` to pick one, partial years set aside
    with a ledger entry and a warning, two figures for one year refused) and
    :func:`growth_rates` computes :math:`g_t` from its ``year, value``. Official figures for
    the same flow differ by basis (2023 Russia-Belarus turnover: 46.5 bn USD goods vs 53 bn
    goods and services), so a growth rate is only computed within one basis.

    Parameters
    ----------
    facts
        ``read_facts(...).kept`` (optionally after :func:`coopstats.sources.facts.to_usd`).
    metric
        Metric of the facts table, e.g. ``"mutual_trade_turnover"``.
    basis
        ``"goods"`` or ``"goods_and_services"`` to resolve a selection that mixes them.
    **selection
        ``reporter``, ``partner``, ``bloc``, ``sector``, ``unit``, ``unordered_pair`` of
        :func:`coopstats.sources.facts.series`.

    Returns
    -------
    pandas.DataFrame
        The series' columns (:data:`coopstats.sources.facts.SERIES_COLUMNS`: ``year, value,
        unit, currency, trade_basis, caveats, fact_id`` ...) plus ``value_prev`` and
        ``growth_pct`` (``NaN`` after a missing year or a zero); one row per year.

    Raises
    ------
    InvalidParameterError
        From :func:`coopstats.sources.facts.series`: unknown metric, mixed units, mixed trade
        bases without ``basis``, two figures for one year.

    References
    ----------
    ``data/raw/facts/README.md`` ("Mixed sources and bases"); IMF (2009), *Balance of
    Payments Manual* 6th ed., §10 (goods vs services).

    Examples
    --------
    >>> import pandas as pd
    >>> facts = pd.DataFrame({
    ...     "metric": "exports", "reporter_iso3": "BLR", "partner_iso3": "RUS", "bloc": "",
    ...     "sector": "total", "period": ["2016", "2017"], "value": [43.0e9, 54.7e9],
    ...     "unit": "USD", "currency": "USD", "price_basis": "current", "note": "goods",
    ...     "fact_id": ["F1", "F2"], "source_url": "https://example.org"}, index=[2, 3])
    >>> round(float(facts_growth(facts, metric="exports")["growth_pct"].iloc[1]), 2)
    27.21
    """
    from .sources.facts import series

    kept = series(facts, metric=metric, basis=basis, **selection).kept
    rates = growth_rates(kept[["year", "value"]], value_col="value")
    return kept.reset_index(drop=True).merge(
        rates[["year", "value_prev", "growth_pct"]], on="year", how="left", validate="1:1"
    )


def stated_vs_implied(levels: pd.DataFrame, stated: pd.DataFrame) -> pd.DataFrame:
    r"""Stated growth figures beside the growth the stated levels imply, year by year.

    .. math:: \text{gap}_t = g^{\text{stated}}_t - 100 \left( \frac{v_t}{v_{t-1}} - 1 \right)

    The levels may mix stated bases (goods, goods and services); the comparison spans them on
    purpose, to expose where official statements disagree. The implied rate is ``NaN`` where
    the previous year has no level.

    Parameters
    ----------
    levels
        ``year, value``: a yearly level series (e.g. a bloc's mutual trade turnover from
        :func:`coopstats.sources.facts.series`), one row per year.
    stated
        ``year, value, caveats, fact_id``: the stated growth rates in percent.

    Returns
    -------
    pandas.DataFrame
        ``year, implied_growth_pct, stated_growth_pct, caveats, fact_id, gap_pct_points``, one
        row per year that has a stated rate and a level (inner join on ``year``).
    """
    require_columns(stated, ("year", "value", "caveats", "fact_id"), name="stated")
    implied = growth_rates(levels[["year", "value"]], value_col="value")
    check = (
        implied[["year", "growth_pct"]]
        .rename(columns={"growth_pct": "implied_growth_pct"})
        .merge(
            stated[["year", "value", "caveats", "fact_id"]].rename(
                columns={"value": "stated_growth_pct"}
            ),
            on="year",
        )
    )
    check["gap_pct_points"] = check["stated_growth_pct"] - check["implied_growth_pct"]
    return check
