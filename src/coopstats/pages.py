"""Prose and guarded sections of the report pages, computed from the numbers and parameters.

Every sentence a page shows about its results comes from a function here that takes the
result and ``language: str = "en"`` (``"en"`` | ``"ru"``), so it stays true under any
parameters and in both languages. A section that cannot be computed for the chosen
parameters (a window outside the data, too few years for a test, no intra-bloc trade) shows
a :class:`Note` saying why instead of failing or drawing an empty chart.

=================================  ==========================================================
function                           what it writes
=================================  ==========================================================
:func:`note`                       an escaped note block for a page
:func:`data_window`                the part of the requested window the data cover, and why
:func:`trend_text`                 trend growth per group with intervals and the method
:func:`break_text`                 level/slope change at a break with p-values and method
:func:`guarded`                    run an analysis; on a documented refusal, a note instead
:func:`facts_comparability`        which stated figures can be compared with USD growth
:func:`dependency_text`            what the dependency page computes and how many products
:func:`priority_text`              what the composite ranks and what drives the top sector
:func:`bloc_text`                  bloc members and changes in the window, for the page's pair
:func:`single_dataset`             one dataset per analysis, and what was left out
:func:`priority_composites`        need-based and capacity-based composites with their prose
=================================  ==========================================================
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from .errors import InvalidParameterError, MissingDataError

__all__ = [
    "Note",
    "note",
    "Window",
    "data_window",
    "trend_text",
    "break_text",
    "guarded",
    "facts_comparability",
    "dependency_text",
    "priority_text",
    "bloc_text",
    "Composite",
    "priority_composites",
    "figure_or_note",
    "single_dataset",
]

_LANGS = ("en", "ru")


def _lang(language: str) -> str:
    if language not in _LANGS:
        raise InvalidParameterError("language", language, list(_LANGS))
    return language


def _p(p: float, language: str) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "—"
    text = "< 0.001" if p < 0.001 else f"{p:.3f}"
    return text.replace(".", ",") if language == "ru" else text


def _num(x: float, language: str, digits: int = 1, sign: bool = False) -> str:
    text = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    return text.replace(".", ",") if language == "ru" else text


@dataclass(frozen=True)
class Note:
    """A short paragraph on a page (escaped; shown once when made inside a notebook)."""

    text: str
    kind: str = "info"

    def _repr_html_(self) -> str:
        return (
            f"<div class='coopstats-note coopstats-note-{html.escape(self.kind)}' role='note'>"
            f"<p>{html.escape(self.text)}</p></div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self._repr_html_(), "text/plain": self.text}

    def __str__(self) -> str:
        return self.text


def note(text: str, *, kind: str = "info") -> Note:
    """Return a displayable, HTML-escaped note (``kind``: ``info`` | ``empty`` | ``caution``).

    Examples
    --------
    >>> note("<b>x</b>")._repr_html_()
    "<div class='coopstats-note coopstats-note-info' role='note'><p>&lt;b&gt;x&lt;/b&gt;</p></div>"
    """
    if kind not in ("info", "empty", "caution"):
        raise InvalidParameterError("kind", kind, ["info", "empty", "caution"])
    return Note(str(text), kind)


@dataclass(frozen=True)
class Window:
    """Years of a requested window that the data cover (see :func:`data_window`)."""

    start: int | None
    end: int | None
    requested: tuple[int, int]
    available: tuple[int, int] | None
    text: str

    @property
    def is_empty(self) -> bool:
        """True when no year of the window has data."""
        return self.start is None

    @property
    def years(self) -> int:
        """Number of calendar years in the covered window (0 when empty)."""
        return 0 if self.start is None else self.end - self.start + 1

    def note(self) -> Note | None:
        """Return the window's note, or ``None`` when the data cover the request exactly."""
        if not self.text:
            return None
        return note(self.text, kind="empty" if self.is_empty else "info")


def data_window(
    years: Iterable[int], start_year: int, end_year: int, *, what: str, language: str = "en"
) -> Window:
    """Cut a requested window to the years the data hold, and say what was cut and why.

    Parameters
    ----------
    years
        Years with data for the selection (e.g. ``trade["year"].unique()`` before filtering
        by the window, or the years of the whole dataset).
    start_year, end_year
        The requested window (inclusive).
    what
        What the data are, e.g. ``"BLR -> RUS flows in microelectronics"``.
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    Window
        ``start``/``end`` of the covered part (``None`` when nothing is covered) and the
        explanation (empty when the data cover the whole request).

    Examples
    --------
    >>> w = data_window([2015, 2016, 2017], 2016, 2025, what="flows")
    >>> (w.start, w.end), w.text.endswith("so the page covers 2016-2017.")
    ((2016, 2017), True)
    """
    _lang(language)
    have = sorted({int(y) for y in years})
    req = (int(start_year), int(end_year))
    if not have:
        text = {
            "en": f"The data hold no {what} in any year, so this page has nothing to show for "
            f"{req[0]}-{req[1]}; check the countries, sectors and bloc against the data.",
            "ru": f"В данных нет записей ({what}) ни за один год, поэтому за {req[0]}-{req[1]} "
            "показывать нечего; проверьте страны, отрасли и блок.",
        }[language]
        return Window(None, None, req, None, text)
    lo, hi = have[0], have[-1]
    s, e = max(req[0], lo), min(req[1], hi)
    inside = [y for y in have if s <= y <= e]
    if not inside:
        text = {
            "en": f"The data hold {what} for {lo}-{hi}; the requested window {req[0]}-{req[1]} "
            "lies outside it, so nothing is shown for it.",
            "ru": f"Данные ({what}) охватывают {lo}-{hi}; запрошенное окно {req[0]}-{req[1]} "
            "лежит вне их, поэтому ничего не показано.",
        }[language]
        return Window(None, None, req, (lo, hi), text)
    s, e = inside[0], inside[-1]
    parts_en, parts_ru = [], []
    if req[0] < s:
        parts_en.append(f"years {req[0]}-{s - 1}")
        parts_ru.append(f"годы {req[0]}-{s - 1}")
    if req[1] > e:
        parts_en.append(f"years {e + 1}-{req[1]}")
        parts_ru.append(f"годы {e + 1}-{req[1]}")
    if not parts_en:
        return Window(s, e, req, (lo, hi), "")
    text = {
        "en": f"The data hold {what} for {lo}-{hi}; {' and '.join(parts_en)} of the requested "
        f"window {req[0]}-{req[1]} are not in the data, so the page covers {s}-{e}.",
        "ru": f"Данные ({what}) охватывают {lo}-{hi}; {' и '.join(parts_ru)} запрошенного окна "
        f"{req[0]}-{req[1]} в данных отсутствуют, страница охватывает {s}-{e}.",
    }[language]
    return Window(s, e, req, (lo, hi), text)


def guarded(
    func: Callable[..., object], *args: object, what: str, language: str = "en", **kwargs: object
) -> tuple[object | None, Note | None]:
    """Run ``func(*args, **kwargs)``; if it refuses the input, return a note saying why instead.

    Only coopstats' documented refusals (:class:`~coopstats.errors.InvalidParameterError`,
    :class:`~coopstats.errors.MissingDataError`) become notes (local paths removed); any other
    error still fails the page, so bugs are not hidden.

    Returns
    -------
    tuple
        ``(result, None)`` on success, ``(None, note)`` on a refusal.

    Examples
    --------
    >>> from coopstats.growth import cagr
    >>> guarded(cagr, 100.0, 121.0, 2, what="CAGR")[0]
    10.000000000000009
    >>> guarded(cagr, 100.0, 121.0, 0, what="CAGR")[1].kind
    'empty'
    """
    _lang(language)
    try:
        return func(*args, **kwargs), None
    except (InvalidParameterError, MissingDataError) as err:
        from .build.sanitize import scrub_paths

        reason = scrub_paths(str(err))
        text = {
            "en": f"{what}: not computed for these parameters. Reason: {reason}",
            "ru": f"{what}: не рассчитано при этих параметрах. Причина: {reason}",
        }[language]
        return None, note(text, kind="empty")


def trend_text(trend: pd.DataFrame, *, by: str = "sector", language: str = "en") -> str:
    """Describe log-linear trend growth per group (:func:`coopstats.trends.log_linear_trend`).

    Returns
    -------
    str
        One clause per group with trend growth, its interval and p-value, then the method.
    """
    from .inference import method_description

    _lang(language)
    if trend.empty:
        return {"en": "No trend could be estimated.", "ru": "Тренд оценить не удалось."}[language]
    parts = []
    for r in trend.itertuples(index=False):
        name = getattr(r, by) if by in trend.columns else ""
        g = _num(r.trend_growth_pct, language, sign=True)
        lo, hi = _num(r.ci_low_pct, language, sign=True), _num(r.ci_high_pct, language, sign=True)
        if language == "en":
            pv = _p(r.p_value, language)
            parts.append(f"{name}: {g} % a year (95 % interval {lo} to {hi} %, p = {pv})")
        else:
            pv = _p(r.p_value, language)
            parts.append(f"{name}: {g} % в год (95-% интервал от {lo} до {hi} %, p = {pv})")
    first = trend.iloc[0]
    method = method_description(
        str(first["inference"]), df=int(first["df_resid"]), language=language
    )
    n = int(first["n_obs"])
    if language == "en":
        return (
            f"Trend growth over {n} years, {int(first['start_year'])}-{int(first['end_year'])}: "
            + "; ".join(parts)
            + f". Method: {method}. An interval that contains 0 means the data do not "
            "establish a trend either way."
        )
    return (
        f"Трендовый рост за {n} лет, {int(first['start_year'])}-{int(first['end_year'])}: "
        + "; ".join(parts)
        + f". Метод: {method}. Интервал, содержащий 0, означает, что данные не "
        "подтверждают тренд ни в одну сторону."
    )


def break_text(result, *, what: str, language: str = "en") -> str:
    """Describe a break test (:class:`coopstats.trends.BreakResult`) with p-values and method.

    Parameters
    ----------
    result
        A :class:`~coopstats.trends.BreakResult`.
    what
        The series, e.g. ``"BLR -> RUS exports in microelectronics"``.
    language
        ``"en"`` or ``"ru"``.
    """
    _lang(language)
    c = result.coefficients.set_index("term")
    t = result.tests.set_index("test")
    p = result.params
    lvl, slope = float(c.loc["level_change", "estimate"]), float(c.loc["slope_change", "estimate"])
    p_lvl, p_slope = (
        float(c.loc["level_change", "p_value"]),
        float(c.loc["slope_change", "p_value"]),
    )
    p_chow = float(t.loc["chow", "p_value"])
    if p["log"]:
        lvl_txt = _num(100.0 * math.expm1(lvl), language, sign=True) + " %"
        slope_txt = {
            "en": f"{_num(100.0 * slope, language, sign=True)} log points a year",
            "ru": f"{_num(100.0 * slope, language, sign=True)} лог. пунктов в год",
        }[language]
    else:
        lvl_txt, slope_txt = _num(lvl, language, 3, sign=True), _num(slope, language, 3, sign=True)
    method = p[f"method_{language}"]
    signif = min(p_lvl, p_slope, p_chow) < 0.05
    if language == "en":
        verdict = (
            "At the 5 % level the data show a change at the break."
            if signif
            else "At the 5 % level the data do not establish a change at the break; with "
            f"{p['n_obs']} annual points such tests have little power, so this is not "
            "evidence of no change either."
        )
        return (
            f"{what}, break at {p['break_year']} ({p['n_pre']} years before, {p['n_post']} "
            f"from it): level change {lvl_txt} (p = {_p(p_lvl, language)}), change of the "
            f"yearly slope {slope_txt} (p = {_p(p_slope, language)}); Chow test of no change "
            f"in level or slope: p = {_p(p_chow, language)}. {verdict} Method: {method}."
        )
    verdict = (
        "На уровне 5 % данные показывают изменение в точке разрыва."
        if signif
        else "На уровне 5 % данные не подтверждают изменения; при "
        f"{p['n_obs']} годовых наблюдениях мощность таких тестов мала, так что это и не "
        "доказательство отсутствия изменений."
    )
    return (
        f"{what}, разрыв в {p['break_year']} г. ({p['n_pre']} лет до, {p['n_post']} начиная "
        f"с него): изменение уровня {lvl_txt} (p = {_p(p_lvl, language)}), изменение "
        f"годового наклона {slope_txt} (p = {_p(p_slope, language)}); тест Чоу на отсутствие "
        f"изменений: p = {_p(p_chow, language)}. {verdict} Метод: {method}."
    )


def facts_comparability(
    facts: pd.DataFrame, *, currency: str = "USD", language: str = "en"
) -> tuple[pd.DataFrame, str]:
    """Mark which stated figures can be read against growth computed in ``currency``.

    A figure stated in another currency (RUB, BYN) measures growth in that currency, which
    differs from USD growth by the exchange-rate change; a percent figure without a stated
    currency has an unknown basis. Neither is compared with the computed USD figures.

    Returns
    -------
    tuple
        The facts with a ``comparable`` column (``yes`` / reason), and a sentence saying
        how many are comparable and why the others are not.
    """
    _lang(language)
    f = facts.copy()
    cur = (
        f["currency"].astype("string")
        if "currency" in f.columns
        else pd.Series(pd.NA, index=f.index)
    )
    unit = f["unit"].astype("string")
    same = (cur == currency) | (unit == currency)
    other = cur.notna() & (cur != currency)
    pct_unknown = (unit == "percent") & cur.isna()
    reason = pd.Series("yes", index=f.index, dtype="object")
    reason[other.fillna(False)] = {
        "en": "no: stated in another currency",
        "ru": "нет: в другой валюте",
    }[language]
    reason[pct_unknown.fillna(False)] = {
        "en": "no: percent with unstated currency",
        "ru": "нет: процент без указания валюты",
    }[language]
    reason[~(same.fillna(False) | other.fillna(False) | pct_unknown.fillna(False))] = {
        "en": "no: not a money figure",
        "ru": "нет: не денежный показатель",
    }[language]
    f["comparable"] = reason
    n_ok = int((reason == "yes").sum())
    others = sorted(set(cur.dropna()) - {currency})
    if f.empty:
        return f, {
            "en": "The facts table holds no stated figures on this flow.",
            "ru": "В таблице фактов нет приведённых цифр об этом потоке.",
        }[language]
    if language == "en":
        text = (
            f"{n_ok} of {len(f)} stated figures are in {currency} and can be read against the "
            f"computed {currency} values."
        )
        if others:
            text += (
                f" Figures in {', '.join(others)} measure growth in that currency, which "
                f"differs from {currency} growth by the exchange-rate change; they are listed, "
                "not compared."
            )
    else:
        text = (
            f"{n_ok} из {len(f)} приведённых цифр даны в {currency} и сопоставимы с "
            f"рассчитанными значениями в {currency}."
        )
        if others:
            text += (
                f" Цифры в {', '.join(others)} показывают рост в этой валюте, который отличается "
                f"от роста в {currency} на изменение курса; они приведены, но не сравниваются."
            )
    return f, text


def dependency_text(result, *, year: int, sector: str | None = None, language: str = "en") -> str:
    """Say what the dependency page computes and what it finds in ``year``.

    Parameters
    ----------
    result
        A :class:`coopstats.dependency.DependencyResult`.
    year
        Year to report the counts of.
    sector
        Sector row of ``by_year`` to report (``None``: all sectors together).
    language
        ``"en"`` or ``"ru"``.
    """
    _lang(language)
    head = result.describe(language)
    b = result.by_year
    b = b[b["year"] == year]
    if sector is not None and "sector" in b.columns:
        b = b[b["sector"] == sector]
    if b.empty:
        tail = {
            "en": f" The bloc imports none of these products from outside in {year}.",
            "ru": f" В {year} г. блок не импортирует эти товары извне.",
        }[language]
        return head + tail
    n_prod, n_dep = int(b["n_products"].sum()), int(b["n_dependent"].sum())
    n_ec, n_gd = int(b["n_ec_dependent"].sum()), int(b["n_geodep_dependent"].sum())
    pers = b["n_persistent"]
    share = 100.0 * b["dependent_imports_usd"].sum() / b["extra_imports_usd"].sum()
    crit = result.params.get("criteria", "geodep")
    other_n, other_name = (n_gd, "GeoDep") if crit == "ec" else (n_ec, "EC")
    if language == "en":
        p_txt = (
            f"{int(pers.sum())} of them persistent"
            if pers.notna().all()
            else "persistence not assessed (the window reaches before the data)"
        )
        return head + (
            f" In {year}: {n_dep} of {n_prod} products imported from outside the bloc meet "
            f"the criteria ({_num(share, language)} % of extra-bloc imports), {p_txt}; "
            f"under the {other_name} criteria {other_n} would."
        )
    p_txt = (
        f"из них устойчиво зависимых {int(pers.sum())}"
        if pers.notna().all()
        else "устойчивость не оценена (окно выходит за начало данных)"
    )
    return head + (
        f" В {year} г.: {n_dep} из {n_prod} товаров, ввозимых извне, отвечают критериям "
        f"({_num(share, language)} % внешнего импорта), {p_txt}; по критериям {other_name} — "
        f"{other_n}."
    )


def priority_text(
    scores: pd.DataFrame, contributions: pd.DataFrame, *, key: str = "sector", language: str = "en"
) -> str:
    """Say what a composite score ranks and which indicator drives the top-ranked key.

    Parameters
    ----------
    scores
        :func:`coopstats.priority.priority_scores` output.
    contributions
        :func:`coopstats.priority.score_contributions` output for the same call.
    key, language
        Ranked column and ``"en"``/``"ru"``.
    """
    from .priority import BASIS_LABELS

    _lang(language)
    if scores.empty:
        return {
            "en": "No sector could be ranked.",
            "ru": "Ни одну отрасль ранжировать не удалось.",
        }[language]
    basis = str(scores["basis"].iloc[0])
    label = BASIS_LABELS[basis][language]
    top = scores.sort_values("rank").iloc[0]
    c = contributions[contributions[key] == top[key]].sort_values(
        "share_of_abs_pct", ascending=False
    )
    drv = c.iloc[0]
    order = ", ".join(str(k) for k in scores.sort_values("rank")[key])
    if language == "en":
        return (
            f"The score ranks {label}: a higher score means more {basis} "
            f"({'what the bloc lacks' if basis == 'need' else 'what the bloc already has'}). "
            f"Order: {order}. The first, {top[key]}, owes "
            f"{_num(drv['share_of_abs_pct'], language, 0)} % of its score to {drv['indicator']}"
            + (" — a ranking driven by one indicator." if drv["share_of_abs_pct"] > 60 else ".")
        )
    what = "того, чего блоку не хватает" if basis == "need" else "того, что у блока уже есть"
    return (
        f"Балл ранжирует: {label} (чем выше, тем больше {what}). Порядок: {order}. "
        f"Первая, {top[key]}, на {_num(drv['share_of_abs_pct'], language, 0)} % обязана "
        f"показателю {drv['indicator']}"
        + (" — рейтинг определяется одним показателем." if drv["share_of_abs_pct"] > 60 else ".")
    )


def bloc_text(
    bloc: str,
    countries: Iterable[str],
    start_year: int,
    end_year: int,
    *,
    as_of: str = "year_end",
    language: str = "en",
) -> str:
    """Members of ``bloc`` over the window, its changes, and whether ``countries`` belong.

    Parameters
    ----------
    bloc
        One of :data:`coopstats.columns.BLOCS`.
    countries
        ISO3 codes the page is about (e.g. the exporter and the importer).
    start_year, end_year
        The window.
    as_of
        The membership rule (:data:`coopstats.membership.AS_OF`).
    language
        ``"en"`` or ``"ru"``.
    """
    from . import membership

    _lang(language)
    text = membership.membership_note(bloc, start_year, end_year, as_of=as_of, language=language)
    countries = list(countries)
    if not countries:
        return text
    w = membership.membership_window(bloc, start_year, end_year, as_of=as_of)
    years = range(int(start_year), int(end_year) + 1)
    out_of = {}
    for c in countries:
        counted = set(w.loc[(w["country_iso3"] == c) & w["is_counted"], "year"])
        missing = [y for y in years if y not in counted]
        if missing:
            out_of[c] = missing
    if not out_of:
        return (
            text
            + {
                "en": f" {', '.join(countries)}: members in every year of the window "
                "under this rule.",
                "ru": f" {', '.join(countries)}: члены во все годы окна по этому правилу.",
            }[language]
        )
    parts = []
    for c, ys in out_of.items():
        span = (
            f"{ys[0]}-{ys[-1]}"
            if len(ys) == ys[-1] - ys[0] + 1 and len(ys) > 1
            else ", ".join(map(str, ys))
        )
        parts.append(
            {
                "en": f"{c} is not counted as a member of {bloc} in {span}",
                "ru": f"{c} не считается членом {bloc} в {span}",
            }[language]
        )
    tail = {
        "en": "; flows of those years are not intra-bloc trade.",
        "ru": "; потоки этих лет не являются торговлей внутри блока.",
    }[language]
    return text + " " + "; ".join(parts) + tail


@dataclass(frozen=True)
class Composite:
    """One composite of the priority page: its basis, scores, contributions and prose."""

    basis: str
    scores: pd.DataFrame | None
    contributions: pd.DataFrame | None
    text: str
    weights: dict | None = None
    indicators: pd.DataFrame | None = None


def priority_composites(
    indicators: pd.DataFrame,
    *,
    weights: dict[str, float],
    method: str = "zscore",
    key: str = "sector",
    language: str = "en",
) -> list[Composite]:
    """Compute a need-based and a capacity-based composite from the declared indicators.

    The weights are split by each indicator's declared kind (:data:`coopstats.priority.
    INDICATORS`); a kind whose weights are all zero, or with fewer than two rankable keys,
    gets a composite without scores and a text saying why.
    """
    from .priority import BASIS_LABELS, INDICATORS, priority_scores, score_contributions

    _lang(language)
    out = []
    for basis in ("need", "capacity"):
        w = {k: v for k, v in weights.items() if INDICATORS[k]["kind"] == basis and v > 0}
        label = BASIS_LABELS[basis][language]
        if not w:
            text = {
                "en": f"No {label} is computed: the parameters give no weight to its indicators.",
                "ru": f"{label}: не рассчитан — параметры не дают веса его показателям.",
            }[language]
            out.append(Composite(basis, None, None, text))
            continue
        sub = indicators[indicators["indicator"].isin(list(w))]
        undefined = sorted(sub.loc[sub["value"].isna(), key].unique())
        sub = sub[~sub[key].isin(undefined)]
        try:
            scores = priority_scores(sub, weights=w, method=method, key=key, basis=basis)
            contrib = score_contributions(sub, weights=w, method=method, key=key, basis=basis)
        except InvalidParameterError as err:
            text = {
                "en": f"No {label} is computed for these parameters: {err}",
                "ru": f"{label}: не рассчитан при этих параметрах: {err}",
            }[language]
            out.append(Composite(basis, None, None, text))
            continue
        text = priority_text(scores, contrib, key=key, language=language)
        if undefined:
            text += {
                "en": f" Not ranked because an indicator is undefined: {', '.join(undefined)}.",
                "ru": f" Не ранжированы, так как показатель не определён: {', '.join(undefined)}.",
            }[language]
        out.append(Composite(basis, scores, contrib, text, w, sub))
    return out


def figure_or_note(
    func: Callable[..., object], *args: object, what: str, language: str = "en", **kwargs: object
) -> object:
    """Draw a figure with ``func``, or return a note saying why it cannot be drawn.

    A one-call form of :func:`guarded` for a cell whose value is a figure: an empty selection
    gives a note instead of an empty chart.
    """
    result, missing = guarded(func, *args, what=what, language=language, **kwargs)
    return missing if missing is not None else result


def single_dataset(
    frame: pd.DataFrame, *, what: str, language: str = "en"
) -> tuple[pd.DataFrame, Note | None]:
    """Keep the one dataset that covers the most years, and say what was left out.

    Analyses never add figures across datasets (a real BACI extract and the synthetic
    demonstration panel, or two releases); when a selection mixes them, the page analyses the
    dataset covering the most years (then the most rows) and a note names the rows left out.

    Returns
    -------
    tuple
        The rows of the kept dataset, and ``None`` or the note.

    Examples
    --------
    >>> f = pd.DataFrame({"year": [2015, 2016, 2022], "dataset": ["A", "A", "B"],
    ...                   "hs6_code": ["1", "1", "2"]})
    >>> kept, why = single_dataset(f, what="imports")
    >>> kept["dataset"].unique().tolist(), why.kind
    (['A'], 'caution')
    """
    _lang(language)
    if "dataset" not in frame.columns or frame["dataset"].nunique(dropna=False) <= 1:
        return frame, None
    cover = frame.groupby("dataset", dropna=False).agg(
        years=("year", "nunique"), rows=("year", "size")
    )
    keep = cover.sort_values(["years", "rows"], ascending=False, kind="mergesort").index[0]
    left = frame[frame["dataset"] != keep]
    others = ", ".join(sorted(map(str, left["dataset"].unique())))
    years = ", ".join(map(str, sorted(left["year"].unique())))
    n_prod = left["hs6_code"].nunique() if "hs6_code" in left.columns else 0
    text = {
        "en": f"The data for {what} mix datasets; figures are never added across datasets, so "
        f"this page analyses {keep} ({int(cover.loc[keep, 'years'])} years) and leaves out "
        f"{len(left)} rows of {others} ({years}; {n_prod} products).",
        "ru": f"Данные ({what}) относятся к разным наборам; цифры разных наборов не "
        f"складываются, поэтому страница анализирует {keep} (лет: "
        f"{int(cover.loc[keep, 'years'])}) и не включает {len(left)} строк {others} ({years}; "
        f"товаров: {n_prod}).",
    }[language]
    return frame[frame["dataset"] == keep].reset_index(drop=True), note(text, kind="caution")
