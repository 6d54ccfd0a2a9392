"""Economic complexity: RCA, ECI and PCI (Growth Lab and OEC conventions), with diagnostics.

Country-product measures take an *exports* frame: ``year, exporter_iso3`` (or ``country_iso3``),
``hs6_code, value_usd`` -- ``data/processed/exports_by_country.parquet`` (every country's
exports to the world). A bilateral trade frame also works: it is summed over ``importer_iso3``
first (:func:`exports_long`), so measures are then relative to the flows in that frame.
:mod:`coopstats.priority` re-exports :func:`rca`, :func:`complexity` and their constants.

``method="eigenvector"`` reproduces the Harvard Growth Lab's ``py-ecomplexity`` / Stata
``ecomplexity``; ``method="reflections"`` the OEC / Datawheel method of reflections (see
:data:`CONVENTIONS`; every :class:`ComplexityResult` states its convention).

References
----------
Balassa (1965); Laursen (1998/2015) for symmetric RCA; Hidalgo & Hausmann (2009) PNAS 106:
10570; Hausmann et al. (2014) *The Atlas of Economic Complexity*.
"""

from __future__ import annotations

import logging
import warnings
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
    require_unique,
    validate_literal,
)
from .errors import CoopstatsWarning, InvalidParameterError

__all__ = [
    "rca",
    "ComplexityResult",
    "complexity",
    "exports_long",
    "top_countries",
    "CONVENTIONS",
    "ATLAS_FILTERS",
    "MIN_RANK_AGREEMENT",
    "MIN_EIGEN_GAP_REL",
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

def exports_long(exports: pd.DataFrame, *, name: str = "exports") -> pd.DataFrame:
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
    x = exports_long(exports)
    parts = []
    for year, xy in x.groupby("year", sort=True):
        countries, products, mat = _matrix(xy)
        r = _rca_matrix(mat)
        parts.append(_cp_frame(year, countries, products, mat, r, r >= threshold))
    return pd.concat(parts, ignore_index=True)

def top_countries(country: pd.DataFrame, column: str, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` countries with the highest ``column`` in the latest year.

    Ties are broken by ``country_iso3``; the index is reset. Used by the ``summary`` of
    :class:`ComplexityResult` (ECI) and :class:`coopstats.relatedness.ProductSpaceResult` (COI).

    >>> import pandas as pd
    >>> c = pd.DataFrame({"year": [2023, 2024, 2024], "country_iso3": ["BLR", "BLR", "RUS"],
    ...                   "eci": [2.0, 0.5, 1.0]})
    >>> top_countries(c, "eci", 1)["country_iso3"].tolist()
    ['RUS']
    """
    last = country[country["year"] == country["year"].max()]
    top = last.sort_values([column, "country_iso3"], ascending=[False, True]).head(n)
    return top.reset_index(drop=True)


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
        return top_countries(self.country, "eci", n).assign(method=self.method)

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
    x = exports_long(exports)
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
