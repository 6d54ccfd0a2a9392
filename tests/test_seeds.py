"""Seed systems: defence and dual-use lists, intra-bloc trade by list, regions, events, prose."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from coopstats import events, seeds
from coopstats.sources.processed import load_facts
from coopstats.sources.regions import REGIONAL_COLUMNS, read_regional_cooperation

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "data" / "raw" / "facts" / "facts.csv"
REGIONS = ROOT / "data" / "raw" / "regions" / "regional_cooperation.csv"
EVENTS = ROOT / "data" / "raw" / "events" / "seed_events.jsonl"


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return load_facts(FACTS)


def test_defence_and_dual_use_lists_carry_sources():
    lists = seeds.defence_sector_list("HS17")
    defence = set(lists.loc[lists["list"] == "defence", "hs6_code"])
    assert {"930110", "930690", "871000", "890610"} <= defence
    assert all(c.startswith(("93", "8710", "890610")) for c in defence)
    dual = lists[lists["list"] == "dual_use"]
    assert dual["sector"].str.startswith("chpl_tier_").all() and "854231" in set(dual["hs6_code"])
    assert (lists["source"].str.len() > 20).all() and (lists["rationale"].str.len() > 10).all()
    rules = seeds.sector_list_rules(lists)
    assert int(rules["n_products"].sum()) == len(lists.drop_duplicates(["list", "sector",
                                                                          "hs6_code"]))


def test_intra_bloc_trade_follows_dated_membership():
    lists = seeds.defence_sector_list("HS17")
    trade = pd.DataFrame({
        "year": [2010, 2015, 2015, 2015, 2015],
        "exporter_iso3": ["UZB", "UZB", "RUS", "RUS", "CHN"],
        "importer_iso3": ["RUS", "RUS", "BLR", "BLR", "RUS"],
        "hs6_code": ["930110", "930110", "871000", "854231", "930110"],
        "value_usd": [5.0, 7.0, 11.0, 13.0, 17.0],
    })
    out = seeds.bloc_trade_in_lists(trade, lists, bloc="CSTO")
    got = {(r.year, r.list, r.exporter_iso3): r.value_usd for r in out.itertuples()}
    # Uzbekistan counts in 2010 (member) and not in 2015 (suspended from 2012); China never
    assert got == {(2010, "defence", "UZB"): 5.0, (2015, "defence", "RUS"): 11.0,
                   (2015, "dual_use", "RUS"): 13.0}
    totals = seeds.list_totals(out, "ru")
    assert set(totals["list"]) == {"оборонная промышленность",
                                   "продукция двойного назначения (CHPL)"}


def test_regional_records_read_and_matrix(facts):
    cleaned = read_regional_cooperation(REGIONS, fact_ids=set(facts["fact_id"]))
    assert cleaned.rows_in == len(cleaned.kept) + cleaned.rows_rejected
    assert cleaned.rows_rejected == 0 and len(cleaned.kept) >= 10
    kept = cleaned.kept
    assert {"plant", "academy", "forum", "regional_government"} <= set(kept["actor_kind"])
    matrix = seeds.regional_matrix(kept)
    row = matrix[(matrix["sector"] == "science_education")].iloc[0]
    assert row["region"] == "Novosibirsk region" and row["partner_iso3"] == "BLR"
    assert "F012" in row["fact_ids"] and "F013" in row["fact_ids"]
    assert int(matrix["n_records"].sum()) == len(kept)
    assert {"microelectronics", "uav", "optics"} <= set(matrix["sector"])
    assert "7 sectors" in seeds.regional_summary(matrix, "en")


def test_regional_reader_rejects_bad_rows_into_the_ledger(tmp_path, facts):
    good = pd.read_csv(REGIONS, dtype=str, keep_default_na=False)
    bad = good.head(4).copy()
    bad.loc[0, "sector"] = "space"
    bad.loc[1, "partner_iso3"] = "Belarus"
    bad.loc[2, "fact_ids"] = "F999"
    path = tmp_path / "regional_cooperation.csv"
    bad[REGIONAL_COLUMNS].to_csv(path, index=False)
    cleaned = read_regional_cooperation(path, fact_ids=set(facts["fact_id"]))
    assert len(cleaned.kept) == 1 and cleaned.rows_rejected == 3
    ledger = cleaned.ledger.set_index("line")
    assert ledger.loc[2, "column"] == "sector" and "space" in str(ledger.loc[2, "value"])
    assert ledger.loc[3, "column"] == "partner_iso3" and ledger.loc[4, "column"] == "fact_ids"


def test_event_details_keep_every_figure_and_title(facts):
    seed = events.read_events_jsonl(EVENTS)
    details = seeds.event_details(seed.events, seed.figures, facts)
    assert len(details) == len(seed.events)
    roadmap = details[details["event_id"] == "003_6ea5807902e91aca"].iloc[0]
    # the roadmap's 32 / 35 / 17 figures have no period and are kept with their facts
    for text in ("32 count", "35 count", "17 count", "F004", "F005", "F006"):
        assert text in roadmap["figures"]
    assert roadmap["title"].startswith("Перспективы сотрудничества Беларуси и России")
    every = seeds.figures_with_links(seed.figures, facts)
    assert len(every) == len(seed.figures)
    # a date range is shown as a range
    ranged = seed.events.head(1).assign(event_date=pd.NA, event_date_start="2024-07-08",
                                        event_date_end="2024-07-11")
    assert seeds.event_details(ranged, seed.figures.head(0), facts)["period"].iloc[0] == \
        "2024-07-08..2024-07-11"


def test_programme_prose_is_computed_from_the_facts(facts):
    fin = seeds.facts_about(facts, fact_ids=("F121", "F122"))
    en = seeds.financing_summary(fin, "en").replace("\u00a0", " ")
    ru = seeds.financing_summary(fin, "ru")
    assert "16 applications" in en and "18 bn RUB" in en and "1.1 bn RUB per project" in en
    assert "16 заявок" in ru and "18\u00a0млрд\u00a0руб." in ru
    changed = fin.assign(value=fin["value"].where(fin["fact_id"] != "F121", 8.0))
    assert "2.2\u00a0bn\u00a0RUB per project" in seeds.financing_summary(changed, "en")
    seed = events.read_events_jsonl(EVENTS)
    ru = seeds.advanced_materials_summary(seeds.facts_about(facts, sectors=("advanced_materials",)),
                                          seed.events, "ru")
    assert "5 государств" in ru
