r"""Localization: how much of a bloc's supply comes from inside the bloc, and from whom.

Where to start
--------------
All functions take the canonical trade frame (``year, exporter_iso3, importer_iso3,
hs6_code, value_usd``; it must hold the bloc members' imports from *all* partners, which is
what ``data/processed/trade.parquet`` contains) and a ``bloc`` name. Membership is
time-aware: a flow is intra-bloc only if both countries are members in that year
(:func:`coopstats.geo.members_in_year`, ``as_of="year_end"`` by default), so Armenia's and
Kyrgyzstan's 2015 accessions are respected. A ``members`` argument (a list, a
``{year: [iso3, ...]}`` mapping or a ``year, country_iso3`` frame) overrides the reference
table for what-if analyses and tests.

=================================  ==========================================================
function                           question it answers
=================================  ==========================================================
:func:`intra_bloc_shares`          what share of members' imports comes from other members?
:func:`supplier_concentration`     how concentrated are (extra-bloc) suppliers? (HHI)
:func:`top_suppliers`              who are the largest external suppliers?
:func:`dependency_flags`           EC and CEPII GeoDep dependency criteria (named apart)
:func:`dependency_sensitivity`     how many products are flagged under other thresholds?
:func:`substitution_capacity`      could other members' exports replace extra-bloc imports?
:func:`hhi`                        Herfindahl–Hirschman index of a vector of values
=================================  ==========================================================

Conventions
-----------
HHI is computed on shares in 0–1, :math:`\sum_s (v_s / V)^2` (1 = a single supplier); the
``hhi_points`` column gives the antitrust 0–10 000 scale (:math:`10^4 \cdot` hhi). The World
Bank's "sectoral Hirschman" :math:`\sqrt{\sum s^2}` is **not** used. Sectors come in as a
``sector_map`` frame (``hs6_code, sector``; :func:`coopstats.hs_sectors.sector_table` provides it);
a code listed in several sectors counts in each of them, and every sectoral result also has
``sector="total"`` over all codes unless ``include_total=False``.

References
----------
European Commission (2021), SWD(2021) 352 *Strategic dependencies and capacities*;
Arjona, Connell & Herghelegiu (2023), SMEP WP2023/14; Lefebvre & Wibaux (2024), CEPII
Policy Brief 47 (GeoDep); Rhoades (1993), "The Herfindahl–Hirschman index", *Fed. Res. Bull.*
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from . import coverage, geo
from .checks import (
    require_columns,
    require_no_nan,
    require_nonnegative,
    require_trade,
    require_unique,
    sector_pairs,
    validate_literal,
)
from .errors import InvalidParameterError

__all__ = [
    "hhi",
    "IntraBlocShares",
    "intra_bloc_shares",
    "supplier_concentration",
    "top_suppliers",
    "DependencyResult",
    "dependency_flags",
    "dependency_sensitivity",
    "SubstitutionResult",
    "substitution_capacity",
    "DEFAULT_SENSITIVITY_GRID",
    "CRITERIA",
    "dependency_description",
]

AS_OF = tuple(geo.AS_OF)  # reference days of coopstats.geo.members_in_year

#: Named dependency criteria of :func:`dependency_flags`.
CRITERIA = {
    "geodep": "CEPII GeoDep C1-C3 (import HHI, world export HHI, imports/exports)",
    "ec": "European Commission SWD(2021) 352 (import HHI, extra-bloc import share, "
    "imports/members' exports)",
}

#: Threshold grid of :func:`dependency_sensitivity` (CBS NL / Panargus readings of HHI
#: around the EC's 0.4; ratio around the EC/GeoDep cut-off of 1).
DEFAULT_SENSITIVITY_GRID: dict[str, tuple[float, ...]] = {
    "hhi_imports_threshold": (0.25, 0.4, 0.5),
    "hhi_world_threshold": (0.25, 0.4, 0.5),
    "ratio_threshold": (0.5, 1.0, 2.0),
}

#: Thresholds of :func:`dependency_flags` when not given (GeoDep's; keep in step with its
#: signature): what :func:`dependency_sensitivity` uses for a key missing from its grid.
_CRITERIA_DEFAULTS: dict[str, float] = {
    "hhi_imports_threshold": 0.4,
    "hhi_world_threshold": 0.4,
    "ratio_threshold": 1.0,
}

MembersArg = Sequence[str] | Mapping[int, Iterable[str]] | pd.DataFrame | None


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------


def hhi(values: Sequence[float] | np.ndarray | pd.Series) -> float:
    r"""Herfindahl–Hirschman index on 0–1 shares.

    .. math:: H = \sum_i \left( \frac{v_i}{\sum_j v_j} \right)^2, \qquad 1/n \le H \le 1

    Parameters
    ----------
    values
        Non-negative values (e.g. imports by supplier); zeros do not change *H*.

    Returns
    -------
    float
        *H* in [0, 1]; 1 for a single supplier; ``NaN`` if the total is 0.
        Multiply by 10 000 for the "points" convention.

    Raises
    ------
    InvalidParameterError
        Negative or missing values.

    References
    ----------
    Rhoades, S. A. (1993). The Herfindahl–Hirschman index. *Federal Reserve Bulletin*, 79, 188.
    WITS, "Hirschman Herfindahl index" (trade indicators help).

    Examples
    --------
    >>> hhi([60, 40])
    0.52
    """
    v = np.asarray(values, dtype=float)
    if np.isnan(v).any() or (v < 0).any():
        raise InvalidParameterError("values", "negative or missing values", "values >= 0")
    total = v.sum()
    if total == 0:
        return float("nan")
    return float(np.round(((v / total) ** 2).sum(), 15))


def _membership(
    bloc: str, years: Iterable[int], *, members: MembersArg, as_of: str
) -> pd.DataFrame:
    """``year, country_iso3`` of the members of ``bloc`` in each of ``years``."""
    geo.check_bloc(bloc)
    validate_literal("as_of", as_of, AS_OF)
    years = sorted({int(y) for y in years})
    if members is None:  # the one membership source: coopstats.geo
        panel = geo.membership_panel(bloc, years, as_of=as_of)[["year", "country_iso3"]]
        return panel.astype({"year": "int64", "country_iso3": object})
    if isinstance(members, pd.DataFrame):
        require_columns(members, ("year", "country_iso3"), name="members")
        m = members[["year", "country_iso3"]].drop_duplicates()
        return m[m["year"].isin(years)].astype({"year": "int64"}).reset_index(drop=True)
    if isinstance(members, Mapping):
        rows = [(int(y), c) for y, cs in members.items() if int(y) in years for c in cs]
        return pd.DataFrame(rows, columns=["year", "country_iso3"]).astype({"year": "int64"})
    if isinstance(members, str) or not isinstance(members, Iterable):
        raise InvalidParameterError(
            "members",
            members,
            "None (use coopstats.geo), a list of ISO3, {year: [ISO3, ...]} "
            "or a frame year, country_iso3",
        )
    ms = sorted(set(members))
    return pd.DataFrame(
        [(y, c) for y in years for c in ms], columns=["year", "country_iso3"]
    ).astype({"year": "int64"})


def _flag_members(trade: pd.DataFrame, mem: pd.DataFrame) -> pd.DataFrame:
    idx = pd.MultiIndex.from_frame(mem[["year", "country_iso3"]])
    out = trade.copy()
    out["importer_member"] = pd.MultiIndex.from_arrays([out["year"], out["importer_iso3"]]).isin(
        idx
    )
    out["exporter_member"] = pd.MultiIndex.from_arrays([out["year"], out["exporter_iso3"]]).isin(
        idx
    )
    return out


def _with_sectors(
    frame: pd.DataFrame,
    sector_map: pd.DataFrame | None,
    *,
    include_total: bool,
    source: pd.DataFrame | None = None,
) -> pd.DataFrame:
    if not isinstance(include_total, bool):
        raise InvalidParameterError("include_total", include_total, [True, False])
    if sector_map is None:
        return frame.assign(sector="total")
    smap = sector_pairs(sector_map, source)
    parts = [frame.merge(smap, on="hs6_code", how="inner")]
    if include_total:
        parts.append(frame.assign(sector="total"))
    return pd.concat(parts, ignore_index=True)


def _check_threshold(name: str, value: float, lo: float, hi: float | None) -> float:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    ok = ok and np.isfinite(value) and value >= lo and (hi is None or value <= hi)
    if not ok:
        raise InvalidParameterError(
            name,
            value,
            f"a number in [{lo}, {hi if hi is not None else 'inf'})"
            if hi is None
            else f"a number in [{lo}, {hi}]",
        )
    return float(value)


def _top_share(g: pd.DataFrame, keys: list[str], who: str) -> pd.DataFrame:
    """Largest supplier and its share per ``keys`` group (ties: alphabetical ISO3)."""
    srt = g.sort_values(
        [*keys, "value_usd", who], ascending=[True] * len(keys) + [False, True], kind="mergesort"
    )
    top = srt.groupby(keys, sort=True).head(1)
    return top[[*keys, who, "value_usd"]]


# ---------------------------------------------------------------------------------------
# intra-bloc shares
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntraBlocShares:
    """Intra-/extra-bloc structure of members' imports (see :func:`intra_bloc_shares`).

    Attributes
    ----------
    members : pandas.DataFrame
        One row per ``year, bloc, importer_iso3, sector``.
    bloc : pandas.DataFrame
        One row per ``year, bloc, sector`` (sums over members).
    params : dict
        ``bloc, as_of, members_source``.
    """

    members: pd.DataFrame
    bloc: pd.DataFrame
    params: dict = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """Both grains in one long frame with a ``level`` column (``member`` or ``bloc``).

        Bloc rows have a missing ``importer_iso3``.
        """
        return pd.concat(
            [self.members.assign(level="member"), self.bloc.assign(level="bloc")],
            ignore_index=True,
        )

    def summary(self) -> pd.DataFrame:
        """Bloc-level intra-bloc share (percent) as a ``sector`` × ``year`` table."""
        return self.bloc.pivot(index="sector", columns="year", values="intra_share_pct")


def _add_mirror_share(
    out: pd.DataFrame, g: pd.DataFrame, keys: list[str], total: str
) -> pd.DataFrame:
    """Add ``mirror_share_pct`` = 100 * mirror value / ``total`` when ``g`` knows mirror flows.

    ``g`` is the frame that was summed into ``out`` by ``keys``; it has ``mirror_value_usd``
    when the trade frame had a ``flow_basis`` column (:func:`coopstats.checks.require_trade`).
    """
    if "mirror_value_usd" not in g.columns:
        return out
    m = g.groupby(keys, sort=True)["mirror_value_usd"].sum().rename("_mirror").reset_index()
    out = out.merge(m, on=keys, how="left")
    out["mirror_share_pct"] = coverage.mirror_share_pct(out.pop("_mirror").fillna(0.0), out[total])
    return out


def _shares(g: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    g = g.assign(_intra=np.where(g["exporter_member"], g["value_usd"], 0.0))
    out = (
        g.groupby(keys, sort=True)
        .agg(imports_usd=("value_usd", "sum"), intra_imports_usd=("_intra", "sum"))
        .reset_index()
    )
    out["extra_imports_usd"] = out["imports_usd"] - out["intra_imports_usd"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["intra_share_pct"] = 100.0 * out["intra_imports_usd"] / out["imports_usd"]
        out["extra_share_pct"] = 100.0 * out["extra_imports_usd"] / out["imports_usd"]
    return _add_mirror_share(out, g, keys, "imports_usd")


def intra_bloc_shares(
    trade: pd.DataFrame,
    *,
    bloc: str,
    sector_map: pd.DataFrame | None = None,
    include_total: bool = True,
    members: MembersArg = None,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    cif_fob_ratio: float | None = None,
) -> IntraBlocShares:
    r"""Intra-bloc share of members' imports and extra-bloc import dependence.

    For member *c* of bloc *B* (membership of year *t*), sector *s*:

    .. math::

        \mathrm{intra}_{c,s,t} = 100\,\frac{\sum_{j \in B_t} M_{j \to c,s,t}}
                                          {\sum_{j} M_{j \to c,s,t}}, \qquad
        \mathrm{extra} = 100 - \mathrm{intra}

    and for the bloc, numerator and denominator are summed over members first (a
    value-weighted mean). Flows between two countries count as intra-bloc only in years in
    which both are members.

    Parameters
    ----------
    trade
        Canonical trade frame with the members' imports from all partners.
    bloc
        One of :data:`coopstats.columns.BLOCS`.
    sector_map
        ``hs6_code, sector`` frame; ``None`` gives ``sector="total"`` only.
    include_total
        Add ``sector="total"`` (all codes) when ``sector_map`` is given.
    members
        Override of the membership table (see module docstring); ``None`` uses
        :mod:`coopstats.geo`.
    as_of
        Which day of the year decides membership (``year_end``, ``year_start``, ``mid_year``).
    cif_fob_ratio
        ``None`` (default): values as they are. A ratio :math:`r \ge 1` divides CIF-valued
        rows (``valuation == "CIF"``; :func:`coopstats.coverage.with_valuation` adds the
        column) by :math:`r` first, so reported imports and mirror exports are compared on an
        FOB basis; :data:`coopstats.coverage.DEFAULT_CIF_FOB_RATIO` = 1.10 is the IMF DOTS
        convention. BACI values are already FOB.

    Returns
    -------
    IntraBlocShares
        ``members`` frame: ``year, bloc, importer_iso3, sector, imports_usd,
        intra_imports_usd, extra_imports_usd, intra_share_pct, extra_share_pct``, plus
        ``mirror_share_pct`` (share of ``imports_usd`` from mirror flows) when the trade
        frame has ``flow_basis`` (reported, mirror and reconciled rows may be mixed);
        ``bloc`` frame: the same without ``importer_iso3``.

    Raises
    ------
    InvalidParameterError
        Unknown bloc or ``as_of``, malformed trade frame.

    References
    ----------
    FAO / CEPII import-dependence ratios (``research/anchors-features.md`` §2.6: the bloc
    share of a member's supply :math:`\sum_{j \in B} M_{jc}/M_c`); EC SWD(2021) 352
    criterion 2.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2020, "exporter_iso3": ["RUS", "CHN"], "importer_iso3": "KAZ",
    ...                   "hs6_code": "854231", "value_usd": [30.0, 70.0]})
    >>> r = intra_bloc_shares(t, bloc="EAEU", members=["RUS", "KAZ"])
    >>> float(r.bloc["intra_share_pct"].iloc[0])
    30.0
    """
    geo.check_bloc(bloc)
    tr = require_trade(trade, cif_fob_ratio=cif_fob_ratio)
    mem = _membership(bloc, tr["year"].unique(), members=members, as_of=as_of)
    tr = _flag_members(tr, mem)
    tr = tr[tr["importer_member"]]
    tr = _with_sectors(tr, sector_map, include_total=include_total, source=trade)
    by_member = _shares(tr, ["year", "importer_iso3", "sector"])
    by_bloc = _shares(tr, ["year", "sector"])
    by_member.insert(1, "bloc", bloc)
    by_bloc.insert(1, "bloc", bloc)
    params = {
        "bloc": bloc,
        "as_of": as_of,
        "members_source": "coopstats.geo" if members is None else "argument",
        "cif_fob_ratio": cif_fob_ratio,
    }
    return IntraBlocShares(members=by_member, bloc=by_bloc, params=params)


# ---------------------------------------------------------------------------------------
# concentration and suppliers
# ---------------------------------------------------------------------------------------


def _supplier_frame(
    trade, *, bloc, scope, level, sector_map, include_total, members, as_of, cif_fob_ratio=None
):
    geo.check_bloc(bloc)
    validate_literal("scope", scope, ("extra", "all"))
    validate_literal("level", level, ("bloc", "member"))
    tr = require_trade(trade, cif_fob_ratio=cif_fob_ratio)
    mem = _membership(bloc, tr["year"].unique(), members=members, as_of=as_of)
    tr = _flag_members(tr, mem)
    tr = tr[tr["importer_member"]]
    if scope == "extra":
        tr = tr[~tr["exporter_member"]]
    tr = _with_sectors(tr, sector_map, include_total=include_total, source=trade)
    keys = ["year", "sector"] if level == "bloc" else ["year", "importer_iso3", "sector"]
    sums = ["value_usd", "mirror_value_usd"] if "mirror_value_usd" in tr.columns else ["value_usd"]
    g = (
        tr.groupby([*keys, "exporter_iso3"], sort=True)[sums]
        .sum()
        .reset_index()
        .rename(columns={"exporter_iso3": "supplier_iso3"})
    )
    return g, keys


def supplier_concentration(
    trade: pd.DataFrame,
    *,
    bloc: str,
    level: Literal["bloc", "member"] = "bloc",
    scope: Literal["extra", "all"] = "extra",
    sector_map: pd.DataFrame | None = None,
    include_total: bool = True,
    members: MembersArg = None,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    cif_fob_ratio: float | None = None,
) -> pd.DataFrame:
    r"""Supplier concentration of the bloc's (or each member's) imports: HHI on 0–1 shares.

    .. math::

        \mathrm{hhi}_{s,t} = \sum_{k} \left(\frac{M_{k,s,t}}{\sum_{k'} M_{k',s,t}}\right)^2,
        \qquad \mathrm{hhi\_points} = 10\,000 \cdot \mathrm{hhi}

    over supplier countries *k*: non-members only with ``scope="extra"`` (the EC criterion 1
    base), all suppliers with ``scope="all"``. At ``level="bloc"`` imports of all members
    are summed by supplier first (the bloc as one market, intra-bloc flows excluded when
    ``scope="extra"``).

    Parameters
    ----------
    trade
        Canonical trade frame with the members' imports.
    bloc
        One of :data:`coopstats.columns.BLOCS`.
    level
        ``"bloc"`` (members pooled) or ``"member"`` (each member).
    scope
        ``"extra"`` (non-member suppliers) or ``"all"``.
    sector_map, include_total, members, as_of, cif_fob_ratio
        As in :func:`intra_bloc_shares`.

    Returns
    -------
    pandas.DataFrame
        One row per ``year, bloc, [importer_iso3,] sector``: ``imports_usd`` (in scope),
        ``n_suppliers``, ``hhi`` (0–1), ``hhi_points`` (0–10 000), ``top_supplier_iso3``,
        ``top_supplier_share_pct``, and ``mirror_share_pct`` (share of ``imports_usd`` from
        mirror flows) when the trade frame has ``flow_basis``.

    Raises
    ------
    InvalidParameterError
        Unknown bloc, level, scope or ``as_of``.

    References
    ----------
    European Commission (2021), SWD(2021) 352, criterion 1 (HHI of extra-EU imports > 0.4);
    Rhoades (1993).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2020, "exporter_iso3": ["CHN", "DEU"], "importer_iso3": "KAZ",
    ...                   "hs6_code": "845710", "value_usd": [60.0, 40.0]})
    >>> float(supplier_concentration(t, bloc="EAEU", members=["KAZ", "RUS"])["hhi"].iloc[0])
    0.52
    """
    g, keys = _supplier_frame(
        trade,
        bloc=bloc,
        scope=scope,
        level=level,
        sector_map=sector_map,
        include_total=include_total,
        members=members,
        as_of=as_of,
        cif_fob_ratio=cif_fob_ratio,
    )
    g = g[g["value_usd"] > 0]
    tot = g.groupby(keys, sort=True)["value_usd"].transform("sum")
    g = g.assign(_s2=(g["value_usd"] / tot) ** 2)
    out = (
        g.groupby(keys, sort=True)
        .agg(
            imports_usd=("value_usd", "sum"),
            n_suppliers=("supplier_iso3", "nunique"),
            hhi=("_s2", "sum"),
        )
        .reset_index()
    )
    out["hhi"] = out["hhi"].clip(upper=1.0)  # floating-point sums of squares can exceed 1 by 1e-16
    out["hhi_points"] = 10_000.0 * out["hhi"]
    top = _top_share(g, keys, "supplier_iso3").rename(
        columns={"supplier_iso3": "top_supplier_iso3", "value_usd": "_top"}
    )
    out = out.merge(top, on=keys, how="left", validate="one_to_one")
    out["top_supplier_share_pct"] = 100.0 * out.pop("_top") / out["imports_usd"]
    out = _add_mirror_share(out, g, keys, "imports_usd")
    out.insert(1, "bloc", bloc)
    return out


def top_suppliers(
    trade: pd.DataFrame,
    *,
    bloc: str,
    n: int = 5,
    scope: Literal["extra", "all"] = "extra",
    sector_map: pd.DataFrame | None = None,
    include_total: bool = True,
    members: MembersArg = None,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    cif_fob_ratio: float | None = None,
) -> pd.DataFrame:
    r"""Return the ``n`` largest suppliers of the bloc's imports per sector and year.

    .. math:: \mathrm{share}_{k,s,t} = 100\, M_{k,s,t} / \sum_{k'} M_{k',s,t}

    with the denominator over all suppliers in ``scope`` (extra-bloc by default), members'
    imports pooled. Ties are broken alphabetically by ISO3 so the ranking is deterministic.

    Parameters
    ----------
    trade
        Canonical trade frame with the members' imports.
    bloc
        One of :data:`coopstats.columns.BLOCS`.
    n
        Number of suppliers to keep (>= 1).
    scope, sector_map, include_total, members, as_of, cif_fob_ratio
        As in :func:`supplier_concentration`.

    Returns
    -------
    pandas.DataFrame
        ``year, bloc, sector, rank, supplier_iso3, value_usd, share_pct,
        cumulative_share_pct`` (rank 1 = largest), and ``mirror_share_pct`` (share of the
        supplier's value from mirror flows) when the trade frame has ``flow_basis``.

    Raises
    ------
    InvalidParameterError
        ``n`` < 1, unknown bloc or scope.

    References
    ----------
    CEPII GeoDep (Lefebvre & Wibaux 2024) reports the leading supplier per product.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2020, "exporter_iso3": ["CHN", "DEU", "RUS"],
    ...                   "importer_iso3": "KAZ", "hs6_code": "845710",
    ...                   "value_usd": [60.0, 40.0, 50.0]})
    >>> top_suppliers(t, bloc="EAEU", n=1, members=["KAZ", "RUS"])["share_pct"].tolist()
    [60.0]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidParameterError("n", n, "an integer >= 1")
    g, keys = _supplier_frame(
        trade,
        bloc=bloc,
        scope=scope,
        level="bloc",
        sector_map=sector_map,
        include_total=include_total,
        members=members,
        as_of=as_of,
        cif_fob_ratio=cif_fob_ratio,
    )
    g = g[g["value_usd"] > 0]
    g = g.assign(share_pct=100.0 * g["value_usd"] / g.groupby(keys)["value_usd"].transform("sum"))
    g = g.sort_values(
        [*keys, "value_usd", "supplier_iso3"],
        ascending=[True] * len(keys) + [False, True],
        kind="mergesort",
    )
    g["rank"] = g.groupby(keys, sort=False).cumcount() + 1
    g["cumulative_share_pct"] = g.groupby(keys, sort=False)["share_pct"].cumsum()
    g = g[g["rank"] <= n]
    g.insert(1, "bloc", bloc)
    cols = [
        "year",
        "bloc",
        "sector",
        "rank",
        "supplier_iso3",
        "value_usd",
        "share_pct",
        "cumulative_share_pct",
    ]
    if "mirror_value_usd" in g.columns:
        g["mirror_share_pct"] = coverage.mirror_share_pct(g["mirror_value_usd"], g["value_usd"])
        cols.append("mirror_share_pct")
    return g[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# EC / GeoDep dependency criteria at bloc level
# ---------------------------------------------------------------------------------------


def _world_hhi(world_exports: pd.DataFrame) -> pd.DataFrame:
    who = "exporter_iso3" if "exporter_iso3" in world_exports.columns else "country_iso3"
    cols = ("year", who, "hs6_code", "value_usd")
    require_columns(world_exports, cols, name="world_exports")
    require_no_nan(world_exports, cols, name="world_exports")
    require_nonnegative(world_exports, "value_usd", name="world_exports")
    require_unique(world_exports, ("year", who, "hs6_code"), name="world_exports")
    w = world_exports[list(cols)].rename(columns={who: "exporter_iso3"})
    w = w[w["value_usd"] > 0]
    tot = w.groupby(["year", "hs6_code"])["value_usd"].transform("sum")
    w = w.assign(_s2=(w["value_usd"] / tot) ** 2)
    out = w.groupby(["year", "hs6_code"], sort=True).agg(hhi_world=("_s2", "sum")).reset_index()
    out["hhi_world"] = out["hhi_world"].clip(upper=1.0)
    lead = (
        _top_share(w, ["year", "hs6_code"], "exporter_iso3")
        .rename(columns={"exporter_iso3": "leading_world_exporter_iso3"})
        .drop(columns="value_usd")
    )
    return out.merge(lead, on=["year", "hs6_code"], how="left").astype({"year": "int64"})


def _dependency_metrics(trade, world_exports, *, bloc, members, as_of, zero_export_ratio):
    tr = require_trade(trade)
    mem = _membership(bloc, tr["year"].unique(), members=members, as_of=as_of)
    tr = _flag_members(tr, mem)
    imp = tr[tr["importer_member"] & ~tr["exporter_member"]]
    exp = tr[tr["exporter_member"] & ~tr["importer_member"]]
    by_sup = (
        imp.groupby(["year", "hs6_code", "exporter_iso3"], sort=True)["value_usd"]
        .sum()
        .reset_index()
    )
    by_sup = by_sup[by_sup["value_usd"] > 0]
    tot = by_sup.groupby(["year", "hs6_code"])["value_usd"].transform("sum")
    by_sup = by_sup.assign(_s2=(by_sup["value_usd"] / tot) ** 2)
    m = (
        by_sup.groupby(["year", "hs6_code"], sort=True)
        .agg(extra_imports_usd=("value_usd", "sum"), hhi_imports=("_s2", "sum"))
        .reset_index()
    )
    m["hhi_imports"] = m["hhi_imports"].clip(upper=1.0)
    top = _top_share(by_sup, ["year", "hs6_code"], "exporter_iso3").rename(
        columns={"exporter_iso3": "top_supplier_iso3", "value_usd": "_top"}
    )
    m = m.merge(top, on=["year", "hs6_code"], how="left")
    m["top_supplier_share_pct"] = 100.0 * m.pop("_top") / m["extra_imports_usd"]
    m = _add_mirror_share(m, imp, ["year", "hs6_code"], "extra_imports_usd")
    x = exp.groupby(["year", "hs6_code"], sort=True)["value_usd"].sum().rename("extra_exports_usd")
    m = m.merge(x.reset_index(), on=["year", "hs6_code"], how="left")
    m["extra_exports_usd"] = m["extra_exports_usd"].fillna(0.0)  # no row = no exports (tidy trade)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = m["extra_imports_usd"] / m["extra_exports_usd"]
    # GeoDep: when exports are zero the ratio is set to 9999 (documented convention)
    m["import_export_ratio"] = ratio.where(m["extra_exports_usd"] > 0, zero_export_ratio)
    # EC (SWD(2021) 352): extra-bloc share of imports and extra-bloc imports / members' exports
    intra = tr[tr["importer_member"] & tr["exporter_member"]]
    mi = (
        intra.groupby(["year", "hs6_code"], sort=True)["value_usd"]
        .sum()
        .rename("intra_imports_usd")
    )
    m = m.merge(mi.reset_index(), on=["year", "hs6_code"], how="left")
    m["intra_imports_usd"] = m["intra_imports_usd"].fillna(0.0)
    m["extra_import_share_pct"] = (
        100.0 * m["extra_imports_usd"] / (m["extra_imports_usd"] + m["intra_imports_usd"])
    )
    mx = (
        tr[tr["exporter_member"]]
        .groupby(["year", "hs6_code"], sort=True)["value_usd"]
        .sum()
        .rename("members_exports_usd")
    )
    m = m.merge(mx.reset_index(), on=["year", "hs6_code"], how="left")
    m["members_exports_usd"] = m["members_exports_usd"].fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ec_ratio = m["extra_imports_usd"] / m["members_exports_usd"]
    m["ec_import_export_ratio"] = ec_ratio.where(m["members_exports_usd"] > 0, zero_export_ratio)
    wh = _world_hhi(world_exports)
    m = m.merge(wh, on=["year", "hs6_code"], how="left")
    miss = m["hhi_world"].isna()
    if miss.any():
        shown = m.loc[miss, ["year", "hs6_code"]].head(10).to_dict("records")
        raise InvalidParameterError(
            "world_exports",
            f"no world exports for {int(miss.sum())} imported product-year(s), e.g. {shown}",
            "world exports covering every product the bloc imports",
            why="world export concentration (criterion 2) needs them; use exports_by_country "
            "of the same dataset",
        )
    m.insert(1, "bloc", bloc)
    return m


def _apply_criteria(
    m: pd.DataFrame,
    *,
    hhi_imports_threshold,
    hhi_world_threshold,
    ratio_threshold,
    window,
    min_years,
    extra_share_threshold=0.5,
    criteria="geodep",
) -> pd.DataFrame:
    m = m.copy()
    # CEPII GeoDep C1-C3 (bloc as one importer; intra-bloc flows net out)
    m["is_concentrated_imports"] = m["hhi_imports"] > hhi_imports_threshold
    m["is_concentrated_world"] = m["hhi_world"] > hhi_world_threshold
    m["is_nonsubstitutable"] = m["import_export_ratio"] > ratio_threshold
    m["is_geodep_dependent"] = (
        m["is_concentrated_imports"] & m["is_concentrated_world"] & m["is_nonsubstitutable"]
    )
    # European Commission criteria 1-3 (SWD(2021) 352)
    m["is_ec_concentrated"] = m["hhi_imports"] > hhi_imports_threshold
    m["is_ec_import_share"] = m["extra_import_share_pct"] > 100.0 * extra_share_threshold
    m["is_ec_nonsubstitutable"] = m["ec_import_export_ratio"] > ratio_threshold
    m["is_ec_dependent"] = (
        m["is_ec_concentrated"] & m["is_ec_import_share"] & m["is_ec_nonsubstitutable"]
    )
    m["is_dependent"] = m[f"is_{criteria}_dependent"]
    years = sorted(m["year"].unique())
    dep = (
        m.pivot_table(
            index="hs6_code", columns="year", values="is_dependent", aggfunc="max", fill_value=False
        )
        .reindex(columns=years, fill_value=False)
        .astype(int)
    )
    counts = {}
    complete = {}
    yset = set(years)
    for y in years:
        win = [w for w in range(y - window + 1, y + 1)]
        complete[y] = all(w in yset for w in win)
        counts[y] = dep[[w for w in win if w in yset]].sum(axis=1)
    cnt = pd.DataFrame(counts).stack().rename("years_dependent_in_window").reset_index()
    cnt.columns = ["hs6_code", "year", "years_dependent_in_window"]
    m = m.merge(cnt, on=["hs6_code", "year"], how="left")
    m["is_window_complete"] = m["year"].map(complete).astype(bool)
    # persistent = dependent this year AND in >= min_years of the window: a subset by construction
    pers = (m["is_dependent"] & (m["years_dependent_in_window"] >= min_years)).astype("boolean")
    m["is_persistent"] = pers.where(m["is_window_complete"], pd.NA)
    return m


@dataclass(frozen=True)
class DependencyResult:
    """Bloc-level dependency criteria per product and year (see :func:`dependency_flags`).

    Attributes
    ----------
    products : pandas.DataFrame
        One row per ``year, bloc, hs6_code`` the bloc imports from outside.
    params : dict
        Thresholds, window, ``min_years``, ``zero_export_ratio``, bloc, ``as_of``.
    """

    products: pd.DataFrame
    params: dict = field(default_factory=dict)

    @property
    def by_year(self) -> pd.DataFrame:
        """Counts and import value of flagged products per year.

        Columns ``year, bloc, [sector,] n_products, n_dependent, n_persistent,
        n_ec_dependent, n_geodep_dependent, extra_imports_usd, dependent_imports_usd,
        dependent_share_pct`` (``n_dependent`` and the shares follow ``params["criteria"]``;
        ``n_persistent <= n_dependent`` always).
        """
        return _count_flags(self.products)

    def describe(self, language: str = "en") -> str:
        """Say exactly which criteria and thresholds flag a product (``"en"`` or ``"ru"``)."""
        return dependency_description(self.params, language=language)

    def tidy(self) -> pd.DataFrame:
        """Return the product-level frame (one row per ``year, bloc, hs6_code``)."""
        return self.products

    def summary(self) -> pd.DataFrame:
        """Per-year counts (:attr:`by_year`) for a report table."""
        return self.by_year


def _count_flags(m: pd.DataFrame) -> pd.DataFrame:
    g = m.assign(
        _dep_usd=np.where(m["is_dependent"], m["extra_imports_usd"], 0.0),
        _pers=m["is_persistent"].fillna(False).astype(int),
    )
    keys = ["year", "bloc", "sector"] if "sector" in m.columns else ["year", "bloc"]
    out = (
        g.groupby(keys, sort=True)
        .agg(
            n_products=("hs6_code", "nunique"),
            n_dependent=("is_dependent", "sum"),
            n_persistent=("_pers", "sum"),
            n_ec_dependent=("is_ec_dependent", "sum"),
            n_geodep_dependent=("is_geodep_dependent", "sum"),
            extra_imports_usd=("extra_imports_usd", "sum"),
            dependent_imports_usd=("_dep_usd", "sum"),
        )
        .reset_index()
    )
    out["dependent_share_pct"] = 100.0 * out["dependent_imports_usd"] / out["extra_imports_usd"]
    complete = m.groupby("year")["is_window_complete"].first()
    out.loc[~out["year"].map(complete).astype(bool), "n_persistent"] = np.nan
    return out


def _validate_dependency_params(
    hhi_imports_threshold,
    hhi_world_threshold,
    ratio_threshold,
    window,
    min_years,
    zero_export_ratio,
):
    _check_threshold("hhi_imports_threshold", hhi_imports_threshold, 0.0, 1.0)
    _check_threshold("hhi_world_threshold", hhi_world_threshold, 0.0, 1.0)
    _check_threshold("ratio_threshold", ratio_threshold, 0.0, None)
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise InvalidParameterError("window", window, "an integer >= 1 (years)")
    if (
        isinstance(min_years, bool)
        or not isinstance(min_years, (int, np.integer))
        or not (1 <= min_years <= window)
    ):
        raise InvalidParameterError("min_years", min_years, f"an integer in [1, window={window}]")
    _check_threshold("zero_export_ratio", zero_export_ratio, 0.0, None)


def dependency_flags(
    trade: pd.DataFrame,
    world_exports: pd.DataFrame,
    *,
    bloc: str,
    hhi_imports_threshold: float = 0.4,
    hhi_world_threshold: float = 0.4,
    ratio_threshold: float = 1.0,
    window: int = 3,
    min_years: int = 2,
    zero_export_ratio: float = 9999.0,
    sector_map: pd.DataFrame | None = None,
    include_total: bool = True,
    members: MembersArg = None,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    criteria: Literal["geodep", "ec"] = "geodep",
    extra_share_threshold: float = 0.5,
) -> DependencyResult:
    r"""EC / CEPII GeoDep dependency criteria applied to a bloc as one importer.

    For product *k* in year *t*, with :math:`M^{ext}_{s,k}` the members' imports from
    non-member *s* and :math:`X^{ext}_k` the members' exports to non-members (intra-bloc
    flows net out):

    * C1 import concentration: :math:`\sum_s (M^{ext}_{s,k}/M^{ext}_k)^2 >`
      ``hhi_imports_threshold``
    * C2 world export concentration: :math:`\sum_c (X_{c,k}/X_{w,k})^2 >` ``hhi_world_threshold``
      over all exporters *c* in ``world_exports``
    * C3 non-substitutability: :math:`M^{ext}_k / X^{ext}_k >` ``ratio_threshold``, with the
      ratio set to ``zero_export_ratio`` (9999) when :math:`X^{ext}_k = 0`
    * ``is_geodep_dependent`` = C1 ∧ C2 ∧ C3 (CEPII GeoDep).

    The European Commission's three criteria (SWD(2021) 352) are computed separately:

    * EC1 concentration of extra-bloc imports: the same HHI as C1 >
      ``hhi_imports_threshold`` (``is_ec_concentrated``)
    * EC2 importance of extra-bloc imports: :math:`M^{ext}_k/(M^{ext}_k + M^{int}_k) >`
      ``extra_share_threshold`` (``extra_import_share_pct``, ``is_ec_import_share``)
    * EC3 substitutability: extra-bloc imports over the members' total exports of *k*
      (to members and non-members, a proxy of bloc production),
      :math:`M^{ext}_k / X^{all}_k >` ``ratio_threshold`` (``ec_import_export_ratio``;
      ``zero_export_ratio`` when the members export none); ``is_ec_dependent`` = all three.
      (The denominator follows the SWD as summarised in the literature; anchors §2.1 flags
      it for re-checking against the annex.)

    ``is_dependent`` is the flag of the chosen ``criteria``. C4 persistence (GeoDep's rule,
    applied to ``is_dependent``): dependent in year *t* **and** in at least ``min_years`` of
    the ``window`` years ending in *t* (``NA`` while the window reaches before the data), so
    persistent products are a subset of dependent ones by construction.

    Defaults are GeoDep's (0.4, 0.4, 1, 2 of 3 years) and the EC's 0.5 import share.

    Parameters
    ----------
    trade
        Canonical trade frame with the members' flows with all partners.
    world_exports
        Every country's exports to the world: ``year, exporter_iso3`` (or ``country_iso3``),
        ``hs6_code, value_usd`` (``exports_by_country.parquet``).
    bloc
        One of :data:`coopstats.columns.BLOCS`.
    hhi_imports_threshold, hhi_world_threshold
        HHI cut-offs in [0, 1] (strict ``>``).
    ratio_threshold
        Imports/exports cut-off (>= 0, strict ``>``).
    window, min_years
        Persistence window in years and the number of dependent years it needs.
    zero_export_ratio
        Ratio used when the bloc exports nothing of the product (GeoDep: 9999).
    sector_map, include_total
        Optional ``hs6_code, sector`` frame: products get a ``sector`` column (a code in
        several sectors is repeated; ``sector="total"`` rows hold every product unless
        ``include_total=False``; products outside the map appear only under ``total``) and
        the counts are per sector. The criteria themselves are product-level.
    members, as_of
        As in :func:`intra_bloc_shares`.
    criteria
        Which flag is ``is_dependent`` (and counts as dependent in ``by_year``):
        ``"geodep"`` (CEPII GeoDep C1-C3) or ``"ec"`` (European Commission 1-3).
    extra_share_threshold
        EC2 cut-off for the extra-bloc share of imports, a fraction in [0, 1] (0.5).

    Returns
    -------
    DependencyResult
        ``products``: ``year, bloc, [sector,] hs6_code, extra_imports_usd, hhi_imports,
        top_supplier_iso3, top_supplier_share_pct, extra_exports_usd, import_export_ratio,
        intra_imports_usd, extra_import_share_pct, members_exports_usd,
        ec_import_export_ratio, hhi_world, leading_world_exporter_iso3,
        is_concentrated_imports, is_concentrated_world, is_nonsubstitutable,
        is_geodep_dependent, is_ec_concentrated, is_ec_import_share, is_ec_nonsubstitutable,
        is_ec_dependent, is_dependent, years_dependent_in_window, is_window_complete,
        is_persistent``; ``by_year`` / ``summary()`` counts; ``describe()`` in words.

    Raises
    ------
    InvalidParameterError
        Unknown bloc, thresholds out of range, ``min_years`` outside ``[1, window]``, world
        exports missing for an imported product.

    References
    ----------
    European Commission (2021), SWD(2021) 352; Lefebvre, K. & Wibaux, P. (2024), CEPII
    Policy Brief 47 and the GeoDep database (cepii.fr, id=41).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2020, "exporter_iso3": ["CHN"], "importer_iso3": ["KAZ"],
    ...                   "hs6_code": ["854231"], "value_usd": [10.0]})
    >>> w = pd.DataFrame({"year": 2020, "exporter_iso3": ["CHN"], "hs6_code": ["854231"],
    ...                   "value_usd": [100.0]})
    >>> r = dependency_flags(t, w, bloc="EAEU", members=["KAZ", "RUS"], window=1, min_years=1)
    >>> bool(r.products["is_dependent"].iloc[0])
    True
    """
    geo.check_bloc(bloc)
    _validate_dependency_params(
        hhi_imports_threshold,
        hhi_world_threshold,
        ratio_threshold,
        window,
        min_years,
        zero_export_ratio,
    )
    _check_criteria(criteria, extra_share_threshold)
    m = _dependency_metrics(
        trade,
        world_exports,
        bloc=bloc,
        members=members,
        as_of=as_of,
        zero_export_ratio=float(zero_export_ratio),
    )
    out = _apply_criteria(
        m,
        hhi_imports_threshold=hhi_imports_threshold,
        hhi_world_threshold=hhi_world_threshold,
        ratio_threshold=ratio_threshold,
        window=int(window),
        min_years=int(min_years),
        extra_share_threshold=float(extra_share_threshold),
        criteria=criteria,
    )
    if sector_map is not None:
        out = _with_sectors(out, sector_map, include_total=include_total, source=trade)
        cols = ["year", "bloc", "sector"] + [
            c for c in out.columns if c not in ("year", "bloc", "sector")
        ]
        out = out[cols].sort_values(["year", "sector", "hs6_code"], kind="mergesort")
    params = {
        "bloc": bloc,
        "as_of": as_of,
        "hhi_imports_threshold": hhi_imports_threshold,
        "hhi_world_threshold": hhi_world_threshold,
        "ratio_threshold": ratio_threshold,
        "window": int(window),
        "min_years": int(min_years),
        "zero_export_ratio": float(zero_export_ratio),
        "criteria": criteria,
        "extra_share_threshold": float(extra_share_threshold),
    }
    return DependencyResult(products=out.reset_index(drop=True), params=params)


def _check_criteria(criteria: str, extra_share_threshold: float) -> None:
    if criteria not in CRITERIA:
        raise InvalidParameterError("criteria", criteria, list(CRITERIA))
    _check_threshold("extra_share_threshold", extra_share_threshold, 0.0, 1.0)


def dependency_description(params: Mapping[str, object], *, language: str = "en") -> str:
    """Describe which criteria and thresholds a dependency result applies.

    Parameters
    ----------
    params
        :attr:`DependencyResult.params`.
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        The named criteria with their thresholds, and the persistence rule.
    """
    if language not in ("en", "ru"):
        raise InvalidParameterError("language", language, ["en", "ru"])
    p = dict(params)
    hi, hw, r = p["hhi_imports_threshold"], p["hhi_world_threshold"], p["ratio_threshold"]
    sh, w, k = p.get("extra_share_threshold", 0.5), p["window"], p["min_years"]
    bloc = p["bloc"]
    if p.get("criteria", "geodep") == "ec":
        crit = {
            "en": f"European Commission criteria (SWD(2021) 352) for {bloc} as one importer: "
            f"HHI of extra-bloc suppliers > {hi:g}, extra-bloc share of imports > {sh:.0%}, "
            f"extra-bloc imports / members' total exports > {r:g}",
            "ru": f"критерии Европейской комиссии (SWD(2021) 352) для {bloc} как единого "
            f"импортёра: HHI внешних поставщиков > {hi:g}, доля внешнего импорта > {sh:.0%}, "
            f"внешний импорт / весь экспорт членов > {r:g}",
        }
    else:
        crit = {
            "en": f"CEPII GeoDep criteria for {bloc} as one importer: HHI of extra-bloc "
            f"suppliers > {hi:g}, HHI of world exporters > {hw:g}, extra-bloc imports / "
            f"extra-bloc exports > {r:g} (9999 when exports are zero)",
            "ru": f"критерии CEPII GeoDep для {bloc} как единого импортёра: HHI внешних "
            f"поставщиков > {hi:g}, HHI мировых экспортёров > {hw:g}, внешний импорт / "
            f"внешний экспорт > {r:g} (9999 при нулевом экспорте)",
        }
    pers = {
        "en": f"; persistent = dependent in the year and in at least {k} of the {w} years "
        "ending in it (a subset of dependent).",
        "ru": f"; устойчивая зависимость = зависимость в данном году и не менее чем в {k} из "
        f"{w} лет, заканчивающихся им (подмножество зависимых).",
    }
    return crit[language] + pers[language]


def dependency_sensitivity(
    trade: pd.DataFrame,
    world_exports: pd.DataFrame,
    *,
    bloc: str,
    grid: Mapping[str, Sequence[float]] | None = None,
    window: int = 3,
    min_years: int = 2,
    zero_export_ratio: float = 9999.0,
    sector_map: pd.DataFrame | None = None,
    include_total: bool = True,
    members: MembersArg = None,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    criteria: Literal["geodep", "ec"] = "geodep",
    extra_share_threshold: float = 0.5,
) -> pd.DataFrame:
    r"""How the count of dependent products changes with the criteria's thresholds.

    Applies :func:`dependency_flags` for every combination of the thresholds in ``grid``
    (the product metrics are computed once) and counts, per year, products meeting
    C1 ∧ C2 ∧ C3 and the persistence rule, with their share of extra-bloc imports:

    .. math:: \mathrm{dependent\_share} = 100 \sum_{k \in D} M^{ext}_k \Big/ \sum_k M^{ext}_k

    Parameters
    ----------
    trade, world_exports, bloc, window, min_years, zero_export_ratio
        As in :func:`dependency_flags`.
    sector_map, include_total, members, as_of, criteria, extra_share_threshold
        As in :func:`dependency_flags` (with ``sector_map`` the counts are per sector).
    grid
        ``{"hhi_imports_threshold": [...], "hhi_world_threshold": [...],
        "ratio_threshold": [...]}``; missing keys use the default of
        :func:`dependency_flags`. ``None`` uses :data:`DEFAULT_SENSITIVITY_GRID`.

    Returns
    -------
    pandas.DataFrame
        ``hhi_imports_threshold, hhi_world_threshold, ratio_threshold, year, bloc, [sector,]
        n_products, n_dependent, n_persistent, extra_imports_usd, dependent_imports_usd,
        dependent_share_pct``, one row per combination and year.

    Raises
    ------
    InvalidParameterError
        Unknown grid keys, empty value lists or thresholds out of range.

    References
    ----------
    ``research/anchors-features.md`` §2.1 (reading scales of HHI differ: CBS NL, Panargus;
    thresholds should be parameters with sensitivity reported).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2020, "exporter_iso3": ["CHN"], "importer_iso3": ["KAZ"],
    ...                   "hs6_code": ["854231"], "value_usd": [10.0]})
    >>> w = pd.DataFrame({"year": 2020, "exporter_iso3": ["CHN"], "hs6_code": ["854231"],
    ...                   "value_usd": [100.0]})
    >>> s = dependency_sensitivity(t, w, bloc="EAEU", members=["KAZ"], window=1, min_years=1,
    ...                            grid={"hhi_imports_threshold": [0.4, 1.0]})
    >>> s["n_dependent"].tolist()
    [1, 0]
    """
    geo.check_bloc(bloc)
    _check_criteria(criteria, extra_share_threshold)
    defaults = _CRITERIA_DEFAULTS
    if grid is None:
        grid = DEFAULT_SENSITIVITY_GRID
    if not isinstance(grid, Mapping):
        raise InvalidParameterError("grid", grid, f"a mapping with keys {list(defaults)}")
    unknown = sorted(set(grid) - set(defaults))
    if unknown:
        raise InvalidParameterError("grid", unknown, list(defaults), why="unknown threshold name")
    full = {k: tuple(grid.get(k, (d,))) for k, d in defaults.items()}
    for k, vs in full.items():
        if len(vs) == 0:
            raise InvalidParameterError(f"grid[{k!r}]", [], "a non-empty list of thresholds")
        for v in vs:  # every key has a value, so window, min_years, ... are checked too
            _validate_dependency_params(
                **{**defaults, k: v},
                window=window,
                min_years=min_years,
                zero_export_ratio=zero_export_ratio,
            )
    m = _dependency_metrics(
        trade,
        world_exports,
        bloc=bloc,
        members=members,
        as_of=as_of,
        zero_export_ratio=float(zero_export_ratio),
    )
    rows = []
    for hi, hw, r in itertools.product(*full.values()):
        flagged = _apply_criteria(
            m,
            hhi_imports_threshold=hi,
            hhi_world_threshold=hw,
            ratio_threshold=r,
            window=int(window),
            min_years=int(min_years),
            extra_share_threshold=float(extra_share_threshold),
            criteria=criteria,
        )
        if sector_map is not None:
            flagged = _with_sectors(flagged, sector_map, include_total=include_total, source=trade)
        c = _count_flags(flagged)
        c.insert(0, "ratio_threshold", float(r))
        c.insert(0, "hhi_world_threshold", float(hw))
        c.insert(0, "hhi_imports_threshold", float(hi))
        rows.append(c)
    return pd.concat(rows, ignore_index=True)


# ---------------------------------------------------------------------------------------
# intra-bloc substitution capacity
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubstitutionResult:
    """Intra-bloc substitution capacity: could other members' exports replace extra-bloc imports.

    Attributes
    ----------
    products : pandas.DataFrame
        One row per ``year, bloc, importer_iso3, hs6_code`` with extra-bloc imports.
    sectors : pandas.DataFrame
        One row per ``year, bloc, importer_iso3, sector``: coverable share of extra-bloc
        imports.
    params : dict
        ``bloc, as_of, capacity``.
    """

    products: pd.DataFrame
    sectors: pd.DataFrame
    params: dict = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """Both grains in one long frame with a ``level`` column (``product`` or ``sector``)."""
        return pd.concat(
            [self.products.assign(level="product"), self.sectors.assign(level="sector")],
            ignore_index=True,
        )

    def summary(self) -> pd.DataFrame:
        """Coverable share (percent) of extra-bloc imports, ``importer_iso3, sector`` × ``year``."""
        return self.sectors.pivot_table(
            index=["importer_iso3", "sector"], columns="year", values="coverable_share_pct"
        )


def substitution_capacity(
    trade: pd.DataFrame,
    *,
    bloc: str,
    capacity: Literal["extra_bloc_exports", "exports_excl_importer"] = "extra_bloc_exports",
    sector_map: pd.DataFrame | None = None,
    include_total: bool = True,
    members: MembersArg = None,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    cif_fob_ratio: float | None = None,
) -> SubstitutionResult:
    r"""Intra-bloc substitution capacity for each member's extra-bloc imports.

    For member *c*, product *k*, year *t*: extra-bloc imports
    :math:`M^{ext}_{c,k} = \sum_{s \notin B} M_{s \to c,k}` against what the *other*
    members already export of *k*:

    * ``capacity="extra_bloc_exports"`` (default): :math:`K_{c,k} = \sum_{j \in B, j \ne c}
      \sum_{d \notin B} X_{j \to d,k}`, exports that could be redirected without taking
      supply from another member;
    * ``capacity="exports_excl_importer"``: :math:`\sum_{j \in B, j \ne c} \sum_{d \ne c}
      X_{j \to d,k}`, all their exports except those already going to *c*.

    .. math::

        \mathrm{coverage}_{c,k} = K_{c,k} / M^{ext}_{c,k}, \qquad
        \mathrm{coverable\_share}_{c,s} = 100\,\frac{\sum_{k \in s} \min(K_{c,k}, M^{ext}_{c,k})}
                                                    {\sum_{k \in s} M^{ext}_{c,k}}

    Trade values are an upper bound of redirectable capacity (quality, contracts and
    re-exports are not observed).

    Parameters
    ----------
    trade
        Canonical trade frame with members' flows with all partners.
    bloc
        One of :data:`coopstats.columns.BLOCS`.
    capacity
        Which exports of the other members count (see above).
    sector_map, include_total, members, as_of, cif_fob_ratio
        As in :func:`intra_bloc_shares`.

    Returns
    -------
    SubstitutionResult
        ``products``: ``year, bloc, importer_iso3, hs6_code, extra_imports_usd,
        partner_exports_usd, coverage_ratio, is_coverable`` (coverage >= 1), and
        ``mirror_share_pct`` of the extra-bloc imports when the trade has ``flow_basis``;
        ``sectors``: ``year, bloc, importer_iso3, sector, extra_imports_usd,
        coverable_imports_usd, coverable_share_pct, n_products, n_coverable``.

    Raises
    ------
    InvalidParameterError
        Unknown bloc or capacity.

    References
    ----------
    ``research/anchors-features.md`` §2.1 criterion 3 and §2.6 (bloc netting, coopstats
    extension); Fraunhofer ISI (Edler et al. 2020) on substitutability within a geopolitical
    boundary.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": 2020, "exporter_iso3": ["CHN", "RUS"],
    ...                   "importer_iso3": ["KAZ", "IND"], "hs6_code": "845710",
    ...                   "value_usd": [100.0, 40.0]})
    >>> r = substitution_capacity(t, bloc="EAEU", members=["KAZ", "RUS"])
    >>> float(r.products["coverage_ratio"].iloc[0])
    0.4
    """
    geo.check_bloc(bloc)
    validate_literal("capacity", capacity, ("extra_bloc_exports", "exports_excl_importer"))
    tr = require_trade(trade, cif_fob_ratio=cif_fob_ratio)
    mem = _membership(bloc, tr["year"].unique(), members=members, as_of=as_of)
    tr = _flag_members(tr, mem)
    imp = (
        tr[tr["importer_member"] & ~tr["exporter_member"]]
        .groupby(["year", "importer_iso3", "hs6_code"], sort=True)["value_usd"]
        .sum()
        .rename("extra_imports_usd")
        .reset_index()
    )
    imp = imp[imp["extra_imports_usd"] > 0]
    # exports of every member j by destination d, product k
    xj = tr[tr["exporter_member"]]
    if capacity == "extra_bloc_exports":
        xj = xj[~xj["importer_member"]]
        per_j = xj.groupby(["year", "exporter_iso3", "hs6_code"])["value_usd"].sum().reset_index()
        cand = imp.merge(per_j, on=["year", "hs6_code"], how="left")
        cand = cand[cand["exporter_iso3"] != cand["importer_iso3"]]
    else:
        per_jd = xj.groupby(["year", "exporter_iso3", "importer_iso3", "hs6_code"])[
            "value_usd"
        ].sum()
        per_jd = per_jd.reset_index().rename(columns={"importer_iso3": "dest_iso3"})
        cand = imp.merge(per_jd, on=["year", "hs6_code"], how="left")
        cand = cand[
            (cand["exporter_iso3"] != cand["importer_iso3"])
            & (cand["dest_iso3"] != cand["importer_iso3"])
        ]
    k = (
        cand.groupby(["year", "importer_iso3", "hs6_code"])["value_usd"]
        .sum()
        .rename("partner_exports_usd")
        .reset_index()
    )
    out = imp.merge(k, on=["year", "importer_iso3", "hs6_code"], how="left")
    out["partner_exports_usd"] = out["partner_exports_usd"].fillna(0.0)  # no exporting partner
    out["coverage_ratio"] = out["partner_exports_usd"] / out["extra_imports_usd"]
    out["is_coverable"] = out["coverage_ratio"] >= 1.0
    extra = tr[tr["importer_member"] & ~tr["exporter_member"]]
    out = _add_mirror_share(out, extra, ["year", "importer_iso3", "hs6_code"], "extra_imports_usd")
    out.insert(1, "bloc", bloc)
    sec = _with_sectors(out, sector_map, include_total=include_total, source=trade)
    sec = sec.assign(_cov=np.minimum(sec["partner_exports_usd"], sec["extra_imports_usd"]))
    sectors = (
        sec.groupby(["year", "bloc", "importer_iso3", "sector"], sort=True)
        .agg(
            extra_imports_usd=("extra_imports_usd", "sum"),
            coverable_imports_usd=("_cov", "sum"),
            n_products=("hs6_code", "nunique"),
            n_coverable=("is_coverable", "sum"),
        )
        .reset_index()
    )
    sectors["coverable_share_pct"] = (
        100.0 * sectors["coverable_imports_usd"] / sectors["extra_imports_usd"]
    )
    sectors = sectors[
        [
            "year",
            "bloc",
            "importer_iso3",
            "sector",
            "extra_imports_usd",
            "coverable_imports_usd",
            "coverable_share_pct",
            "n_products",
            "n_coverable",
        ]
    ]
    return SubstitutionResult(
        products=out.reset_index(drop=True),
        sectors=sectors,
        params={"bloc": bloc, "as_of": as_of, "capacity": capacity},
    )
