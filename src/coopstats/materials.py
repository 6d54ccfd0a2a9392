r"""Critical raw materials: the blocs' dependence on outside suppliers and members' capacity.

Where to start
--------------
:func:`bloc_materials` takes the canonical trade frame of the materials (all country pairs,
e.g. the real CEPII BACI V202601 extract of 30 critical-raw-material HS6 codes shipped in
``data/raw/baci/``) and, for each bloc (EAEU, CIS, CSTO by default; membership of each year
from :mod:`coopstats.membership`), returns per year and material:

* **dependence** - members' imports, the share from outside the bloc, the outside suppliers'
  concentration (HHI on 0-1 shares) and the largest outside supplier
  (:func:`coopstats.localization.intra_bloc_shares`,
  :func:`coopstats.localization.supplier_concentration`);
* **capacity** - each member's exports to the world and outside the bloc and its share of
  world exports, and the bloc's outside exports against its outside imports
  (``import_export_ratio``, GeoDep criterion 3);
* **change** - start year to end year, one tidy row per bloc, material and measure.

:func:`materials_statement` writes the computed summary of one bloc in English or Russian.
The materials list is :func:`critical_materials` (``coopstats/data/critical_materials.csv``).

Caveat
------
Declaration-based data have no Belarus-Russia flow from 2022 (see
:mod:`coopstats.coverage`), so the intra-bloc shares of every bloc containing both are
understated from 2022 by whatever the two traded with each other; the report's coverage
section states this from the data.

References
----------
European Commission (2023), *Study on the critical raw materials for the EU*; EC SWD(2021)
352 and Lefebvre & Wibaux (2024), CEPII GeoDep, for the dependence criteria; Gaulier &
Zignago (2010) for BACI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from . import geo, hs, localization, membership
from .columns import BLOCS
from .errors import DataFileError, InvalidParameterError
from .valuation import mirror_share_pct, mirror_value_usd

__all__ = [
    "DEFAULT_BLOCS",
    "TOTAL",
    "TOTAL_RU",
    "critical_materials",
    "MaterialsResult",
    "bloc_materials",
    "materials_statement",
]

#: Blocs of the critical-materials report.
DEFAULT_BLOCS: tuple[str, ...] = ("EAEU", "CIS", "CSTO")

#: ``material`` label of the row summing all materials of the list.
TOTAL = "all listed materials"
TOTAL_RU = "все перечисленные материалы"

_MEASURES = (
    "imports_usd",
    "extra_imports_usd",
    "extra_share_pct",
    "hhi",
    "top_supplier_share_pct",
    "extra_exports_usd",
    "import_export_ratio",
)


def critical_materials(path: str | Path | None = None) -> pd.DataFrame:
    """Return the critical-materials list: ``hs6_code, hs_revision, material, material_ru, source``.

    Default: ``coopstats/data/critical_materials.csv``, the 30 HS 2017 codes of the CEPII
    BACI V202601 critical-raw-materials extract (EU critical raw materials style list).

    Raises
    ------
    DataFileError
        A missing column, a code that is not six digits, a duplicated code, an empty name.
    """
    path = Path(path) if path is not None else geo.data_path("critical_materials.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = ["hs6_code", "hs_revision", "material", "material_ru", "source"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise DataFileError(f"missing column(s) {missing}", path=path, line=1)
    for i, row in table.iterrows():
        if not hs.is_hs6(row["hs6_code"]):
            raise DataFileError(
                "hs6_code must be six digits",
                path=path,
                line=i + 2,
                column="hs6_code",
                value=row["hs6_code"],
            )
        for c in ("material", "material_ru", "source"):
            if not row[c].strip():
                raise DataFileError(
                    f"{c} must not be empty", path=path, line=i + 2, column=c, value=row[c]
                )
    dup = table["hs6_code"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataFileError(
            "hs6_code listed twice",
            path=path,
            line=i + 2,
            column="hs6_code",
            value=table.at[i, "hs6_code"],
        )
    return table[need]


@dataclass(frozen=True)
class MaterialsResult:
    """Blocs' dependence and members' capacity in critical materials (:func:`bloc_materials`).

    Attributes
    ----------
    dependence : pandas.DataFrame
        One row per ``bloc, year, hs6_code`` (``hs6_code`` missing and ``material`` =
        :data:`TOTAL` for the sum over the list).
    capacity : pandas.DataFrame
        One row per ``bloc, year, country_iso3 (member), hs6_code`` with exports.
    change : pandas.DataFrame
        One row per ``bloc, hs6_code, measure`` from ``start_year`` to ``end_year``.
    params : dict
        ``blocs, start_year, end_year, years, n_materials, datasets``.
    """

    dependence: pd.DataFrame
    capacity: pd.DataFrame
    change: pd.DataFrame
    params: dict = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """Return the dependence table (one row per bloc, year, material)."""
        return self.dependence

    def summary(self) -> pd.DataFrame:
        """Return the all-materials rows: one per bloc and year with the headline measures."""
        tot = self.dependence[self.dependence["material"] == TOTAL]
        cols = [
            "bloc",
            "year",
            "imports_usd",
            "extra_imports_usd",
            "extra_share_pct",
            "n_suppliers",
            "hhi",
            "top_supplier_iso3",
            "top_supplier_share_pct",
            "extra_exports_usd",
            "import_export_ratio",
            "mirror_share_pct",
        ]
        return tot[cols].reset_index(drop=True)


def _require_materials_trade(trade: pd.DataFrame) -> pd.DataFrame:
    need = ["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]
    if not isinstance(trade, pd.DataFrame):
        raise InvalidParameterError("trade", type(trade).__name__, "a pandas DataFrame")
    missing = [c for c in need if c not in trade.columns]
    if missing:
        raise InvalidParameterError(
            "trade", list(trade.columns), need, why=f"missing column(s) {missing}"
        )
    return trade


def _members(bloc: str, years: Sequence[int], as_of: str) -> pd.DataFrame:
    rows = [(y, c) for y in years for c in membership.members_in_year(bloc, y, as_of=as_of)]
    return pd.DataFrame(rows, columns=["year", "country_iso3"]).astype({"year": "int64"})


def _dependence(tr, bloc, smap, names, names_ru, as_of) -> pd.DataFrame:
    shares = localization.intra_bloc_shares(tr, bloc=bloc, sector_map=smap, as_of=as_of).bloc
    conc = localization.supplier_concentration(
        tr, bloc=bloc, scope="extra", sector_map=smap, as_of=as_of
    )
    conc = conc.drop(columns=["imports_usd"]).drop(
        columns=[c for c in conc.columns if c.startswith("mirror_")]
    )
    dep = shares.merge(conc, on=["year", "bloc", "sector"], how="left")
    dep["n_suppliers"] = dep["n_suppliers"].fillna(0).astype("int64")
    mem = _members(bloc, sorted(tr["year"].unique()), as_of)
    key = pd.MultiIndex.from_frame(mem)
    is_exp = pd.MultiIndex.from_arrays([tr["year"], tr["exporter_iso3"]]).isin(key)
    is_imp = pd.MultiIndex.from_arrays([tr["year"], tr["importer_iso3"]]).isin(key)
    outx = tr[is_exp & ~is_imp]
    ext = pd.concat(
        [
            outx.groupby(["year", "hs6_code"])["value_usd"]
            .sum()
            .reset_index()
            .rename(columns={"hs6_code": "sector"}),
            outx.groupby("year")["value_usd"].sum().reset_index().assign(sector="total"),
        ]
    ).rename(columns={"value_usd": "extra_exports_usd"})
    dep = dep.merge(ext, on=["year", "sector"], how="left")
    dep["extra_exports_usd"] = dep["extra_exports_usd"].fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dep["import_export_ratio"] = (dep["extra_imports_usd"] / dep["extra_exports_usd"]).where(
            dep["extra_exports_usd"] > 0
        )
    if "mirror_share_pct" not in dep.columns:  # members' imports: share from mirror flows
        imp = tr[is_imp].assign(_m=mirror_value_usd(tr[is_imp]))
        per = pd.concat(
            [
                imp.groupby(["year", "hs6_code"])[["_m", "value_usd"]]
                .sum()
                .reset_index()
                .rename(columns={"hs6_code": "sector"}),
                imp.groupby("year")[["_m", "value_usd"]].sum().reset_index().assign(sector="total"),
            ]
        )
        per["mirror_share_pct"] = mirror_share_pct(per["_m"], per["value_usd"])
        dep = dep.merge(
            per[["year", "sector", "mirror_share_pct"]], on=["year", "sector"], how="left"
        )
    dep["hs6_code"] = dep["sector"].where(dep["sector"] != "total")
    dep["material"] = dep["sector"].map(names).fillna(TOTAL)
    dep["material_ru"] = dep["sector"].map(names_ru).fillna(TOTAL_RU)
    return dep.drop(columns="sector")


def _world_totals(tr: pd.DataFrame, world_exports: pd.DataFrame | None) -> pd.Series:
    """World exports per year and product: from ``world_exports`` when given, else ``tr``."""
    if world_exports is None:
        return tr.groupby(["year", "hs6_code"])["value_usd"].sum().rename("_world")
    need = ["year", "hs6_code", "value_usd"]
    missing = [c for c in need if c not in world_exports.columns]
    if missing:
        raise InvalidParameterError(
            "world_exports", list(world_exports.columns), need, why=f"missing column(s) {missing}"
        )
    w = world_exports.astype({"year": "int64"})
    return w.groupby(["year", "hs6_code"])["value_usd"].sum().rename("_world")


def _capacity(tr, bloc, names, as_of, world_exports=None) -> pd.DataFrame:
    years = sorted(tr["year"].unique())
    mem = _members(bloc, years, as_of)
    key = pd.MultiIndex.from_frame(mem)
    is_exp = pd.MultiIndex.from_arrays([tr["year"], tr["exporter_iso3"]]).isin(key)
    is_imp = pd.MultiIndex.from_arrays([tr["year"], tr["importer_iso3"]]).isin(key)
    world = _world_totals(tr, world_exports)
    x = tr[is_exp].assign(_extra=np.where(is_imp[is_exp], 0.0, tr.loc[is_exp, "value_usd"]))
    cap = (
        x.groupby(["year", "exporter_iso3", "hs6_code"], sort=True)
        .agg(exports_usd=("value_usd", "sum"), extra_exports_usd=("_extra", "sum"))
        .reset_index()
        .rename(columns={"exporter_iso3": "country_iso3"})
    )
    cap = cap.merge(world.reset_index(), on=["year", "hs6_code"], how="left")
    cap["share_pct"] = 100.0 * cap["exports_usd"] / cap.pop("_world")
    cap.insert(0, "bloc", bloc)
    cap["material"] = cap["hs6_code"].map(names)
    return cap


def _change(dep: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    rows = []
    a = dep[dep["year"] == start].set_index(["bloc", "material"])
    b = dep[dep["year"] == end].set_index(["bloc", "material"])
    for key in sorted(set(a.index) | set(b.index)):
        for m in _MEASURES:
            v0 = float(a.at[key, m]) if key in a.index and pd.notna(a.at[key, m]) else np.nan
            v1 = float(b.at[key, m]) if key in b.index and pd.notna(b.at[key, m]) else np.nan
            growth = 100.0 * (v1 / v0 - 1.0) if m.endswith("_usd") and v0 > 0 else np.nan
            rows.append((*key, m, start, end, v0, v1, v1 - v0, growth))
    out = pd.DataFrame(
        rows,
        columns=[
            "bloc",
            "material",
            "measure",
            "start_year",
            "end_year",
            "value_start",
            "value_end",
            "change",
            "growth_pct",
        ],
    )
    codes = dep.drop_duplicates("material").set_index("material")["hs6_code"]
    out.insert(1, "hs6_code", out["material"].map(codes))
    return out


def bloc_materials(
    trade: pd.DataFrame,
    *,
    blocs: Sequence[str] = DEFAULT_BLOCS,
    materials: pd.DataFrame | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    world_exports: pd.DataFrame | None = None,
) -> MaterialsResult:
    r"""Blocs' dependence on outside suppliers of critical materials and members' capacity.

    For bloc :math:`B` (members of year :math:`t`) and material :math:`k`:

    .. math::

        \mathrm{extra\_share}_{k,t} = 100\,\frac{\sum_{c \in B}\sum_{s \notin B} M_{s \to c,k}}
                                                 {\sum_{c \in B}\sum_{s} M_{s \to c,k}},\quad
        \mathrm{hhi}_{k,t} = \sum_{s \notin B} \Big(\frac{M_{s \to B,k}}{M^{ext}_{B,k}}\Big)^2,
        \quad \mathrm{ratio}_{k,t} = M^{ext}_{B,k} / X^{ext}_{B,k}

    where :math:`X^{ext}` are members' exports outside the bloc. Each member's
    ``share_pct`` of world exports is :math:`100\,X_{c,k} / \sum_j X_{j,k}`. The
    ``TOTAL`` row sums over the listed materials (its HHI is over suppliers of all of them).

    Parameters
    ----------
    trade
        Canonical trade frame of all country pairs (mixed ``flow_basis`` accepted where the
        analyses accept it); only the listed materials' codes are used.
    blocs
        Blocs of :data:`coopstats.columns.BLOCS`.
    materials
        The list (:func:`critical_materials`, the default).
    start_year, end_year
        Years of the change table; default the first and last year of the data.
    as_of
        Which day of the year decides membership.
    world_exports
        Exports of every country per year and product (``year, hs6_code, value_usd``, e.g.
        the processed ``exports_by_country`` table of the same dataset), the denominator of
        ``share_pct``. ``None``: the sum of ``trade``, right only when ``trade`` holds all
        country pairs (the processed trade table holds the members' flows only).

    Returns
    -------
    MaterialsResult
        ``dependence``: ``year, bloc, imports_usd, intra_imports_usd, extra_imports_usd,
        intra_share_pct, extra_share_pct, n_suppliers, hhi, hhi_points, top_supplier_iso3,
        top_supplier_share_pct, extra_exports_usd, import_export_ratio, mirror_share_pct,
        hs6_code, material, material_ru``; ``capacity``: ``bloc, year, country_iso3, hs6_code,
        exports_usd, extra_exports_usd, share_pct, material``; ``change``: ``bloc,
        hs6_code, material, measure, start_year, end_year, value_start, value_end, change,
        growth_pct``. ``material_ru`` names the material in Russian.

    Raises
    ------
    InvalidParameterError
        Unknown bloc, no flow of a listed material, a change year without data.
    """
    _require_materials_trade(trade)
    blocs = [blocs] if isinstance(blocs, str) else list(blocs)
    for b in blocs:
        if b not in BLOCS:
            raise InvalidParameterError("blocs", b, list(BLOCS))
    mats = critical_materials() if materials is None else materials
    codes = set(mats["hs6_code"].astype(str))
    tr = trade[trade["hs6_code"].astype(str).isin(codes)]
    if tr.empty:
        raise InvalidParameterError(
            "trade",
            "no flow of a listed material",
            f"flows of {sorted(codes)[:5]}...",
            why="the frame holds none of the listed HS6 codes (check the HS revision)",
        )
    years = sorted(int(y) for y in tr["year"].unique())
    start = years[0] if start_year is None else int(start_year)
    end = years[-1] if end_year is None else int(end_year)
    for name, y in (("start_year", start), ("end_year", end)):
        if y not in years:
            raise InvalidParameterError(name, y, f"a year with data: {years}")
    names = dict(zip(mats["hs6_code"].astype(str), mats["material"], strict=True))
    names_ru = dict(zip(mats["hs6_code"].astype(str), mats["material_ru"], strict=True))
    smap = pd.DataFrame({"hs6_code": sorted(codes), "sector": sorted(codes)})
    dep = pd.concat(
        [_dependence(tr, b, smap, names, names_ru, as_of) for b in blocs], ignore_index=True
    )
    cap = pd.concat(
        [_capacity(tr, b, names, as_of, world_exports) for b in blocs], ignore_index=True
    )
    params = {
        "blocs": blocs,
        "start_year": start,
        "end_year": end,
        "years": years,
        "n_materials": len(codes),
        "datasets": sorted(map(str, tr["dataset"].unique())) if "dataset" in tr.columns else [],
    }
    return MaterialsResult(dep, cap, _change(dep, start, end), params)


def _pct(x: float, language: str) -> str:
    text = f"{x:.1f}"
    return text.replace(".", ",") if language == "ru" else text


def _usd(x: float, language: str) -> str:
    for scale, en, ru in ((1e9, "bn", "млрд"), (1e6, "m", "млн"), (1e3, "k", "тыс.")):
        if abs(x) >= scale:
            v = f"{x / scale:,.1f}"
            return f"${v} {en}" if language == "en" else f"{v.replace('.', ',')} {ru} долл."
    return f"${x:,.0f}" if language == "en" else f"{x:.0f} долл."


def materials_statement(
    result: MaterialsResult,
    *,
    bloc: str,
    top: int = 3,
    dependent_share_pct: float = 90.0,
    hhi_threshold: float = 0.4,
    language: str = "en",
) -> str:
    """Short computed summary of one bloc's position in the listed materials.

    States the bloc's imports of the listed materials in the end year, the share from
    outside the bloc and its change since the start year, the largest outside supplier,
    the outside suppliers' HHI, members' exports outside the bloc against outside imports,
    the number of materials with an outside share of at least ``dependent_share_pct`` and
    a supplier HHI above ``hhi_threshold`` (EC criterion 1), and the ``top`` largest of them.

    Parameters
    ----------
    result
        :func:`bloc_materials` result.
    bloc
        One of ``result.params["blocs"]``.
    top, dependent_share_pct, hhi_threshold
        How many products to name and what counts as dependent.
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        One paragraph of Markdown.
    """
    if language not in ("en", "ru"):
        raise InvalidParameterError("language", language, ["en", "ru"])
    if bloc not in result.params["blocs"]:
        raise InvalidParameterError("bloc", bloc, result.params["blocs"])
    s, e = result.params["start_year"], result.params["end_year"]
    d = result.dependence[result.dependence["bloc"] == bloc]
    tot = d[d["material"] == TOTAL].set_index("year")
    if e not in tot.index:
        return (
            f"No {bloc} imports of the listed materials in {e}."
            if language == "en"
            else f"Импорта перечисленных материалов в {bloc} в {e} г. нет."
        )
    r1 = tot.loc[e]
    r0 = tot.loc[s] if s in tot.index else None
    per = d[(d["year"] == e) & (d["material"] != TOTAL)]
    dep = per[(per["extra_share_pct"] >= dependent_share_pct) & (per["hhi"] > hhi_threshold)]
    dep = dep.sort_values(["extra_imports_usd", "material"], ascending=[False, True])
    label = "material" if language == "en" else "material_ru"
    named = [
        f"{m} ({sup} {_pct(sh, language)} %)"
        for m, sup, sh in zip(
            dep[label].head(top),
            dep["top_supplier_iso3"].head(top),
            dep["top_supplier_share_pct"].head(top),
            strict=True,
        )
    ]
    ratio = r1["extra_exports_usd"] / r1["extra_imports_usd"] if r1["extra_imports_usd"] else np.nan
    if language == "en":
        text = (
            f"In {e} the {bloc} members imported {_usd(r1['imports_usd'], 'en')} of the "
            f"{result.params['n_materials']} listed materials, "
            f"{_pct(r1['extra_share_pct'], 'en')} % of it from outside the bloc"
        )
        if r0 is not None and s != e:
            text += f" ({_pct(r0['extra_share_pct'], 'en')} % in {s})"
        text += (
            f". The largest outside supplier was {r1['top_supplier_iso3']} with "
            f"{_pct(r1['top_supplier_share_pct'], 'en')} % (HHI of outside suppliers "
            f"{r1['hhi']:.2f}). Members exported {_usd(r1['extra_exports_usd'], 'en')} of these "
            f"materials outside the bloc, {ratio:.2f} times their outside imports. "
            f"{len(dep)} of {len(per)} imported materials came at least "
            f"{dependent_share_pct:.0f} % from outside with concentrated suppliers "
            f"(HHI > {hhi_threshold})"
        )
        text += f"; the largest: {', '.join(named)}." if named else "."
        return text
    ratio_ru = f"{ratio:.2f}".replace(".", ",")
    hhi_ru = f"{r1['hhi']:.2f}".replace(".", ",")
    thr_ru = str(hhi_threshold).replace(".", ",")
    text = (
        f"В {e} г. страны {bloc} импортировали {result.params['n_materials']} перечисленных "
        f"материалов на {_usd(r1['imports_usd'], 'ru')}, из них "
        f"{_pct(r1['extra_share_pct'], 'ru')} % — из-за пределов блока"
    )
    if r0 is not None and s != e:
        text += f" ({_pct(r0['extra_share_pct'], 'ru')} % в {s} г.)"
    text += (
        f". Крупнейший внешний поставщик — {r1['top_supplier_iso3']} "
        f"({_pct(r1['top_supplier_share_pct'], 'ru')} %; ИХХ внешних поставщиков {hhi_ru}). "
        f"Экспорт этих материалов странами блока за его пределы — "
        f"{_usd(r1['extra_exports_usd'], 'ru')}, в {ratio_ru} раза больше внешнего импорта. "
        f"{len(dep)} из {len(per)} импортируемых материалов не менее чем на "
        f"{dependent_share_pct:.0f} % поступали извне от концентрированных поставщиков "
        f"(ИХХ > {thr_ru})"
    )
    text += f"; крупнейшие: {', '.join(named)}." if named else "."
    return text
