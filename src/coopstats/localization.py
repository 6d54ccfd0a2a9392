r"""Localization: how much of a bloc's supply comes from inside the bloc, and from whom.

Where to start
--------------
All functions take the canonical trade frame (``year, exporter_iso3, importer_iso3,
hs6_code, value_usd``; it must hold the bloc members' imports from *all* partners, which is
what ``data/processed/trade.parquet`` contains) and a ``bloc`` name. Membership is
time-aware: a flow is intra-bloc only if both countries are members in that year
(:func:`coopstats.membership.members_in_year`, ``as_of="year_end"`` by default), so Armenia's and
Kyrgyzstan's 2015 accessions are respected. A ``members`` argument (a list, a
``{year: [iso3, ...]}`` mapping or a ``year, country_iso3`` frame) overrides the reference
table for what-if analyses and tests.

=================================  ==========================================================
function                           question it answers
=================================  ==========================================================
:func:`intra_bloc_shares`          what share of members' imports comes from other members?
:func:`supplier_concentration`     how concentrated are (extra-bloc) suppliers? (HHI)
:func:`top_suppliers`              who are the largest external suppliers?
:func:`substitution_capacity`      could other members' exports replace extra-bloc imports?
:func:`hhi`                        Herfindahl–Hirschman index of a vector of values
=================================  ==========================================================

The dependency criteria (EC, CEPII GeoDep), their persistence and sensitivity are in
:mod:`coopstats.dependency`, which builds on the membership and sector helpers here
(:func:`member_years`, :func:`flag_members`, :func:`with_sectors`).

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from . import membership, valuation
from .checks import (
    require_columns,
    require_trade,
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
    "SubstitutionResult",
    "substitution_capacity",
    "member_years",
    "flag_members",
    "with_sectors",
    "check_threshold",
    "top_share",
    "add_mirror_share",
]

AS_OF = tuple(membership.AS_OF)  # reference days of coopstats.membership.members_in_year


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


def member_years(
    bloc: str, years: Iterable[int], *, members: MembersArg, as_of: str
) -> pd.DataFrame:
    """Return ``year, country_iso3`` of the members of ``bloc`` in each of ``years``.

    ``members=None`` reads :func:`coopstats.membership.membership_panel` (rule ``as_of``); a list of
    ISO3, a ``{year: [iso3, ...]}`` mapping or a ``year, country_iso3`` frame overrides it.
    """
    membership.check_bloc(bloc)
    validate_literal("as_of", as_of, AS_OF)
    years = sorted({int(y) for y in years})
    if members is None:  # the one membership source: coopstats.membership
        panel = membership.membership_panel(bloc, years, as_of=as_of)[["year", "country_iso3"]]
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
            "None (use coopstats.membership), a list of ISO3, {year: [ISO3, ...]} "
            "or a frame year, country_iso3",
        )
    ms = sorted(set(members))
    return pd.DataFrame(
        [(y, c) for y in years for c in ms], columns=["year", "country_iso3"]
    ).astype({"year": "int64"})


def flag_members(trade: pd.DataFrame, mem: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``trade`` with boolean ``importer_member`` and ``exporter_member``.

    A country is a member in a year when ``(year, country_iso3)`` is in ``mem``
    (:func:`member_years`).
    """
    idx = pd.MultiIndex.from_frame(mem[["year", "country_iso3"]])
    out = trade.copy()
    out["importer_member"] = pd.MultiIndex.from_arrays([out["year"], out["importer_iso3"]]).isin(
        idx
    )
    out["exporter_member"] = pd.MultiIndex.from_arrays([out["year"], out["exporter_iso3"]]).isin(
        idx
    )
    return out


def with_sectors(
    frame: pd.DataFrame,
    sector_map: pd.DataFrame | None,
    *,
    include_total: bool,
    source: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return ``frame`` with a ``sector`` column from ``sector_map`` (and ``"total"``).

    A code listed in several sectors appears once per sector; with ``include_total`` every row
    also appears with ``sector="total"``. ``sector_map=None`` gives ``"total"`` only. The map is
    checked against ``source`` by :func:`coopstats.checks.sector_pairs`.
    """
    if not isinstance(include_total, bool):
        raise InvalidParameterError("include_total", include_total, [True, False])
    if sector_map is None:
        return frame.assign(sector="total")
    smap = sector_pairs(sector_map, source)
    parts = [frame.merge(smap, on="hs6_code", how="inner")]
    if include_total:
        parts.append(frame.assign(sector="total"))
    return pd.concat(parts, ignore_index=True)


def check_threshold(name: str, value: float, lo: float, hi: float | None) -> float:
    """Return ``value`` as float if it is a finite number in ``[lo, hi]`` (``hi=None``: no cap)."""
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


def top_share(g: pd.DataFrame, keys: list[str], who: str) -> pd.DataFrame:
    """Return the largest supplier and its value per ``keys`` group (ties: alphabetical ISO3)."""
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


def add_mirror_share(
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
    out["mirror_share_pct"] = valuation.mirror_share_pct(out.pop("_mirror").fillna(0.0), out[total])
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
    return add_mirror_share(out, g, keys, "imports_usd")


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
        rows (``valuation == "CIF"``; :func:`coopstats.valuation.with_valuation` adds the
        column) by :math:`r` first, so reported imports and mirror exports are compared on an
        FOB basis; :data:`coopstats.valuation.DEFAULT_CIF_FOB_RATIO` = 1.10 is the IMF DOTS
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
    membership.check_bloc(bloc)
    tr = require_trade(trade, cif_fob_ratio=cif_fob_ratio)
    mem = member_years(bloc, tr["year"].unique(), members=members, as_of=as_of)
    tr = flag_members(tr, mem)
    tr = tr[tr["importer_member"]]
    tr = with_sectors(tr, sector_map, include_total=include_total, source=trade)
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
    membership.check_bloc(bloc)
    validate_literal("scope", scope, ("extra", "all"))
    validate_literal("level", level, ("bloc", "member"))
    tr = require_trade(trade, cif_fob_ratio=cif_fob_ratio)
    mem = member_years(bloc, tr["year"].unique(), members=members, as_of=as_of)
    tr = flag_members(tr, mem)
    tr = tr[tr["importer_member"]]
    if scope == "extra":
        tr = tr[~tr["exporter_member"]]
    tr = with_sectors(tr, sector_map, include_total=include_total, source=trade)
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
    top = top_share(g, keys, "supplier_iso3").rename(
        columns={"supplier_iso3": "top_supplier_iso3", "value_usd": "_top"}
    )
    out = out.merge(top, on=keys, how="left", validate="one_to_one")
    out["top_supplier_share_pct"] = 100.0 * out.pop("_top") / out["imports_usd"]
    out = add_mirror_share(out, g, keys, "imports_usd")
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
        g["mirror_share_pct"] = valuation.mirror_share_pct(g["mirror_value_usd"], g["value_usd"])
        cols.append("mirror_share_pct")
    return g[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# EC / GeoDep dependency criteria at bloc level
# ---------------------------------------------------------------------------------------


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
    membership.check_bloc(bloc)
    validate_literal("capacity", capacity, ("extra_bloc_exports", "exports_excl_importer"))
    tr = require_trade(trade, cif_fob_ratio=cif_fob_ratio)
    mem = member_years(bloc, tr["year"].unique(), members=members, as_of=as_of)
    tr = flag_members(tr, mem)
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
    out = add_mirror_share(out, extra, ["year", "importer_iso3", "hs6_code"], "extra_imports_usd")
    out.insert(1, "bloc", bloc)
    sec = with_sectors(out, sector_map, include_total=include_total, source=trade)
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
