"""The seed cooperation systems on their pages: CSTO defence industry, regions, programmes, events.

Pure functions on the canonical frames (facts, events, trade, the sector taxonomy) and the
pages' prose in English or Russian computed from the numbers (``language="en"|"ru"``).

Seed systems (the five press releases that motivated coopstats, ``data/raw/events/``):

- CSTO military-economic cooperation: defence-industry products (HS 93 arms and ammunition,
  8710 military vehicles, 890610 warships: :func:`coopstats.hs_sectors.sector_codes` ``"defence"``)
  and dual-use items (the Common High Priority List tiers, taxonomy ``CHPL``), with the CSTO
  events and facts.
- Regional cooperation: sub-national actors (Novosibirsk region, its plants, academies and
  forums) with foreign partners, region x partner x sector
  (:func:`coopstats.sources.regions.read_regional_cooperation`).
- Programmes: the EAEU co-financing mechanism for industrial cooperation projects (facts F121,
  F122) and the CIS concept of cooperation on advanced materials (F001, event 000).
"""

from __future__ import annotations

import pandas as pd

from .text import check_language, format_money, format_number

__all__ = [
    "DUAL_USE_TAXONOMY",
    "defence_sector_list",
    "sector_list_rules",
    "bloc_trade_in_lists",
    "facts_about",
    "events_in",
    "list_totals",
    "regional_pivot",
    "event_titles",
    "figures_with_links",
    "event_details",
    "regional_matrix",
    "programme_timeline",
    "csto_summary",
    "financing_summary",
    "advanced_materials_summary",
    "regional_summary",
    "events_summary",
]

#: taxonomy whose sectors are the dual-use list (BIS/EU/JP/UK Common High Priority List)
DUAL_USE_TAXONOMY = "CHPL"


def defence_sector_list(revision: str = "HS17") -> pd.DataFrame:
    """Defence-industry and dual-use HS6 codes with the rationale and source of each.

    Parameters
    ----------
    revision
        HS revision of the codes (``HS17`` matches BACI's HS17 releases).

    Returns
    -------
    pandas.DataFrame
        ``list`` (``defence`` or ``dual_use``), ``sector`` (``defence`` or the CHPL tier),
        ``rule`` (the chapter, heading or subheading of the taxonomy), ``hs6_code``,
        ``rationale``, ``source``; a code in several CHPL tiers once per tier.
        Sorted by list, sector, code.

    References
    ----------
    WCO Harmonized System 2017 (chapter 93, headings 87.10, 89.06); BIS, Common High Priority
    List (23 Feb 2024), Annex XL to Council Regulation (EU) No 833/2014.
    """
    from . import hs_sectors

    table = hs_sectors.sector_table()
    table = table[table["hs_revision"] == revision]
    defence = table[(table["taxonomy"] == "coopstats") & (table["sector"] == "defence")]
    dual = table[table["taxonomy"] == DUAL_USE_TAXONOMY]
    out = pd.concat([defence.assign(list="defence"), dual.assign(list="dual_use")])
    cols = ["list", "sector", "rule", "hs6_code", "rationale", "source"]
    return out[cols].sort_values(["list", "sector", "hs6_code"]).reset_index(drop=True)


def sector_list_rules(lists: pd.DataFrame) -> pd.DataFrame:
    """One row per list and sector of :func:`defence_sector_list`: its rules and sources.

    Returns
    -------
    pandas.DataFrame
        ``list, sector, rules`` (the chapters, headings or subheadings, comma-separated),
        ``n_products``, ``rationale`` (of the first rule), ``source``.
    """
    g = lists.groupby(["list", "sector"], sort=True)
    return g.agg(
        rules=("rule", lambda s: ", ".join(dict.fromkeys(s))),
        n_products=("hs6_code", "nunique"),
        rationale=("rationale", "first"),
        source=("source", "first"),
    ).reset_index()


def bloc_trade_in_lists(trade: pd.DataFrame, lists: pd.DataFrame, *, bloc: str) -> pd.DataFrame:
    r"""Intra-bloc exports by year, list and exporter (both sides members that year).

    .. math:: X^{bloc}_{l,e,t} = \sum_{p \in l} \sum_{i \in bloc_t} x_{e,i,p,t},
              \quad e \in bloc_t

    Parameters
    ----------
    trade
        Canonical trade frame (``year, exporter_iso3, importer_iso3, hs6_code, value_usd``).
    lists
        :func:`defence_sector_list` (``list, hs6_code``; a code counted once per list).
    bloc
        Bloc whose dated membership (:func:`coopstats.membership.is_intra_bloc`) decides intra-bloc.

    Returns
    -------
    pandas.DataFrame
        ``year, list, exporter_iso3, value_usd``, sorted; years and exporters without intra-bloc
        flows in the list are absent.
    """
    from .membership import is_intra_bloc

    codes = lists[["list", "hs6_code"]].drop_duplicates()
    flows = trade.merge(codes, on="hs6_code")
    if flows.empty:
        return pd.DataFrame(columns=["year", "list", "exporter_iso3", "value_usd"])
    intra = is_intra_bloc(flows, bloc)
    out = (flows[intra].groupby(["year", "list", "exporter_iso3"], as_index=False)["value_usd"]
           .sum())
    return out.sort_values(["year", "list", "exporter_iso3"]).reset_index(drop=True)


def facts_about(facts: pd.DataFrame, *, bloc: str | None = None, sectors: tuple[str, ...] = (),
                fact_ids: tuple[str, ...] = ()) -> pd.DataFrame:
    """Facts of a bloc, of some sectors or named by id (union of the three), in id order."""
    keep = pd.Series(False, index=facts.index)
    if bloc:
        keep |= facts["bloc"].fillna("").eq(bloc)
    if sectors:
        keep |= facts["sector"].isin(list(sectors))
    if fact_ids:
        keep |= facts["fact_id"].isin(list(fact_ids))
    return facts[keep].sort_values("fact_id").reset_index(drop=True)


def events_in(events: pd.DataFrame, *, bloc: str | None = None, sectors: tuple[str, ...] = (),
              organization_contains: str = "") -> pd.DataFrame:
    """Events of a bloc, or naming one of ``sectors``, or an organisation containing a text."""
    keep = pd.Series(False, index=events.index)
    if bloc:
        keep |= events["blocs"].map(lambda b: bloc in list(b))
    if sectors:
        keep |= events["sectors"].map(lambda s: bool(set(s) & set(sectors)))
    if organization_contains:
        needle = organization_contains.lower()
        keep |= events["organizations"].map(lambda os: any(needle in o.lower() for o in os))
    return events[keep].reset_index(drop=True)


def list_totals(by_list: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """Yearly totals per list of :func:`bloc_trade_in_lists`, lists named in ``language``.

    Returns
    -------
    pandas.DataFrame
        ``year, list, value_usd`` (``list`` e.g. "defence industry" / "оборонная
        промышленность").
    """
    from .text import t

    check_language(language)
    out = by_list.groupby(["year", "list"], as_index=False)["value_usd"].sum()
    out["list"] = out["list"].map(lambda k: t(f"list.{k}", language))
    return out


def regional_pivot(records: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """Count of records by sector (rows, named in ``language``) x region–partner (columns)."""
    from .text import t

    check_language(language)
    frame = records.assign(
        sector=records["sector"].map(lambda s: t(f"sector.{s}", language)),
        pair=records["region"] + " – " + records["partner_iso3"],
    )
    return frame.pivot_table(index="sector", columns="pair", values="record_id",
                             aggfunc="count", fill_value=0)


def event_titles(events: pd.DataFrame, facts: pd.DataFrame) -> pd.Series:
    """Title of each event: the ``title`` it carries, else the cited title of its document.

    The facts table cites each seed document by file name (``source_url`` ``<event_id>.txt``)
    with the document's title (``source_title``); events without either get ``""``.
    """
    by_doc = (facts.assign(doc=facts["source_url"].str.removesuffix(".txt"))
              .drop_duplicates("doc").set_index("doc")["source_title"])
    cited = events["event_id"].map(by_doc).fillna("")
    if "title" in events.columns:
        own = events["title"].fillna("").astype(str)
        return own.where(own.str.len() > 0, cited).rename("title")
    return cited.rename("title")


def figures_with_links(figures: pd.DataFrame, facts: pd.DataFrame, *,
                       rtol: float = 0.005) -> pd.DataFrame:
    """Every stated figure with the facts it matches (none dropped, periods not required).

    A fact matches when the units agree and ``|fact - figure| <= rtol * |figure|``
    (:func:`coopstats.events.link_figures_to_facts` without the period rule); facts citing the
    figure's own document come first.

    Returns
    -------
    pandas.DataFrame
        The figure columns plus ``linked_facts`` (comma-separated fact ids, ``""`` when none).
    """
    from .events import link_figures_to_facts

    if figures.empty:
        return figures.assign(linked_facts=pd.Series(dtype="string"))
    links = link_figures_to_facts(figures, facts, rtol=rtol, same_period=False)
    links = links.assign(own=links["source_url"].str.removesuffix(".txt") == links["event_id"])
    links = links.sort_values(["own", "fact_id"], ascending=[False, True])
    keys = ["event_id", "value", "unit", "what"]
    grouped = (links.groupby(keys, dropna=False, sort=False)["fact_id"]
               .agg(lambda s: ", ".join(dict.fromkeys(s))).rename("linked_facts").reset_index())
    out = figures.merge(grouped, on=keys, how="left")
    out["linked_facts"] = out["linked_facts"].fillna("")
    return out


def _date_text(row: pd.Series) -> str:
    start = row.get("event_date_start")
    end = row.get("event_date_end")
    if isinstance(start, str) and start and isinstance(end, str) and end and end != start:
        return f"{start}..{end}"
    date = row.get("event_date")
    if isinstance(date, str) and date:
        return date
    return start if isinstance(start, str) and start else ""


def event_details(events: pd.DataFrame, figures: pd.DataFrame, facts: pd.DataFrame, *,
                  rtol: float = 0.005, language: str = "en") -> pd.DataFrame:
    """One row per event: title, date or date range, organisations, countries, sectors, figures.

    Figures read ``[qualifier] value unit (what) [period] → fact ids``; organisations keep
    their type and state where the events reader gives them (``organization_details``).

    Returns
    -------
    pandas.DataFrame
        ``event_id, title, period, organizations, countries, blocs, sectors, figures,
        linked_facts``.
    """
    check_language(language)
    linked = figures_with_links(figures, facts, rtol=rtol)
    rows = []
    for _, ev in events.iterrows():
        figs = linked[linked["event_id"] == ev["event_id"]]
        fig_text = "; ".join(
            (f"{f['qualifier']} " if isinstance(f.get("qualifier"), str) and f["qualifier"]
             else "")
            + f"{format_number(f['value'], language)} {f['unit']} ({f['what']})"
            + (f" [{f['period']}]" if isinstance(f.get("period"), str) and f["period"] else "")
            + (f" → {f['linked_facts']}" if f["linked_facts"] else "")
            for _, f in figs.iterrows()
        )
        orgs = list(ev["organizations"]) if ev.get("organizations") is not None else []
        details = ev.get("organization_details")
        if details is not None and len(details) and isinstance(details[0], dict):
            # the events reader's typed organisations: "name (type, country)"
            orgs = []
            for d in details:
                tags = ", ".join(str(x) for x in (d.get("type"), d.get("country")) if x)
                orgs.append(f"{d['name']} ({tags})" if tags else str(d["name"]))
        facts_ids = sorted({i for s in figs["linked_facts"] if s for i in s.split(", ")})
        rows.append({
            "event_id": ev["event_id"],
            "title": "",
            "period": _date_text(ev),
            "organizations": orgs,
            "countries": list(ev["countries"]),
            "blocs": list(ev["blocs"]),
            "sectors": list(ev["sectors"]),
            "figures": fig_text,
            "linked_facts": ", ".join(facts_ids),
        })
    out = pd.DataFrame(rows)
    if not out.empty:
        out["title"] = event_titles(events, facts).to_numpy()
    return out


def regional_matrix(records: pd.DataFrame) -> pd.DataFrame:
    """Regional cooperation by region x partner x sector.

    Returns
    -------
    pandas.DataFrame
        ``region, partner_iso3, sector, n_records, actors`` (the region's and the partner's
        organisations, plants and forums named in the records), ``periods``, ``fact_ids``;
        sorted by region, partner, sector.
    """
    def _join(values: pd.Series) -> str:
        items = [v for s in values.dropna() for v in str(s).split("; ") if v]
        return "; ".join(dict.fromkeys(items))

    g = records.groupby(["region", "partner_iso3", "sector"], sort=True)
    out = g.agg(
        n_records=("record_id", "count"),
        actors=("actor", _join),
        partner_actors=("partner_actor", _join),
        periods=("period", _join),
        fact_ids=("fact_ids", _join),
    ).reset_index()
    return out


def programme_timeline(groups: dict[str, pd.DataFrame], language: str = "en") -> pd.DataFrame:
    """Cited facts of several programmes on one timeline, by their sources' publication date.

    Parameters
    ----------
    groups
        Programme label -> its facts (``fact_id, metric, source_date``).
    language
        Unused for the values; kept so pages call every helper the same way.

    Returns
    -------
    pandas.DataFrame
        ``source_date, label`` (``"F121 cooperation_financing_applications"``), ``programme``;
        facts without a publication date keep an empty date (the figure counts them).
    """
    check_language(language)
    parts = [
        pd.DataFrame({
            "source_date": frame["source_date"].astype("string"),
            "label": frame["fact_id"] + " " + frame["metric"],
            "programme": name,
        })
        for name, frame in groups.items()
    ]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["source_date", "label", "programme"])
    return out.sort_values(["source_date", "label"], na_position="last").reset_index(drop=True)


# ------------------------------------------------------------------------------------ prose


def csto_summary(trade_by_list: pd.DataFrame, facts: pd.DataFrame, events: pd.DataFrame, *,
                 start_year: int, end_year: int, synthetic: bool, language: str = "en") -> str:
    """Two sentences on the CSTO page, computed from the numbers shown."""
    check_language(language)
    tot = trade_by_list.groupby("list")["value_usd"].sum() if len(trade_by_list) else pd.Series()
    defence = format_money(float(tot.get("defence", 0.0)), "USD", language)
    dual = format_money(float(tot.get("dual_use", 0.0)), "USD", language)
    n_facts, n_events = len(facts), len(events)
    if language == "ru":
        data = " (синтетические демонстрационные данные)" if synthetic else ""
        facts_ru = _ru_count(n_facts, "цитируемый факт", "цитируемых факта", "цитируемых фактов")
        events_ru = _ru_count(n_events, "событие", "события", "событий")
        return (f"Взаимный экспорт государств ОДКБ в {start_year}–{end_year} гг.{data}: "
                f"продукция оборонной промышленности — {defence}, продукция двойного "
                f"назначения — {dual}. На странице {facts_ru} и {events_ru} "
                "военно-экономического сотрудничества ОДКБ.")
    data = " (synthetic demonstration data)" if synthetic else ""
    return (f"CSTO members' exports to each other, {start_year}-{end_year}{data}: "
            f"defence-industry products {defence}, dual-use items {dual}. The page lists "
            f"{n_facts} cited facts and {n_events} events of CSTO military-economic "
            "cooperation.")


def financing_summary(facts: pd.DataFrame, language: str = "en") -> str:
    """Describe the EAEU co-financing mechanism in figures (F121 applications, F122 value)."""
    check_language(language)
    by_id = facts.set_index("fact_id")
    if not {"F121", "F122"} <= set(by_id.index):
        return ""
    n = float(by_id.loc["F121", "value"])
    value = float(by_id.loc["F122", "value"])
    unit = str(by_id.loc["F122", "unit"])
    mean = value / n if n else float("nan")
    period = str(by_id.loc["F121", "period"]).replace("..", "–")
    if language == "ru":
        return (f"Механизм финансового содействия кооперационным проектам ЕАЭС: за {period} гг. "
                f"в ЕЭК поступило {format_number(n, 'ru')} заявок общей стоимостью около "
                f"{format_money(value, unit, 'ru')}, в среднем "
                f"{format_money(mean, unit, 'ru')} на проект (факты F121, F122).")
    return (f"EAEU co-financing mechanism for industrial cooperation projects: "
            f"{format_number(n)} applications reached the EEC in {period}, worth about "
            f"{format_money(value, unit)} in all, {format_money(mean, unit)} per project on "
            "average (facts F121, F122).")


def advanced_materials_summary(facts: pd.DataFrame, events: pd.DataFrame,
                               language: str = "en") -> str:
    """Describe the CIS advanced-materials concept: states at the expert group, facts."""
    check_language(language)
    cis = events[events["blocs"].map(lambda b: "CIS" in list(b))
                 & events["sectors"].map(lambda s: "advanced_materials" in list(s))]
    states = sorted({c for cs in cis["countries"] for c in cs})
    n_facts = len(facts)
    if language == "ru":
        n_states = _ru_count(len(states), "государство", "государства", "государств")
        return (f"Концепция сотрудничества государств — участников СНГ в области перспективных "
                f"материалов: в заседании экспертной группы участвовали {n_states} "
                f"({', '.join(states)}); на странице {n_facts} цитируемых фактов об этом "
                "направлении.")
    return (f"CIS concept of cooperation on advanced materials: {len(states)} states took part "
            f"in the expert group ({', '.join(states)}); the page lists {n_facts} cited facts on "
            "this field.")


def _ru_count(n: int, one: str, few: str, many: str) -> str:
    """``n`` with the Russian plural form of a noun (1 государство, 3 государства, 5 государств)."""
    tail = n % 100
    if 11 <= tail <= 14:
        form = many
    elif n % 10 == 1:
        form = one
    elif 2 <= n % 10 <= 4:
        form = few
    else:
        form = many
    return f"{n} {form}"


def regional_summary(matrix: pd.DataFrame, language: str = "en") -> str:
    """Regions, partners and sectors counted from the region x partner x sector table."""
    check_language(language)
    n_reg, n_part = matrix["region"].nunique(), matrix["partner_iso3"].nunique()
    n_sec, n_rec = matrix["sector"].nunique(), int(matrix["n_records"].sum())
    top = (matrix.groupby("sector")["n_records"].sum().sort_values(ascending=False, kind="stable")
           .index[:3].tolist())
    if language == "ru":
        from .text import t

        names = ", ".join(t(f"sector.{s}", "ru") for s in top)
        return (f"{n_rec} записей о сотрудничестве: {n_reg} регион(а), {n_part} страна-партнёр, "
                f"{n_sec} отраслей; чаще всего — {names}.")
    from .text import t

    names = ", ".join(t(f"sector.{s}", "en") for s in top)
    return (f"{n_rec} cooperation records: {n_reg} region(s), {n_part} partner country(ies), "
            f"{n_sec} sectors; most often {names}.")


def events_summary(details: pd.DataFrame, language: str = "en") -> str:
    """How many events, with dates, organisations and figures linked to facts."""
    check_language(language)
    n = len(details)
    dated = int((details["period"] != "").sum()) if n else 0
    with_links = int((details["linked_facts"] != "").sum()) if n else 0
    orgs = len({o for os in details["organizations"] for o in os}) if n else 0
    if language == "ru":
        return (f"{n} событий: у {dated} указана дата или период, названо {orgs} организаций, "
                f"у {with_links} событий приведённые цифры совпадают с цитируемыми фактами.")
    return (f"{n} events: {dated} with a date or date range, {orgs} organisations named, "
            f"{with_links} with stated figures that match cited facts.")
