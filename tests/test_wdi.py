"""World Bank WDI reader: the real API extracts, the API JSON shape, malformed files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from coopstats.errors import DataFileError, UnmappedCodeError
from coopstats.schemas import INDICATORS
from coopstats.sources.wdi import excluded_codes, indicator_units, read_wdi

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("name", "rows", "kept"), [("SP.POP.TOTL", 265, 216), ("PA.NUS.FCRF", 202, 200)]
)
def test_real_extracts_drop_listed_aggregates_with_a_ledger_entry_each(
    shared_dir, name, rows, kept
):
    path = shared_dir / "data" / "wdi" / f"{name}.csv"
    cleaned = read_wdi(path)
    assert cleaned.rows_in == rows and cleaned.rows_kept == kept
    assert cleaned.rows_in == cleaned.rows_kept + cleaned.rows_rejected
    assert list(cleaned.kept.columns) == INDICATORS
    frame = cleaned.kept
    assert frame["country_iso3"].str.fullmatch(r"[A-Z]{3}").all()
    listed = set(excluded_codes()["code"])
    assert not (set(frame["country_iso3"]) & listed)
    dropped = cleaned.ledger[cleaned.ledger["rule"].str.startswith("wdi_")]
    assert set(dropped["value"]) <= listed and (dropped["column"] == "economy").all()
    assert dropped["reason"].str.len().gt(20).all()


def test_population_values_and_units(shared_dir):
    frame = read_wdi(shared_dir / "data" / "wdi" / "SP.POP.TOTL.csv").kept.set_index("country_iso3")
    assert frame.loc["ABW", "value"] == 106766.0 and frame.loc["ABW", "year"] == 2020
    assert set(frame["unit"]) == {"persons"} and set(frame["dataset"]) == {"WDI"}
    assert {"RUS", "BLR", "KAZ", "ARM", "KGZ"} <= set(frame.index)
    ledger = read_wdi(shared_dir / "data" / "wdi" / "SP.POP.TOTL.csv").ledger
    assert set(ledger.loc[ledger["rule"] == "wdi_aggregate", "value"]) >= {
        "AFE",
        "AFW",
        "WLD",
        "EMU",
        "EUU",
    }
    assert ledger.loc[ledger["value"] == "CHI", "rule"].item() == "wdi_non_iso_economy"


def test_exchange_rate_before_the_schema_range_is_quarantined_not_dropped(shared_dir):
    cleaned = read_wdi(shared_dir / "data" / "wdi" / "PA.NUS.FCRF.csv")
    old = cleaned.ledger[cleaned.ledger["rule"].str.startswith("greater_than")]
    assert old["value"].tolist() == ["1974"] and old["line"].tolist() == [44]
    assert cleaned.kept.set_index("country_iso3").loc["RUS", "unit"] == "LCU_per_USD"


def test_shipped_copies_are_the_shared_files(shared_dir):
    for name in ("SP.POP.TOTL.csv", "PA.NUS.FCRF.csv"):
        assert (ROOT / "data/raw/wdi" / name).read_bytes() == (
            shared_dir / "data/wdi" / name
        ).read_bytes()


def test_exclusion_and_unit_tables_are_complete():
    table = excluded_codes()
    assert (
        table["code"].is_unique and table["reason"].notna().all() and table["source"].notna().all()
    )
    assert set(table["kind"]) == {"aggregate", "non_iso_economy"}
    assert {"SP.POP.TOTL", "PA.NUS.FCRF"} <= set(indicator_units()["indicator"])


def test_reading_is_deterministic(shared_dir):
    path = shared_dir / "data" / "wdi" / "PA.NUS.FCRF.csv"
    a, b = read_wdi(path), read_wdi(path)
    pd.testing.assert_frame_equal(a.kept, b.kept)
    pd.testing.assert_frame_equal(a.ledger, b.ledger)


# ----------------------------------------------------------------------------- API JSON
def api_json(records, *, pages=1):
    meta = {
        "page": 1,
        "pages": pages,
        "per_page": 20000,
        "total": len(records) * pages,
        "sourceid": "2",
        "lastupdated": "2025-07-01",
    }
    return [meta, records]


def rec(iso3, year, value, indicator="PA.NUS.FCRF"):
    return {
        "indicator": {
            "id": indicator,
            "value": "Official exchange rate (LCU per US$, period average)",
        },
        "country": {"id": iso3[:2], "value": iso3},
        "countryiso3code": iso3,
        "date": str(year),
        "value": value,
        "unit": "",
        "obs_status": "",
        "decimal": 1,
    }


def test_api_json_series(tmp_path):
    path = tmp_path / "PA.NUS.FCRF_2000-2025.json"
    path.write_text(
        json.dumps(
            api_json(
                [
                    rec("RUS", 2023, 85.2),
                    rec("RUS", 2024, None),
                    rec("WLD", 2023, None),
                    rec("BLR", 2023, 3.1),
                ]
            )
        )
    )
    cleaned = read_wdi(path, dataset="WDI_2025-07-01")
    frame = cleaned.kept
    assert frame["country_iso3"].tolist() == ["RUS", "RUS", "BLR"]
    assert frame["value"].isna().tolist() == [False, True, False]  # no data stays missing, never 0
    assert set(frame["dataset"]) == {"WDI_2025-07-01"}
    assert cleaned.ledger[["line", "column", "value"]].values.tolist() == [
        [3, "countryiso3code", "WLD"]
    ]


def test_api_json_with_more_pages_is_a_truncated_download(tmp_path):
    path = tmp_path / "page1.json"
    path.write_text(json.dumps(api_json([rec("RUS", 2023, 85.2)], pages=3)))
    with pytest.raises(
        DataFileError, match=r"page1\.json:1: column 'pages': value '3': only page 1 of 3"
    ):
        read_wdi(path)


def test_api_json_total_disagreeing_with_records(tmp_path):
    doc = api_json([rec("RUS", 2023, 85.2)])
    doc[0]["total"] = 5
    path = tmp_path / "short.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(DataFileError, match=r"short\.json:1: column 'total': value '5'.*truncated"):
        read_wdi(path)


def test_api_json_cut_off(tmp_path):
    path = tmp_path / "cut.json"
    text = json.dumps(api_json([rec("RUS", 2023, 85.2), rec("BLR", 2023, 3.1)]), indent=1)
    path.write_text(text[:-40])
    with pytest.raises(
        DataFileError, match=r"cut\.json:\d+: column 'character \d+'.*not valid JSON"
    ):
        read_wdi(path)


# ----------------------------------------------------------------------------- malformed extracts
@pytest.fixture(name="extract")
def fixture_extract(tmp_path, shared_dir):
    path = tmp_path / "SP.POP.TOTL.csv"
    shutil.copy(shared_dir / "data" / "wdi" / "SP.POP.TOTL.csv", path)
    return path


def test_truncated_extract_names_line_and_column(extract):
    text = extract.read_text()
    extract.write_text(text[: text.index("ZWE,") + 9])  # last record cut inside the value
    with pytest.raises(
        DataFileError, match=r"SP\.POP\.TOTL\.csv:266: column 'SP\.POP\.TOTL'.*2 fields"
    ):
        read_wdi(extract)


def test_wrong_delimiter_names_line_1_and_the_column(extract):
    extract.write_text(extract.read_text().replace(",", ";"))
    with pytest.raises(
        DataFileError, match=r"SP\.POP\.TOTL\.csv:1: column 'economy'.*delimited by something other"
    ):
        read_wdi(extract)


def test_wrong_encoding_names_line_and_column(extract):
    lines = extract.read_bytes().split(b"\n")
    lines[3] = "CIV,26378275.0,2020é".encode("latin-1")  # a Latin-1 byte in the year column
    extract.write_bytes(b"\n".join(lines))
    with pytest.raises(
        DataFileError, match=r"SP\.POP\.TOTL\.csv:4: column 'SP\.POP\.TOTL:T'.*byte 0xe9.*UTF-8"
    ):
        read_wdi(extract)


def test_missing_column_is_named(extract):
    frame = pd.read_csv(extract, keep_default_na=False, dtype=str).drop(columns=["SP.POP.TOTL:T"])
    frame.to_csv(extract, index=False)
    with pytest.raises(
        DataFileError, match=r"SP\.POP\.TOTL\.csv:1: column 'SP\.POP\.TOTL:T': missing column"
    ):
        read_wdi(extract)


def test_unparsable_value_is_quarantined_with_its_line(extract):
    lines = extract.read_text().splitlines()
    lines[9] = lines[9].split(",")[0] + ",n/a,2020"
    extract.write_text("\n".join(lines) + "\n")
    cleaned = read_wdi(extract)
    entry = cleaned.ledger[cleaned.ledger["rule"] == "value_not_numeric"].iloc[0]
    assert (entry["line"], entry["column"], entry["value"]) == (10, "SP.POP.TOTL", "n/a")


def test_unknown_economy_code_and_unknown_indicator_are_errors(tmp_path, extract):
    extract.write_text(extract.read_text() + "XYZ,1.0,2020\n")
    with pytest.raises(UnmappedCodeError, match=r"'XYZ'.*wdi_excluded_codes\.csv"):
        read_wdi(extract)
    other = tmp_path / "NE.EXP.GNFS.ZS.csv"
    other.write_text("economy,NE.EXP.GNFS.ZS,NE.EXP.GNFS.ZS:T\nRUS,27.8,2020\n")
    with pytest.raises(UnmappedCodeError, match=r"NE\.EXP\.GNFS\.ZS.*wdi_indicators\.csv"):
        read_wdi(other)
