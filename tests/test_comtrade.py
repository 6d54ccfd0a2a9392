"""UN Comtrade reader: the API v1 JSON shape, CSV and bulk files, reported vs mirror flows."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from coopstats.errors import CoopstatsWarning, DataFileError, InvalidParameterError
from coopstats.sources.comtrade import (
    RECORDS,
    mirror_flows,
    non_reporters,
    read_comtrade,
    read_comtrade_records,
    to_trade,
)

# Country codes as UN Comtrade uses them: 643 Russia, 112 Belarus, 398 Kazakhstan, 156 China,
# 842 USA (incl. PR and VI), 0 World, 899 Areas nes.
NAMES = {
    643: ("RUS", "Russian Federation"),
    112: ("BLR", "Belarus"),
    398: ("KAZ", "Kazakhstan"),
    156: ("CHN", "China"),
    842: ("USA", "USA"),
    0: ("W00", "World"),
    899: ("_X ", "Areas, nes"),
}


def record(
    reporter,
    partner,
    flow,
    cmd,
    value,
    *,
    year=2022,
    net_kg=1000.0,
    mot=0,
    customs="C00",
    partner2=0,
    cl="H5",
    freq="A",
    type_code="C",
):
    """One record with every field of the UN Comtrade API v1 final-data answer."""
    return {
        "typeCode": type_code,
        "freqCode": freq,
        "refPeriodId": int(f"{year}0101"),
        "refYear": year,
        "refMonth": 52,
        "period": str(year),
        "reporterCode": reporter,
        "reporterISO": NAMES[reporter][0],
        "reporterDesc": NAMES[reporter][1],
        "flowCode": flow,
        "flowDesc": {"X": "Export", "M": "Import"}.get(flow, "Re-export"),
        "partnerCode": partner,
        "partnerISO": NAMES[partner][0],
        "partnerDesc": NAMES[partner][1],
        "partner2Code": partner2,
        "partner2ISO": "W00",
        "partner2Desc": "World",
        "classificationCode": cl,
        "classificationSearchCode": "HS",
        "isOriginalClassification": True,
        "cmdCode": cmd,
        "cmdDesc": "Electronic integrated circuits",
        "aggrLevel": len(cmd) if cmd != "TOTAL" else 0,
        "isLeaf": len(cmd) == 6,
        "customsCode": customs,
        "customsDesc": "TOTAL CPC",
        "mosCode": "0",
        "motCode": mot,
        "motDesc": "TOTAL MOT",
        "qtyUnitCode": 8,
        "qtyUnitAbbr": "kg",
        "qty": net_kg,
        "isQtyEstimated": False,
        "altQtyUnitCode": -1,
        "altQtyUnitAbbr": "N/A",
        "altQty": 0,
        "isAltQtyEstimated": False,
        "netWgt": net_kg,
        "isNetWgtEstimated": False,
        "grossWgt": 0,
        "isGrossWgtEstimated": False,
        "cifvalue": value if flow == "M" else None,
        "fobvalue": value if flow == "X" else None,
        "primaryValue": value,
        "legacyEstimationFlag": 0,
        "isReported": True,
        "isAggregate": False,
    }


def response(records):
    return {"elapsedTime": "0.41 secs", "count": len(records), "data": records, "error": ""}


RECORDED = [
    # Kazakhstan's declarations, 2022
    record(398, 643, "X", "854231", 1_000_000.0),  # KAZ exports to RUS (FOB)
    record(398, 643, "M", "854231", 5_000_000.0, net_kg=2500.0),  # KAZ imports from RUS (CIF)
    record(398, 156, "M", "854231", 7_000_000.0),  # KAZ imports from CHN
    record(398, 0, "M", "854231", 12_000_000.0),  # partner World: a total
    record(398, 899, "M", "854231", 10.0),  # Areas nes
    record(398, 643, "M", "854231", 4_000_000.0, mot=2100),  # mode-of-transport breakdown
    record(398, 643, "M", "8542", 9_000_000.0),  # heading total
    record(398, 643, "RX", "854231", 3.0),  # re-export
    # China's declarations, 2022
    record(156, 398, "X", "854231", 6_900_000.0),  # mirror of KAZ's import: superseded
    record(156, 643, "X", "854231", 8_000_000.0),  # CHN exports to RUS: RUS does not report
    # Russia's declaration, 2022 (a listed non-reporter; should not be used)
    record(643, 156, "M", "854231", 99.0),
    # Belarus 2022: chapter 27 withheld by Belstat; 8542 not
    record(112, 643, "X", "854231", 192_000.0),
    record(643, 112, "M", "271019", 55.0),
    record(398, 112, "M", "271019", 42.0),  # KAZ imports of BLR oil products
    record(112, 398, "X", "271019", 77.0),  # BLR's own (withheld) declaration
]


@pytest.fixture(name="recorded")
def fixture_recorded(tmp_path):
    path = tmp_path / "preview_C_A_HS_2022.json"
    path.write_text(json.dumps(response(RECORDED), indent=1), encoding="utf-8")
    return path


def test_reads_the_api_json_shape_and_quarantines_non_country_and_breakdown_rows(recorded):
    cleaned = read_comtrade_records(recorded)
    assert list(cleaned.kept.columns) == RECORDS
    assert cleaned.rows_in == len(RECORDED) == cleaned.rows_kept + cleaned.rows_rejected
    rules = dict(zip(cleaned.ledger["line"].astype(int), cleaned.ledger["rule"], strict=True))
    assert rules == {
        4: "partnerCode_not_a_country",
        5: "partnerCode_not_a_country",
        6: "breakdown_mot",
        7: "not_hs6",
        8: "flow_not_x_or_m",
    }
    world = cleaned.ledger[cleaned.ledger["line"] == 4].iloc[0]
    assert world["column"] == "partnerCode" and world["value"] == "0" and "World" in world["reason"]
    row = cleaned.kept.loc[2]
    assert (row["exporter_iso3"], row["importer_iso3"], row["trade_flow"], row["valuation"]) == (
        "RUS",
        "KAZ",
        "import",
        "CIF",
    )
    assert row["value_usd"] == 5_000_000.0 and row["quantity_t"] == 2.5
    assert (
        row["hs6_code"] == "854231"
        and row["hs_revision"] == "HS17"
        and row["dataset"] == "UN_COMTRADE_HS17"
    )
    x = cleaned.kept.loc[1]
    assert (x["exporter_iso3"], x["importer_iso3"], x["valuation"]) == ("KAZ", "RUS", "FOB")


def test_reported_and_mirror_flows_for_non_reporters(recorded):
    records = read_comtrade_records(recorded).kept
    result = to_trade(records)  # prefer the importer's declaration; default non-reporters list
    trade = result.kept.set_index(["exporter_iso3", "importer_iso3", "hs6_code"])
    assert result.rows_in == len(records) == result.rows_kept + result.rows_rejected
    # KAZ's own import declarations are reported; China's export to KAZ is superseded by them
    assert trade.loc[("CHN", "KAZ", "854231"), "flow_basis"] == "reported"
    assert trade.loc[("CHN", "KAZ", "854231"), "value_usd"] == 7_000_000.0
    # Russia does not report from 2022: its imports come from partners' declared exports
    assert trade.loc[("CHN", "RUS", "854231"), "flow_basis"] == "mirror"
    assert trade.loc[("CHN", "RUS", "854231"), "value_usd"] == 8_000_000.0
    assert trade.loc[("KAZ", "RUS", "854231"), "flow_basis"] == "mirror"
    assert trade.loc[("BLR", "RUS", "854231"), "flow_basis"] == "mirror"
    # Belarus withholds chapter 27 from 2022: its exports of oil products come from KAZ's imports
    assert trade.loc[("BLR", "KAZ", "271019"), "flow_basis"] == "reported"
    assert trade.loc[("BLR", "KAZ", "271019"), "value_usd"] == 42.0
    rules = result.ledger.groupby("rule")["line"].apply(lambda s: sorted(s.astype(int))).to_dict()
    assert rules == {
        "declared_by_listed_non_reporter": [11, 13, 15],
        "superseded_by_preferred_side": [9],
    }
    assert set(result.kept["dataset"]) == {"UN_COMTRADE_HS17"}


def test_mirror_flows_take_the_non_reporter_list_as_a_parameter(recorded):
    records = read_comtrade_records(recorded).kept
    default = mirror_flows(records)
    assert sorted(zip(default["exporter_iso3"], default["importer_iso3"], strict=True)) == [
        ("BLR", "RUS"),
        ("CHN", "RUS"),
        ("KAZ", "RUS"),
    ]
    assert (default["flow_basis"] == "mirror").all()
    nobody = pd.DataFrame(
        {"country_iso3": ["USA"], "year_from": [2030], "year_to": [None], "hs_prefix": [""]}
    )
    assert mirror_flows(records, nobody).empty
    # without Russia in the list its own 2022 declaration is used, so CHN->RUS is reported
    only_blr = non_reporters().query("country_iso3 == 'BLR'")
    trade = (
        to_trade(records, non_reporters_table=only_blr)
        .kept.set_index(["exporter_iso3", "importer_iso3"])
        .sort_index()
    )
    assert trade.loc[("CHN", "RUS"), "flow_basis"].item() == "reported"
    assert trade.loc[("CHN", "RUS"), "value_usd"].item() == 99.0


def test_prefer_exporter_uses_fob_declarations(recorded):
    records = read_comtrade_records(recorded).kept
    trade = to_trade(records, prefer="exporter").kept.set_index(
        ["exporter_iso3", "importer_iso3", "hs6_code"]
    )
    assert trade.loc[("CHN", "KAZ", "854231"), "value_usd"] == 6_900_000.0
    assert trade.loc[("CHN", "KAZ", "854231"), "flow_basis"] == "reported"
    # Russia as exporter is a non-reporter: its exports come from KAZ's declared imports
    assert trade.loc[("RUS", "KAZ", "854231"), "flow_basis"] == "mirror"
    with pytest.raises(InvalidParameterError, match="'prefer'.*importer"):
        to_trade(records, prefer="both")


def test_default_non_reporters_list_is_cited():
    table = non_reporters()
    assert {"RUS", "BLR"} <= set(table["country_iso3"])
    assert table["reason"].notna().all() and table["source"].notna().all()
    rus = table[table["country_iso3"] == "RUS"].iloc[0]
    assert int(rus["year_from"]) == 2022 and rus["hs_prefix"] == ""


def test_csv_download_and_gzipped_bulk_file_give_the_same_records(tmp_path, recorded):
    frame = pd.DataFrame(RECORDED)
    csv_path = tmp_path / "comtrade.csv"
    frame.to_csv(csv_path, index=False)
    bulk = tmp_path / "COMTRADE-FINAL-CA398202200H5[2023-05-01].gz"
    # bulk files: tab-separated; field names spelled with a capital first letter
    text = frame.rename(columns=lambda c: c[0].upper() + c[1:]).to_csv(sep="\t", index=False)
    bulk.write_bytes(gzip.compress(text.encode("utf-8")))
    from_json = read_comtrade_records(recorded)
    for path in (csv_path, bulk):
        cleaned = read_comtrade_records(path)
        pd.testing.assert_frame_equal(
            cleaned.kept.reset_index(drop=True), from_json.kept.reset_index(drop=True)
        )
        assert cleaned.rows_rejected == from_json.rows_rejected
        # delimited files: ledger lines are file lines (header = line 1)
        assert sorted(cleaned.ledger["line"].astype(int)) == [5, 6, 7, 8, 9]


def test_read_comtrade_returns_the_canonical_trade_frame(recorded):
    trade = read_comtrade(recorded)
    assert list(trade.columns) == [
        "year",
        "exporter_iso3",
        "importer_iso3",
        "hs6_code",
        "hs_revision",
        "value_usd",
        "quantity_t",
        "flow_basis",
        "dataset",
    ]
    assert set(trade["flow_basis"]) == {"reported", "mirror"}


def test_duplicate_declarations_are_all_quarantined(tmp_path):
    recs = [
        record(398, 156, "M", "854231", 1.0),
        record(398, 156, "M", "854231", 2.0),
        record(398, 643, "M", "854231", 3.0),
    ]
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(response(recs)))
    cleaned = read_comtrade_records(path)
    assert cleaned.rows_kept == 1 and cleaned.rows_rejected == 2
    assert sorted(cleaned.ledger["line"].astype(int).unique()) == [1, 2]


# ----------------------------------------------------------------------------- malformed files
def test_truncated_json_names_file_line_and_column(tmp_path, recorded):
    text = recorded.read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2])
    with pytest.raises(
        DataFileError, match=r"cut\.json:\d+: column 'character \d+'.*not valid JSON"
    ):
        read_comtrade_records(cut)


def test_count_disagreeing_with_data_is_a_truncation(tmp_path):
    doc = response([record(398, 156, "M", "854231", 1.0)])
    doc["count"] = 3
    path = tmp_path / "short.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(DataFileError, match=r"short\.json: column 'count': value '3'.*truncated"):
        read_comtrade_records(path)


def test_truncated_csv_names_line_and_first_missing_column(tmp_path):
    path = tmp_path / "cut.csv"
    pd.DataFrame(RECORDED[:3]).to_csv(path, index=False)
    text = path.read_text()
    path.write_text(text[: text.rindex(",True,False")])  # the last record loses its last fields
    with pytest.raises(DataFileError, match=r"cut\.csv:4: column 'isReported'.*record has"):
        read_comtrade_records(path)


def test_wrong_delimiter_names_line_1_and_the_missing_field(tmp_path):
    path = tmp_path / "semicolon.csv"
    pd.DataFrame(RECORDED[:2]).to_csv(path, index=False, sep=";")
    with pytest.raises(
        DataFileError, match=r"semicolon\.csv:1: column 'typeCode'.*delimited by something other"
    ):
        read_comtrade_records(path)


def test_wrong_encoding_names_line_and_column(tmp_path):
    path = tmp_path / "latin1.csv"
    frame = pd.DataFrame(RECORDED[:2])
    frame.loc[1, "reporterDesc"] = "Côte d'Ivoire"
    path.write_bytes(frame.to_csv(index=False).encode("latin-1"))
    with pytest.raises(
        DataFileError, match=r"latin1\.csv:3: column 'reporterDesc'.*byte 0xf4.*not valid UTF-8"
    ):
        read_comtrade_records(path)


def test_missing_field_is_named(tmp_path):
    doc = response(
        [{k: v for k, v in record(398, 156, "M", "854231", 1.0).items() if k != "primaryValue"}]
    )
    path = tmp_path / "nofield.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(
        DataFileError, match=r"nofield\.json:1: column 'primaryValue': missing field"
    ):
        read_comtrade_records(path)


def test_api_error_and_record_cap(tmp_path):
    path = tmp_path / "err.json"
    path.write_text(
        json.dumps({"elapsedTime": "0", "count": 0, "data": [], "error": "Invalid period"})
    )
    with pytest.raises(DataFileError, match="Invalid period"):
        read_comtrade_records(path)
    capped = tmp_path / "capped.json"
    capped.write_text(
        json.dumps(response([record(398, 156, "M", f"{854200 + i:06d}", 1.0) for i in range(500)]))
    )
    with pytest.warns(CoopstatsWarning, match="500 records is an API cap"):
        read_comtrade_records(capped)


def test_sides_are_paired_only_within_one_hs_revision(tmp_path):
    recs = [
        record(398, 156, "M", "854231", 7.0, cl="H6"),
        record(156, 398, "X", "854231", 6.0, cl="H5"),
    ]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(response(recs)))
    trade = to_trade(read_comtrade_records(path).kept).kept.set_index("dataset")
    assert trade.loc["UN_COMTRADE_HS22", "flow_basis"] == "reported"
    assert trade.loc["UN_COMTRADE_HS17", "flow_basis"] == "mirror"
    assert trade.loc["UN_COMTRADE_HS17", "hs_revision"] == "HS17"
