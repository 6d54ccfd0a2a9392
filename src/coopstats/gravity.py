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
:func:`event_terms`                post-event dummies for the pairs of each event
:func:`ppml`                       PPML with exporter-year, importer-year and pair FE
                                   (pyfixest ``fepois``), clustered by pair, per group
:func:`event_study`                leads and lags of one event for the named pairs and
                                   sector against all other pairs, pair and year effects;
                                   refuses blacked-out pairs (:class:`BlackoutError`)
:func:`sector_event_studies`       every dated event of a sector from the events frame
=================================  ==========================================================

Estimator: pyfixest (``fepois``) rather than USITC ``gme``: pyfixest absorbs the fixed
effects by alternating projections (no dummy matrix, so 200 countries x 10 years fits in
seconds), clusters standard errors, checks separation, is actively maintained and installs
from PyPI and conda-forge; ``gme`` builds dummy matrices for statsmodels' GLM, has had no
release since 2021 and offers one-way clustering only.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from . import geo
from .columns import BLOCS
from .errors import CoopstatsError, CoopstatsWarning, InvalidParameterError

__all__ = [
    "FIXED_EFFECTS",
    "BlackoutError",
    "GravityResult",
    "EventStudyResult",
    "gravity_panel",
    "bloc_terms",
    "event_terms",
    "ppml",
    "event_study",
    "sector_event_studies",
    "BlocEffects",
    "bloc_effects",
    "coefficient_plot",
    "method_statement",
    "bloc_effects_statement",
    "event_study_statement",
    "sector_selection",
    "EventStudyOutcome",
    "attempt_event_study",
    "study_pairs",
    "page_text",
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


class BlackoutError(CoopstatsError, ValueError):
    """The data are blacked out for a pair in the years an analysis needs.

    Attributes
    ----------
    blackouts : pandas.DataFrame
        The rows that triggered the refusal (kind, countries, years, reason).
    """

    def __init__(self, message: str, blackouts: pd.DataFrame) -> None:
        self.blackouts = blackouts
        super().__init__(message)


# ---------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------


def _require_trade(trade: object, name: str = "trade") -> pd.DataFrame:
    cols = ["year", "exporter_iso3", "importer_iso3", "value_usd"]
    if not isinstance(trade, pd.DataFrame):
        raise InvalidParameterError(name, type(trade).__name__, "a pandas DataFrame")
    missing = [c for c in cols if c not in trade.columns]
    if missing:
        raise InvalidParameterError(
            name,
            f"columns {list(trade.columns)}",
            f"a frame with columns {cols}",
            why=f"missing column(s) {missing}",
        )
    if trade.empty:
        raise InvalidParameterError(name, "an empty frame", "a trade frame with rows")
    for c in cols:
        bad = trade[c].isna()
        if bad.any():
            raise InvalidParameterError(
                name,
                f"{int(bad.sum())} missing value(s) in column {c!r} at index "
                f"{list(trade.index[bad][:10])}",
                "complete values",
                why="coopstats does not fill missing values; drop or fix these rows explicitly",
            )
    if (trade["value_usd"] < 0).any():
        raise InvalidParameterError(name, "negative value_usd", "value_usd >= 0")
    for c in ("dataset", "flow_basis"):
        if c in trade.columns and trade[c].nunique(dropna=False) > 1:
            raise InvalidParameterError(
                name,
                f"column {c!r} mixes {sorted(map(str, trade[c].unique()))}",
                f"a single {c}",
                why="values on different bases are never added silently; filter first",
            )
    return trade


def _check_int(name: str, value: object, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise InvalidParameterError(name, value, f"an integer >= {lo}")
    return int(value)


def _check_alpha(alpha: object) -> float:
    ok = isinstance(alpha, (float, int)) and not isinstance(alpha, bool)
    if not ok or not 0 < alpha < 1:
        raise InvalidParameterError("alpha", alpha, "a number in (0, 1), e.g. 0.05")
    return float(alpha)


def _term_name(text: str) -> str:
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
        ``hs6_code, sector`` (e.g. :func:`coopstats.hs.sector_map`); ``None`` for all goods.
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
    t = _require_trade(trade)
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
    (:func:`coopstats.geo.members_in_year`, rule ``as_of``). With ``by_year=True`` the
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
    _require_trade(panel, "panel")
    names = [blocs] if isinstance(blocs, str) else list(blocs)
    bad = [b for b in names if b not in BLOCS]
    if bad or not names:
        raise InvalidParameterError("blocs", blocs, list(BLOCS))
    out = panel.copy()
    terms: list[str] = []
    years = sorted(int(y) for y in out["year"].unique())
    for b in names:
        intra = geo.is_intra_bloc(out, b, as_of=as_of).to_numpy(float)
        if not by_year:
            out[f"intra_{b}"] = intra
            terms.append(f"intra_{b}")
            continue
        for y in years[1:]:
            col = f"intra_{b}_{y}"
            out[col] = intra * (out["year"].to_numpy() == y)
            terms.append(col)
    return out, terms


def _event_pairs(row: Mapping, on: pd.Timestamp) -> list[tuple[str, str]]:
    countries = sorted({c for c in (row.get("countries") or []) if isinstance(c, str)})
    if len(countries) < 2:
        partners: set[str] = set()
        for b in row.get("blocs") or []:
            if b in BLOCS:
                partners |= set(geo.members(b, on))
        countries = sorted(set(countries) | partners) if countries else []
        if len(countries) < 2:
            return []
        base = set(row.get("countries") or [])
        return [(a, c) for a in countries for c in countries if a != c and (a in base or c in base)]
    return [(a, c) for a in countries for c in countries if a != c]


def event_terms(
    panel: pd.DataFrame,
    events: pd.DataFrame,
    *,
    sector: str | None = None,
    lag_years: int = 0,
) -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    r"""Add one post-event dummy per dated event for the pairs it concerns.

    .. math:: \text{event}^e_{ijt} = 1[(i, j) \in P_e]\, 1[t \ge y_e + \text{lag}]

    :math:`y_e` is the year of ``event_date``; :math:`P_e` are the directed pairs among the
    event's ``countries``; an event naming one country is paired with the members of its
    ``blocs`` on the event date (e.g. Belarus at an EAEU commission: Belarus with every
    EAEU member, both directions). Events without a date or without two countries are
    skipped and listed with the reason.

    Parameters
    ----------
    panel
        From :func:`gravity_panel` (one sector, or all goods).
    events
        Events frame (``event_id, event_date, countries, blocs, sectors``), e.g.
        ``read_events_jsonl(...).events``.
    sector
        Keep only events naming this sector.
    lag_years
        Years after the event year when the dummy switches on (0: the event year itself).

    Returns
    -------
    (pandas.DataFrame, list of str, pandas.DataFrame)
        The panel with ``event_<event_id>`` columns, their names, and a table
        ``event_id, event_date, year, n_pairs, n_treated_obs, term, reason`` of every
        event considered.
    """
    _require_trade(panel, "panel")
    lag_years = _check_int("lag_years", lag_years, 0)
    need = ["event_id", "event_date", "countries", "blocs", "sectors"]
    if not isinstance(events, pd.DataFrame) or [c for c in need if c not in events.columns]:
        raise InvalidParameterError("events", "a frame without " + str(need), need)
    out = panel.copy()
    pair_index = pd.MultiIndex.from_arrays([out["exporter_iso3"], out["importer_iso3"]])
    terms, rows = [], []
    for _, ev in events.sort_values("event_id").iterrows():
        rec = {"event_id": ev["event_id"], "event_date": ev["event_date"], "year": pd.NA}
        if sector is not None and sector not in (ev["sectors"] or []):
            continue
        if ev["event_date"] is None or pd.isna(ev["event_date"]):
            rows.append(
                {**rec, "n_pairs": 0, "n_treated_obs": 0, "term": None, "reason": "no event date"}
            )
            continue
        on = pd.Timestamp(ev["event_date"])
        pairs = _event_pairs(ev, on)
        if not pairs:
            rows.append(
                {
                    **rec,
                    "year": on.year,
                    "n_pairs": 0,
                    "n_treated_obs": 0,
                    "term": None,
                    "reason": "fewer than two countries",
                }
            )
            continue
        in_pairs = pair_index.isin(pairs)
        dummy = (in_pairs & (out["year"].to_numpy() >= on.year + lag_years)).astype(float)
        term = _term_name(f"event_{ev['event_id']}")
        out[term] = dummy
        terms.append(term)
        rows.append(
            {
                **rec,
                "year": on.year,
                "n_pairs": len(pairs),
                "n_treated_obs": int(dummy.sum()),
                "term": term,
                "reason": "" if dummy.sum() else "no panel year after the event",
            }
        )
    table = pd.DataFrame(
        rows,
        columns=["event_id", "event_date", "year", "n_pairs", "n_treated_obs", "term", "reason"],
    )
    return out, terms, table


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
    import pyfixest as pf

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
    _require_trade(panel, "panel")
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
# event study
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventStudyResult:
    """Leads and lags of an event for the named pairs (see :func:`event_study`).

    Attributes
    ----------
    coefficients : pandas.DataFrame
        ``relative_year, term, estimate, std_error, ci_low, ci_high, effect_pct,
        ci_low_pct, ci_high_pct, p_value``; the reference year (-1) has estimate 0 and no
        interval.
    gravity : GravityResult
        The underlying PPML fit.
    treated : pandas.DataFrame
        ``exporter_iso3, importer_iso3`` of the treated pairs.
    event_year : int
        Year of the event (relative year 0).
    blackout_check : pandas.DataFrame
        What was checked for blackouts and found (empty when nothing).
    params : dict
        ``leads, lags, fixed_effects, sector, n_control_pairs, pre_trend_p_value``.
    """

    coefficients: pd.DataFrame
    gravity: GravityResult
    treated: pd.DataFrame
    event_year: int
    blackout_check: pd.DataFrame
    params: dict = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """Coefficients by relative year (the plot data), with the event year."""
        return self.coefficients.assign(event_year=self.event_year)

    def plot_data(self) -> pd.DataFrame:
        """``relative_year, estimate, ci_low, ci_high`` for a coefficient plot."""
        return self.coefficients[["relative_year", "estimate", "ci_low", "ci_high"]].copy()

    def summary(self) -> pd.DataFrame:
        """``measure, value``: event year, pairs, controls, average post effect, pre-trend test."""
        post = self.coefficients[self.coefficients["relative_year"] >= 0]
        rows = [
            ("event_year", self.event_year),
            ("treated_pairs", len(self.treated)),
            ("control_pairs", self.params.get("n_control_pairs")),
            ("mean_post_estimate", float(post["estimate"].mean())),
            ("mean_post_effect_pct", float(100 * np.expm1(post["estimate"].mean()))),
            ("pre_trend_p_value", self.params.get("pre_trend_p_value")),
            ("n_obs", int(self.gravity.fits["n_obs"].sum())),
        ]
        return pd.DataFrame(rows, columns=["measure", "value"])


def _pair_list(pairs: object) -> list[tuple[str, str]]:
    ok = isinstance(pairs, (list, tuple)) and len(pairs) > 0
    out: list[tuple[str, str]] = []
    if ok:
        for p in pairs:
            if not (
                isinstance(p, (list, tuple))
                and len(p) == 2
                and all(isinstance(c, str) and re.fullmatch(r"[A-Z]{3}", c) for c in p)
                and p[0] != p[1]
            ):
                ok = False
                break
            out.append((p[0], p[1]))
    if not ok:
        raise InvalidParameterError(
            "pairs", pairs, "a list of (exporter_iso3, importer_iso3), e.g. [('BLR', 'RUS')]"
        )
    return sorted(set(out))


def _blackouts(
    trade: pd.DataFrame, panel: pd.DataFrame, treated: list[tuple[str, str]], post: list[int]
) -> pd.DataFrame:
    """Blackout rows for the treated pairs in the post years (empty when none).

    Uses :func:`coopstats.coverage.find_blackouts` (the sourced blackout table and the
    data-found pair and country blackouts) when that module is available, and always the
    minimal check: a treated pair whose exporter or importer has no flow at all in a post
    year, or whose flows stop (zero or absent from some post year to the last data year).
    """
    rows = []
    countries = sorted({c for p in treated for c in p})
    try:
        from .coverage import find_blackouts
    except ImportError:  # pragma: no cover - coverage.py ships with the package
        find_blackouts = None
    if find_blackouts is not None and "hs6_code" in trade.columns:
        fb = find_blackouts(trade, countries=countries)
        for _, r in fb.iterrows():
            status = str(r.get("status", ""))
            if r["origin"] == "reference" and status not in ("confirmed", "no_flows"):
                continue
            y0 = int(r["year_from"]) if pd.notna(r["year_from"]) else min(post)
            y1 = int(r["year_to"]) if pd.notna(r.get("year_to")) else max(post)
            hit_years = [y for y in post if y0 <= y <= y1]
            if not hit_years:
                continue
            a, b = r["country_iso3"], r.get("partner_iso3")
            if r["kind"] == "pair":
                hit = any({a, b} == {e, i} for e, i in treated)
            else:
                hit = a in countries
            if hit:
                rows.append(
                    {
                        "check": f"coverage.find_blackouts ({r['origin']}, {r['kind']})",
                        "country_iso3": a,
                        "partner_iso3": b if isinstance(b, str) else None,
                        "years": ",".join(map(str, hit_years)),
                        "reason": str(r.get("reason", "")),
                    }
                )
    ex_tot = panel.groupby(["exporter_iso3", "year"])["value_usd"].sum()
    im_tot = panel.groupby(["importer_iso3", "year"])["value_usd"].sum()
    for e, i in treated:
        gone = [y for y in post if ex_tot.get((e, y), 0.0) <= 0 or im_tot.get((i, y), 0.0) <= 0]
        if gone:
            rows.append(
                {
                    "check": "country absent from the data",
                    "country_iso3": e,
                    "partner_iso3": i,
                    "years": ",".join(map(str, gone)),
                    "reason": "the exporter has no exports or the importer no imports in the "
                    "data in these post-event years (a reporting blackout, not zero trade)",
                }
            )
        f = panel[(panel["exporter_iso3"] == e) & (panel["importer_iso3"] == i)]
        positive = sorted(int(y) for y in f.loc[f["value_usd"] > 0, "year"])
        last = positive[-1] if positive else None
        stopped = [y for y in post if last is not None and y > last]
        if stopped:
            rows.append(
                {
                    "check": "pair flows stop",
                    "country_iso3": e,
                    "partner_iso3": i,
                    "years": ",".join(map(str, stopped)),
                    "reason": f"the pair's last recorded flow is in {last} and none follows "
                    "in the data; in declaration data a flow that stops is a blackout until "
                    "shown otherwise",
                }
            )
    return pd.DataFrame(rows, columns=["check", "country_iso3", "partner_iso3", "years", "reason"])


def event_study(
    trade: pd.DataFrame,
    *,
    pairs: Sequence[tuple[str, str]],
    event_year: int,
    sector_map: pd.DataFrame | None = None,
    sector: str | None = None,
    leads: int = 3,
    lags: int = 3,
    fixed_effects: Literal["pair+year", "exporter_year+importer_year+pair"] = "pair+year",
    alpha: float = 0.05,
    check_blackouts: bool = True,
) -> EventStudyResult:
    r"""Event study of one event: the named pairs' trade before and after, against all others.

    .. math::

        E[X_{ijt}] = \exp\Big(\mu_{ij} + \lambda_t
            + \sum_{k=-L,\,k \ne -1}^{K} \beta_k\, D_{ij}\, 1[t - y_e = k]\Big)

    :math:`D_{ij}` marks the treated (named) pairs, :math:`y_e` the event year; years before
    :math:`-L` are binned into :math:`k=-L` and years after :math:`K` into :math:`k=K`;
    :math:`k=-1` is the reference (0 by construction). Every other pair of the sector's
    panel (:func:`gravity_panel`) is a control; ``fixed_effects="exporter_year+importer_year
    +pair"`` compares the treated pair instead with the same exporter's other markets and
    the same importer's other suppliers. Leads (:math:`k < -1`) near zero support parallel
    pre-trends; their joint test is in ``params["pre_trend_p_value"]`` (Wald, :math:`\chi^2`
    with cluster-robust covariance). Estimated by :func:`ppml`, clustered by pair.

    The study **refuses to run** (:class:`BlackoutError`) when a treated pair is blacked
    out in a post-event year: a country with no flows at all in the data, a pair whose
    flows stop after the event, or a row of the sourced blackout table
    (:func:`coopstats.coverage.find_blackouts`, e.g. no Belarus–Russia flow in BACI from
    2022). Zero trade there is missing reporting, and the study would read it as an effect.

    Parameters
    ----------
    trade
        Canonical trade frame (``hs6_code`` needed with a sector).
    pairs
        Treated directed pairs, e.g. ``[("BLR", "RUS"), ("RUS", "BLR")]``.
    event_year
        Year of the event (relative year 0).
    sector_map, sector
        Restrict to one sector's products (both or neither).
    leads, lags
        Number of pre- and post-event coefficients (``leads >= 2`` so that one lead is
        estimated besides the reference).
    fixed_effects
        ``"pair+year"`` (default) or ``"exporter_year+importer_year+pair"``.
    alpha
        1 - confidence level.
    check_blackouts
        Run the blackout checks (default; turn off only for simulated data).

    Returns
    -------
    EventStudyResult

    Raises
    ------
    BlackoutError
        The data are blacked out for a treated pair after the event (rows in
        ``.blackouts``).
    InvalidParameterError
        Bad pairs, years or window; a treated pair not in the panel; no pre-event year.

    References
    ----------
    Freyaldenhoven, S., Hansen, C., & Shapiro, J. M. (2019), *AER* 109(9) (pre-trends);
    Yotov et al. (2016) on PPML with pair effects; Conley, T. G., & Taber, C. R. (2011),
    *REStat* 93(1) on inference with few treated units.
    """
    treated = _pair_list(pairs)
    if isinstance(event_year, bool) or not isinstance(event_year, (int, np.integer)):
        raise InvalidParameterError("event_year", event_year, "an integer year")
    leads = _check_int("leads", leads, 2)
    lags = _check_int("lags", lags, 0)
    if fixed_effects not in ("pair+year", "exporter_year+importer_year+pair"):
        raise InvalidParameterError(
            "fixed_effects", fixed_effects, ["pair+year", "exporter_year+importer_year+pair"]
        )
    if (sector_map is None) != (sector is None):
        raise InvalidParameterError("sector", sector, "given together with sector_map")
    t = _require_trade(trade)
    panel = gravity_panel(t, sector_map=sector_map, sectors=sector)
    if sector is not None:
        panel = panel.drop(columns="sector")
    years = sorted(int(y) for y in panel["year"].unique())
    if not any(y < event_year for y in years):
        raise InvalidParameterError(
            "event_year", event_year, f"a year after the first data year {years[0]}"
        )
    post = [y for y in years if y >= event_year]
    if not post:
        raise InvalidParameterError(
            "event_year",
            event_year,
            f"a year up to the last data year {years[-1]}",
            why="the data hold no year after the event",
        )
    pair_idx = pd.MultiIndex.from_arrays([panel["exporter_iso3"], panel["importer_iso3"]])
    is_t = pair_idx.isin(treated)
    have = set(zip(panel.loc[is_t, "exporter_iso3"], panel.loc[is_t, "importer_iso3"], strict=True))
    absent = [p for p in treated if p not in have]
    if absent:
        raise InvalidParameterError(
            "pairs", absent, "pairs with a positive flow in some year of the (sector's) data"
        )
    check = (
        _blackouts(
            t if sector is None else _sector_rows(t, sector_map, sector), panel, treated, post
        )
        if check_blackouts and post
        else pd.DataFrame(columns=["check", "country_iso3", "partner_iso3", "years", "reason"])
    )
    if len(check):
        first = check.iloc[0]
        raise BlackoutError(
            f"event study refused: the data are blacked out for {first['country_iso3']}"
            f"{'-' + first['partner_iso3'] if first['partner_iso3'] else ''} in "
            f"{first['years']} ({first['check']}: {first['reason']}). Post-event zeros would "
            "be read as an effect of the event; use a source that covers the pair (official "
            "statistics, mirror flows) or an earlier window. See coopstats.coverage.",
            check,
        )
    if len(treated) < 10:
        warnings.warn(
            f"{len(treated)} treated pair(s): cluster-robust intervals rest on the few treated "
            "clusters and understate the uncertainty (Conley & Taber 2011); read the "
            "coefficients as descriptive",
            CoopstatsWarning,
            stacklevel=2,
        )
    rel = np.clip(panel["year"].to_numpy() - event_year, -leads, lags)
    terms, ks = [], []
    for k in range(-leads, lags + 1):
        if k == -1:
            continue
        name = f"rel_m{-k}" if k < 0 else f"rel_p{k}"
        panel[name] = (is_t & (rel == k)).astype(float)
        terms.append(name)
        ks.append(k)
    g = ppml(panel, terms, fixed_effects=fixed_effects, alpha=alpha)
    c = g.coefficients.copy()
    c.insert(0, "relative_year", np.array(ks, dtype="int64"))
    ref = pd.DataFrame(
        {"relative_year": [-1], "term": ["reference"], "estimate": [0.0], "effect_pct": [0.0]}
    )
    coefs = pd.concat([c, ref], ignore_index=True).sort_values("relative_year")
    coefs = coefs[
        [
            "relative_year",
            "term",
            "estimate",
            "std_error",
            "ci_low",
            "ci_high",
            "effect_pct",
            "ci_low_pct",
            "ci_high_pct",
            "p_value",
        ]
    ].reset_index(drop=True)
    pre = [f"rel_m{k}" for k in range(2, leads + 1)]
    p_pre = _wald_p(g.models.get(None), pre)
    n_pairs = pair_idx.unique().size
    return EventStudyResult(
        coefficients=coefs,
        gravity=g,
        treated=pd.DataFrame(treated, columns=["exporter_iso3", "importer_iso3"]),
        event_year=int(event_year),
        blackout_check=check,
        params={
            "leads": leads,
            "lags": lags,
            "fixed_effects": fixed_effects,
            "sector": sector,
            "n_control_pairs": int(n_pairs - len(treated)),
            "pre_trend_p_value": p_pre,
        },
    )


def _sector_rows(trade: pd.DataFrame, sector_map: pd.DataFrame, sector: str) -> pd.DataFrame:
    codes = sector_map.loc[sector_map["sector"] == sector, "hs6_code"].unique()
    return trade[trade["hs6_code"].isin(codes)]


def _wald_p(fit: object, pre: list[str]) -> float:
    """Joint Wald test that the leads are zero (cluster-robust covariance); NaN if unavailable."""
    if fit is None:
        return float("nan")
    names = list(fit._coefnames)
    idx = [names.index(t) for t in pre if t in names]
    if not idx:
        return float("nan")
    b = np.asarray(fit._beta_hat)[idx]
    v = np.asarray(fit._vcov)[np.ix_(idx, idx)]
    try:
        w = float(b @ np.linalg.solve(v, b))
    except np.linalg.LinAlgError:
        return float("nan")
    return float(stats.chi2.sf(w, len(idx)))


def sector_event_studies(
    trade: pd.DataFrame,
    events: pd.DataFrame,
    *,
    sector: str,
    sector_map: pd.DataFrame,
    leads: int = 3,
    lags: int = 3,
    fixed_effects: Literal["pair+year", "exporter_year+importer_year+pair"] = "pair+year",
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run :func:`event_study` for every dated event of a sector in the events frame.

    Each event's treated pairs are built as in :func:`event_terms`. An event is skipped,
    with the reason, when it has no date or fewer than two countries, when its year leaves
    no pre-event year in the data, when none of its pairs trade in the sector, or when the
    data are blacked out for its pairs (the :class:`BlackoutError` message).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Coefficients of every study (``event_id`` + :attr:`EventStudyResult.coefficients`)
        and one row per event ``event_id, event_date, event_year, n_pairs, status, reason``
        (``status`` ``estimated`` | ``refused_blackout`` | ``skipped``).
    """
    need = ["event_id", "event_date", "countries", "blocs", "sectors"]
    if not isinstance(events, pd.DataFrame) or [c for c in need if c not in events.columns]:
        raise InvalidParameterError("events", "a frame without " + str(need), need)
    coefs, rows = [], []
    traded = gravity_panel(trade, sector_map=sector_map, sectors=sector)
    have = set(zip(traded["exporter_iso3"], traded["importer_iso3"], strict=True))
    for _, ev in events.sort_values("event_id").iterrows():
        if sector not in (ev["sectors"] or []):
            continue
        rec = {"event_id": ev["event_id"], "event_date": ev["event_date"]}
        if ev["event_date"] is None or pd.isna(ev["event_date"]):
            rows.append(
                {
                    **rec,
                    "event_year": pd.NA,
                    "n_pairs": 0,
                    "status": "skipped",
                    "reason": "no event date",
                }
            )
            continue
        on = pd.Timestamp(ev["event_date"])
        pairs = [p for p in _event_pairs(ev, on) if p in have]
        rec.update(event_year=on.year, n_pairs=len(pairs))
        if not pairs:
            rows.append(
                {**rec, "status": "skipped", "reason": "no pair of the event trades in the sector"}
            )
            continue
        try:
            r = event_study(
                trade,
                pairs=pairs,
                event_year=on.year,
                sector_map=sector_map,
                sector=sector,
                leads=leads,
                lags=lags,
                fixed_effects=fixed_effects,
                alpha=alpha,
            )
        except BlackoutError as err:
            rows.append({**rec, "status": "refused_blackout", "reason": str(err)})
            continue
        except InvalidParameterError as err:
            rows.append({**rec, "status": "skipped", "reason": str(err)})
            continue
        coefs.append(r.coefficients.assign(event_id=ev["event_id"]))
        rows.append({**rec, "status": "estimated", "reason": ""})
    table = pd.DataFrame(
        rows, columns=["event_id", "event_date", "event_year", "n_pairs", "status", "reason"]
    )
    out = pd.concat(coefs, ignore_index=True) if coefs else pd.DataFrame()
    if not coefs:
        warnings.warn(
            f"no event of sector {sector!r} could be estimated", CoopstatsWarning, stacklevel=2
        )
    return out, table


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
        Membership rule (:func:`coopstats.geo.members_in_year`).
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
):
    """Coefficients with their intervals (``estimate, ci_low, ci_high``) against ``x``.

    Points with vertical interval bars, one series per ``hue`` value (slightly offset), a
    horizontal line at ``reference`` and the y axis labelled in log points with the
    percentage effect :math:`100(e^b - 1)` on the right.
    """
    import matplotlib.pyplot as plt

    from . import plots

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
                        fmt="o", capsize=3, label=None if name is None else str(name))  # fmt: skip
        ax.axhline(reference, color="#666666", lw=0.8, ls="--")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("log points (100·(e^b−1) = % effect)")
        if hue is not None:
            ax.legend(title="", loc="best")
    return plots.finish(fig, source=source, synthetic=synthetic)


# ---------------------------------------------------------------------------------------
# prose for pages (en / ru), computed from the numbers
# ---------------------------------------------------------------------------------------

_METHOD = {
    ("gravity", "en"): (
        "**Method.** Structural gravity estimated by Poisson pseudo-maximum likelihood (PPML; "
        "Santos Silva and Tenreyro 2006), zero flows included, on a panel of bilateral flows "
        "per sector. The *level* specification has exporter-year and importer-year fixed "
        "effects: it compares intra-bloc pairs with all other pairs given each country's size "
        "and multilateral resistance. The *profile* specification adds pair fixed effects "
        "(Yotov et al. 2016) and splits the intra-bloc dummy by year: each coefficient is the "
        "change of the intra-bloc premium since the first year, relative to all other pairs. "
        "Standard errors are clustered by pair; intervals are 95 %. Estimated with pyfixest."
        "\n\n**What it cannot tell.** The level premium is not a causal effect of the bloc: "
        "without pair covariates it also measures distance, language, shared history and "
        "old supply chains. The profile is identified only from changes over time, so a "
        "membership that never changed has no effect of its own in it, and anything else that "
        "moved intra-bloc trade in those years (sanctions, re-routing, exchange rates, a "
        "reporting blackout) is in the estimate too. With few countries, cluster-robust "
        "intervals are too narrow (Weidner and Zylkin 2021)."
    ),
    ("gravity", "ru"): (
        "**Метод.** Структурная гравитационная модель, оценённая методом пуассоновского "
        "псевдомаксимального правдоподобия (PPML; Santos Silva, Tenreyro 2006) с учётом нулевых "
        "потоков, на панели двусторонних потоков по каждой отрасли. Спецификация *уровня* "
        "содержит фиксированные эффекты экспортёр-год и импортёр-год: она сравнивает пары "
        "внутри блока со всеми остальными парами при данном размере стран и многосторонних "
        "торговых издержках. Спецификация *профиля* добавляет фиксированные эффекты пар (Yotov "
        "et al. 2016) и разбивает фиктивную переменную блока по годам: каждый коэффициент — "
        "изменение внутриблоковой премии с первого года относительно всех остальных пар. "
        "Стандартные ошибки кластеризованы по парам; интервалы 95 %. Оценка в pyfixest."
        "\n\n**Чего метод не говорит.** Премия уровня — не причинный эффект блока: без "
        "характеристик пар она отражает также расстояние, язык, общую историю и старые "
        "производственные цепочки. Профиль идентифицируется только изменениями во времени: "
        "членство, не менявшееся за период, собственного эффекта в нём не имеет, а всё прочее, "
        "что меняло внутриблоковую торговлю в эти годы (санкции, переориентация потоков, курсы "
        "валют, прекращение публикации статистики), входит в оценку. При небольшом числе стран "
        "кластеризованные интервалы слишком узки (Weidner, Zylkin 2021)."
    ),
    ("event_study", "en"): (
        "**Method.** An event study by PPML: the named pairs' trade in the sector, year by year "
        "relative to the event year, against all other pairs of the sector, with pair and year "
        "fixed effects; the year before the event is the reference (0). Years before the first "
        "lead and after the last lag are pooled into the end points. Leads near zero (and a "
        "joint test that does not reject) support the assumption that the named pairs would "
        "have moved like the others without the event. Standard errors clustered by pair, 95 % "
        "intervals. The study refuses to run when the data are blacked out for a named pair "
        "after the event (missing reporting would be read as an effect)."
        "\n\n**What it cannot tell.** An event rarely comes alone: a roadmap, a sanctions round "
        "and a currency shock in the same year are not separated, so the lags measure "
        "everything that changed for the pair then. With one or two treated pairs the "
        "intervals rest on very few clusters and are too narrow (Conley and Taber 2011); read "
        "the pattern, not the stars. Trade values say nothing about the activities done or "
        "about goods that do not cross a border (services, licences, joint production inside "
        "one country)."
    ),
    ("event_study", "ru"): (
        "**Метод.** Анализ событий (event study) методом PPML: торговля названных пар в "
        "отрасли по годам относительно года события в сравнении со всеми остальными парами "
        "отрасли, с фиксированными эффектами пар и лет; базовый (нулевой) — год перед "
        "событием. Годы до первого лага «до» и после последнего лага «после» объединяются с "
        "крайними точками. Коэффициенты «до», близкие к нулю (и неотвергнутая совместная "
        "гипотеза), подтверждают предположение, что без события названные пары двигались бы "
        "как остальные. Стандартные ошибки кластеризованы по парам, интервалы 95 %. Анализ не "
        "выполняется, если после события данные по паре отсутствуют (прекращение отчётности "
        "было бы прочитано как эффект)."
        "\n\n**Чего метод не говорит.** Событие редко бывает единственным: дорожная карта, "
        "пакет санкций и валютный шок в одном году не разделяются, и лаги измеряют всё, что "
        "изменилось для пары в это время. При одной-двух парах интервалы опираются на очень "
        "мало кластеров и слишком узки (Conley, Taber 2011): смотрите на форму профиля, а не на "
        "звёздочки. Стоимость торговли ничего не говорит о выполненных мероприятиях и о том, "
        "что не пересекает границу (услуги, лицензии, совместное производство внутри страны)."
    ),
}


def _lang(language: str) -> str:
    if language not in ("en", "ru"):
        raise InvalidParameterError("language", language, ["en", "ru"])
    return language


def method_statement(kind: Literal["gravity", "event_study"], language: str = "en") -> str:
    """Return the method and what it cannot tell, for the gravity or event-study page."""
    if kind not in ("gravity", "event_study"):
        raise InvalidParameterError("kind", kind, ["gravity", "event_study"])
    return _METHOD[(kind, _lang(language))]


def _pct(x: float, language: str) -> str:
    s = f"{x:+.1f}"
    return s.replace(".", ",").replace("-", "−") + " %" if language == "ru" else s + "%"


def bloc_effects_statement(result: BlocEffects, *, language: str = "en") -> str:
    """One sentence per sector and bloc with the level premium and the change since the first year.

    Every number is read from ``result``; terms that could not be estimated are named as such.
    """
    language = _lang(language)
    s = result.summary()
    y0, y1 = result.years[0], result.years[-1]
    lines = []
    for _, r in s.iterrows():
        level, change = r["effect_pct_level"], r["effect_pct_change"]
        lev_ci = _interval(result.level, f"intra_{r['bloc']}", r["sector"], language)
        chg_ci = _interval(result.profile, f"intra_{r['bloc']}_{y1}", r["sector"], language)
        if language == "en":
            a = (
                f"intra-bloc pairs trade {abs(level):.1f}% {'more' if level >= 0 else 'less'} "
                f"than other pairs of the same exporters and importers{lev_ci}"
                if pd.notna(level)
                else "the level premium could not be estimated"
            )
            b = (
                f"the premium changed by {_pct(change, 'en')} from {y0} to {y1}{chg_ci}"
                if pd.notna(change)
                else f"its change from {y0} to {y1} could not be estimated"
            )
            lines.append(f"- **{r['sector']}, {r['bloc']}**: {a}; {b}.")
        else:
            a = (
                f"пары внутри блока торгуют на {abs(level):.1f} % ".replace(".", ",")
                + f"{'больше' if level >= 0 else 'меньше'}, чем другие пары тех же экспортёров "
                f"и импортёров{lev_ci}"
                if pd.notna(level)
                else "премию уровня оценить не удалось"
            )
            b = (
                f"премия изменилась на {_pct(change, 'ru')} с {y0} по {y1} г.{chg_ci}"
                if pd.notna(change)
                else f"её изменение с {y0} по {y1} г. оценить не удалось"
            )
            lines.append(f"- **{r['sector']}, {r['bloc']}**: {a}; {b}.")
    return "\n".join(lines)


def _interval(res: GravityResult, term: str, group: object, language: str) -> str:
    c = res.coefficients
    by = res.params.get("by")
    row = c[(c["term"] == term) & ((c[by] == group) if by else True)]
    if row.empty or pd.isna(row["ci_low_pct"].iloc[0]):
        return ""
    lo, hi = row["ci_low_pct"].iloc[0], row["ci_high_pct"].iloc[0]
    if language == "en":
        return f" (95% interval {_pct(lo, 'en')} to {_pct(hi, 'en')})"
    return f" (95-процентный интервал от {_pct(lo, 'ru')} до {_pct(hi, 'ru')})"


def event_study_statement(result: EventStudyResult, *, language: str = "en") -> str:
    """Say what the event study found, computed from its coefficients (markdown)."""
    language = _lang(language)
    c = result.coefficients
    post = c[c["relative_year"] >= 0]
    pre = c[c["relative_year"] < -1]
    mean_post = float(100 * np.expm1(post["estimate"].mean()))
    n_sig = int(((post["ci_low"] > 0) | (post["ci_high"] < 0)).sum())
    p = result.params.get("pre_trend_p_value")
    pairs = ", ".join(f"{e}→{i}" for e, i in result.treated.itertuples(index=False))
    worst_pre = float(pre["estimate"].abs().max()) if len(pre) else float("nan")
    if language == "en":
        pt = (
            f"the leads do not reject parallel pre-trends (joint p = {p:.2f})"
            if p is not None and np.isfinite(p) and p >= 0.05
            else (
                f"the leads reject parallel pre-trends (joint p = {p:.3f}), so the post-event "
                "coefficients mix the event with a trend that was already there"
                if p is not None and np.isfinite(p)
                else "no joint test of the leads was possible"
            )
        )
        return (
            f"Treated pairs: {pairs}; event year {result.event_year}; "
            f"{result.params.get('n_control_pairs')} comparison pairs. Averaged over the "
            f"{len(post)} post-event years, the named pairs' trade moved {_pct(mean_post, 'en')} "
            f"relative to the comparison pairs and to the year before the event; {n_sig} of "
            f"{len(post)} yearly intervals exclude zero. The largest lead is "
            f"{worst_pre:.2f} log points; {pt}."
        )
    pt = (
        f"коэффициенты «до» не отвергают параллельность трендов (совместное p = {p:.2f})"
        if p is not None and np.isfinite(p) and p >= 0.05
        else (
            f"коэффициенты «до» отвергают параллельность трендов (совместное p = {p:.3f}): "
            "коэффициенты «после» смешивают событие с уже существовавшим трендом"
            if p is not None and np.isfinite(p)
            else "совместная проверка коэффициентов «до» невозможна"
        )
    )
    return (
        f"Пары: {pairs}; год события {result.event_year}; пар сравнения: "
        f"{result.params.get('n_control_pairs')}. В среднем за {len(post)} года(лет) после "
        f"события торговля названных пар изменилась на {_pct(mean_post, 'ru')} относительно "
        f"пар сравнения и года перед событием; интервалы {n_sig} из {len(post)} лет не "
        f"включают ноль. Наибольший коэффициент «до» — {worst_pre:.2f} лог. пункта; {pt}."
    )


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


@dataclass(frozen=True)
class EventStudyOutcome:
    """An event study or the reason it was refused (see :func:`attempt_event_study`).

    Attributes
    ----------
    result : EventStudyResult or None
        The study, when it ran.
    refusal : BlackoutError or None
        Why it did not (the blackout rows in ``refusal.blackouts``).
    """

    result: EventStudyResult | None
    refusal: BlackoutError | None

    def coefficients(self) -> pd.DataFrame:
        """Return the coefficients (plot data), or an empty frame with their columns."""
        if self.result is not None:
            return self.result.coefficients
        return pd.DataFrame(
            columns=["relative_year", "term", "estimate", "std_error", "ci_low", "ci_high",
                     "effect_pct", "ci_low_pct", "ci_high_pct", "p_value"]
        )  # fmt: skip

    def statement(self, language: str = "en") -> str:
        """Say what was found, or why the study refused to run, in ``language``."""
        language = _lang(language)
        if self.result is not None:
            return event_study_statement(self.result, language=language)
        b = self.refusal.blackouts.iloc[0]
        pair = b["country_iso3"] + (f"–{b['partner_iso3']}" if b["partner_iso3"] else "")
        if language == "en":
            return (
                f"**The event study was not run.** The data are blacked out for {pair} in "
                f"{b['years']} ({b['check']}): {b['reason']}. Zeros there are missing "
                "reporting, which the study would read as an effect of the event."
            )
        return (
            f"**Анализ событий не выполнен.** Данные по паре {pair} отсутствуют в "
            f"{b['years']} ({b['check']}). Нули там означают отсутствие отчётности, которое "
            "анализ прочитал бы как эффект события."
        )


def attempt_event_study(trade: pd.DataFrame, **kwargs: object) -> EventStudyOutcome:
    """Run :func:`event_study` and keep a :class:`BlackoutError` as the outcome.

    Any other error propagates. Keyword arguments are those of :func:`event_study`.
    """
    try:
        return EventStudyOutcome(result=event_study(trade, **kwargs), refusal=None)
    except BlackoutError as err:
        return EventStudyOutcome(result=None, refusal=err)


def study_pairs(exporter_iso3: str, importer_iso3: str, both_directions: bool = True) -> list:
    """Return ``[(exporter, importer)]`` and, with ``both_directions``, the reverse."""
    pairs = [(exporter_iso3, importer_iso3)]
    return pairs + [(importer_iso3, exporter_iso3)] if both_directions else pairs


_PAGE_TEXT = {
    "gravity.summary_caption": (
        "Intra-bloc premium per sector: level (exporter-year and importer-year effects) and "
        "change {y0}-{y1} (with pair effects); log points and percent",
        "Внутриблоковая премия по отраслям: уровень (эффекты экспортёр-год и импортёр-год) и "
        "изменение за {y0}–{y1} гг. (с эффектами пар); логарифмические пункты и проценты",
    ),
    "gravity.profile_title": (
        "{sector}: change of the intra-bloc premium since {y0}",
        "{sector}: изменение внутриблоковой премии с {y0} г.",
    ),
    "gravity.profile_caption": (
        "Year-by-year premium: estimates, intervals and percent effects",
        "Премия по годам: оценки, интервалы и эффекты в процентах",
    ),
    "gravity.fits_caption": (
        "Fits per sector: observations used and dropped (separated or singleton), pair "
        "clusters, convergence and terms that could not be estimated",
        "Оценки по отраслям: использованные и исключённые наблюдения (разделённые или "
        "единичные), кластеры пар, сходимость и переменные, которые не удалось оценить",
    ),
    "axis.year": ("year", "год"),
    "event.xlabel": (
        "years relative to the event (0 = event year)",
        "годы относительно события (0 — год события)",
    ),
    "event.title": (
        "{pair}, {sector}: trade relative to other pairs",
        "{pair}, {sector}: торговля относительно других пар",
    ),
    "event.caption": (
        "Event-study coefficients, {label} ({year})",
        "Коэффициенты анализа событий: {label} ({year})",
    ),
    "event.status_caption": (
        "Events naming {sector}: studied, refused (blackout) or skipped, and why",
        "События отрасли {sector}: оценены, отклонены (нет данных) или пропущены, и почему",
    ),
}


def page_text(key: str, language: str = "en", **values: object) -> str:
    """Return a caption or title of the gravity and event-study pages in ``language``.

    Parameters
    ----------
    key
        One of the keys of the page texts (e.g. ``"gravity.profile_title"``).
    language
        ``"en"`` or ``"ru"``.
    values
        Values for the placeholders (``{sector}``, ``{y0}``, ...).
    """
    if key not in _PAGE_TEXT:
        raise InvalidParameterError("key", key, sorted(_PAGE_TEXT))
    return _PAGE_TEXT[key][0 if _lang(language) == "en" else 1].format(**values)
