"""Trade relations of two countries: complementarity, export similarity, intra-industry trade.

==============================  ==========================================================
:func:`trade_complementarity`   how well j's exports match k's imports (WITS TC, 0-100)
:func:`export_similarity`       Finger-Kreinin overlap of two export baskets (0-100)
:func:`grubel_lloyd`            intra-industry trade index (0-1), product or aggregate
==============================  ==========================================================

:mod:`coopstats.priority` re-exports them.

References
----------
Finger & Kreinin (1979) *Econ. J.* 89: 905; Michaely (1996) and WITS "Trade Indicators" for
complementarity; Grubel & Lloyd (1975).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from .checks import (
    require_columns,
    require_trade,
    sector_pairs,
    validate_literal,
)
from .complexity import (
    exports_long,
)
from .errors import InvalidParameterError

__all__ = ["trade_complementarity", "export_similarity", "grubel_lloyd"]


def _countries(name: str, value: Sequence[str] | str) -> list[str]:
    vals = [value] if isinstance(value, str) else list(value)
    if not vals or not all(isinstance(v, str) for v in vals):
        raise InvalidParameterError(name, value, "one or more ISO3 codes")
    return sorted(set(vals))

def _shares_wide(long: pd.DataFrame, who: str, countries: list[str]) -> pd.DataFrame:
    w = long[long[who].isin(countries)].pivot_table(
        index=who, columns="hs6_code", values="value_usd", aggfunc="sum", fill_value=0.0
    )
    w = w.reindex(index=countries, fill_value=0.0)
    tot = w.sum(axis=1)
    return w.div(tot.where(tot > 0), axis=0)

def trade_complementarity(
    trade: pd.DataFrame,
    *,
    exporters: Sequence[str] | str,
    importers: Sequence[str] | str,
) -> pd.DataFrame:
    r"""Trade complementarity index between exporters' supply and importers' demand (WITS).

    .. math:: TC_{jk} = 100 \left( 1 - \tfrac12 \sum_i |m_{ik} - x_{ij}| \right)

    with :math:`x_{ij}` product *i*'s share in *j*'s total exports and :math:`m_{ik}` its
    share in *k*'s total imports (over all partners in ``trade``); 0 = no overlap,
    100 = perfect match.

    Parameters
    ----------
    trade
        Canonical trade frame; it must contain the exporters' exports to all partners and
        the importers' imports from all partners (true for bloc members in ``trade.parquet``).
    exporters, importers
        ISO3 codes (e.g. ``coopstats.membership.members_in_year("EAEU", 2023)``).

    Returns
    -------
    pandas.DataFrame
        ``year, exporter_iso3, importer_iso3, complementarity_index`` for every ordered pair
        ``exporter != importer``; ``NaN`` when one side has no trade that year.

    Raises
    ------
    InvalidParameterError
        Empty country lists or a malformed frame.

    References
    ----------
    Michaely, M. (1996). Trade preferential agreements in Latin America: an ex-ante
    assessment. World Bank PRWP 1583. WITS, "Trade Indicators" help: trade complementarity.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2020, "exporter_iso3": ["A", "A", "C"],
    ...                   "importer_iso3": ["C", "C", "B"],
    ...                   "hs6_code": ["000001", "000002", "000001"],
    ...                   "value_usd": [50.0, 50.0, 10.0]})
    >>> trade_complementarity(t, exporters="A", importers="B")["complementarity_index"].tolist()
    [50.0]
    """
    ex = _countries("exporters", exporters)
    im = _countries("importers", importers)
    t = require_trade(trade)
    rows = []
    for year, ty in t.groupby("year", sort=True):
        xs = _shares_wide(ty, "exporter_iso3", ex)
        ms = _shares_wide(ty, "importer_iso3", im)
        cols = xs.columns.union(ms.columns)
        xa = xs.reindex(columns=cols, fill_value=0.0).to_numpy()
        ma = ms.reindex(columns=cols, fill_value=0.0).to_numpy()
        for a, j in enumerate(ex):
            for b, k in enumerate(im):
                if j == k:
                    continue
                tc = 100.0 * (1.0 - 0.5 * np.abs(ma[b] - xa[a]).sum())
                rows.append((year, j, k, tc))
    return pd.DataFrame(
        rows, columns=["year", "exporter_iso3", "importer_iso3", "complementarity_index"]
    )

def export_similarity(
    exports: pd.DataFrame,
    *,
    countries: Sequence[str] | str,
) -> pd.DataFrame:
    r"""Finger–Kreinin export similarity of every pair of countries.

    .. math:: ES_{ab} = 100 \sum_i \min(x_{ia}, x_{ib})

    with :math:`x_{ia}` product *i*'s share in *a*'s total exports; 0 = disjoint baskets,
    100 = identical structure.

    Parameters
    ----------
    exports
        ``year, exporter_iso3`` (or ``country_iso3``), ``hs6_code, value_usd`` (a trade frame
        is summed over importers).
    countries
        ISO3 codes to compare (at least two).

    Returns
    -------
    pandas.DataFrame
        ``year, country_iso3, partner_iso3, similarity_index`` for each unordered pair
        (``country_iso3 < partner_iso3``).

    Raises
    ------
    InvalidParameterError
        Fewer than two countries or a malformed frame.

    References
    ----------
    Finger, J. M., & Kreinin, M. E. (1979). A measure of 'export similarity' and its possible
    uses. *The Economic Journal*, 89(356), 905–912. WITS, "Trade Indicators" help.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"year": 2020, "exporter_iso3": ["A", "A", "B"],
    ...                   "hs6_code": ["000001", "000002", "000001"],
    ...                   "value_usd": [30.0, 70.0, 5.0]})
    >>> export_similarity(x, countries=["A", "B"])["similarity_index"].tolist()
    [30.0]
    """
    cs = _countries("countries", countries)
    if len(cs) < 2:
        raise InvalidParameterError("countries", countries, "at least two ISO3 codes")
    x = exports_long(exports)
    rows = []
    for year, xy in x.groupby("year", sort=True):
        s = _shares_wide(xy, "country_iso3", cs).to_numpy()
        for a in range(len(cs)):
            for b in range(a + 1, len(cs)):
                rows.append((year, cs[a], cs[b], 100.0 * np.minimum(s[a], s[b]).sum()))
    return pd.DataFrame(rows, columns=["year", "country_iso3", "partner_iso3", "similarity_index"])

def grubel_lloyd(
    trade: pd.DataFrame,
    *,
    country: str,
    partner: str | None = None,
    level: Literal["hs6", "sector", "total"] = "hs6",
    sector_map: pd.DataFrame | None = None,
) -> pd.DataFrame:
    r"""Grubel–Lloyd intra-industry trade index of a country (with a partner or the world).

    .. math::

        GL_i = 1 - \frac{|X_i - M_i|}{X_i + M_i}, \qquad
        GL = 1 - \frac{\sum_i |X_i - M_i|}{\sum_i (X_i + M_i)}

    for product *i* (``level="hs6"``) and aggregated over the products of a sector or of all
    products (weighted by :math:`X_i + M_i`, the standard aggregate). :math:`X_i`: the
    country's exports of *i* to ``partner`` (all partners if ``None``), :math:`M_i`: its
    imports of *i* from the same.

    Parameters
    ----------
    trade
        Canonical trade frame with the country's exports and imports.
    country
        ISO3 of the reporting country.
    partner
        ISO3 of the partner; ``None`` for trade with all partners (``partner_iso3`` is then
        missing in the result).
    level
        ``"hs6"``, ``"sector"`` (needs ``sector_map``; a code in several sectors counts in
        each) or ``"total"``.
    sector_map
        ``hs6_code, sector`` frame.

    Returns
    -------
    pandas.DataFrame
        ``year, country_iso3, partner_iso3, [hs6_code | sector], exports_usd, imports_usd,
        gl_index`` (0 = one-way trade, 1 = fully balanced two-way trade).

    Raises
    ------
    InvalidParameterError
        Unknown level, ``level="sector"`` without ``sector_map``, bad ISO3 arguments.

    References
    ----------
    Grubel, H. G., & Lloyd, P. J. (1975). *Intra-Industry Trade*. Macmillan. WITS, "Trade
    Indicators" help: intra-industry trade.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2020, "exporter_iso3": ["BLR", "RUS"],
    ...                   "importer_iso3": ["RUS", "BLR"], "hs6_code": "854231",
    ...                   "value_usd": [30.0, 10.0]})
    >>> grubel_lloyd(t, country="BLR", partner="RUS")["gl_index"].tolist()
    [0.5]
    """
    validate_literal("level", level, ("hs6", "sector", "total"))
    if not isinstance(country, str):
        raise InvalidParameterError("country", country, "an ISO3 code")
    if partner is not None and not isinstance(partner, str):
        raise InvalidParameterError("partner", partner, "an ISO3 code or None")
    if level == "sector" and sector_map is None:
        raise InvalidParameterError(
            "sector_map", None, "a frame hs6_code, sector", why="level='sector'"
        )
    t = require_trade(trade)
    xs = t[t["exporter_iso3"] == country]
    ms = t[t["importer_iso3"] == country]
    if partner is not None:
        xs = xs[xs["importer_iso3"] == partner]
        ms = ms[ms["exporter_iso3"] == partner]
    x = xs.groupby(["year", "hs6_code"])["value_usd"].sum().rename("exports_usd")
    m = ms.groupby(["year", "hs6_code"])["value_usd"].sum().rename("imports_usd")
    pm = pd.concat([x, m], axis=1).fillna(0.0).reset_index()  # absent flow = no trade
    if level == "sector":
        require_columns(sector_map, ("hs6_code", "sector"), name="sector_map")
        pm = pm.merge(sector_pairs(sector_map, trade), on="hs6_code", how="inner")
    pm["_absdiff"] = (pm["exports_usd"] - pm["imports_usd"]).abs()
    keys = {"hs6": ["year", "hs6_code"], "sector": ["year", "sector"], "total": ["year"]}[level]
    out = (
        pm.groupby(keys, sort=True)[["exports_usd", "imports_usd", "_absdiff"]].sum().reset_index()
    )
    tot = out["exports_usd"] + out["imports_usd"]
    out["gl_index"] = (1.0 - out.pop("_absdiff") / tot).where(tot > 0)
    out.insert(1, "country_iso3", country)
    out.insert(2, "partner_iso3", partner if partner is not None else pd.NA)
    return out
