"""Sector priority: specialisation, complementarity, complexity and composite scores.

Where to start
--------------
Country–product measures take an *exports* frame: ``year, exporter_iso3`` (or
``country_iso3``), ``hs6_code, value_usd`` — ``data/processed/exports_by_country.parquet``
(every country's exports to the world). A bilateral trade frame also works: it is summed
over ``importer_iso3`` first, so measures are then relative to the flows in that frame.

=================================  ==========================================================
function                           what it measures
=================================  ==========================================================
:func:`rca`                        Balassa RCA, symmetric RCA, presence ``mcp``
:func:`complexity`                 ECI / PCI, Growth Lab eigenvector or OEC reflections
:func:`trade_complementarity`      how well j's exports match k's imports (WITS TC, 0–100)
:func:`export_similarity`          Finger–Kreinin overlap of two export baskets (0–100)
:func:`grubel_lloyd`               intra-industry trade index (0–1), product or aggregate
:func:`sector_indicators`          per-sector indicator panel (intra-bloc share, CAGR, HHI,
                                   dependent share) that a composite ranks
:func:`priority_scores`            weighted composite of sector indicators, ranked
:func:`rank_stability`             how often each sector stays in the top k under random
                                   weights (Dirichlet, explicit seed)
=================================  ==========================================================

Complexity conventions (stated in every :class:`ComplexityResult`)
-----------------------------------------------------------------
``method="eigenvector"`` reproduces the Harvard Growth Lab's ``py-ecomplexity`` / Stata
``ecomplexity``: ECI from the eigenvector of the second-largest eigenvalue, sign chosen so
ECI correlates positively with diversity, standardised with the population sd; PCI is
standardised with **ECI's** mean and sd (so ECI = mean PCI of a country's products up to
scale). The eigenproblem is solved on the small country side (a symmetric C × C matrix)
and PCI is derived from it, which gives the same vectors as the product side and is much
faster. ``method="reflections"`` reproduces the OEC / Datawheel ``economic-complexity``
method of reflections (20 reflections by default, no sign flip, ECI and PCI each
standardised with their own mean and sample sd). The two differ in scale and, on small
panels, in order.

References
----------
Balassa (1965); Laursen (1998/2015) for symmetric RCA; Hidalgo & Hausmann (2009) PNAS 106:
10570; Hausmann et al. (2014) *The Atlas of Economic Complexity*; Finger & Kreinin (1979)
*Econ. J.* 89: 905; Michaely (1996) and WITS "Trade Indicators" for complementarity;
Grubel & Lloyd (1975); Saisana, Saltelli & Tarantola (2005) for weight-sensitivity analysis.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .checks import (
    require_columns,
    require_flow_bases,
    require_no_nan,
    require_nonnegative,
    require_single_basis,
    require_trade,
    require_unique,
    sector_pairs,
    validate_literal,
)
from .errors import CoopstatsWarning, InvalidParameterError

__all__ = [
    "rca",
    "ComplexityResult",
    "complexity",
    "trade_complementarity",
    "export_similarity",
    "grubel_lloyd",
    "priority_scores",
    "rank_stability",
    "CONVENTIONS",
    "ATLAS_FILTERS",
    "MIN_RANK_AGREEMENT",
    "MIN_EIGEN_GAP_REL",
    "INDICATORS",
    "BASIS_LABELS",
    "indicator_table",
    "score_contributions",
    "SECTOR_INDICATORS",
    "SectorIndicators",
    "sector_indicators",
]

logger = logging.getLogger(__name__)

#: Atlas/OEC-style country and product filters for ECI rankings (pass as ``**ATLAS_FILTERS``):
#: countries with population >= 1 M and exports >= USD 1 bn, products with world trade
#: >= USD 500 M -- the thresholds the OEC states for its ECI rankings
#: (oec.world/en/rankings/eci/hs4/hs92) and the Growth Lab's Atlas of Economic Complexity
#: applies to its "reliable" country set (Hausmann et al. 2014; py-ecomplexity #8, PR #37).
ATLAS_FILTERS = {"min_population": 1e6, "min_exports_usd": 1e9, "min_product_trade_usd": 5e8}

#: ECI ranks are flagged unstable below this rank agreement of the two conventions ...
MIN_RANK_AGREEMENT = 0.9
#: ... or below this relative gap (lambda_2 - lambda_3) / lambda_2 of the eigenvalues.
MIN_EIGEN_GAP_REL = 0.1

#: Declared priority indicators: what each measures (``kind``: ``need`` for the bloc's need to
#: build or secure supply, ``capacity`` for the base the bloc already has) and which way it
#: points (``higher_is``: ``more`` or ``less`` of that kind). A composite ranks one kind.
INDICATORS = {
    "intra_bloc_share_pct": {
        "kind": "capacity",
        "higher_is": "more",
        "en": "share of the members' imports bought from other members (existing intra-bloc "
        "supply)",
        "ru": "доля импорта членов, закупаемого у других членов (имеющиеся поставки внутри блока)",
    },
    "intra_bloc_cagr_pct": {
        "kind": "capacity",
        "higher_is": "more",
        "en": "compound annual growth of intra-bloc imports (momentum of intra-bloc supply)",
        "ru": "среднегодовой рост импорта внутри блока (динамика поставок внутри блока)",
    },
    "members_with_rca": {
        "kind": "capacity",
        "higher_is": "more",
        "en": "member-product pairs with RCA >= 1 in the sector (export competence)",
        "ru": "пары член-товар с RCA >= 1 в отрасли (экспортная компетенция)",
    },
    "extra_bloc_share_pct": {
        "kind": "need",
        "higher_is": "more",
        "en": "share of the members' imports bought outside the bloc (100 - intra-bloc share)",
        "ru": "доля импорта членов, закупаемого вне блока (100 - доля внутри блока)",
    },
    "extra_bloc_hhi": {
        "kind": "need",
        "higher_is": "more",
        "en": "concentration (HHI) of the suppliers outside the bloc (exposure)",
        "ru": "концентрация (HHI) поставщиков вне блока (уязвимость)",
    },
    "dependent_share_pct": {
        "kind": "need",
        "higher_is": "more",
        "en": "share of extra-bloc imports in products meeting the EC dependency criteria",
        "ru": "доля внешнего импорта в товарах, отвечающих критериям зависимости ЕК",
    },
}

#: What a composite of each kind ranks, in words.
BASIS_LABELS = {
    "capacity": {"en": "capacity-based priority", "ru": "приоритет по имеющемуся потенциалу"},
    "need": {"en": "need-based priority", "ru": "приоритет по потребности"},
    "unclassified": {
        "en": "composite of unclassified indicators (directions given by the caller)",
        "ru": "композит неклассифицированных показателей (направления задал пользователь)",
    },
}


#: Names of the complexity conventions, as stated in results.
CONVENTIONS = {
    "eigenvector": (
        "Growth Lab eigenvector (py-ecomplexity / Stata ecomplexity): ECI = standardised "
        "eigenvector of the 2nd-largest eigenvalue (sign: positive correlation with "
        "diversity; population sd); PCI standardised with ECI's mean and sd"
    ),
    "reflections": (
        "OEC method of reflections (Datawheel economic-complexity): {iterations} reflections, "
        "no sign flip; ECI and PCI each standardised with their own mean and sample sd"
    ),
}


# ---------------------------------------------------------------------------------------
# country x product matrices
# ---------------------------------------------------------------------------------------


def _exports_long(exports: pd.DataFrame, *, name: str = "exports") -> pd.DataFrame:
    """Validate an exports frame and return ``year, country_iso3, hs6_code, value_usd``."""
    if not isinstance(exports, pd.DataFrame):
        raise InvalidParameterError(name, type(exports).__name__, "a pandas DataFrame")
    who = "exporter_iso3" if "exporter_iso3" in exports.columns else "country_iso3"
    cols = ["year", who, "hs6_code", "value_usd"]
    require_columns(exports, cols, name=name)
    require_no_nan(exports, cols, name=name)
    require_nonnegative(exports, "value_usd", name=name)
    require_flow_bases(exports, name=name)  # reported, mirror and reconciled rows may mix
    key = [*cols[:3], "importer_iso3"] if "importer_iso3" in exports.columns else cols[:3]
    require_unique(exports, key, name=name)
    if exports.empty:
        raise InvalidParameterError(name, "an empty frame", "an exports frame with rows")
    x = exports[cols].rename(columns={who: "country_iso3"})
    if "importer_iso3" in exports.columns:
        x = (
            x.groupby(["year", "country_iso3", "hs6_code"], sort=True)["value_usd"]
            .sum()
            .reset_index()
        )
    return x.astype({"year": "int64"})


def _matrix(xy: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense country × product matrix of one year; zero rows/columns are dropped."""
    tot_c = xy.groupby("country_iso3")["value_usd"].sum()
    tot_p = xy.groupby("hs6_code")["value_usd"].sum()
    countries = np.array(sorted(tot_c.index[tot_c > 0]))
    products = np.array(sorted(tot_p.index[tot_p > 0]))
    dropped = len(tot_c) - len(countries), len(tot_p) - len(products)
    if any(dropped):
        logger.info("dropped %d countries and %d products with zero total exports", *dropped)
    xy = xy[xy["country_iso3"].isin(countries) & xy["hs6_code"].isin(products)]
    ci = pd.Categorical(xy["country_iso3"], categories=countries).codes
    pi = pd.Categorical(xy["hs6_code"], categories=products).codes
    mat = np.zeros((len(countries), len(products)))
    mat[ci, pi] = xy["value_usd"].to_numpy(float)
    return countries, products, mat


def _rca_matrix(mat: np.ndarray) -> np.ndarray:
    # same order of operations as py-ecomplexity so results agree to the last bits
    num = mat / mat.sum(axis=1)[:, None]
    loc_total = mat.sum(axis=0)[None, :]
    den = loc_total / loc_total.sum()
    return num / den


def _validate_threshold(threshold: float) -> float:
    ok = isinstance(threshold, (int, float, np.integer, np.floating)) and not isinstance(
        threshold, bool
    )
    if not ok or not np.isfinite(threshold) or threshold <= 0:
        raise InvalidParameterError(
            "threshold", threshold, "a finite number > 0 (Balassa cut-off: 1)"
        )
    return float(threshold)


def _cp_frame(year, countries, products, mat, r, mcp) -> pd.DataFrame:
    nc, npr = mat.shape
    return pd.DataFrame(
        {
            "year": np.full(nc * npr, year, dtype="int64"),
            "country_iso3": np.repeat(countries, npr),
            "hs6_code": np.tile(products, nc),
            "value_usd": mat.ravel(),
            "rca": r.ravel(),
            "rca_sym": ((r - 1.0) / (r + 1.0)).ravel(),
            "mcp": mcp.ravel().astype("int64"),
        }
    )


def rca(exports: pd.DataFrame, *, threshold: float = 1.0) -> pd.DataFrame:
    r"""Balassa revealed comparative advantage, its symmetric form and presence ``mcp``.

    .. math::

        RCA_{cp} = \frac{X_{cp} / \sum_{p'} X_{cp'}}{\sum_{c'} X_{c'p} / \sum_{c'p'} X_{c'p'}},
        \qquad RSCA_{cp} = \frac{RCA_{cp} - 1}{RCA_{cp} + 1}, \qquad
        M_{cp} = 1[RCA_{cp} \ge \text{threshold}]

    per year, over the full rectangle of countries and products with positive totals
    (a country–product pair absent from the tidy frame exported 0). Invariants: for each
    country, the mean of its RCAs weighted by world product shares is
    :math:`\sum_p (X_p/X)\,RCA_{cp} = 1`, and for each product
    :math:`\sum_c (X_c/X)\,RCA_{cp} = 1`.

    Parameters
    ----------
    exports
        ``year, exporter_iso3`` (or ``country_iso3``), ``hs6_code, value_usd``.
    threshold
        RCA cut-off for ``mcp`` (Balassa: 1).

    Returns
    -------
    pandas.DataFrame
        ``year, country_iso3, hs6_code, value_usd, rca, rca_sym, mcp``, sorted by year,
        country, product.

    Raises
    ------
    InvalidParameterError
        Missing columns or values, duplicates, negative values, bad threshold.

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. *The
    Manchester School*, 33(2), 99–123. Laursen, K. (2015). Revealed comparative advantage and
    the alternatives as measures of international specialization. *Eurasian Business Review*,
    5, 99–115.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"year": 2020, "exporter_iso3": ["A", "A", "B"],
    ...                   "hs6_code": ["000001", "000002", "000002"], "value_usd": [1.0, 1.0, 2.0]})
    >>> rca(x)["rca"].round(6).tolist()
    [2.0, 0.666667, 0.0, 1.333333]
    """
    threshold = _validate_threshold(threshold)
    x = _exports_long(exports)
    parts = []
    for year, xy in x.groupby("year", sort=True):
        countries, products, mat = _matrix(xy)
        r = _rca_matrix(mat)
        parts.append(_cp_frame(year, countries, products, mat, r, r >= threshold))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------
# complexity
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplexityResult:
    """ECI/PCI with diversity, ubiquity and RCA (see :func:`complexity`).

    Attributes
    ----------
    country : pandas.DataFrame
        ``year, country_iso3, diversity, eci``.
    product : pandas.DataFrame
        ``year, hs6_code, ubiquity, pci``.
    country_product : pandas.DataFrame
        ``year, country_iso3, hs6_code, value_usd, rca, rca_sym, mcp``.
    method : str
        ``"eigenvector"`` or ``"reflections"``.
    convention : str
        The convention in words (scale, sign, normalisation).
    params : dict
        ``threshold``, ``iterations`` and the filters applied.
    diagnostics : pandas.DataFrame
        One row per year: ``year, n_countries, n_products, eigenvalue_2, eigenvalue_3,
        eigen_gap_rel`` (lambda_2 - lambda_3) / lambda_2,
        ``eci_rank_agreement`` (Spearman correlation of the eigenvector and reflections
        ECI on the same countries), ``is_eci_unstable``.
    excluded : pandas.DataFrame
        ``year, level`` (``country`` | ``product``), ``code``, ``reason``, ``value``: every
        country or product left out of the ECI/PCI (zero exports, below a filter, zero
        diversity or ubiquity), never dropped silently.
    """

    country: pd.DataFrame
    product: pd.DataFrame
    country_product: pd.DataFrame
    method: str
    convention: str
    params: dict = field(default_factory=dict)
    diagnostics: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def is_unstable(self) -> bool:
        """True when ECI ranks are unstable in any year (see ``diagnostics``)."""
        d = self.diagnostics
        return bool(len(d) and d["is_eci_unstable"].any())

    def stability_note(self, language: str = "en") -> str:
        """One paragraph on the reliability of the ECI ranking, computed from ``diagnostics``.

        Parameters
        ----------
        language
            ``"en"`` or ``"ru"``.

        Returns
        -------
        str
            Eigen-gap, agreement of the two conventions and the verdict for the latest year,
            and how many countries and products were excluded and why.
        """
        validate_literal("language", language, ("en", "ru"))
        d = self.diagnostics.sort_values("year").iloc[-1]
        ex = self.excluded[self.excluded["year"] == d["year"]] if len(self.excluded) else None
        counts = (
            ex.groupby(["level", "reason"]).size().to_dict() if ex is not None and len(ex) else {}
        )
        if language == "en":
            parts = [
                f"ECI {int(d['year'])}: {int(d['n_countries'])} countries and "
                f"{int(d['n_products'])} products; 2nd and 3rd eigenvalues "
                f"{d['eigenvalue_2']:.3f} and {d['eigenvalue_3']:.3f} (relative gap "
                f"{d['eigen_gap_rel']:.2f}); rank correlation of the Growth Lab and OEC "
                f"conventions {d['eci_rank_agreement']:.2f}."
            ]
            parts.append(
                "The ranking is UNSTABLE: the two conventions disagree or the eigen-gap is "
                "small, so ranks should not be read one by one."
                if d["is_eci_unstable"]
                else "The ranking is stable by both checks."
            )
            if counts:
                parts.append(
                    "Excluded: "
                    + "; ".join(
                        f"{n} {lv}(s): {r.replace('_', ' ')}" for (lv, r), n in counts.items()
                    )
                    + "."
                )
        else:
            parts = [
                f"ИЭС {int(d['year'])}: стран {int(d['n_countries'])}, товаров "
                f"{int(d['n_products'])}; 2-е и 3-е собственные значения "
                f"{d['eigenvalue_2']:.3f} и {d['eigenvalue_3']:.3f} (относительный разрыв "
                f"{d['eigen_gap_rel']:.2f}); ранговая корреляция конвенций Growth Lab и OEC "
                f"{d['eci_rank_agreement']:.2f}."
            ]
            parts.append(
                "Рейтинг НЕУСТОЙЧИВ: конвенции расходятся или разрыв собственных значений мал, "
                "отдельные места читать нельзя."
                if d["is_eci_unstable"]
                else "Рейтинг устойчив по обеим проверкам."
            )
            if counts:
                lv_ru = {"country": "стран", "product": "товаров"}
                parts.append(
                    "Исключено: "
                    + "; ".join(
                        f"{lv_ru.get(lv, lv)} {n}: {r.replace('_', ' ')}"
                        for (lv, r), n in counts.items()
                    )
                    + "."
                )
        return " ".join(parts)

    def tidy(self) -> pd.DataFrame:
        """Country and product indices in one long frame.

        Columns ``level`` (``country`` | ``product``), ``year``, ``code`` (ISO3 or HS6),
        ``degree`` (diversity or ubiquity), ``complexity`` (ECI or PCI), ``method``.
        """
        c = self.country.rename(
            columns={"country_iso3": "code", "diversity": "degree", "eci": "complexity"}
        )
        p = self.product.rename(
            columns={"hs6_code": "code", "ubiquity": "degree", "pci": "complexity"}
        )
        out = pd.concat([c.assign(level="country"), p.assign(level="product")], ignore_index=True)
        return out[["level", "year", "code", "degree", "complexity"]].assign(method=self.method)

    def summary(self, n: int = 10) -> pd.DataFrame:
        """Return the ``n`` highest-ECI countries of the latest year, with the convention named.

        Returns
        -------
        pandas.DataFrame
            ``year, country_iso3, diversity, eci, method``.
        """
        last = self.country[self.country["year"] == self.country["year"].max()]
        top = last.sort_values(["eci", "country_iso3"], ascending=[False, True]).head(n)
        return top.assign(method=self.method).reset_index(drop=True)


def _eci_eigenvector(mcp: np.ndarray, diversity: np.ndarray, ubiquity: np.ndarray):
    """Growth Lab ECI/PCI via the symmetric country-side eigenproblem.

    M̃_cc = D_c⁻¹ M D_p⁻¹ Mᵀ is similar to S = D_c^{-1/2} M D_p⁻¹ Mᵀ D_c^{-1/2} (symmetric),
    so k_c = D_c^{-1/2} v for the eigenvector v of S's 2nd-largest eigenvalue λ, and the
    product-side eigenvector of M̃_pp = D_p⁻¹ Mᵀ D_c⁻¹ M with the same λ is
    k_p = D_p⁻¹ Mᵀ k_c / λ (then k_c = D_c⁻¹ M k_p exactly, as py-ecomplexity defines it).
    """
    a = mcp / np.sqrt(diversity)[:, None] / np.sqrt(ubiquity)[None, :]
    s = a @ a.T
    vals, vecs = np.linalg.eigh(s)  # ascending
    lam = vals[-2]
    if np.isclose(vals[-1], vals[-2], rtol=1e-10, atol=1e-12):
        warnings.warn(
            "the country-product network is disconnected (eigenvalue 1 is repeated); "
            "ECI separates the components rather than ranking complexity",
            CoopstatsWarning,
            stacklevel=3,
        )
    elif len(vals) > 2 and np.isclose(vals[-2], vals[-3], rtol=1e-10, atol=1e-12):
        warnings.warn(
            "the 2nd and 3rd eigenvalues coincide; ECI is not uniquely defined",
            CoopstatsWarning,
            stacklevel=3,
        )
    kc = vecs[:, -2] / np.sqrt(diversity)
    kp = (mcp.T @ kc) / ubiquity / lam
    with np.errstate(invalid="ignore", divide="ignore"):  # constant diversity -> no sign info
        sign = np.sign(np.corrcoef(diversity, kc)[0, 1])
    if sign == 0 or np.isnan(sign):
        sign = 1.0
    kc, kp = sign * kc, sign * kp
    mu, sd = kc.mean(), kc.std()
    return (kc - mu) / sd, (kp - mu) / sd


def _eci_reflections(mcp: np.ndarray, diversity: np.ndarray, ubiquity: np.ndarray, iterations: int):
    """OEC / Datawheel method of reflections, same loop and normalisation."""
    kc, kp = diversity.astype(float), ubiquity.astype(float)
    for i in range(1, iterations):
        kc_prev, kp_prev = kc, kp
        kp = (mcp.T @ kc_prev) / ubiquity
        if i < iterations - 1:
            kc = (mcp @ kp_prev) / diversity
    eci = (kc - kc.mean()) / kc.std(ddof=1)
    pci = (kp - kp.mean()) / kp.std(ddof=1)
    return eci, pci


def _population(population: pd.DataFrame | None) -> pd.DataFrame:
    if population is None:
        raise InvalidParameterError(
            "population",
            None,
            "a frame country_iso3, year, value (e.g. WDI SP.POP.TOTL)",
            why="min_population is set",
        )
    require_columns(population, ("country_iso3", "year", "value"), name="population")
    require_no_nan(population, ("country_iso3", "year", "value"), name="population")
    if "indicator" in population.columns:
        require_single_basis(population, name="population", columns=("indicator",))
    require_unique(population, ("country_iso3", "year"), name="population")
    return population[["country_iso3", "year", "value"]].astype({"year": "int64"})


def _apply_filters(year, xy, pop, *, min_exports_usd, min_product_trade_usd, min_population):
    """Drop countries/products of one year below the filters; list every one dropped."""
    dropped = []
    tot_c = xy.groupby("country_iso3")["value_usd"].sum()
    tot_p = xy.groupby("hs6_code")["value_usd"].sum()
    for c, v in tot_c[tot_c <= 0].items():
        dropped.append((year, "country", c, "zero_exports", float(v)))
    for q, v in tot_p[tot_p <= 0].items():
        dropped.append((year, "product", q, "zero_trade", float(v)))
    drop_c = set(tot_c.index[tot_c <= 0])
    drop_p = set(tot_p.index[tot_p <= 0])
    if min_product_trade_usd is not None:
        low = tot_p[(tot_p > 0) & (tot_p < min_product_trade_usd)]
        dropped += [
            (year, "product", q, "product_trade_below_min", float(v)) for q, v in low.items()
        ]
        drop_p |= set(low.index)
    if min_exports_usd is not None:
        low = tot_c[(tot_c > 0) & (tot_c < min_exports_usd)]
        dropped += [(year, "country", c, "exports_below_min", float(v)) for c, v in low.items()]
        drop_c |= set(low.index)
    if min_population is not None:
        known = pop[pop["year"] <= year].sort_values("year").groupby("country_iso3")["value"].last()
        for c in tot_c.index[tot_c > 0]:
            if c in drop_c:
                continue
            if c not in known.index:
                dropped.append((year, "country", c, "population_missing", float("nan")))
                drop_c.add(c)
            elif known[c] < min_population:
                dropped.append((year, "country", c, "population_below_min", float(known[c])))
                drop_c.add(c)
    keep = ~xy["country_iso3"].isin(drop_c) & ~xy["hs6_code"].isin(drop_p)
    return xy[keep], dropped


def _diagnostics(year, m, div, ubi, eci, eci_other) -> dict:
    """Eigen-gap of the country matrix and agreement of the two ECI conventions."""
    a = m / np.sqrt(div)[:, None] / np.sqrt(ubi)[None, :]
    vals = np.linalg.eigvalsh(a @ a.T)[::-1]
    l2 = float(vals[1]) if len(vals) > 1 else float("nan")
    l3 = float(vals[2]) if len(vals) > 2 else float("nan")
    gap = (l2 - l3) / l2 if l2 > 0 else float("nan")
    ra = pd.Series(eci).rank().to_numpy()
    rb = pd.Series(eci_other).rank().to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        agree = float(np.corrcoef(ra, rb)[0, 1]) if len(ra) > 2 else float("nan")
    unstable = not (agree >= MIN_RANK_AGREEMENT and gap >= MIN_EIGEN_GAP_REL)
    return {
        "year": np.int64(year),
        "n_countries": int(m.shape[0]),
        "n_products": int(m.shape[1]),
        "eigenvalue_2": l2,
        "eigenvalue_3": l3,
        "eigen_gap_rel": gap,
        "eci_rank_agreement": agree,
        "is_eci_unstable": bool(unstable),
    }


def complexity(
    exports: pd.DataFrame,
    *,
    method: Literal["eigenvector", "reflections"] = "eigenvector",
    threshold: float = 1.0,
    iterations: int = 20,
    min_exports_usd: float | None = None,
    min_product_trade_usd: float | None = None,
    min_population: float | None = None,
    population: pd.DataFrame | None = None,
) -> ComplexityResult:
    r"""Economic and product complexity indices (ECI, PCI), convention named in the result.

    With :math:`M_{cp}` from :func:`rca`, diversity :math:`k_{c,0} = \sum_p M_{cp}` and
    ubiquity :math:`k_{p,0} = \sum_c M_{cp}`:

    *eigenvector* (Growth Lab, py-ecomplexity):

    .. math::

        \tilde M_{cc'} = \sum_p \frac{M_{cp} M_{c'p}}{k_{c,0}\,k_{p,0}}, \quad
        \tilde M k_c = \lambda_2 k_c, \quad
        k_p = \frac{1}{\lambda_2}\sum_c \frac{M_{cp}}{k_{p,0}} k_c

        ECI = \frac{k_c - \overline{k_c}}{\sigma(k_c)}, \qquad
        PCI = \frac{k_p - \overline{k_c}}{\sigma(k_c)}

    (population sd; sign so that corr(ECI, diversity) > 0).

    *reflections* (OEC): :math:`k_{c,N} = \sum_p M_{cp} k_{p,N-1}/k_{c,0}`,
    :math:`k_{p,N} = \sum_c M_{cp} k_{c,N-1}/k_{p,0}` iterated as in Datawheel's
    ``complexity(iterations=20)``; ECI and PCI standardised with their own mean and sample sd.

    Countries with zero diversity and products with zero ubiquity get ``NaN`` and are left
    out of the eigenproblem and of the normalisation (a :class:`CoopstatsWarning` says so).

    Parameters
    ----------
    exports
        ``year, exporter_iso3`` (or ``country_iso3``), ``hs6_code, value_usd``; each year is
        computed separately.
    method
        ``"eigenvector"`` or ``"reflections"``.
    threshold
        RCA cut-off for :math:`M_{cp}` (1).
    iterations
        Number of reflections (only for ``"reflections"``; >= 2).
    min_exports_usd, min_product_trade_usd, min_population
        Atlas-style filters applied per year before RCA (``None`` = not applied): countries
        with total exports below ``min_exports_usd`` or population below ``min_population``
        and products whose trade over all countries in the frame is below
        ``min_product_trade_usd`` are left out. Recommended values:
        :data:`ATLAS_FILTERS` (1 M people, USD 1 bn, USD 500 M).
    population
        ``country_iso3, year, value`` (e.g. WDI ``SP.POP.TOTL`` rows of the indicators
        frame); needed with ``min_population``. The latest year up to the ECI year is used;
        a country without any is excluded with reason ``population_missing``.

    Returns
    -------
    ComplexityResult
        ``country`` (``year, country_iso3, diversity, eci``), ``product`` (``year, hs6_code,
        ubiquity, pci``), ``country_product`` (as :func:`rca`), ``method``, ``convention``,
        ``diagnostics`` (eigen-gap, agreement of the two conventions, instability flag:
        agreement < :data:`MIN_RANK_AGREEMENT` or relative gap < :data:`MIN_EIGEN_GAP_REL`)
        and ``excluded`` (every country/product left out, with the reason).

    Raises
    ------
    InvalidParameterError
        Unknown method, bad threshold or iterations, fewer than 3 countries with presence.

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity.
    *PNAS*, 106(26), 10570–10575. Hausmann, R., Hidalgo, C. A., et al. (2014). *The Atlas of
    Economic Complexity*. MIT Press. py-ecomplexity 0.5.3 (``ecomplexity.calc_eci_pci``);
    Datawheel ``economic-complexity`` (``complexity``).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"year": 2020, "exporter_iso3": list("AAABBC"),
    ...     "hs6_code": ["000001", "000002", "000003", "000001", "000002", "000001"],
    ...     "value_usd": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]})
    >>> r = complexity(x, method="reflections", iterations=2)
    >>> r.country["eci"].round(4).tolist()
    [0.5774, 0.5774, -1.1547]
    """
    validate_literal("method", method, ("eigenvector", "reflections"))
    threshold = _validate_threshold(threshold)
    if (
        isinstance(iterations, bool)
        or not isinstance(iterations, (int, np.integer))
        or iterations < 2
    ):
        raise InvalidParameterError("iterations", iterations, "an integer >= 2")
    x = _exports_long(exports)
    limits = {
        "min_exports_usd": min_exports_usd,
        "min_product_trade_usd": min_product_trade_usd,
        "min_population": min_population,
    }
    for pname, lim in limits.items():
        if lim is not None and not (
            isinstance(lim, (int, float, np.integer, np.floating))
            and not isinstance(lim, bool)
            and np.isfinite(lim)
            and lim >= 0
        ):
            raise InvalidParameterError(pname, lim, "None or a finite number >= 0")
    pop = _population(population) if min_population is not None else None
    cps, cs, ps, diags, excl = [], [], [], [], []
    for year, xy in x.groupby("year", sort=True):
        xy, dropped = _apply_filters(int(year), xy, pop, **limits)
        excl.extend(dropped)
        countries, products, mat = _matrix(xy)
        r = _rca_matrix(mat)
        mcp = (r >= threshold).astype(float)
        cps.append(_cp_frame(year, countries, products, mat, r, mcp))
        div, ubi = mcp.sum(axis=1), mcp.sum(axis=0)
        okc, okp = div > 0, ubi > 0
        if (~okc).any() or (~okp).any():
            warnings.warn(
                f"year {year}: {int((~okc).sum())} countries with zero diversity and "
                f"{int((~okp).sum())} products with zero ubiquity get NaN ECI/PCI",
                CoopstatsWarning,
                stacklevel=2,
            )
        if okc.sum() < 3:
            raise InvalidParameterError(
                "exports",
                f"year {year}: {int(okc.sum())} countries with presence",
                "at least 3 countries with mcp = 1 somewhere",
            )
        excl.extend((int(year), "country", c, "zero_diversity", 0.0) for c in countries[~okc])
        excl.extend((int(year), "product", q, "zero_ubiquity", 0.0) for q in products[~okp])
        m = mcp[okc][:, okp]
        if method == "eigenvector":
            e, p = _eci_eigenvector(m, div[okc], ubi[okp])
            with np.errstate(invalid="ignore", divide="ignore"):  # NaN: no agreement
                e_other = _eci_reflections(m, div[okc], ubi[okp], 20)[0]
        else:
            e, p = _eci_reflections(m, div[okc], ubi[okp], int(iterations))
            with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
                warnings.simplefilter("ignore", CoopstatsWarning)  # reported in diagnostics
                e_other = _eci_eigenvector(m, div[okc], ubi[okp])[0]
        diags.append(_diagnostics(int(year), m, div[okc], ubi[okp], e, e_other))
        eci = np.full(len(countries), np.nan)
        pci = np.full(len(products), np.nan)
        eci[okc], pci[okp] = e, p
        cs.append(
            pd.DataFrame(
                {
                    "year": np.int64(year),
                    "country_iso3": countries,
                    "diversity": div.astype("int64"),
                    "eci": eci,
                }
            )
        )
        ps.append(
            pd.DataFrame(
                {
                    "year": np.int64(year),
                    "hs6_code": products,
                    "ubiquity": ubi.astype("int64"),
                    "pci": pci,
                }
            )
        )
    conv = CONVENTIONS[method].format(iterations=int(iterations))
    return ComplexityResult(
        country=pd.concat(cs, ignore_index=True),
        product=pd.concat(ps, ignore_index=True),
        country_product=pd.concat(cps, ignore_index=True),
        method=method,
        convention=conv,
        params={
            "threshold": threshold,
            "iterations": int(iterations) if method == "reflections" else None,
            **limits,
        },
        diagnostics=pd.DataFrame(diags),
        excluded=pd.DataFrame(excl, columns=["year", "level", "code", "reason", "value"]),
    )


# ---------------------------------------------------------------------------------------
# bilateral structure indices (WITS)
# ---------------------------------------------------------------------------------------


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
        ISO3 codes (e.g. ``coopstats.geo.members_in_year("EAEU", 2023)``).

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
    x = _exports_long(exports)
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


# ---------------------------------------------------------------------------------------
# composite priority score and its stability
# ---------------------------------------------------------------------------------------


def _validate_weights(weights: Mapping[str, float], available: Sequence[str]) -> pd.Series:
    if not isinstance(weights, Mapping) or not weights:
        raise InvalidParameterError(
            "weights", weights, f"a mapping indicator -> weight over {list(available)}"
        )
    unknown = sorted(set(weights) - set(available))
    if unknown:
        raise InvalidParameterError(
            "weights", unknown, list(available), why="indicators not in the frame"
        )
    w = pd.Series(weights, dtype=float)
    if w.isna().any() or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise InvalidParameterError(
            "weights", dict(weights), "non-negative finite numbers with a positive total"
        )
    return w.sort_index()


def indicator_table(
    declarations: Mapping[str, Mapping[str, str]] | None = None, *, language: str = "en"
) -> pd.DataFrame:
    """Return the declared priority indicators as a table (for a page or a check).

    Parameters
    ----------
    declarations
        Extra declarations ``{name: {"kind": "need"|"capacity", "higher_is": "more"|"less",
        "en": ..., "ru": ...}}`` added to :data:`INDICATORS`.
    language
        Language of the ``description`` column, ``"en"`` or ``"ru"``.

    Returns
    -------
    pandas.DataFrame
        ``indicator, kind, higher_is, description``, sorted by kind and indicator.
    """
    validate_literal("language", language, ("en", "ru"))
    table = _declarations(declarations)
    rows = [
        (name, d["kind"], d["higher_is"], d.get(language, d.get("en", "")))
        for name, d in table.items()
    ]
    out = pd.DataFrame(rows, columns=["indicator", "kind", "higher_is", "description"])
    return out.sort_values(["kind", "indicator"], kind="mergesort").reset_index(drop=True)


def _declarations(declarations) -> dict:
    table = {k: dict(v) for k, v in INDICATORS.items()}
    for name, d in dict(declarations or {}).items():
        if not isinstance(d, Mapping):
            raise InvalidParameterError("declarations", {name: d}, "a mapping per indicator")
        validate_literal(f"declarations[{name!r}]['kind']", d.get("kind"), ("need", "capacity"))
        validate_literal(
            f"declarations[{name!r}]['higher_is']", d.get("higher_is"), ("more", "less")
        )
        table[name] = dict(d)
    return table


def _resolve_basis(w, direction, basis, declarations):
    """Directions of the weighted indicators from the declared table, and the basis."""
    table = _declarations(declarations)
    direction = dict(direction or {})
    bad = {k: v for k, v in direction.items() if v not in ("higher", "lower")}
    if bad:
        raise InvalidParameterError("direction", bad, ["higher", "lower"])
    unknown = sorted(set(direction) - set(w.index))
    if unknown:
        raise InvalidParameterError(
            "direction", unknown, list(w.index), why="not a weighted indicator"
        )
    declared_too = sorted(set(direction) & set(table))
    if declared_too:
        raise InvalidParameterError(
            "direction",
            declared_too,
            "directions only for indicators not in the declared table",
            why="a declared indicator's direction comes from coopstats.priority.INDICATORS",
        )
    kinds = {}
    for ind in w.index[w > 0]:
        if ind in table:
            kinds[ind] = table[ind]["kind"]
            direction[ind] = "higher" if table[ind]["higher_is"] == "more" else "lower"
        else:
            kinds[ind] = "unclassified"
    found = sorted(set(kinds.values()))
    if basis is not None:
        validate_literal("basis", basis, ("need", "capacity"))
        off = {i: k for i, k in kinds.items() if k != basis}
        if off:
            raise InvalidParameterError(
                "weights",
                off,
                f"only {basis} indicators for a {basis}-based priority",
                why="a composite ranks one thing; declare the indicators "
                "(coopstats.priority.INDICATORS or declarations=) or weight them 0",
            )
        return direction, basis
    if len(found) > 1:
        raise InvalidParameterError(
            "weights",
            kinds,
            "indicators of one kind (all need or all capacity)",
            why="a composite that mixes need and capacity ranks nothing in particular; "
            "compute a need-based and a capacity-based priority separately",
        )
    return direction, found[0]


def _standardised(
    indicators: pd.DataFrame,
    *,
    key: str,
    weights: Mapping[str, float],
    direction: Mapping[str, str] | None,
    method: str,
    basis: str | None = None,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
):
    validate_literal("method", method, ("zscore", "minmax", "rank"))
    require_columns(indicators, (key, "indicator", "value"), name="indicators")
    require_no_nan(indicators, (key, "indicator", "value"), name="indicators")
    require_unique(indicators, (key, "indicator"), name="indicators")
    w = _validate_weights(weights, sorted(indicators["indicator"].unique()))
    direction, basis = _resolve_basis(w, direction, basis, declarations)
    wide = indicators[indicators["indicator"].isin(w.index)].pivot(
        index=key, columns="indicator", values="value"
    )
    wide = wide.reindex(columns=w.index).sort_index()
    if wide.isna().any().any():
        miss = wide.isna().stack()
        raise InvalidParameterError(
            "indicators",
            f"missing values for {list(miss[miss].index[:10])}",
            f"every {key} with every weighted indicator",
        )
    if len(wide) < 2:
        raise InvalidParameterError(
            "indicators", f"{len(wide)} {key}(s)", f"at least two {key}s to rank"
        )
    if method == "zscore":
        sd = wide.std(ddof=0)
        z = (wide - wide.mean()) / sd.where(sd > 0)
    elif method == "minmax":
        rng = wide.max() - wide.min()
        z = (wide - wide.min()) / rng.where(rng > 0)
    else:
        z = wide.rank(pct=True, method="average")
    z = z.fillna(0.0)  # an indicator constant across all sectors cannot discriminate: 0
    for ind, d in direction.items():
        if d == "lower":
            z[ind] = -z[ind] if method == "zscore" else 1.0 - z[ind]
    return z, w, basis


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; ties broken by position (keys are sorted), per column."""
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(scores.shape[0])[:, None]
    np.put_along_axis(ranks, order, rows + 1, axis=0)
    return ranks


def priority_scores(
    indicators: pd.DataFrame,
    *,
    weights: Mapping[str, float],
    direction: Mapping[str, Literal["higher", "lower"]] | None = None,
    method: Literal["zscore", "minmax", "rank"] = "zscore",
    key: str = "sector",
    basis: Literal["need", "capacity"] | None = None,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    r"""Composite priority score of sectors (or products) from weighted indicators.

    .. math:: S_s = \frac{\sum_i w_i \, z_{is}}{\sum_i w_i}

    where :math:`z_{is}` is indicator *i* standardised across the keys: ``zscore``
    :math:`(v - \bar v)/\sigma` (population sd), ``minmax`` :math:`(v - \min)/(\max - \min)`
    or ``rank`` (percentile rank); indicators whose higher values mean *less* of what is
    ranked are reversed. An indicator constant across keys contributes 0.

    Every indicator declared in :data:`INDICATORS` (or ``declarations``) states its kind
    (``need`` or ``capacity``) and direction; a composite ranks one kind and says so
    (``basis``, ``ranks``): mixing need and capacity indicators is refused. Indicators not
    declared anywhere take their direction from ``direction`` and make an
    ``"unclassified"`` composite. :func:`score_contributions` splits each score into the
    indicators' contributions :math:`w_i z_{is} / \sum_i w_i`.

    Parameters
    ----------
    indicators
        Long frame ``key, indicator, value`` (e.g. ``sector, "rca_bloc", 1.3``).
    weights
        ``{indicator: weight}``, non-negative with a positive total (normalised here).
        Indicators not in ``weights`` are ignored.
    direction
        ``{indicator: "higher" | "lower"}`` for indicators *not* in the declared table;
        default ``"higher"``. Declared indicators take their direction from the table.
    method
        Standardisation: ``"zscore"``, ``"minmax"`` or ``"rank"``.
    key
        Column naming the ranked units (``sector``).
    basis
        ``"need"`` or ``"capacity"``: refuse weighted indicators of another kind. ``None``
        infers it from the weighted indicators (one kind required).
    declarations
        Extra indicator declarations, as in :func:`indicator_table`.

    Returns
    -------
    pandas.DataFrame
        ``key, score, rank`` (rank 1 = highest score; ties by key name), ``basis`` and
        ``ranks`` (what the score ranks, e.g. ``"capacity-based priority"``), sorted by rank.

    Raises
    ------
    InvalidParameterError
        Weights negative, empty or summing to 0; unknown indicators in ``weights`` or
        ``direction``; missing indicator values; fewer than two keys.

    References
    ----------
    OECD & JRC (2008). *Handbook on Constructing Composite Indicators*. OECD Publishing.

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"sector": ["uav", "uav", "optics", "optics"],
    ...                     "indicator": ["a", "b", "a", "b"], "value": [1.0, 0.0, 0.0, 1.0]})
    >>> priority_scores(ind, weights={"a": 3, "b": 1})[["sector", "score"]].values.tolist()
    [['uav', 0.5], ['optics', -0.5]]
    """
    z, w, basis = _standardised(
        indicators,
        key=key,
        weights=weights,
        direction=direction,
        method=method,
        basis=basis,
        declarations=declarations,
    )
    score = z.to_numpy() @ (w / w.sum()).to_numpy()
    rank = _ranks(score[:, None])[:, 0]
    out = pd.DataFrame({key: z.index.to_numpy(), "score": score, "rank": rank.astype("int64")})
    out["basis"] = basis
    out["ranks"] = BASIS_LABELS[basis]["en"]
    return out.sort_values("rank", kind="mergesort").reset_index(drop=True)


def score_contributions(
    indicators: pd.DataFrame,
    *,
    weights: Mapping[str, float],
    direction: Mapping[str, Literal["higher", "lower"]] | None = None,
    method: Literal["zscore", "minmax", "rank"] = "zscore",
    key: str = "sector",
    basis: Literal["need", "capacity"] | None = None,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    r"""Each key's composite score split into its indicators' contributions.

    .. math:: c_{is} = \frac{w_i z_{is}}{\sum_j w_j}, \qquad \sum_i c_{is} = S_s

    Parameters
    ----------
    indicators, weights, direction, method, key, basis, declarations
        As in :func:`priority_scores`.

    Returns
    -------
    pandas.DataFrame
        ``key, indicator, value`` (raw), ``standardised`` (:math:`z_{is}`, already
        reversed where higher means less), ``weight`` (normalised :math:`w_i/\sum w`),
        ``contribution`` (:math:`c_{is}`), ``share_of_abs_pct`` (100 :math:`|c_{is}| /
        \sum_i |c_{is}|`: how much of the score one indicator drives), ``basis``; sorted by
        key and indicator.

    Raises
    ------
    InvalidParameterError
        As :func:`priority_scores`.

    References
    ----------
    OECD & JRC (2008). *Handbook on Constructing Composite Indicators*, step 8
    (decomposition of composite scores).

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"sector": ["uav", "uav", "optics", "optics"],
    ...     "indicator": ["extra_bloc_hhi", "dependent_share_pct"] * 2,
    ...     "value": [0.8, 10.0, 0.2, 30.0]})
    >>> c = score_contributions(ind, weights={"extra_bloc_hhi": 1, "dependent_share_pct": 1})
    >>> c.groupby("sector")["contribution"].sum().round(6).to_dict()
    {'optics': 0.0, 'uav': 0.0}
    """
    z, w, basis = _standardised(
        indicators,
        key=key,
        weights=weights,
        direction=direction,
        method=method,
        basis=basis,
        declarations=declarations,
    )
    wn = w / w.sum()
    z = z.rename_axis(index=key, columns="indicator")
    contrib = z * wn
    long = contrib.stack().rename("contribution").reset_index()
    long = long.merge(
        z.stack().rename("standardised").reset_index(), on=[key, "indicator"], validate="1:1"
    )
    raw = indicators[[key, "indicator", "value"]]
    long = long.merge(raw, on=[key, "indicator"], how="left", validate="1:1")
    long["weight"] = long["indicator"].map(wn)
    tot = long.groupby(key)["contribution"].transform(lambda c: c.abs().sum())
    long["share_of_abs_pct"] = (100.0 * long["contribution"].abs() / tot.where(tot > 0)).fillna(0.0)
    long["basis"] = basis
    cols = [key, "indicator", "value", "standardised", "weight", "contribution"]
    return (
        long[[*cols, "share_of_abs_pct", "basis"]]
        .sort_values([key, "indicator"], kind="mergesort")
        .reset_index(drop=True)
    )


def rank_stability(
    indicators: pd.DataFrame,
    *,
    weights: Mapping[str, float],
    seed: int,
    top_k: int = 3,
    n_draws: int = 1000,
    concentration: float = 20.0,
    direction: Mapping[str, Literal["higher", "lower"]] | None = None,
    method: Literal["zscore", "minmax", "rank"] = "zscore",
    key: str = "sector",
    basis: Literal["need", "capacity"] | None = None,
    declarations: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    r"""Rank stability of the composite score under random perturbation of the weights.

    Draws :math:`w^{(r)} \sim \mathrm{Dirichlet}(\kappa\, w / \sum w)` for
    :math:`r = 1..R` (``concentration`` :math:`\kappa`: larger = closer to the chosen
    weights; indicators with weight 0 stay 0), recomputes :func:`priority_scores` for each
    draw and reports how often each key is in the top *k*:

    .. math:: \mathrm{top\_k\_pct}_s = \frac{100}{R} \sum_r 1[\mathrm{rank}^{(r)}_s \le k]

    Parameters
    ----------
    indicators, weights, direction, method, key, basis, declarations
        As in :func:`priority_scores`.
    seed
        Seed of :func:`numpy.random.default_rng` (required: results are reproducible).
    top_k
        Size of the top group, ``1 <= top_k <= number of keys``.
    n_draws
        Number of weight draws *R* (>= 1).
    concentration
        Dirichlet concentration :math:`\kappa > 0`.

    Returns
    -------
    pandas.DataFrame
        ``key, score, rank, basis, ranks`` (at the chosen weights), ``mean_rank``, ``rank_p05``,
        ``rank_p95``, ``top_k_pct``, ``top_k``, ``n_draws``, ``seed``; sorted by ``rank``.

    Raises
    ------
    InvalidParameterError
        Bad weights, ``top_k`` out of range, ``n_draws < 1``, ``concentration <= 0``,
        non-integer ``seed``.

    References
    ----------
    Saisana, M., Saltelli, A., & Tarantola, S. (2005). Uncertainty and sensitivity analysis
    techniques as tools for the quality assessment of composite indicators. *J. R. Stat.
    Soc. A*, 168(2), 307–323.

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"sector": ["uav", "uav", "optics", "optics"],
    ...                     "indicator": ["a", "b", "a", "b"], "value": [1.0, 1.0, 0.0, 0.0]})
    >>> r = rank_stability(ind, weights={"a": 1, "b": 1}, seed=1, top_k=1, n_draws=50)
    >>> r["top_k_pct"].tolist()
    [100.0, 0.0]
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InvalidParameterError("seed", seed, "an integer seed")
    if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)) or n_draws < 1:
        raise InvalidParameterError("n_draws", n_draws, "an integer >= 1")
    if not (
        isinstance(concentration, (int, float, np.integer, np.floating))
        and concentration > 0
        and np.isfinite(concentration)
    ):
        raise InvalidParameterError("concentration", concentration, "a finite number > 0")
    z, w, _ = _standardised(
        indicators,
        key=key,
        weights=weights,
        direction=direction,
        method=method,
        basis=basis,
        declarations=declarations,
    )
    n_keys = len(z)
    if (
        isinstance(top_k, bool)
        or not isinstance(top_k, (int, np.integer))
        or not 1 <= top_k <= n_keys
    ):
        raise InvalidParameterError("top_k", top_k, f"an integer in [1, {n_keys}]")
    base = priority_scores(
        indicators,
        weights=weights,
        direction=direction,
        method=method,
        key=key,
        basis=basis,
        declarations=declarations,
    )
    rng = np.random.default_rng(int(seed))
    pos = w[w > 0]
    alpha = float(concentration) * (pos / pos.sum()).to_numpy()
    draws = np.zeros((len(w), int(n_draws)))
    draws[np.flatnonzero(w.to_numpy() > 0), :] = rng.dirichlet(alpha, size=int(n_draws)).T
    ranks = _ranks(z.to_numpy() @ draws)
    stats = pd.DataFrame(
        {
            key: z.index.to_numpy(),
            "mean_rank": ranks.mean(axis=1),
            "rank_p05": np.percentile(ranks, 5, axis=1),
            "rank_p95": np.percentile(ranks, 95, axis=1),
            "top_k_pct": 100.0 * (ranks <= top_k).mean(axis=1),
        }
    )
    out = base.merge(stats, on=key, how="left", validate="one_to_one")
    out["top_k"] = int(top_k)
    out["n_draws"] = int(n_draws)
    out["seed"] = int(seed)
    return out


#: Indicators :func:`sector_indicators` computes (keys of :data:`INDICATORS`).
SECTOR_INDICATORS = (
    "intra_bloc_share_pct",
    "intra_bloc_cagr_pct",
    "extra_bloc_share_pct",
    "extra_bloc_hhi",
    "dependent_share_pct",
)


@dataclass(frozen=True)
class SectorIndicators:
    """The indicator panel of :func:`sector_indicators`.

    Attributes
    ----------
    panel : pandas.DataFrame
        ``sector, indicator, value``: one row per sector and indicator (``value`` NaN where
        the indicator is undefined, e.g. growth from a zero start).
    undefined : list of str
        Sectors with at least one undefined indicator (they cannot be ranked).
    ranked : pandas.DataFrame
        ``panel`` without the ``undefined`` sectors: the input of :func:`priority_scores`.
    """

    panel: pd.DataFrame
    undefined: list[str]
    ranked: pd.DataFrame

    def wide(self) -> pd.DataFrame:
        """Return one row per sector, one column per indicator (for a table)."""
        out = self.panel.pivot(index="sector", columns="indicator", values="value")
        out = out.reindex(columns=[i for i in SECTOR_INDICATORS if i in out.columns])
        out.columns.name = None
        return out.reset_index()


def sector_indicators(
    trade: pd.DataFrame,
    world_exports: pd.DataFrame,
    *,
    bloc: str,
    sector_map: pd.DataFrame,
    start_year: int,
    end_year: int,
    indicators: Sequence[str] = (
        "intra_bloc_share_pct",
        "intra_bloc_cagr_pct",
        "extra_bloc_hhi",
        "dependent_share_pct",
    ),
    as_of: str = "year_end",
) -> SectorIndicators:
    r"""Build the per-sector indicator panel a composite priority ranks.

    For bloc *B* and each sector *s* (its HS6 codes in ``sector_map``), measured in
    ``end_year`` unless stated:

    * ``intra_bloc_share_pct`` -- :math:`100\,M^{intra}_{s}/M_{s}`, the members' imports
      bought from other members (:func:`coopstats.localization.intra_bloc_shares`);
    * ``extra_bloc_share_pct`` -- :math:`100 - ` the above;
    * ``intra_bloc_cagr_pct`` -- compound annual growth of intra-bloc imports
      ``start_year`` -> ``end_year``, :math:`100\,((M^{intra}_{end}/M^{intra}_{start})^{1/n}-1)`
      (:func:`coopstats.growth.period_growth`);
    * ``extra_bloc_hhi`` -- HHI (0-1) of the suppliers outside the bloc
      (:func:`coopstats.localization.supplier_concentration`);
    * ``dependent_share_pct`` -- share of extra-bloc imports in products meeting the
      dependency criteria (:func:`coopstats.localization.dependency_flags`, default
      thresholds).

    Parameters
    ----------
    trade
        Bilateral trade frame (``data/processed/trade.parquet`` rows of the sectors' codes).
    world_exports
        Every country's exports (``exports_by_country.parquet``) of the same codes, for the
        world concentration criterion of ``dependent_share_pct``.
    bloc, sector_map, as_of
        As in :mod:`coopstats.localization` (membership of each year by ``as_of``).
    start_year, end_year
        Growth window; levels are measured in ``end_year``.
    indicators
        Which of :data:`SECTOR_INDICATORS` to compute (default: the four of
        ``notebooks/04_sector_priority.ipynb``).

    Returns
    -------
    SectorIndicators
        ``panel`` (``sector, indicator, value``), ``undefined`` sectors and the ``ranked``
        rows; directions and kinds of the indicators are in :data:`INDICATORS`.

    Raises
    ------
    InvalidParameterError
        Unknown indicator, ``end_year`` without data, or the errors of the analyses called.

    References
    ----------
    European Commission (2021), SWD(2021) 352 (dependency criteria); OECD (2001) for CAGR;
    Hirschman (1964) for the HHI.
    """
    from . import growth, localization

    unknown = [i for i in indicators if i not in SECTOR_INDICATORS]
    if unknown or not indicators:
        raise InvalidParameterError("indicators", unknown or indicators, list(SECTOR_INDICATORS))
    scope = dict(bloc=bloc, sector_map=sector_map, include_total=False, as_of=as_of)
    parts: dict[str, pd.DataFrame] = {}
    want = set(indicators)
    if want & {"intra_bloc_share_pct", "extra_bloc_share_pct", "intra_bloc_cagr_pct"}:
        shares = localization.intra_bloc_shares(trade, **scope).bloc
        last = shares.loc[shares["year"] == end_year, ["sector", "intra_share_pct"]]
        if last.empty:
            raise InvalidParameterError(
                "end_year", end_year, sorted(shares["year"].unique()), why="no trade that year"
            )
        parts["intra_bloc_share_pct"] = last.rename(columns={"intra_share_pct": "value"})
        parts["extra_bloc_share_pct"] = last.assign(value=100.0 - last["intra_share_pct"])[
            ["sector", "value"]
        ]
        if "intra_bloc_cagr_pct" in want:
            momentum = growth.period_growth(
                shares, value_col="intra_imports_usd", by="sector", start=start_year, end=end_year
            )
            parts["intra_bloc_cagr_pct"] = momentum[["sector", "cagr_pct"]].rename(
                columns={"cagr_pct": "value"}
            )
    if "extra_bloc_hhi" in want:
        hhi = localization.supplier_concentration(trade, **scope)
        parts["extra_bloc_hhi"] = hhi.loc[hhi["year"] == end_year, ["sector", "hhi"]].rename(
            columns={"hhi": "value"}
        )
    if "dependent_share_pct" in want:
        deps = localization.dependency_flags(trade, world_exports, **scope).by_year
        parts["dependent_share_pct"] = deps.loc[
            deps["year"] == end_year, ["sector", "dependent_share_pct"]
        ].rename(columns={"dependent_share_pct": "value"})
    panel = pd.concat(
        [parts[i].assign(indicator=i) for i in indicators], ignore_index=True
    )[["sector", "indicator", "value"]]
    panel["value"] = panel["value"].astype("float64")
    undefined = sorted(panel.loc[panel["value"].isna(), "sector"].unique())
    ranked = panel[~panel["sector"].isin(undefined)].reset_index(drop=True)
    return SectorIndicators(panel, undefined, ranked)
