"""Coverage (table, blackouts, gaps), valuation, official figures and coverage statements."""

from __future__ import annotations

import pandas as pd
import pytest

from coopstats import coverage as cv
from coopstats import coverage_text as ct
from coopstats import official_figures as of
from coopstats import valuation as val
from coopstats.errors import DataFileError, InvalidParameterError

EXTRACTS = ("BACI_HS17_Y2022_V202601_crm30.csv", "BACI_HS17_Y2024_V202601_crm30.csv")


def flows(rows, basis="reconciled"):
    t = pd.DataFrame(
        rows, columns=["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]
    )
    t["flow_basis"] = basis
    t["dataset"] = "TEST"
    return t


@pytest.fixture(name="panel")
def fixture_panel():
    rows = []
    for y in (2019, 2020, 2021, 2022, 2023):
        rows += [(y, "KAZ", "RUS", "260600", 5e6), (y, "CHN", "KAZ", "850511", 3e6)]
        if y <= 2021:
            rows += [(y, "BLR", "RUS", "854231", 8e6), (y, "RUS", "BLR", "270112", 2e6)]
            rows += [(y, "ARM", "GEO", "260600", 2e5)]  # small pair, below the threshold
            rows += [(y, "TKM", "CHN", "280429", 4e6)]  # a country that vanishes
        if y != 2021:
            rows += [(y, "KGZ", "KAZ", "260600", 2e6)]  # a gap that comes back: no blackout
    return flows(rows)


def test_known_blackouts_table_is_sourced_and_lists_belarus_russia():
    table = cv.known_blackouts()
    pair = table[table["kind"] == "pair"]
    assert {
        tuple(sorted(p)) for p in zip(pair["country_iso3"], pair["partner_iso3"], strict=True)
    } >= {("BLR", "RUS")}
    assert (table["reason"].str.len() > 20).all() and (table["source"].str.len() > 10).all()
    assert int(pair.iloc[0]["year_from"]) == 2022 and pd.isna(pair.iloc[0]["year_to"])


def test_known_blackouts_bad_row_names_file_line_column_and_value(tmp_path):
    path = tmp_path / "blackouts.csv"
    path.write_text(
        "kind,country_iso3,partner_iso3,year_from,year_to,reason,source\n"
        "pair,BLR,RUS,2022,,why,where\n"
        "pair,BLR,Russia,2022,,why,where\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as err:
        cv.known_blackouts(path)
    assert (
        err.value.line == 3 and err.value.column == "partner_iso3" and err.value.value == "Russia"
    )
    path.write_text("kind,country_iso3\npair,BLR\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        cv.known_blackouts(path)


def test_blackouts_found_in_the_data_and_known_ones_checked(panel):
    b = cv.find_blackouts(panel, min_value_usd=1e6)
    known = b[b["origin"] == "reference"].set_index(["kind", "country_iso3"])
    assert known.loc[("pair", "BLR"), "status"] == "confirmed"
    assert known.loc[("pair", "BLR"), "years_checked"] == "2022,2023"
    assert known.loc[("pair", "BLR"), "last_year_with_flows"] == 2021
    assert known.loc[("pair", "BLR"), "value_last_year_usd"] == 10e6
    # Russia still has flows (KAZ -> RUS), all reconciled: they come from partners
    assert known.loc[("reporter", "RUS"), "status"] == "partners_only"
    found = b[b["origin"] == "data"]
    pairs = set(
        zip(found["kind"], found["country_iso3"], found["partner_iso3"].fillna(""), strict=True)
    )
    assert pairs == {
        ("pair", "BLR", "RUS"),
        ("pair", "CHN", "TKM"),
        ("country", "TKM", ""),
        ("country", "BLR", ""),  # Belarus has no other partner in this panel
    }
    # the largest lost value comes first
    assert found.iloc[0]["country_iso3"] == "BLR" and found.iloc[0]["year_from"] == 2022
    # a lower threshold also finds the small pair; countries= filters
    low = cv.find_blackouts(panel, min_value_usd=0.0, countries=["GEO"])
    assert list(zip(low["country_iso3"], low["partner_iso3"], strict=True)) == [
        ("ARM", "GEO"),
        ("GEO", None),
    ]


def test_known_pair_with_flows_is_flagged_and_years_outside_the_data_are_not_covered(panel):
    mirror = flows([(2023, "BLR", "RUS", "854231", 1e6)], basis="mirror")
    b = cv.find_blackouts(pd.concat([panel, mirror], ignore_index=True))
    row = b[(b["origin"] == "reference") & (b["kind"] == "pair")].iloc[0]
    assert row["status"] == "flows_present" and row["n_flows"] == 1
    early = panel[panel["year"] <= 2021]
    row = cv.find_blackouts(early).query("origin == 'reference' and kind == 'pair'").iloc[0]
    assert row["status"] == "not_covered" and row["years_checked"] == ""


def test_product_gaps(panel):
    smap = pd.DataFrame(
        {
            "hs6_code": ["260600", "854231", "811292"],
            "sector": ["advanced_materials", "microelectronics", "advanced_materials"],
        }
    )
    gaps = cv.product_gaps(panel, products=smap)
    assert set(gaps.loc[gaps["hs6_code"] == "811292", "year"]) == {2019, 2020, 2021, 2022, 2023}
    assert (gaps.loc[gaps["hs6_code"] == "811292", "status"] == "absent").all()
    micro = gaps[gaps["hs6_code"] == "854231"]
    assert list(micro["year"]) == [2022, 2023]
    assert (micro["status"] == "absent_after_flows").all()
    assert "260600" not in set(gaps["hs6_code"])
    only = cv.product_gaps(panel, products=["260600"], importers=["RUS"])
    assert only.empty
    assert list(cv.product_gaps(panel, products=["260600"], importers=["GEO"])["year"]) == [
        2022,
        2023,
    ]


def test_coverage_table_counts_flows_and_mirror_share():
    t = pd.concat(
        [
            flows(
                [(2022, "KAZ", "RUS", "260600", 30.0), (2022, "KAZ", "RUS", "850511", 10.0)],
                basis="mirror",
            ),
            flows(
                [(2022, "KAZ", "RUS", "270112", 60.0), (2022, "CHN", "KAZ", "260600", 5.0)],
                basis="reported",
            ),
        ],
        ignore_index=True,
    )
    table = cv.coverage_table(t)
    row = table.set_index(["exporter_iso3", "importer_iso3"]).loc[("KAZ", "RUS")]
    assert row["n_flows"] == 3 and row["n_products"] == 3 and row["value_usd"] == 100.0
    assert row["mirror_value_usd"] == 40.0 and row["mirror_share_pct"] == pytest.approx(40.0)
    assert row["flow_bases"] == "mirror+reported"
    smap = pd.DataFrame({"hs6_code": ["260600"], "sector": ["advanced_materials"]})
    by_sector = cv.coverage_table(t, sector_map=smap)
    assert set(by_sector["sector"]) == {"advanced_materials", "total"}
    res = cv.coverage(t, sector_map=smap)
    summary = res.summary()
    assert summary.loc[0, "mirror_share_pct"] == pytest.approx(100 * 40 / 105)
    assert summary.loc[0, "n_pairs"] == 2 and summary.loc[0, "n_flows"] == 4


def test_valuation_and_cif_to_fob():
    t = pd.concat(
        [
            flows([(2022, "KAZ", "RUS", "260600", 110.0)], basis="reported"),
            flows([(2022, "CHN", "RUS", "260600", 50.0)], basis="mirror"),
            flows([(2022, "CHN", "KAZ", "260600", 20.0)], basis="reconciled"),
        ],
        ignore_index=True,
    )
    v = val.with_valuation(t, prefer="importer")
    assert list(v["valuation"]) == ["CIF", "FOB", "FOB"]
    assert list(val.with_valuation(t, prefer="exporter")["valuation"]) == ["FOB", "CIF", "FOB"]
    fob = val.cif_to_fob(v)
    assert fob["value_usd"].tolist() == pytest.approx([100.0, 50.0, 20.0])
    assert val.cif_to_fob(v, ratio=1.0)["value_usd"].tolist() == [110.0, 50.0, 20.0]
    with pytest.raises(InvalidParameterError, match="with_valuation"):
        val.cif_to_fob(t)
    with pytest.raises(InvalidParameterError, match="cif_fob_ratio"):
        val.cif_to_fob(v, ratio=0.9)


def test_bad_input_is_refused_with_the_reason():
    t = flows([(2022, "KAZ", "RUS", "260600", 1.0)], basis="guessed")
    with pytest.raises(InvalidParameterError, match="flow_basis.*guessed"):
        cv.coverage(t)
    with pytest.raises(InvalidParameterError, match="missing column"):
        cv.coverage(t.drop(columns="value_usd"))
    with pytest.raises(InvalidParameterError, match="language"):
        ct.coverage_statement(cv.coverage(flows([])), language="de")


def test_statement_numbers_come_from_the_data(panel):
    res = cv.coverage(panel, min_value_usd=1e6)
    en = ct.coverage_statement(res, countries=["BLR", "RUS"])
    assert "TEST, 2019, 2020, 2021, 2022, 2023" in en
    assert f"{len(panel):,} flows" in en
    assert "No BLR↔RUS flow in either direction in 2022, 2023" in en
    assert "RUS has 2 flows with 1 other partner in the same years" in en
    assert "BLR↔RUS: $" not in en  # the known blackout is not repeated as a data-found one
    assert "BLR: $10.0 m in 2021, no flow in 2022, 2023." in en
    ru = ct.coverage_statement(res, countries=["BLR", "RUS"], language="ru")
    assert "Потоков BLR↔RUS нет ни в одну сторону в 2022, 2023" in ru
    assert "у RUS 2 потока с 1 другим партнёром в те же годы" in ru
    # a different frame gives a different statement
    other = ct.coverage_statement(cv.coverage(panel[panel["year"] <= 2022]), countries=["BLR"])
    assert "No BLR↔RUS flow in either direction in 2022 (" in other
    assert "2019, 2020, 2021, 2022: 23 flows" in other


def test_empty_frame_says_what_is_absent_and_what_fills_it():
    res = cv.coverage(flows([]))
    assert res.table.empty and res.blackouts.empty and res.summary().empty
    text = ct.coverage_statement(res, what="BLR -> RUS flows in microelectronics")
    assert text.startswith("No data: BLR -> RUS flows in microelectronics absent")
    assert "coopstats data build" in text
    assert "Нет данных" in ct.coverage_statement(res, language="ru")


# ---------------------------------------------------------------------------- the real extract
def read_extract(shared_dir, folder: str = "baci/extracts") -> pd.DataFrame:
    """The real BACI V202601 extract as a canonical trade frame, countries mapped with the
    release's own dictionary: ``shared_dir/data/baci/extracts`` (dictionary in
    ``data/baci``) by default, or ``<dir>/<folder>`` holding files and dictionary together
    (the copy shipped in ``data/raw/baci``)."""
    if folder == "baci/extracts":
        files, dictionary = shared_dir / "data/baci/extracts", shared_dir / "data/baci"
    else:
        files = dictionary = shared_dir / folder
    codes = pd.read_csv(dictionary / "country_codes_V202601.csv", dtype=str, keep_default_na=False)
    iso3 = dict(zip(codes["country_code"].astype(int), codes["country_iso3"], strict=True))
    parts = []
    for name in EXTRACTS:
        raw = pd.read_csv(files / name, dtype={"k": str})
        parts.append(
            pd.DataFrame(
                {
                    "year": raw["t"].astype("int64"),
                    "exporter_iso3": raw["i"].map(iso3),
                    "importer_iso3": raw["j"].map(iso3),
                    "hs6_code": raw["k"],
                    "value_usd": raw["v"] * 1000.0,
                    "flow_basis": "reconciled",
                    "dataset": "BACI_HS17_V202601",
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def test_real_extract_has_the_belarus_russia_blackout(shared_dir):
    trade = read_extract(shared_dir)
    assert len(trade) == 23_167 + 21_723 and trade["exporter_iso3"].notna().all()
    res = cv.coverage(trade, countries=["BLR", "RUS"])
    pair = res.blackouts.query("origin == 'reference' and kind == 'pair'").iloc[0]
    assert (pair["country_iso3"], pair["partner_iso3"]) == ("BLR", "RUS")
    assert pair["status"] == "confirmed" and pair["n_flows"] == 0
    assert pair["years_checked"] == "2022,2024"
    kaz_rus = res.table[
        (res.table["exporter_iso3"] == "KAZ") & (res.table["importer_iso3"] == "RUS")
    ]
    assert set(kaz_rus["year"]) == {2022, 2024} and (kaz_rus["n_flows"] > 0).all()
    text = ct.coverage_statement(res, countries=["BLR", "RUS"])
    assert "No BLR↔RUS flow in either direction in 2022, 2024" in text
    assert "BACI_HS17_V202601, 2022, 2024: 44,890 flows of 30 HS6 products" in text
    # the data-found blackouts are real pairs that traded >= $1 m in 2022 and not in 2024
    found = cv.find_blackouts(trade, known=cv.known_blackouts().head(0))
    pairs = found[found["kind"] == "pair"]
    assert len(pairs) > 0 and (pairs["value_last_year_usd"] >= 1e6).all()
    assert (pairs["last_year_with_flows"] == 2022).all() and (pairs["year_from"] == 2024).all()


# ---------------------------------------------------------------------------- report sections
FACTS = pd.DataFrame(
    {
        "fact_id": ["F1", "F2", "F3", "F4", "F5"],
        "metric": ["trade_turnover", "trade_turnover", "trade_turnover", "exports", "exports"],
        "reporter_iso3": ["BLR", "RUS", "BLR", "BLR", "BLR"],
        "partner_iso3": ["RUS", "BLR", "RUS", "RUS", "RUS"],
        "bloc": "UNION_STATE",
        "sector": ["total", "total", "total", "microelectronics", "microelectronics"],
        "period": ["2021", "2023", "2023", "2024", "2024-01..2024-06"],
        "value": [38.5e9, 46.5e9, 53e9, 192e6, 90e6],
        "unit": "USD",
        "currency": "USD",
        "price_basis": "current",
        "source_title": "t",
        "source_url": "u",
        "source_date": "2025-01-01",
        "language": "ru",
        "note": [
            "goods turnover",
            "goods turnover (Russian data)",
            "trade in goods and services per BelTA",
            "microelectronics exports",
            "first half",
        ],
    }
)


def test_coverage_section_never_raises_on_absent_data(panel):
    assert ct.coverage_section(None, what="BLR -> RUS flows").startswith("No data: BLR -> RUS")
    text = ct.coverage_section(panel, countries=["BLR"], language="ru")
    assert text.startswith("**Покрытие.**") and "BLR↔RUS" in text


def test_facts_coverage_statement_counts_years():
    s = pd.DataFrame(
        {
            "year": [2016, 2018],
            "fact_id": ["F1", "F2"],
            "trade_basis": "goods",
            "caveats": ["", "approximate"],
        }
    )
    text = ct.facts_coverage_statement(s, start_year=2015, end_year=2018, what="X")
    assert "2 of 4 years have a cited figure (2016, 2018)" in text
    assert "1 figure(s) carry a caveat" in text and "No cited figure for 2015, 2017" in text
    empty = ct.facts_coverage_statement(s.head(0), start_year=2015, end_year=2018, what="X")
    assert empty.startswith("No data") and "facts.csv" in empty


def test_trade_beside_official_marks_the_blackout_and_labels_sources(panel):
    flow = panel[panel["hs6_code"] == "854231"].assign(sector="microelectronics")
    side = of.trade_beside_official(
        flow,
        FACTS,
        country_iso3="BLR",
        partner_iso3="RUS",
        start_year=2019,
        end_year=2024,
        sectors=["microelectronics"],
        data_years=range(2015, 2024),
    )
    by = side.set_index(["year", "status"])
    assert by.loc[(2021, "trade data"), "value_usd"] == 8e6
    assert {y for y, s in by.index if s == "blackout"} == {2022, 2023}
    assert (2024, "outside the data") in by.index  # the dataset ends in 2023
    official = side[side["status"] == "official"]
    assert list(official["fact_id"]) == ["F4"]  # the half-year figure is left out
    assert official["source"].iloc[0].startswith("official statements (facts table")
    text = ct.trade_beside_official_statement(side, country_iso3="BLR", partner_iso3="RUS")
    assert "trade data up to 2021 ($8.0 m in 2021)" in text
    assert "blackout in 2022, 2023" in text and "2024: $192.0 m (F4)" in text
    turn = of.trade_beside_official(
        None,
        FACTS,
        country_iso3="BLR",
        partner_iso3="RUS",
        start_year=2015,
        end_year=2024,
        measure="turnover",
    )
    # goods and goods-and-services figures for 2023 stay on separate, labelled lines
    assert set(turn.loc[turn["year"] == 2023, "trade_basis"]) == {"goods", "goods_and_services"}
    assert turn["source"].nunique() == 2


def test_known_blackout_statement():
    assert "no RUS↔BLR flow from 2022" in ct.known_blackout_statement("RUS", "BLR")
    assert "No reporting blackout of ARM↔KAZ" in ct.known_blackout_statement("ARM", "KAZ")
    assert "с 2022 г. нет" in ct.known_blackout_statement("BLR", "RUS", language="ru")


def test_dated_records_statement():
    text = ct.dated_records_statement(
        ["2023..2027", "2025-11-11", "2024-08-27..2024-08-30", None],
        what="cited facts",
        n_unread=2,
    )
    assert text == (
        "**Coverage.** 4 cited facts, dated 2023 to 2027 (by starting year: 2023: 1, 2024: 1, "
        "2025: 1); 1 undated; 2 document(s) could not be read and are not counted."
    )
    assert ct.dated_records_statement([], what="events").startswith("No data: no events")
    assert "по году начала" in ct.dated_records_statement(["2024"], what="x", language="ru")


def test_real_data_section_reads_only_real_partitions(tmp_path, panel):
    import hashlib
    import json

    from coopstats.sources.store import partition_path

    outputs = {}
    for dataset, frame in (("BACI_HS92_V202601", panel), ("SYNTHETIC_DEMO", panel)):
        for year, part in frame.assign(dataset=dataset).groupby("year"):
            path = partition_path(tmp_path, "trade", dataset, int(year))
            path.parent.mkdir(parents=True)
            part.to_parquet(path, index=False)
            outputs[path.relative_to(tmp_path).as_posix()] = {
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "bytes": path.stat().st_size,
            }
    (tmp_path / "manifest.json").write_text(json.dumps({"outputs": outputs}), encoding="utf-8")
    text = ct.real_data_section(tmp_path, countries=["BLR", "RUS"])
    assert text.startswith("*Real data, BACI_HS92_V202601:*") and "SYNTHETIC_DEMO" not in text
    assert "No BLR↔RUS flow in either direction in 2022, 2023" in text
    none = ct.real_data_section(tmp_path, countries=["BLR"], exclude=["BACI_HS92_V202601"])
    assert none.startswith("No other real trade dataset")


def test_the_copy_shipped_in_data_raw_has_the_same_blackout(root):
    """The extract also ships in data/raw/baci (no ../shared needed): same counts, same finding."""
    trade = read_extract(root / "data" / "raw", folder="baci")
    res = cv.coverage(trade, countries=["BLR", "RUS"])
    pair = res.blackouts.query("origin == 'reference' and kind == 'pair'").iloc[0]
    assert pair["status"] == "confirmed" and pair["years_checked"] == "2022,2024"
    assert len(trade) == 23_167 + 21_723


def test_moved_names_live_only_in_their_own_modules():
    """coverage holds the table and blackouts; page text and official figures live apart."""
    for name in ("coverage_section", "real_data_section", "facts_coverage_statement",
                 "trade_beside_official_statement"):
        assert hasattr(ct, name) and not hasattr(cv, name), name
    for name in ("trade_beside_official", "blackout_span"):
        assert hasattr(of, name) and not hasattr(cv, name), name
