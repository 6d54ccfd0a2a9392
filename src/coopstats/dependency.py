"""Import dependency: EC and CEPII GeoDep criteria per product, persistence and sensitivity.

A product is a *dependency* of a bloc when its extra-bloc imports are concentrated on few
suppliers, the world's exports of it are concentrated too (GeoDep) or the bloc imports more of
it from outside than it could supply itself (EC). Membership, sectors and the supplier frame
come from :mod:`coopstats.localization` (same conventions: time-aware membership, HHI on
shares in 0-1, ``sector="total"`` unless ``include_total=False``).

=================================  ==========================================================
function                           question it answers
=================================  ==========================================================
:func:`dependency_flags`           EC and CEPII GeoDep dependency criteria (named apart)
:func:`dependency_sensitivity`     how many products are flagged under other thresholds?
:func:`dependency_description`     what the criteria and thresholds mean, in words
=================================  ==========================================================

References
----------
European Commission (2021), SWD(2021) 352 *Strategic dependencies and capacities*;
Arjona, Connell & Herghelegiu (2023), SMEP WP2023/14; Lefebvre & Wibaux (2024), CEPII
Policy Brief 47 (GeoDep).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from . import membership
from .checks import (
    require_columns,
    require_no_nan,
    require_nonnegative,
    require_trade,
    require_unique,
)
from .errors import InvalidParameterError
from .localization import (
    MembersArg,
    add_mirror_share,
    check_threshold,
    flag_members,
    member_years,
    top_share,
    with_sectors,
)

__all__ = [
    "DependencyResult",
    "dependency_flags",
    "dependency_sensitivity",
    "DEFAULT_SENSITIVITY_GRID",
    "CRITERIA",
    "dependency_description",
]


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
        top_share(w, ["year", "hs6_code"], "exporter_iso3")
        .rename(columns={"exporter_iso3": "leading_world_exporter_iso3"})
        .drop(columns="value_usd")
    )
    return out.merge(lead, on=["year", "hs6_code"], how="left").astype({"year": "int64"})


def _dependency_metrics(trade, world_exports, *, bloc, members, as_of, zero_export_ratio):
    tr = require_trade(trade)
    mem = member_years(bloc, tr["year"].unique(), members=members, as_of=as_of)
    tr = flag_members(tr, mem)
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
    top = top_share(by_sup, ["year", "hs6_code"], "exporter_iso3").rename(
        columns={"exporter_iso3": "top_supplier_iso3", "value_usd": "_top"}
    )
    m = m.merge(top, on=["year", "hs6_code"], how="left")
    m["top_supplier_share_pct"] = 100.0 * m.pop("_top") / m["extra_imports_usd"]
    m = add_mirror_share(m, imp, ["year", "hs6_code"], "extra_imports_usd")
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
    check_threshold("hhi_imports_threshold", hhi_imports_threshold, 0.0, 1.0)
    check_threshold("hhi_world_threshold", hhi_world_threshold, 0.0, 1.0)
    check_threshold("ratio_threshold", ratio_threshold, 0.0, None)
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise InvalidParameterError("window", window, "an integer >= 1 (years)")
    if (
        isinstance(min_years, bool)
        or not isinstance(min_years, (int, np.integer))
        or not (1 <= min_years <= window)
    ):
        raise InvalidParameterError("min_years", min_years, f"an integer in [1, window={window}]")
    check_threshold("zero_export_ratio", zero_export_ratio, 0.0, None)


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
    membership.check_bloc(bloc)
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
    out = _flag_products(
        m,
        trade,
        thresholds=(hhi_imports_threshold, hhi_world_threshold, ratio_threshold),
        window=window,
        min_years=min_years,
        extra_share_threshold=extra_share_threshold,
        criteria=criteria,
        sector_map=sector_map,
        include_total=include_total,
    )
    if sector_map is not None:
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


def _flag_products(
    m: pd.DataFrame,
    trade: pd.DataFrame,
    *,
    thresholds: tuple[float, float, float],
    window: int,
    min_years: int,
    extra_share_threshold: float,
    criteria: str,
    sector_map: pd.DataFrame | None,
    include_total: bool,
) -> pd.DataFrame:
    """Apply the criteria at ``thresholds`` (HHI imports, HHI world, ratio) to metrics ``m``.

    With ``sector_map`` the flagged rows carry the sector columns of :func:`with_sectors`.
    """
    hhi_imports, hhi_world, ratio = thresholds
    out = _apply_criteria(
        m,
        hhi_imports_threshold=hhi_imports,
        hhi_world_threshold=hhi_world,
        ratio_threshold=ratio,
        window=int(window),
        min_years=int(min_years),
        extra_share_threshold=float(extra_share_threshold),
        criteria=criteria,
    )
    if sector_map is not None:
        out = with_sectors(out, sector_map, include_total=include_total, source=trade)
    return out


def _check_criteria(criteria: str, extra_share_threshold: float) -> None:
    if criteria not in CRITERIA:
        raise InvalidParameterError("criteria", criteria, list(CRITERIA))
    check_threshold("extra_share_threshold", extra_share_threshold, 0.0, 1.0)


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
    membership.check_bloc(bloc)
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
        flagged = _flag_products(
            m,
            trade,
            thresholds=(hi, hw, r),
            window=window,
            min_years=min_years,
            extra_share_threshold=extra_share_threshold,
            criteria=criteria,
            sector_map=sector_map,
            include_total=include_total,
        )
        c = _count_flags(flagged)
        c.insert(0, "ratio_threshold", float(r))
        c.insert(0, "hhi_world_threshold", float(hw))
        c.insert(0, "hhi_imports_threshold", float(hi))
        rows.append(c)
    return pd.concat(rows, ignore_index=True)
