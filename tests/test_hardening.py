"""Hostile files and faults (issue 13): each case gets a clear error or a ledger entry.

Every test writes its own hostile input under ``tmp_path`` and uses small limits, so nothing
here is slow or can hang. The dictionaries are the real V202201 ones shipped in data/raw/baci.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coopstats.errors import DataFileError, LimitExceededError
from coopstats.sources import baci

FLOW = "BACI_HS17_Y2020_V202201.csv"
ZIP = "BACI_HS17_V202201.zip"
HEADER = "t,i,j,k,v,q\n"
GOOD = [
    "2020,112,643,854231,1500.25,12.5",
    "2020,156,643,854231,2000,",
    "2020,643,112,854231,3.5,0.2",
]
DICTS = ("country_codes_V202201.csv", "product_codes_HS17_V202201.csv")


@pytest.fixture(name="dicts", scope="module")
def fixture_dicts(root: Path) -> Path:
    return root / "data" / "raw" / "baci"


def write_csv(folder: Path, dicts: Path, text: str | bytes, name: str = FLOW) -> Path:
    """A loose yearly flow file beside the real dictionaries."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in DICTS:
        shutil.copyfile(dicts / f, folder / f)
    path = folder / name
    path.write_bytes(text.encode("ascii") if isinstance(text, str) else text)
    return path


def write_zip(
    folder: Path, dicts: Path, text: str | bytes, *, method: int = zipfile.ZIP_DEFLATED
) -> Path:
    """A release zip holding one yearly member and the dictionaries."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ZIP
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        zf.writestr(FLOW, text)
        for f in DICTS:
            zf.write(dicts / f, f)
    return path


def scan(path: Path, **limits) -> baci.FlowScan:
    rel = baci.open_release(path)
    return baci.scan_flows(rel.flows[0], rel, limits=baci.ReadLimits(**limits))


# --------------------------------------------------------------------------------------------
# zip bombs and floods: limits in the reader
# --------------------------------------------------------------------------------------------


def test_zip_member_size_is_checked_from_the_header(tmp_path: Path, dicts: Path) -> None:
    text = HEADER + "\n".join(GOOD * 400) + "\n"  # 40 KB that compress to ~1 KB
    z = write_zip(tmp_path, dicts, text)
    with pytest.raises(LimitExceededError) as err:
        scan(z, max_member_bytes=10_000)
    e = err.value
    assert e.limit == "max_member_bytes" and FLOW in str(e) and "zip header declares" in str(e)


def test_zip_member_size_is_checked_while_streaming(
    tmp_path: Path, dicts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A header that understates the size is caught on the bytes actually decompressed."""
    text = HEADER + "\n".join(GOOD) + "\n"
    z = write_zip(tmp_path, dicts, text)
    monkeypatch.setattr(baci.FlowFile, "size", lambda self: 40)  # the lying header
    with pytest.raises(LimitExceededError) as err:
        scan(z)
    assert "more than the zip header declares (40)" in str(err.value)


@pytest.mark.parametrize("zipped", [False, True])
def test_one_huge_line_is_refused_before_it_is_buffered(
    tmp_path: Path, dicts: Path, zipped: bool
) -> None:
    text = HEADER + GOOD[0] + "\n" + "2020,112,643," + "9" * 300_000 + ",1,1\n"
    path = write_zip(tmp_path, dicts, text) if zipped else write_csv(tmp_path, dicts, text)
    with pytest.raises(LimitExceededError) as err:
        scan(path, max_line_bytes=1024)
    assert err.value.line == 3 and err.value.limit == "max_line_bytes"
    assert err.value.value.startswith("2020,112,643,999")


def test_blank_line_flood_stops_at_the_rejection_cap(tmp_path: Path, dicts: Path) -> None:
    """A tiny zip of blank lines: stopped with an error, no huge ledger, nothing kept."""
    text = HEADER + "\n".join(GOOD) + "\n" + "\n" * 200_000
    z = write_zip(tmp_path, dicts, text)
    with zipfile.ZipFile(z) as zf:
        assert zf.getinfo(FLOW).compress_size < 1_000
    with pytest.raises(LimitExceededError) as err:
        scan(z, max_rejected_rows=100, max_rejected_share=0.01)
    e = err.value
    assert e.line == 5 and "blank_line" in str(e) and FLOW in str(e)


def test_every_row_rejected_is_an_error_not_an_empty_year(tmp_path: Path, dicts: Path) -> None:
    z = write_zip(tmp_path, dicts, HEADER + "\n" * 20)
    with pytest.raises(DataFileError, match="every one of the 20 data rows was rejected"):
        scan(z)


def test_header_only_file_is_an_error(tmp_path: Path, dicts: Path) -> None:
    path = write_csv(tmp_path, dicts, HEADER)
    with pytest.raises(DataFileError, match="header but no data row") as err:
        scan(path)
    assert err.value.line == 2


def test_rejections_below_the_cap_are_quarantined(tmp_path: Path, dicts: Path) -> None:
    rows = [*GOOD, "", "2020,112,643,854232,0,1"]
    s = scan(write_csv(tmp_path, dicts, HEADER + "\n".join(rows) + "\n"))
    assert s.rows_in == 5 and s.rows_rejected == 2 and s.rows_valid == 3
    assert s.ledger["rule"].tolist() == ["blank_line", "value_positive"]


# --------------------------------------------------------------------------------------------
# implausible values and misleading messages
# --------------------------------------------------------------------------------------------


def test_overflowing_value_goes_to_the_ledger_with_its_text(tmp_path: Path, dicts: Path) -> None:
    rows = [*GOOD, "2020,112,643,854232,1e306,1", "2020,112,643,854233,inf,1"]
    s = scan(write_csv(tmp_path, dicts, HEADER + "\n".join(rows) + "\n"))
    assert s.ledger["rule"].tolist() == ["value_plausible", "value_plausible"]
    assert s.ledger["value"].tolist() == ["1e306", "inf"]
    assert s.ledger["line"].tolist() == [5, 6]
    assert np.isfinite(s.kept["value_usd"]).all() and len(s.kept) == 3


def test_plausibility_bound_is_a_parameter(tmp_path: Path, dicts: Path) -> None:
    s = scan(write_csv(tmp_path, dicts, HEADER + "\n".join(GOOD) + "\n"), max_value_usd=1_000_000.0)
    assert s.ledger["value"].tolist() == ["1500.25", "2000"]  # 1.5 M and 2 M USD > 1 M


def test_hs_code_above_int32_is_reported_at_its_line(tmp_path: Path, dicts: Path) -> None:
    rows = [*GOOD, "2020,112,643,99999999999,5,1"]
    s = scan(write_csv(tmp_path, dicts, HEADER + "\n".join(rows) + "\n"))
    led = s.ledger
    assert led[["line", "column", "value", "rule"]].values.tolist() == [
        [5, "k", "99999999999", "hs6_in_dictionary"]
    ]


def test_integer_beyond_int64_names_its_line(tmp_path: Path, dicts: Path) -> None:
    rows = [*GOOD, "2020,112,643," + "9" * 25 + ",5,1"]
    with pytest.raises(DataFileError) as err:
        scan(write_csv(tmp_path, dicts, HEADER + "\n".join(rows) + "\n"))
    assert err.value.line == 5 and err.value.column == "k" and "too large" in str(err.value)


def test_ledger_values_are_the_original_cells(tmp_path: Path, dicts: Path) -> None:
    rows = [*GOOD, "2020,,643,854232,5,1", "2020,112,643,854232,5,-1.50", "2019,112,643,854233,5,1"]
    s = scan(write_csv(tmp_path, dicts, HEADER + "\n".join(rows) + "\n"))
    got = s.ledger.sort_values("line")[["line", "column", "value", "rule"]].values.tolist()
    assert got == [
        [5, "i", "", "key_present"],
        [6, "q", "-1.50", "quantity_nonnegative"],
        [7, "t", "2019", "year_matches_file"],
    ]


# --------------------------------------------------------------------------------------------
# raw tracebacks -> clear errors
# --------------------------------------------------------------------------------------------


def test_extra_header_column_is_named(tmp_path: Path, dicts: Path) -> None:
    path = write_csv(tmp_path, dicts, "t,i,j,k,v,q,extra\n" + "\n".join(GOOD) + "\n")
    with pytest.raises(DataFileError) as err:
        scan(path)
    assert err.value.line == 1 and err.value.column == "extra" and "extra column" in str(err.value)


def test_extra_field_in_a_row_is_named(tmp_path: Path, dicts: Path) -> None:
    path = write_csv(tmp_path, dicts, HEADER + "\n".join([*GOOD, GOOD[0] + ",7"]) + "\n")
    with pytest.raises(DataFileError) as err:
        scan(path)
    assert err.value.line == 5 and "7 fields" in str(err.value)


def test_damaged_small_zip_member(tmp_path: Path, dicts: Path) -> None:
    """A stored (uncompressed) member with flipped bytes: bad CRC on the first read."""
    z = write_zip(tmp_path, dicts, HEADER + "\n".join(GOOD) + "\n", method=zipfile.ZIP_STORED)
    data = bytearray(z.read_bytes())
    at = data.find(b"2020,156")
    data[at : at + 4] = b"2021"
    z.write_bytes(bytes(data))
    with pytest.raises(DataFileError) as err:
        scan(z)
    assert "damaged zip member" in str(err.value) and FLOW in str(err.value)


# --------------------------------------------------------------------------------------------
# inputs ignored silently
# --------------------------------------------------------------------------------------------


def test_browser_renamed_file_is_named(tmp_path: Path, dicts: Path) -> None:
    write_csv(
        tmp_path, dicts, HEADER + "\n".join(GOOD) + "\n", name="BACI_HS17_Y2020_V202201(1).csv"
    )
    with pytest.raises(DataFileError) as err:
        baci.find_releases([tmp_path])
    assert "BACI_HS17_Y2020_V202201(1).csv" in str(err.value) and "rename" in str(err.value)


# --------------------------------------------------------------------------------------------
# facts.csv: implausible values and validation
# --------------------------------------------------------------------------------------------

FACTS_HEADER = (
    "fact_id,metric,reporter_iso3,partner_iso3,bloc,sector,period,value,unit,currency,"
    "price_basis,source_title,source_url,source_date,language,note"
)


def _fact(fact_id: str, **cells: str) -> str:
    row = {
        "fact_id": fact_id,
        "metric": "trade_turnover",
        "reporter_iso3": "RUS",
        "partner_iso3": "BLR",
        "bloc": "UNION_STATE",
        "sector": "total",
        "period": "2024",
        "value": "5e10",
        "unit": "USD",
        "currency": "USD",
        "price_basis": "",
        "source_title": "t",
        "source_url": "u.txt",
        "source_date": "2025-01-15",
        "language": "ru",
        "note": "goods",
    }
    row.update(cells)
    return ",".join(row[c] for c in FACTS_HEADER.split(","))


@pytest.mark.parametrize(
    ("cells", "rule", "column"),
    [
        ({"value": "1e300"}, "value_plausible", "value"),
        ({"value": "inf"}, "value_plausible", "value"),
        ({"value": "-3e9"}, "amount_nonnegative", "value"),
        ({"source_date": "11.12.2020"}, "source_date_iso", "source_date"),
        ({"source_date": "2020-02-30"}, "source_date_iso", "source_date"),
        ({"reporter_iso3": "XYZ"}, "reporter_known_iso3", "reporter_iso3"),
        ({"partner_iso3": "XYZ"}, "partner_known_iso3", "partner_iso3"),
        ({"period": "2024-13-45"}, "period_valid", "period"),
        ({"period": "2024Q5"}, "period_valid", "period"),
        ({"period": "2024-13"}, "period_valid", "period"),
        ({"period": "2025..2024"}, "period_valid", "period"),
    ],
)
def test_bad_fact_is_quarantined_with_its_cell(
    tmp_path: Path, cells: dict, rule: str, column: str
) -> None:
    from coopstats.sources.facts import read_facts

    path = tmp_path / "facts.csv"
    path.write_text(
        "\n".join([FACTS_HEADER, _fact("F001"), _fact("F002", **cells), _fact("F003")]) + "\n",
        encoding="utf-8",
    )
    cleaned = read_facts(path)
    assert cleaned.rows_in == 3 and cleaned.rows_kept == 2 and cleaned.rows_rejected == 1
    led = cleaned.ledger
    assert led[["file", "line", "column", "value", "rule"]].values.tolist() == [
        [str(path), 3, column, next(iter(cells.values())), rule]
    ]


def test_good_periods_and_negative_percentages_are_kept(tmp_path: Path) -> None:
    from coopstats.sources.facts import period_is_valid, read_facts

    periods = ["2024", "2024Q4", "2024-02", "2024-02-29", "2021-01..2021-08", "2015..2022", ""]
    assert period_is_valid(pd.Series(periods, dtype="string")).all()
    path = tmp_path / "facts.csv"
    path.write_text(
        "\n".join(
            [FACTS_HEADER, _fact("F001", value="-25", unit="percent", currency="", period="")]
        )
        + "\n",
        encoding="utf-8",
    )
    assert read_facts(path).rows_kept == 1


def test_plausibility_bound_of_facts_is_a_parameter(tmp_path: Path) -> None:
    from coopstats.sources.facts import read_facts

    path = tmp_path / "facts.csv"
    path.write_text("\n".join([FACTS_HEADER, _fact("F001")]) + "\n", encoding="utf-8")
    assert read_facts(path).rows_kept == 1
    assert read_facts(path, max_abs_value=1e9).ledger["rule"].tolist() == ["value_plausible"]


# --------------------------------------------------------------------------------------------
# UN Comtrade and WDI: misleading messages
# --------------------------------------------------------------------------------------------

_RECORD = {
    "typeCode": "C",
    "freqCode": "A",
    "refYear": 2022,
    "reporterCode": 643,
    "flowCode": "X",
    "partnerCode": 112,
    "classificationCode": "H5",
    "cmdCode": "854231",
    "primaryValue": 10.0,
    "partner2Code": 0,
    "motCode": 0,
    "customsCode": "C00",
    "netWgt": 1.0,
}


def test_unknown_comtrade_code_is_a_comtrade_error(tmp_path: Path) -> None:
    import json

    from coopstats.errors import UnmappedCodeError
    from coopstats.sources.comtrade import read_comtrade_records

    path = tmp_path / "answer.json"
    records = [_RECORD, {**_RECORD, "partnerCode": 995}]
    path.write_text(json.dumps({"count": 2, "data": records}))
    with pytest.raises(UnmappedCodeError) as err:
        read_comtrade_records(path)
    text = str(err.value)
    assert "UN Comtrade partnerCode" in text and f"{path}:2" in text and "'995'" in text
    assert "BACI" not in text


@pytest.mark.parametrize("name", ["answer.csv", "answer.json"])
def test_json_list_is_detected(tmp_path: Path, name: str) -> None:
    import json

    from coopstats.sources.comtrade import read_comtrade_records

    path = tmp_path / name
    path.write_text(json.dumps([_RECORD, _RECORD]))
    with pytest.raises(DataFileError, match="bare JSON list") as err:
        read_comtrade_records(path)
    assert err.value.line == 1 and name in str(err.value)


def test_json_given_to_a_csv_reader_is_detected(tmp_path: Path) -> None:
    from coopstats.sources.wdi import read_wdi

    path = tmp_path / "SP.POP.TOTL.csv"
    path.write_text('[{"page": 1}, []]')
    with pytest.raises(DataFileError, match="holds JSON, not CSV") as err:
        read_wdi(path)
    assert err.value.line == 1 and str(path) in str(err.value)


def test_gzip_bomb_in_a_comtrade_bulk_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    from coopstats.sources import comtrade

    path = tmp_path / "COMTRADE-FINAL-CA643.gz"
    path.write_bytes(gzip.compress(b"\n" * 1_000_000))  # 1 MB of line breaks in ~1 KB
    monkeypatch.setattr(comtrade, "MAX_DECOMPRESSED_BYTES", 100_000)
    with pytest.raises(LimitExceededError) as err:
        comtrade.read_comtrade_records(path)
    assert str(path) in str(err.value) and err.value.limit == "MAX_DECOMPRESSED_BYTES"


def test_multi_member_gzip_is_read_whole(tmp_path: Path) -> None:
    import gzip

    from coopstats.sources import comtrade

    head = "\t".join(_RECORD) + "\n"
    row = "\t".join(str(v) for v in _RECORD.values()) + "\n"
    path = tmp_path / "bulk.gz"
    path.write_bytes(gzip.compress(head.encode()) + gzip.compress(row.encode()))
    assert comtrade.read_comtrade_records(path).rows_in == 1


def test_dictionary_member_size_is_capped(
    tmp_path: Path, dicts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    z = write_zip(tmp_path, dicts, HEADER + "\n".join(GOOD) + "\n")
    monkeypatch.setattr(baci, "READ_LIMITS", baci.ReadLimits(max_dictionary_bytes=1_000))
    with pytest.raises(LimitExceededError) as err:
        baci.open_release(z)
    assert err.value.limit == "max_dictionary_bytes" and "country_codes_V202201.csv" in str(
        err.value
    )
