"""Prose and captions of the gravity and event-study pages, in English or Russian.

Every sentence is computed from a result of :mod:`coopstats.gravity` or
:mod:`coopstats.event_study` (or states the method and what it cannot tell), so it stays
true under any parameters. ``language`` is ``"en"`` or ``"ru"``
(:func:`coopstats.text.check_language`).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from .errors import InvalidParameterError
from .gravity import BlocEffects, GravityResult
from .text import check_language, has, t

__all__ = [
    "method_statement",
    "bloc_effects_statement",
    "page_text",
    "signed_percent",
]


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


def method_statement(kind: Literal["gravity", "event_study"], language: str = "en") -> str:
    """Return the method and what it cannot tell, for the gravity or event-study page."""
    if kind not in ("gravity", "event_study"):
        raise InvalidParameterError("kind", kind, ["gravity", "event_study"])
    return _METHOD[(kind, check_language(language))]


def signed_percent(x: float, language: str) -> str:
    """Return ``x`` as a signed percentage (``+1.5%``; Russian ``+1,5 %`` with a true minus)."""
    s = f"{x:+.1f}"
    return s.replace(".", ",").replace("-", "−") + " %" if language == "ru" else s + "%"


def bloc_effects_statement(result: BlocEffects, *, language: str = "en") -> str:
    """One sentence per sector and bloc with the level premium and the change since the first year.

    Every number is read from ``result``; terms that could not be estimated are named as such.
    """
    language = check_language(language)
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
                f"the premium changed by {signed_percent(change, 'en')} from {y0} to {y1}{chg_ci}"
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
                f"премия изменилась на {signed_percent(change, 'ru')} с {y0} по {y1} г.{chg_ci}"
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
        return f" (95% interval {signed_percent(lo, 'en')} to {signed_percent(hi, 'en')})"
    return f" (95-процентный интервал от {signed_percent(lo, 'ru')} до {signed_percent(hi, 'ru')})"


#: catalogue key prefixes of the gravity and event-study page texts (coopstats/data/text.csv)
_PAGE_PREFIXES = ("gravity.", "event.", "axis.")


def page_text(key: str, language: str = "en", **values: object) -> str:
    """Return a caption or title of the gravity and event-study pages in ``language``.

    Parameters
    ----------
    key
        A ``gravity.*``, ``event.*`` or ``axis.*`` key of the catalogue
        ``coopstats/data/text.csv`` (e.g. ``"gravity.profile_title"``); the notebooks call
        :func:`coopstats.text.t` with the same keys.
    language
        ``"en"`` or ``"ru"``.
    values
        Values for the placeholders (``{sector}``, ``{y0}``, ...).
    """
    check_language(language)
    if not (key.startswith(_PAGE_PREFIXES) and has(key)):
        raise InvalidParameterError("key", key, "a gravity.*, event.* or axis.* key of "
                                    "coopstats/data/text.csv")
    return t(key, language, **values)
