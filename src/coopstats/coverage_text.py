"""Coverage statements of the report pages, in English or Russian, every number from the data.

:func:`coverage_statement` turns a :class:`coopstats.coverage.CoverageResult` into a short
Markdown text for a page's coverage section (datasets, years, flows, products, value, mirror
share, then the known and the data-found blackouts and the product gaps);
:func:`blackout_statement` is one blackout row's sentence and :func:`coverage_section`
computes the coverage of a page's trade frame and states it in one call, never raising on
absent data. The other statements cover what a page shows besides a trade frame: a facts
series (:func:`facts_coverage_statement`), trade data beside official figures
(:func:`trade_beside_official_statement`, :func:`known_blackout_statement`), dated records such
as events read from press releases (:func:`dated_records_statement`) and the real datasets of
a build for a page drawn from synthetic data (:func:`real_data_section`).

Split from :mod:`coopstats.coverage` (the tables these sentences read).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .checks import TRADE_COLUMNS, iso3_codes
from .coverage import (
    DEFAULT_MIN_VALUE_USD,
    CoverageResult,
    coverage,
    known_pair_blackouts,
)
from .text import LANGUAGES, check_language
from .valuation import mirror_share_pct

__all__ = [
    "LANGUAGES",
    "coverage_statement",
    "blackout_statement",
    "coverage_section",
    "facts_coverage_statement",
    "trade_beside_official_statement",
    "known_blackout_statement",
    "dated_records_statement",
    "real_data_section",
]


def _num(x: float, language: str, digits: int = 0) -> str:
    """Thousands separated (en: 1,234.5; ru: 1 234,5)."""
    text = f"{x:,.{digits}f}"
    if language == "ru":
        text = text.replace(",", " ").replace(".", ",")
    return text


def _plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Russian noun form after the number ``n`` (1 поток, 2 потока, 5 потоков)."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _money(x: float, language: str) -> str:
    units = (
        [(1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")]
        if language == "en"
        else [(1e12, "трлн"), (1e9, "млрд"), (1e6, "млн"), (1e3, "тыс.")]
    )
    for scale, name in units:
        if abs(x) >= scale:
            num = _num(x / scale, language, 1)
            return f"${num} {name}" if language == "en" else f"{num} {name} долл."
    return f"${_num(x, 'en')}" if language == "en" else f"{_num(x, 'ru')} долл."


def _years(ys: Sequence[int] | str) -> str:
    if isinstance(ys, str):
        ys = [int(y) for y in ys.split(",") if y]
    return ", ".join(str(y) for y in ys)


def _pair(a: str, b: str | None) -> str:
    return a if b is None or (isinstance(b, float) and np.isnan(b)) else f"{a}↔{b}"


def blackout_statement(
    result: CoverageResult, row: pd.Series | dict, *, language: str = "en"
) -> str:
    """One sentence about one blackout row of ``result.blackouts``, numbers from the data.

    For a confirmed pair blackout it also states how many flows each of the two countries
    has with other partners in the same years, which shows the gap is a reporting gap, not
    a country missing from the data.
    """
    language = check_language(language)
    r = dict(row)
    who = _pair(r["country_iso3"], r["partner_iso3"])
    years = _years(r["years_checked"])
    t = result.table[result.table["sector"] == "total"]
    if r["kind"] == "pair" and r["status"] == "confirmed":
        a, b = r["country_iso3"], r["partner_iso3"]
        checked = [int(y) for y in str(r["years_checked"]).split(",") if y]
        inside = t[t["year"].isin(checked)]
        others = []
        for c, o in ((a, b), (b, a)):
            m = ((inside["exporter_iso3"] == c) & (inside["importer_iso3"] != o)) | (
                (inside["importer_iso3"] == c) & (inside["exporter_iso3"] != o)
            )
            partners = set(inside.loc[m, "exporter_iso3"]) | set(inside.loc[m, "importer_iso3"])
            others.append((c, int(inside.loc[m, "n_flows"].sum()), len(partners - {c})))
        if not any(n for _, n, _ in others):
            others = []
        if language == "en":
            tail = "; ".join(
                f"{c} has {n:,} flow{'' if n == 1 else 's'} with {p} other "
                f"partner{'' if p == 1 else 's'}"
                for c, n, p in others
            )
            return (
                f"No {who} flow in either direction in {years}"
                + (f" ({tail} in the same years)" if tail else "")
                + ": "
                f"a known reporting blackout from {r['year_from']}. Neither side reports its "
                f"customs declarations, and data built from declarations cannot show their "
                f"mutual trade [{r['source']}]."
            )
        tail = "; ".join(
            f"у {c} {_num(n, 'ru')} {_plural_ru(n, 'поток', 'потока', 'потоков')} с {p} "
            f"{_plural_ru(p, 'другим партнёром', 'другими партнёрами', 'другими партнёрами')}"
            for c, n, p in others
        )
        return (
            f"Потоков {who} нет ни в одну сторону в {years}"
            + (f" ({tail} в те же годы)" if tail else "")
            + ": "
            f"известный пробел в отчётности с {r['year_from']} г. — обе страны не публикуют "
            f"таможенную статистику, а данные, собранные из деклараций, не могут показать их "
            f"взаимную торговлю [{r['source']}]."
        )
    if r["kind"] == "pair" and r["status"] == "flows_present":
        if language == "en":
            return (
                f"{who}: {int(r['n_flows']):,} flows ({_money(r['value_usd'], 'en')}) in {years}"
                f" despite a listed blackout from {r['year_from']}; check their basis."
            )
        return (
            f"{who}: потоков — {int(r['n_flows'])} ({_money(r['value_usd'], 'ru')}) в {years}, "
            f"хотя с {r['year_from']} г. отмечен пробел в отчётности; проверьте их основу."
        )
    if r["kind"] == "reporter":
        if r["status"] in ("not_covered", "no_flows"):
            return ""  # nothing in the frame to attribute (e.g. a page holding one pair only)
        if language == "en":
            return (
                f"{who} does not report from {r['year_from']}: its {int(r['n_flows']):,} flows in"
                f" {years} ({_money(r['value_usd'], 'en')}) come from partners' declarations."
            )
        n = int(r["n_flows"])
        return (
            f"{who} не отчитывается с {r['year_from']} г.: {_num(n, 'ru')} "
            f"{_plural_ru(n, 'поток', 'потока', 'потоков')} с её участием в {years} "
            f"({_money(r['value_usd'], 'ru')}) известны только из деклараций партнёров."
        )
    if r["status"] == "not_covered":
        return ""
    last = r["last_year_with_flows"]
    val = _money(r["value_last_year_usd"] or 0.0, language)
    if language == "en":
        return f"{who}: {val} in {last}, no flow in {years}."
    return f"{who}: {val} в {last} г., потоков нет в {years}."


def coverage_statement(
    result: CoverageResult,
    *,
    countries: Iterable[str] | None = None,
    max_detected: int = 3,
    what: str = "",
    fill_hint: str = "run `coopstats data build` with a BACI release covering these years",
    language: str = "en",
) -> str:
    """Short coverage text for a report page, every number computed from ``result``.

    Parameters
    ----------
    result
        :func:`coopstats.coverage.coverage` result.
    countries
        Only blackouts involving these countries are stated (``None``: all).
    max_detected
        At most this many data-found blackouts are named (the largest); the rest are counted.
    what
        What the data should hold (e.g. ``"BLR -> RUS flows in microelectronics"``), used
        when the frame is empty.
    fill_hint
        What would fill an empty section.
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        Markdown: a paragraph on datasets, years, flows, products, value and mirror share,
        then one bullet per known blackout and the largest data-found ones, then product
        gaps.

    Examples
    --------
    >>> import pandas as pd
    >>> from coopstats.coverage import coverage, known_blackouts
    >>> empty = pd.DataFrame(columns=["year", "exporter_iso3", "importer_iso3", "hs6_code",
    ...                               "value_usd"])
    >>> coverage_statement(coverage(empty, known=known_blackouts().head(0)),
    ...                    what="BLR -> RUS flows")[:32]
    'No data: BLR -> RUS flows absent'
    """
    language = check_language(language)
    keep = iso3_codes("countries", countries)
    p = result.params
    if not p.get("years"):
        thing = what or ("trade flows" if language == "en" else "торговые потоки")
        if language == "en":
            return (
                f"No data: {thing} absent from the trade frame; to fill this section, {fill_hint}."
            )
        return (
            f"Нет данных: {thing} отсутствуют в торговом массиве; чтобы заполнить раздел, "
            f"нужен выпуск BACI за эти годы (`coopstats data build`)."
        )
    years = _years(p["years"])
    share = mirror_share_pct(p["mirror_value_usd"], p["value_usd"])
    ds = ", ".join(p["datasets"]) or ("unnamed dataset" if language == "en" else "без названия")
    pct = _num(0.0 if np.isnan(share) else share, language, 1)
    if language == "en":
        head = (
            f"**Coverage.** {ds}, {years}: {_num(p['n_flows'], 'en')} flows of "
            f"{p['n_products']} HS6 products worth {_money(p['value_usd'], 'en')}; "
            f"{pct} % of the value from mirror flows."
        )
    else:
        head = (
            f"**Покрытие.** {ds}, {years}: {_num(p['n_flows'], 'ru')} потоков по "
            f"{p['n_products']} товарам ТН ВЭД (6 знаков) на {_money(p['value_usd'], 'ru')}; "
            f"доля зеркальных потоков — {pct} % стоимости."
        )
    b = result.blackouts
    if keep is not None and len(b):
        b = b[b["country_iso3"].isin(keep) | b["partner_iso3"].isin(keep)]
    lines = [head]
    ref = b[b["origin"] == "reference"]
    for _, r in ref.iterrows():
        text = blackout_statement(result, r, language=language)
        if text:
            lines.append(f"- {text}")
    found = b[b["origin"] == "data"]
    confirmed = {
        frozenset((r.country_iso3, r.partner_iso3))
        for r in ref.itertuples(index=False)
        if r.kind == "pair" and r.status == "confirmed"
    }
    found = found[
        [
            not (k == "pair" and frozenset((a, p)) in confirmed)
            for k, a, p in zip(
                found["kind"], found["country_iso3"], found["partner_iso3"], strict=True
            )
        ]
    ]  # a pair already stated as a known blackout is not repeated
    if len(found):
        named = [
            blackout_statement(result, r, language=language)
            for _, r in found.head(max_detected).iterrows()
        ]
        n = len(found)
        thr = _money(p["min_value_usd"], language)
        if language == "en":
            lines.append(
                f"- {n:,} pair(s) or countries that traded (pairs: at least {thr}) and "
                f"have no flow in a later year; the largest: " + " ".join(named)
            )
        else:
            lines.append(
                f"- Пар и стран, торговавших ранее (пары — не менее {thr}), но без "
                f"потоков в последующие годы: {_num(n, 'ru')}; крупнейшие: " + " ".join(named)
            )
    elif language == "en":
        lines.append(
            f"- No pair that traded at least {_money(p['min_value_usd'], 'en')} "
            f"disappears in a later year."
        )
    else:
        lines.append(
            f"- Ни одна пара с торговлей от {_money(p['min_value_usd'], 'ru')} не "
            f"исчезает в последующие годы."
        )
    gaps = result.product_gaps
    if len(gaps):
        per = gaps.groupby("year").size()
        listing = ", ".join(f"{y}: {n}" for y, n in per.items())
        if language == "en":
            lines.append(f"- Products expected but without any flow, by year: {listing}.")
        else:
            lines.append(f"- Ожидаемые товары без единого потока, по годам: {listing}.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# report sections: coverage of a page's data, trade data beside official figures
# ---------------------------------------------------------------------------------------


def coverage_section(
    trade: pd.DataFrame | None,
    *,
    countries: Iterable[str] | None = None,
    sector_map: pd.DataFrame | None = None,
    known: pd.DataFrame | None = None,
    min_value_usd: float = DEFAULT_MIN_VALUE_USD,
    years: Iterable[int] | None = None,
    what: str = "",
    fill_hint: str = "run `coopstats data build` with a BACI release covering these years",
    language: str = "en",
) -> str:
    """Coverage section of a page: :func:`coopstats.coverage.coverage`, :func:`coverage_statement`.

    Never raises on absent data: ``trade=None`` or an empty frame gives the sentence saying
    what is absent and what would fill it.

    Parameters
    ----------
    trade
        The page's trade frame (or ``None`` when the page could not load one).
    countries, sector_map, known, min_value_usd, years
        As in :func:`coopstats.coverage.coverage`.
    what, fill_hint, language
        As in :func:`coverage_statement`.

    Returns
    -------
    str
        Markdown.
    """
    language = check_language(language)
    if trade is None:
        trade = pd.DataFrame(columns=list(TRADE_COLUMNS))
    res = coverage(
        trade,
        sector_map=sector_map,
        countries=countries,
        known=known,
        min_value_usd=min_value_usd,
        years=years,
    )
    return coverage_statement(
        res, countries=countries, what=what, fill_hint=fill_hint, language=language
    )


def facts_coverage_statement(
    series: pd.DataFrame,
    *,
    start_year: int,
    end_year: int,
    what: str,
    language: str = "en",
) -> str:
    """Coverage of a facts series: the years with a cited figure, the years without, the bases.

    Parameters
    ----------
    series
        Rows of :func:`coopstats.sources.facts.series` (``year, fact_id``, optionally
        ``trade_basis``, ``caveats``); may be empty.
    start_year, end_year
        The page's window.
    what
        What the series is (e.g. ``"EAEU mutual_trade_turnover in USD"``).
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        Markdown; with no rows it says what is absent and that a cited row of
        ``data/raw/facts/facts.csv`` would fill it.
    """
    language = check_language(language)
    window = list(range(int(start_year), int(end_year) + 1))
    have = sorted({int(y) for y in series["year"]} & set(window)) if len(series) else []
    missing = [y for y in window if y not in have]
    if not have:
        if language == "en":
            return (
                f"No data: the facts table has no full-year figure of {what} in "
                f"{window[0]}-{window[-1]}; a cited row in data/raw/facts/facts.csv would "
                f"fill this section."
            )
        return (
            f"Нет данных: в таблице фактов нет годовых значений ({what}) за "
            f"{window[0]}-{window[-1]} гг.; заполнить раздел может строка с источником в "
            f"data/raw/facts/facts.csv."
        )
    rows = series[series["year"].isin(have)]
    bases = sorted(set(map(str, rows["trade_basis"]))) if "trade_basis" in rows else []
    flagged = int((rows["caveats"].fillna("") != "").sum()) if "caveats" in rows else 0
    if language == "en":
        text = (
            f"**Coverage.** {what}: {len(have)} of {len(window)} years have a cited figure "
            f"({_years(have)}), from {rows['fact_id'].nunique()} facts-table rows"
        )
        text += f"; bases: {', '.join(bases)}" if bases else ""
        text += f"; {flagged} figure(s) carry a caveat (approximate, bound, inferred year, mirror)."
        if missing:
            text += f" No cited figure for {_years(missing)}: those years are left empty."
        return text
    text = (
        f"**Покрытие.** {what}: значения с источником есть за {len(have)} из {len(window)} "
        f"лет ({_years(have)}), строк таблицы фактов — {rows['fact_id'].nunique()}"
    )
    text += f"; основа: {', '.join(bases)}" if bases else ""
    text += (
        f"; с оговорками (приблизительно, граница, год по контексту, зеркальные данные) — "
        f"{flagged}."
    )
    if missing:
        text += f" За {_years(missing)} значений нет; эти годы остаются пустыми."
    return text


#: Phrases of :func:`trade_beside_official_statement` per language (``str.format`` fields).
_SIDE_PHRASES = {
    "en": {
        "data": "trade data up to {last} ({value} in {last})",
        "no_data": "no flow in the trade data",
        "blackout": "; blackout in {years} (no flow: neither side reports)",
        "after": "; officially stated after that: ",
        "official": "; officially stated: ",
        "no_official": "; no official figure for those years in the facts table",
        "before": "; official figures for years with trade data: ",
    },
    "ru": {
        "data": "торговые данные до {last} г. ({value} в {last} г.)",
        "no_data": "в торговых данных потоков нет",
        "blackout": "; пробел в {years} (обе стороны не отчитываются)",
        "after": "; официальные данные за последующие годы: ",
        "official": "; официальные данные: ",
        "no_official": "; официальных данных за эти годы в таблице фактов нет",
        "before": "; официальные данные за годы с торговыми данными: ",
    },
}


def trade_beside_official_statement(
    side: pd.DataFrame,
    *,
    country_iso3: str,
    partner_iso3: str,
    measure: Literal["exports", "turnover"] = "exports",
    language: str = "en",
) -> str:
    """Say per sector how far the trade data go, the blackout years, and the official figures.

    Reads a :func:`coopstats.official_figures.trade_beside_official` frame: the last year
    with a trade-data value, the years marked ``blackout``, and the officially stated values
    after the last trade-data year, each with its fact id.
    """
    language = check_language(language)
    w = _SIDE_PHRASES[language]
    arrow = "→" if measure == "exports" else "↔"

    def listing(rows: pd.DataFrame) -> str:
        return ", ".join(
            f"{int(r.year)}: {_money(r.value_usd, language)} ({r.fact_id})"
            for r in rows.itertuples(index=False)
        )

    lines = []
    for sector, g in side.groupby("sector", sort=True):
        data = g[g["status"] == "trade data"]
        dark = g[g["status"] == "blackout"]
        off = g[g["status"] == "official"]
        last = int(data["year"].max()) if len(data) else None
        last_value = float(data.loc[data["year"] == last, "value_usd"].sum())
        after = off[off["year"] > last] if last is not None else off
        s = f"- **{sector}**, {country_iso3}{arrow}{partner_iso3}: "
        s += (
            w["data"].format(last=last, value=_money(last_value, language))
            if last is not None
            else w["no_data"]
        )
        if len(dark):
            s += w["blackout"].format(years=_years(sorted(dark["year"])))
        if len(after):
            s += (w["after"] if last is not None else w["official"]) + listing(after)
        elif len(dark):
            s += w["no_official"]
        if len(off) > len(after):
            s += w["before"] + listing(off[~off.index.isin(after.index)])
        lines.append(s + ".")
    return "\n".join(lines)


def known_blackout_statement(
    country_iso3: str,
    partner_iso3: str,
    *,
    known: pd.DataFrame | None = None,
    language: str = "en",
) -> str:
    """State the known reporting blackout of a pair from the sourced table, or that none is known.

    For pages built from official statements only (no trade frame to check against): the
    sentence names the first year, says why declaration-based trade data cannot show the flow
    and cites the table's sources.
    """
    language = check_language(language)
    a, b = (
        iso3_codes("country_iso3", [country_iso3])[0],
        iso3_codes("partner_iso3", [partner_iso3])[0],
    )
    rows = known_pair_blackouts(a, b, known=known)
    if rows.empty:
        return (
            f"No reporting blackout of {a}↔{b} is listed in coopstats' blackout table."
            if language == "en"
            else f"В таблице пробелов coopstats для пары {a}↔{b} пробелов в отчётности нет."
        )
    r = rows.iloc[0]
    if language == "en":
        return (
            f"Trade databases built from customs declarations (CEPII BACI, UN Comtrade) hold no "
            f"{a}↔{b} flow from {int(r['year_from'])}: neither side reports. From then on, the "
            f"official statements on this page are the only figures [{r['source']}]."
        )
    return (
        f"В торговых базах, собранных из таможенных деклараций (CEPII BACI, UN Comtrade), "
        f"потоков {a}↔{b} с {int(r['year_from'])} г. нет: обе стороны не отчитываются. С этого "
        f"года единственные цифры — официальные заявления на этой странице [{r['source']}]."
    )


def dated_records_statement(
    dates: pd.Series | Sequence[str | None],
    *,
    what: str,
    n_unread: int = 0,
    language: str = "en",
) -> str:
    """Coverage of dated records (e.g. events read from press releases): how many, when, gaps.

    Parameters
    ----------
    dates
        ISO dates ``YYYY-MM-DD`` (or ``YYYY``, ``YYYY-MM``) of the records; missing = undated.
    what
        What the records are (``"cooperation events"``).
    n_unread
        Documents that could not be read (they are not among the records).
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        Markdown: the count, the dated range, records per year, undated and unread counts;
        with no record, that the section is empty and what would fill it.
    """
    language = check_language(language)
    d = pd.Series(list(dates), dtype="object")
    n = len(d)
    if n == 0:
        return (
            f"No data: no {what}; documents in the input folder (or a shipped .jsonl) would "
            f"fill this section."
            + (f" {n_unread} document(s) could not be read." if n_unread else "")
            if language == "en"
            else f"Нет данных: записей ({what}) нет; раздел заполнят документы во входной папке "
            f"(или выгрузка .jsonl)."
            + (f" Не прочитано документов: {n_unread}." if n_unread else "")
        )
    text = d.dropna().astype(str)
    text = text[text.str.strip() != ""]
    starts = text.str.split("..", regex=False).str[0]  # a period 2024-01..2024-09: start
    ends = text.str.split("..", regex=False).str[-1]  # and end
    years = pd.to_numeric(starts.str[:4], errors="coerce").dropna().astype(int)
    undated = n - len(years)
    per = years.value_counts().sort_index()
    listing = ", ".join(f"{y}: {c}" for y, c in per.items())
    if language == "en":
        out = f"**Coverage.** {n} {what}"
        out += (
            f", dated {starts.min()} to {ends.max()} (by starting year: {listing})"
            if len(years)
            else ""
        )
        out += f"; {undated} undated" if undated else ""
        out += f"; {n_unread} document(s) could not be read and are not counted" if n_unread else ""
        return out + "."
    out = f"**Покрытие.** Записей ({what}): {n}"
    out += (
        f", даты с {starts.min()} по {ends.max()} (по году начала: {listing})" if len(years) else ""
    )
    out += f"; без даты: {undated}" if undated else ""
    out += f"; не прочитано и не учтено документов: {n_unread}" if n_unread else ""
    return out + "."


def real_data_section(
    processed_dir: str | Path,
    *,
    countries: Iterable[str],
    exclude: Iterable[str] = (),
    known: pd.DataFrame | None = None,
    language: str = "en",
) -> str:
    """Coverage of ``countries`` in every real (not synthetic) trade dataset of the build.

    A page whose own data are the synthetic demonstration panel (or another dataset) can still
    state what real data show about its countries: for each dataset of the partitioned
    processed trade table (``<processed_dir>/trade/dataset=*``) that is not synthetic and not
    in ``exclude``, the flows touching ``countries`` are read (only those rows) and passed to
    :func:`coverage_section` with the dataset's own years.

    Returns
    -------
    str
        Markdown, one :func:`coverage_section` per dataset; when there is none, a sentence
        saying so and what would provide one.
    """
    from .provenance import SYNTHETIC_DATASET
    from .sources.store import partition_datasets, read_partitioned

    language = check_language(language)
    keep = iso3_codes("countries", countries)
    root = Path(processed_dir)
    parts = partition_datasets(root, "trade") if (root / "trade").is_dir() else {}
    skip = {str(d) for d in exclude}
    real = sorted(d for d in parts if not d.startswith(SYNTHETIC_DATASET) and d not in skip)
    if not real:
        if language == "en":
            return (
                "No other real trade dataset in the processed data to check these countries "
                "against; `make data` (BACI HS92 V202601) would provide one."
            )
        return (
            "Других реальных торговых данных для проверки этих стран нет; их даст "
            "`make data` (BACI HS92 V202601)."
        )
    out = []
    for d in real:
        rows = read_partitioned(
            "trade",
            root,
            datasets=[d],
            filters=[[("exporter_iso3", "in", keep)], [("importer_iso3", "in", keep)]],
        )
        head = f"*Real data, {d}:*" if language == "en" else f"*Реальные данные, {d}:*"
        out.append(
            head
            + "\n\n"
            + coverage_section(
                rows, countries=keep, known=known, years=sorted(parts[d]), language=language
            )
        )
    return "\n\n".join(out)
