r"""Structural gravity by PPML with high-dimensional fixed effects, and event studies.

What did a trade bloc, a shock or a cooperation event do to trade? The standard answer
(Yotov et al. 2016) is the structural gravity equation estimated by Poisson pseudo-maximum
likelihood (PPML; Santos Silva & Tenreyro 2006) on a panel of bilateral flows with
exporter-year, importer-year and pair fixed effects:

.. math::

    X_{ijt} = \exp\left(\pi_{it} + \chi_{jt} + \mu_{ij} + \beta' Z_{ijt}\right)
              \varepsilon_{ijt}

:math:`\pi_{it}` and :math:`\chi_{jt}` absorb the multilateral resistances and the
exporter's output and importer's expenditure; :math:`\mu_{ij}` absorbs every time-invariant
pair cost (distance, language, old ties) and the endogeneity of a pair's choice to
integrate. :math:`\beta` is then identified **only from changes over time** in
:math:`Z_{ijt}`: a bloc dummy is identified by accessions within the panel's years, not by
a membership that is constant over them (such a term is reported as not identified).
Zeros are kept (PPML's point), and standard errors are clustered by pair.

=================================  ==========================================================
function                           what it does
=================================  ==========================================================
:func:`gravity_panel`              bilateral panel (optionally per sector), squared with zeros
:func:`bloc_terms`                 intra-bloc dummies from dated membership (both members),
                                   optionally one per year (the bloc premium's time profile)
:func:`ppml`                       PPML with exporter-year, importer-year and pair FE
                                   (pyfixest ``fepois``), clustered by pair, per group
:func:`bloc_effects`               level premium and year profile per sector and bloc
:func:`coefficient_plot`           estimates with intervals (both pages)
=================================  ==========================================================

Event studies (leads and lags of one event, post-event dummies) are in
:mod:`coopstats.event_study`; the pages' prose in :mod:`coopstats.gravity_text`.

Estimator: pyfixest (``fepois``) rather than USITC ``gme``: pyfixest absorbs the fixed
effects by alternating projections (no dummy matrix, so 200 countries x 10 years fits in
seconds), clusters standard errors, checks separation, is actively maintained and installs
from PyPI and conda-forge; ``gme`` builds dummy matrices for statsmodels' GLM, has had no
release since 2021 and offers one-way clustering only. pyfixest (with ~35 dependencies,
IPython among them) is the ``[gravity]`` extra, not a runtime requirement: it is imported on
first use (:func:`pyfixest`), and without it the estimators raise
:class:`~coopstats.errors.MissingDependencyError` naming ``pip install 'coopstats[gravity]'``.

References
----------
Santos Silva, J. M. C., & Tenreyro, S. (2006). The log of gravity. *Review of Economics and
Statistics*, 88(4), 641–658. Yotov, Y. V., Piermartini, R., Monteiro, J.-A., & Larch, M.
(2016). *An Advanced Guide to Trade Policy Analysis: The Structural Gravity Model*. WTO /
UNCTAD. Baier, S. L., & Bergstrand, J. H. (2007). Do free trade agreements actually
increase members' international trade? *J. Int. Econ.*, 71(1), 72–95. Weidner, M., &
Zylkin, T. (2021). Bias and consistency in three-way gravity models. *J. Int. Econ.*, 132.
Fischer, A., et al. pyfixest (``fepois``); Bergé, L. (2018) fixest.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from . import membership
from .checks import require_single_basis, require_trade_frame
from .columns import BLOCS
from .errors import InvalidParameterError, MissingDependencyError

__all__ = [
    "FIXED_EFFECTS",
    "GravityResult",
    "gravity_panel",
    "bloc_terms",
    "ppml",
    "BlocEffects",
    "bloc_effects",
    "coefficient_plot",
    "sector_selection",
    "pyfixest",
]

#: Fixed-effect structures :func:`ppml` accepts, and what each absorbs.
FIXED_EFFECTS = {
    "exporter_year+importer_year+pair": (
        "exporter-year, importer-year and pair fixed effects (structural gravity, "
        "Yotov et al. 2016)"
    ),
    "pair+year": "pair and year fixed effects (event study against all other pairs)",
    "exporter_year+importer_year": (
        "exporter-year and importer-year fixed effects only (time-invariant pair terms are "
        "then identified but confounded with every unmodelled pair cost)"
    ),
}

_ESTIMATION_COLUMNS = [
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "ci_low",
    "ci_high",
    "effect_pct",
    "ci_low_pct",
    "ci_high_pct",
]


# ---------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------


def require_trade(trade: object, name: str = "trade") -> pd.DataFrame:
    """Return ``trade`` if it is a complete bilateral trade frame, else raise.

    Requires the columns ``year``, ``exporter_iso3``, ``importer_iso3``, ``value_usd``, rows,
    no missing values in them, no negative values, known flow bases
    (:func:`coopstats.checks.require_trade_frame`) and a single ``dataset`` / ``flow_basis``
    (:func:`coopstats.checks.require_single_basis`).

    Raises
    ------
    InvalidParameterError
        Naming ``name``, what was found and what is expected.
    """
    cols = ["year", "exporter_iso3", "importer_iso3", "value_usd"]
    require_trade_frame(trade, name=name, columns=cols, allow_empty=False)
    require_single_basis(trade, name=name, columns=("dataset", "flow_basis"))
    return trade


def pyfixest():
    """Return the :mod:`pyfixest` module, imported on first use (the ``[gravity]`` extra).

    pyfixest and its ~35 dependencies are not runtime requirements of coopstats: only the
    PPML estimators (:func:`ppml`, :func:`bloc_effects`, the event studies) need it.

    Raises
    ------
    MissingDependencyError
        When pyfixest is not installed, naming ``pip install 'coopstats[gravity]'``.
    """
    try:
        import pyfixest as pf
    except ImportError as exc:
        if exc.name not in (None, "pyfixest"):
            raise  # pyfixest is there but one of its own imports fails: show that
        raise MissingDependencyError(
            "pyfixest", extra="gravity", needed_for="PPML gravity estimation (coopstats.gravity)"
        ) from exc
    return pf


def check_int(name: str, value: object, lo: int) -> int:
    """Return ``value`` as ``int`` if it is an integer (not a bool) ``>= lo``, else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise InvalidParameterError(name, value, f"an integer >= {lo}")
    return int(value)


def _check_alpha(alpha: object) -> float:
    ok = isinstance(alpha, (float, int)) and not isinstance(alpha, bool)
    if not ok or not 0 < alpha < 1:
        raise InvalidParameterError("alpha", alpha, "a number in (0, 1), e.g. 0.05")
    return float(alpha)


def term_name(text: str) -> str:
    """Return ``text`` as a formula-safe term name (non-alphanumerics -> ``_``, ``t_`` prefix)."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", str(text))
    return name if name[:1].isalpha() else f"t_{name}"


# ---------------------------------------------------------------------------------------
# panel
# ---------------------------------------------------------------------------------------


def gravity_panel(
    trade: pd.DataFrame,
    *,
    sector_map: pd.DataFrame | None = None,
    sectors: Sequence[str] | str | None = None,
    square: bool = True,
) -> pd.DataFrame:
    r"""Bilateral panel of annual flows for gravity estimation, squared with zeros.

    Flows are summed to ``year, exporter, importer`` (and ``sector`` with a map). With
    ``square=True`` every directed pair with a positive flow in some year gets a row in
    every year of the frame, zero where no flow is recorded: PPML uses the zeros, and pairs
    that never trade carry no information once pair effects are in the model. Flows of a
    country with itself are dropped.

    Parameters
    ----------
    trade
        Canonical trade frame (``year, exporter_iso3, importer_iso3, value_usd`` and
        ``hs6_code`` when a sector map is given).
    sector_map
        ``hs6_code, sector`` (e.g. :func:`coopstats.hs_sectors.sector_map`); ``None`` for all goods.
    sectors
        Sectors to keep (default: all in the map).
    square
        Add zero rows as described.

    Returns
    -------
    pandas.DataFrame
        ``year, exporter_iso3, importer_iso3, [sector], value_usd``, sorted.

    Raises
    ------
    InvalidParameterError
        Malformed frame or map, unknown sector.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": [2020, 2021], "exporter_iso3": ["AAA", "BBB"],
    ...                   "importer_iso3": ["BBB", "AAA"], "value_usd": [1.0, 2.0]})
    >>> gravity_panel(t)["value_usd"].tolist()
    [1.0, 0.0, 0.0, 2.0]
    """
    t = require_trade(trade)
    keys = ["year", "exporter_iso3", "importer_iso3"]
    t = t[t["exporter_iso3"] != t["importer_iso3"]]
    if sector_map is not None:
        if "hs6_code" not in t.columns:
            raise InvalidParameterError("trade", "no hs6_code column", "hs6_code with a map")
        if not isinstance(sector_map, pd.DataFrame) or not {"hs6_code", "sector"} <= set(
            sector_map.columns
        ):
            raise InvalidParameterError("sector_map", sector_map, "a frame hs6_code, sector")
        known = sorted(sector_map["sector"].unique())
        wanted = (
            known if sectors is None else [sectors] if isinstance(sectors, str) else list(sectors)
        )
        bad = [s for s in wanted if s not in known]
        if bad:
            raise InvalidParameterError("sectors", bad, known)
        smap = sector_map.loc[sector_map["sector"].isin(wanted), ["hs6_code", "sector"]]
        t = t.merge(smap.drop_duplicates(), on="hs6_code")
        keys = [*keys, "sector"]
    elif sectors is not None:
        raise InvalidParameterError("sectors", sectors, "None without a sector_map")
    panel = t.groupby(keys, sort=True, observed=True)["value_usd"].sum().reset_index()
    panel["year"] = panel["year"].astype("int64")
    if square and len(panel):
        years = np.sort(panel["year"].unique())
        pk = [k for k in keys if k != "year"]
        pairs = panel.loc[panel["value_usd"] > 0, pk].drop_duplicates()
        grid = pairs.merge(pd.DataFrame({"year": years}), how="cross")
        panel = grid.merge(panel, on=keys, how="left").fillna({"value_usd": 0.0})
    order = ["year", "exporter_iso3", "importer_iso3"] + (["sector"] if "sector" in keys else [])
    panel = panel[[*order, "value_usd"]].sort_values(
        [*(["sector"] if "sector" in keys else []), "exporter_iso3", "importer_iso3", "year"]
    )
    return panel.reset_index(drop=True)


def bloc_terms(
    panel: pd.DataFrame,
    blocs: Sequence[str] | str,
    *,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    by_year: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    r"""Add intra-bloc dummies: 1 when exporter and importer are both members that year.

    .. math:: \text{intra}^B_{ijt} = 1[i \in B_t]\,1[j \in B_t]\,1[i \ne j]

    with :math:`B_t` the members on the reference day of year *t*
    (:func:`coopstats.membership.members_in_year`, rule ``as_of``). With ``by_year=True`` the
    dummy is split by year, :math:`\text{intra}^B_{ijt} 1[t = s]` for every year *s* but
    the first (the base): with pair fixed effects each coefficient is the change in the
    intra-bloc premium since the base year, relative to all other pairs — identified even
    when membership never changes.

    Parameters
    ----------
    panel
        From :func:`gravity_panel`.
    blocs
        Bloc names of :data:`coopstats.columns.BLOCS`.
    as_of
        Membership reference day within each year.
    by_year
        Split each dummy by year as described.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The panel with the new float columns ``intra_<BLOC>`` (or ``intra_<BLOC>_<year>``)
        and the list of their names.

    Raises
    ------
    InvalidParameterError
        Unknown bloc or ``as_of``.
    """
    require_trade(panel, "panel")
    names = [blocs] if isinstance(blocs, str) else list(blocs)
    bad = [b for b in names if b not in BLOCS]
    if bad or not names:
        raise InvalidParameterError("blocs", blocs, list(BLOCS))
    out = panel.copy()
    terms: list[str] = []
    years = sorted(int(y) for y in out["year"].unique())
    for b in names:
        intra = membership.is_intra_bloc(out, b, as_of=as_of).to_numpy(float)
        if not by_year:
            out[f"intra_{b}"] = intra
            terms.append(f"intra_{b}")
            continue
        for y in years[1:]:
            col = f"intra_{b}_{y}"
            out[col] = intra * (out["year"].to_numpy() == y)
            terms.append(col)
    return out, terms


# ---------------------------------------------------------------------------------------
# estimation
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GravityResult:
    """PPML gravity estimates (see :func:`ppml`).

    Attributes
    ----------
    coefficients : pandas.DataFrame
        ``[group], term, estimate, std_error, statistic, p_value, ci_low, ci_high,
        effect_pct, ci_low_pct, ci_high_pct``; terms that were not identified have ``NaN``.
    fits : pandas.DataFrame
        One row per group: ``[group], n_obs, n_dropped, n_clusters, converged,
        not_identified`` (comma-separated terms dropped for lack of variation or
        collinearity with the fixed effects).
    fixed_effects : str
        Key of :data:`FIXED_EFFECTS`.
    method : str
        The model in words (fixed effects, clustering, estimator).
    params : dict
        ``terms, cluster, alpha, by``.
    models : dict
        ``{group: pyfixest Fepois}`` (``None`` without ``by``), for covariance matrices and
        tests; absent for groups that could not be estimated.
    """

    coefficients: pd.DataFrame
    fits: pd.DataFrame
    fixed_effects: str
    method: str
    params: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict, repr=False)

    def tidy(self) -> pd.DataFrame:
        """Coefficients with the model named (``fixed_effects`` column)."""
        return self.coefficients.assign(fixed_effects=self.fixed_effects)

    def summary(self) -> pd.DataFrame:
        """``measure, value`` table: observations, clusters, terms, identified terms."""
        rows = [
            ("estimator", "PPML (pyfixest fepois)"),
            ("fixed_effects", self.fixed_effects),
            ("cluster", str(self.params.get("cluster"))),
            ("groups", len(self.fits)),
            ("n_obs", int(self.fits["n_obs"].sum())),
            ("n_dropped", int(self.fits["n_dropped"].sum())),
            ("terms", len(self.params.get("terms", []))),
            ("identified_estimates", int(self.coefficients["estimate"].notna().sum())),
        ]
        return pd.DataFrame(rows, columns=["measure", "value"])

    def estimate(self, term: str, group: object = None) -> pd.Series:
        """One coefficient row (``group`` when the result holds several)."""
        c = self.coefficients[self.coefficients["term"] == term]
        by = self.params.get("by")
        if by is not None:
            c = c[c[by] == group]
        if len(c) != 1:
            raise InvalidParameterError("term", term, sorted(self.coefficients["term"].unique()))
        return c.iloc[0]


def _fe_columns(df: pd.DataFrame, fixed_effects: str) -> list[str]:
    def code(*cols: str) -> np.ndarray:
        return pd.MultiIndex.from_arrays([df[c] for c in cols]).factorize()[0]

    made = {
        "exporter_year": lambda: code("exporter_iso3", "year"),
        "importer_year": lambda: code("importer_iso3", "year"),
        "pair": lambda: code("exporter_iso3", "importer_iso3"),
        "year": lambda: code("year"),
    }
    names = fixed_effects.split("+")
    for n in names:
        df[f"fe_{n}"] = made[n]()
    return [f"fe_{n}" for n in names]


def _fit_one(
    df: pd.DataFrame,
    terms: list[str],
    fixed_effects: str,
    cluster: str,
    alpha: float,
    small_sample: bool = True,
) -> tuple[pd.DataFrame, dict, object]:
    pf = pyfixest()
    df = df.copy()
    fes = _fe_columns(df, fixed_effects)
    if cluster == "pair":
        df["cl_pair"] = pd.MultiIndex.from_arrays(
            [df["exporter_iso3"], df["importer_iso3"]]
        ).factorize()[0]
    varying = [t for t in terms if df[t].nunique() > 1]
    not_identified = [t for t in terms if t not in varying]
    coefs = pd.DataFrame({"term": terms})
    info = {"n_obs": 0, "n_dropped": len(df), "n_clusters": 0, "converged": False}
    fit = None
    if varying and (df["value_usd"] > 0).any():
        fml = f"value_usd ~ {' + '.join(varying)} | {' + '.join(fes)}"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = pf.fepois(
                fml,
                data=df,
                vcov={"CRV1": "cl_pair"} if cluster == "pair" else "hetero",
                ssc=None if small_sample else pf.ssc(k_adj=False, G_adj=False),
                iwls_maxiter=200,
                copy_data=False,
                store_data=False,
            )
        del caught
        not_identified += list(getattr(fit, "_collin_vars", []) or [])
        tab = fit.tidy()
        est = tab["Estimate"].reindex(terms)
        se = tab["Std. Error"].reindex(terms)
        stat = est / se
        # t reference with G - 1 degrees of freedom, as pyfixest/fixest report for CRV1
        dof = int(np.asarray(fit._G).min()) - 1 if cluster == "pair" else int(fit._N) - 1
        q = stats.t.ppf(1 - alpha / 2, dof)
        coefs = coefs.assign(
            estimate=est.to_numpy(),
            std_error=se.to_numpy(),
            statistic=stat.to_numpy(),
            p_value=2 * stats.t.sf(np.abs(stat.to_numpy()), dof),
            ci_low=(est - q * se).to_numpy(),
            ci_high=(est + q * se).to_numpy(),
        )
        info = {
            "n_obs": int(fit._N),
            "n_dropped": int(len(df) - fit._N),
            "n_clusters": int(np.asarray(fit._G).min()) if cluster == "pair" else 0,
            "converged": bool(fit._convergence),
        }
    else:
        for c in ("estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"):
            coefs[c] = np.nan
    for c, src in (
        ("effect_pct", "estimate"),
        ("ci_low_pct", "ci_low"),
        ("ci_high_pct", "ci_high"),
    ):
        coefs[c] = 100.0 * np.expm1(coefs[src])
    info["not_identified"] = ",".join(sorted(set(not_identified)))
    return coefs[_ESTIMATION_COLUMNS], info, fit


def ppml(
    panel: pd.DataFrame,
    terms: Sequence[str],
    *,
    fixed_effects: str = "exporter_year+importer_year+pair",
    cluster: Literal["pair", "none"] = "pair",
    by: str | None = None,
    alpha: float = 0.05,
    small_sample: bool = True,
) -> GravityResult:
    r"""Estimate structural gravity by PPML with high-dimensional fixed effects.

    .. math::

        E[X_{ijt} \mid \cdot] = \exp\left(\pi_{it} + \chi_{jt} + \mu_{ij}
                                + \sum_k \beta_k Z_{k,ijt}\right)

    estimated by Poisson pseudo-maximum likelihood with the fixed effects absorbed
    (pyfixest ``fepois``; observations separated by the fixed effects and singletons are
    dropped and counted in ``n_dropped``). Standard errors are cluster-robust by pair
    (CRV1 with fixest's small-sample correction); intervals and p-values use a *t*
    distribution with :math:`G - 1` degrees of freedom. ``effect_pct`` is
    :math:`100(e^{\beta} - 1)`, the percentage change in trade.

    A term without variation in the estimation sample, or collinear with the fixed effects
    (e.g. a bloc dummy whose membership does not change within the panel's years, under
    pair effects), is reported with ``NaN`` and listed in ``fits.not_identified``: it is
    never silently dropped.

    Parameters
    ----------
    panel
        From :func:`gravity_panel` with term columns (:func:`bloc_terms`,
        :func:`event_terms`).
    terms
        Names of the regressors.
    fixed_effects
        A key of :data:`FIXED_EFFECTS`.
    cluster
        ``"pair"`` (default) or ``"none"`` (heteroskedasticity-robust).
    by
        Column to estimate separately for (e.g. ``"sector"``).
    alpha
        1 - confidence level of the intervals.
    small_sample
        Apply fixest's small-sample factors :math:`G/(G-1)` and :math:`(N-1)/(N-K)` (default);
        ``False`` gives the plain sandwich (for comparison with other software).

    Returns
    -------
    GravityResult

    Raises
    ------
    InvalidParameterError
        Unknown fixed effects, cluster or term, bad alpha, malformed panel.

    References
    ----------
    Santos Silva & Tenreyro (2006); Yotov et al. (2016), chapter 1; Correia, Guimarães &
    Zylkin (2020), *Stata J.* 20(1) (ppmlhdfe: separation); Bergé (2018) fixest.
    """
    require_trade(panel, "panel")
    if fixed_effects not in FIXED_EFFECTS:
        raise InvalidParameterError("fixed_effects", fixed_effects, list(FIXED_EFFECTS))
    if cluster not in ("pair", "none"):
        raise InvalidParameterError("cluster", cluster, ["pair", "none"])
    alpha = _check_alpha(alpha)
    terms = [terms] if isinstance(terms, str) else list(terms)
    if not terms:
        raise InvalidParameterError("terms", terms, "one or more regressor columns")
    missing = [t for t in terms if t not in panel.columns]
    if missing:
        raise InvalidParameterError("terms", missing, "columns of the panel")
    if by is not None and by not in panel.columns:
        raise InvalidParameterError("by", by, list(panel.columns))
    groups = [(None, panel)] if by is None else list(panel.groupby(by, sort=True))
    coefs, fits, models = [], [], {}
    for g, df in groups:
        c, info, model = _fit_one(df, terms, fixed_effects, cluster, alpha, small_sample)
        if model is not None:
            models[g] = model
        if by is not None:
            c.insert(0, by, g)
            info = {by: g, **info}
        coefs.append(c)
        fits.append(info)
    method = (
        f"PPML (pyfixest fepois) with {FIXED_EFFECTS[fixed_effects]}; standard errors "
        + ("clustered by pair (CRV1)" if cluster == "pair" else "heteroskedasticity-robust")
        + f"; {100 * (1 - alpha):.0f}% intervals"
    )
    return GravityResult(
        coefficients=pd.concat(coefs, ignore_index=True),
        fits=pd.DataFrame(fits),
        fixed_effects=fixed_effects,
        method=method,
        params={"terms": terms, "cluster": cluster, "alpha": alpha, "by": by},
        models=models,
    )


# ---------------------------------------------------------------------------------------
# bloc effects per sector (the gravity page)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlocEffects:
    """Bloc effects on trade per sector in two specifications (see :func:`bloc_effects`).

    Attributes
    ----------
    level : GravityResult
        ``intra_<BLOC>`` with exporter-year and importer-year effects only, by sector: the
        premium of intra-bloc pairs over other pairs, confounded with every pair cost.
    profile : GravityResult
        ``intra_<BLOC>_<year>`` with exporter-year, importer-year and pair effects, by sector:
        the change of the premium since the first year, identified from changes over time.
    blocs : list of str
    years : list of int
    """

    level: GravityResult
    profile: GravityResult
    blocs: list
    years: list

    def profile_frame(self) -> pd.DataFrame:
        """Return ``sector, bloc, year, estimate, ci_low, ci_high, ...``; the base year is 0."""
        c = self.profile.coefficients.copy()
        parts = c["term"].str.extract(r"^intra_(?P<bloc>.+)_(?P<year>\d{4})$")
        c["bloc"], c["year"] = parts["bloc"], parts["year"].astype("int64")
        base = pd.DataFrame(
            [
                {"sector": s, "bloc": b, "year": self.years[0], "term": "base year",
                 "estimate": 0.0, "effect_pct": 0.0}
                for s in c["sector"].unique()
                for b in self.blocs
            ]
        )  # fmt: skip
        out = pd.concat([c, base], ignore_index=True)
        cols = ["sector", "bloc", "year", "term", *_ESTIMATION_COLUMNS[1:]]
        return out[cols].sort_values(["sector", "bloc", "year"]).reset_index(drop=True)

    def tidy(self) -> pd.DataFrame:
        """Both specifications in one frame with a ``specification`` column."""
        return pd.concat(
            [
                self.level.tidy().assign(specification="level"),
                self.profile.tidy().assign(specification="profile"),
            ],
            ignore_index=True,
        )

    def summary(self) -> pd.DataFrame:
        """Per sector and bloc: level premium and the change from the first to the last year."""
        lev = self.level.coefficients.copy()
        lev["bloc"] = lev["term"].str.removeprefix("intra_")
        last = self.profile_frame()
        last = last[last["year"] == self.years[-1]]
        out = lev[["sector", "bloc", "estimate", "std_error", "effect_pct"]].merge(
            last[["sector", "bloc", "estimate", "std_error", "effect_pct"]],
            on=["sector", "bloc"],
            how="outer",
            suffixes=("_level", "_change"),
        )
        return out.sort_values(["sector", "bloc"]).reset_index(drop=True)


def bloc_effects(
    trade: pd.DataFrame,
    *,
    blocs: Sequence[str],
    sector_map: pd.DataFrame | None = None,
    sectors: Sequence[str] | None = None,
    as_of: Literal["year_end", "year_start", "mid_year"] = "year_end",
    alpha: float = 0.05,
) -> BlocEffects:
    r"""Bloc effects on each sector's trade: the level premium and its change over time.

    Two PPML fits per sector on :func:`gravity_panel`:

    * *level*: :math:`X_{ijt} = \exp(\pi_{it} + \chi_{jt} + \sum_B \beta_B\,
      \text{intra}^B_{ijt})`: how much more members trade with each other than with other
      countries, given each side's size and multilateral resistance. Without pair effects
      this is confounded with distance, language and history (coopstats has no pair
      covariates), so it is a description, not a causal effect.
    * *profile*: :math:`X_{ijt} = \exp(\pi_{it} + \chi_{jt} + \mu_{ij} + \sum_B \sum_{s >
      t_0} \beta_{B,s}\, \text{intra}^B_{ijt} 1[t = s])`: with pair effects, the change of
      the intra-bloc premium from the first year :math:`t_0` to year *s*, relative to all
      other pairs (e.g. how intra-EAEU trade moved after 2022 compared with what other
      pairs' trade did).

    Parameters
    ----------
    trade
        Canonical trade frame of one dataset (``hs6_code`` needed with a sector map).
    blocs
        Blocs of :data:`coopstats.columns.BLOCS` (nested blocs such as the Union State in
        the EAEU are fine: each coefficient is the premium on top of the other).
    sector_map, sectors
        Sectors to estimate separately; ``None`` for all goods (``sector`` ``"total"``).
    as_of
        Membership rule (:func:`coopstats.membership.members_in_year`).
    alpha
        1 - confidence level.

    Returns
    -------
    BlocEffects

    References
    ----------
    Yotov et al. (2016), chapter 3 (trade policy effects and their time profile); Baier &
    Bergstrand (2007).
    """
    panel = gravity_panel(trade, sector_map=sector_map, sectors=sectors)
    if "sector" not in panel.columns:
        panel["sector"] = "total"
    years = sorted(int(y) for y in panel["year"].unique())
    if len(years) < 2:
        raise InvalidParameterError("trade", f"years {years}", "at least two years")
    lp, lterms = bloc_terms(panel, blocs, as_of=as_of)
    level = ppml(lp, lterms, fixed_effects="exporter_year+importer_year", by="sector", alpha=alpha)
    pp, pterms = bloc_terms(panel, blocs, as_of=as_of, by_year=True)
    profile = ppml(pp, pterms, by="sector", alpha=alpha)
    names = [blocs] if isinstance(blocs, str) else list(blocs)
    return BlocEffects(level=level, profile=profile, blocs=names, years=years)


def coefficient_plot(
    frame: pd.DataFrame,
    *,
    x: str,
    source: str,
    hue: str | None = None,
    title: str = "",
    xlabel: str = "",
    reference: float = 0.0,
    synthetic: bool = False,
    language: str | None = None,
):
    """Coefficients with their intervals (``estimate, ci_low, ci_high``) against ``x``.

    Points with vertical interval bars, one series per ``hue`` value (slightly offset), a
    horizontal line at ``reference`` and the y axis labelled in log points with the
    percentage effect :math:`100(e^b - 1)` on the right. The y label (catalogue key
    ``gravity.ylabel``) and the series names (bloc and sector codes by their catalogue names
    outside English, :func:`coopstats.text.format_cell`) follow ``language``, by default the
    page language (:func:`coopstats.text.page_language`).
    """
    import matplotlib.pyplot as plt

    from . import plots
    from .text import check_language, format_cell, page_language, t

    language = check_language(language or page_language())

    need = [x, "estimate", "ci_low", "ci_high"] + ([hue] if hue else [])
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InvalidParameterError("frame", list(frame.columns), need, why=f"missing {missing}")
    with plots.house_style():
        fig, ax = plt.subplots(figsize=(8, 4), dpi=110, layout="constrained")
        groups = [(None, frame)] if hue is None else list(frame.groupby(hue, sort=True))
        width = 0.12 * (len(groups) - 1)
        for k, (name, g) in enumerate(groups):
            off = -width / 2 + 0.12 * k if len(groups) > 1 else 0.0
            xs = g[x].to_numpy(float) + off
            est = g["estimate"].to_numpy(float)
            lo = est - g["ci_low"].to_numpy(float)
            hi = g["ci_high"].to_numpy(float) - est
            ax.errorbar(xs, est, yerr=np.vstack([np.nan_to_num(lo), np.nan_to_num(hi)]),
                        fmt="o", capsize=3,
                        label=None if name is None else format_cell(name, hue, language))
        ax.axhline(reference, color="#666666", lw=0.8, ls="--")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(t("gravity.ylabel", language))
        if hue is not None:
            ax.legend(title="", loc="best")
    return plots.finish(fig, source=source, synthetic=synthetic)


# ---------------------------------------------------------------------------------------
# page helpers
# ---------------------------------------------------------------------------------------


def sector_selection(trade: pd.DataFrame, sectors: Sequence[str]) -> pd.DataFrame | None:
    """Sector map for ``sectors`` in ``trade``'s HS revision; ``None`` for ``["total"]``.

    ``["total"]`` means all goods in the frame (no map). Otherwise
    :func:`coopstats.sources.processed.sector_map_for`.
    """
    if list(sectors) == ["total"]:
        return None
    from .sources.processed import sector_map_for

    return sector_map_for(trade, sectors)
