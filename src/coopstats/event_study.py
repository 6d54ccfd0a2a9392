"""Event studies by PPML: one event's leads and lags for the named pairs, refused on blackouts.

Split from :mod:`coopstats.gravity` (the structural-gravity estimator it builds on).

=================================  ==========================================================
function                           what it does
=================================  ==========================================================
:func:`event_study`                leads and lags of one event for the named pairs and
                                   sector against all other pairs, pair and year effects;
                                   refuses blacked-out pairs (:class:`BlackoutError`)
:func:`event_terms`                post-event dummies for the pairs of each event (for
                                   :func:`coopstats.gravity.ppml`)
:func:`sector_event_studies`       every dated event of a sector from the events frame
:func:`attempt_event_study`        an event study or the blackout that refused it
:func:`event_study_statement`      what the study found, in English or Russian
=================================  ==========================================================

References
----------
Yotov, Y. V., Piermartini, R., Monteiro, J.-A., & Larch, M. (2016). *An Advanced Guide to
Trade Policy Analysis: The Structural Gravity Model*. WTO / UNCTAD. Conley, T. G., & Taber,
C. R. (2011). Inference with "difference in differences" with a small number of policy
changes. *Review of Economics and Statistics*, 93(1), 113-125. Fischer, A., et al. pyfixest
(``fepois``).
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

from . import membership
from .columns import BLOCS
from .errors import CoopstatsError, CoopstatsWarning, InvalidParameterError
from .gravity import GravityResult, check_int, gravity_panel, ppml, require_trade, term_name
from .gravity_text import signed_percent
from .text import check_language

__all__ = [
    "BlackoutError",
    "EventStudyResult",
    "event_study",
    "sector_event_studies",
    "event_study_statement",
    "EventStudyOutcome",
    "attempt_event_study",
    "study_pairs",
    "event_terms",
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
    leads = check_int("leads", leads, 2)
    lags = check_int("lags", lags, 0)
    if fixed_effects not in ("pair+year", "exporter_year+importer_year+pair"):
        raise InvalidParameterError(
            "fixed_effects", fixed_effects, ["pair+year", "exporter_year+importer_year+pair"]
        )
    if (sector_map is None) != (sector is None):
        raise InvalidParameterError("sector", sector, "given together with sector_map")
    t = require_trade(trade)
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


def event_study_statement(result: EventStudyResult, *, language: str = "en") -> str:
    """Say what the event study found, computed from its coefficients (markdown)."""
    language = check_language(language)
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
            f"{len(post)} post-event years, the named pairs' trade moved "
            f"{signed_percent(mean_post, 'en')} relative to the comparison pairs and to the "
            f"year before the event; {n_sig} of "
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
        f"события торговля названных пар изменилась на {signed_percent(mean_post, 'ru')} "
        f"относительно пар сравнения и года перед событием; интервалы {n_sig} из {len(post)} "
        f"лет не "
        f"включают ноль. Наибольший коэффициент «до» — {worst_pre:.2f} лог. пункта; {pt}."
    )


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
        language = check_language(language)
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


def _event_pairs(row: Mapping, on: pd.Timestamp) -> list[tuple[str, str]]:
    countries = sorted({c for c in (row.get("countries") or []) if isinstance(c, str)})
    if len(countries) < 2:
        partners: set[str] = set()
        for b in row.get("blocs") or []:
            if b in BLOCS:
                partners |= set(membership.members(b, on))
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
    require_trade(panel, "panel")
    lag_years = check_int("lag_years", lag_years, 0)
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
        term = term_name(f"event_{ev['event_id']}")
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
