"""BACI readers on files in BACI's exact format (written here) and the real V202201 dictionaries."""

from __future__ import annotations

import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coopstats.errors import (
    CoopstatsWarning,
    DataFileError,
    InvalidParameterError,
    MissingDataError,
    UnmappedCodeError,
)
from coopstats.schemas import TRADE, trade_schema
from coopstats.sources import baci

FLOW = "BACI_HS17_Y2020_V202201.csv"
HEADER = "t,i,j,k,v,q\n"

# Exporter/importer codes in BACI's Comtrade-style numbering: 643 RUS, 112 BLR, 398 KAZ,
# 842 USA (incl. PR, VI), 251 FRA (incl. MCO), 699 IND, 156 CHN, 490 "Other Asia, nes".
ROWS = [
    "2020,112,643,854231,1500.25,12.5",
    "2020,112,643,010121,0.308,NA",
    "2020,156,643,854231,2000,",
    "2020,643,112,10130,3.5,   0.2",  # k written without its leading zero
    "2020,643,490,854231,10,1",  # partner without an ISO3 country
    "2020,699,251,300490,7,0.1",
    "2020,842,156,854232,42.001,3",
]


@pytest.fixture(name="dicts", scope="module")
def fixture_dicts(shared_dir: Path) -> Path:
    return shared_dir / "data" / "baci"


def write_release(
    folder: Path,
    dicts: Path,
    rows: list[str] | None = None,
    *,
    name: str = FLOW,
    text: str | None = None,
) -> Path:
    """A yearly flow file in BACI's format beside the real dictionaries."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in ("country_codes_V202201.csv", "product_codes_HS17_V202201.csv"):
        shutil.copyfile(dicts / f, folder / f)
    path = folder / name
    path.write_text(
        text if text is not None else HEADER + "\n".join(rows or ROWS) + "\n",
        encoding="ascii",
        newline="",
    )
    return path


# ---------------------------------------------------------------------------------------------
# names and dictionaries
# ---------------------------------------------------------------------------------------------


def test_parse_names() -> None:
    assert baci.parse_flow_name("BACI_HS17_Y2020_V202201.csv") == ("HS17", 2020, "202201")
    assert baci.parse_flow_name("/x/BACI_HS22_Y2023_V202401b.csv") == ("HS22", 2023, "202401b")
    assert baci.parse_dictionary_name("country_codes_V202201.csv") == ("country", None, "202201")
    assert baci.parse_dictionary_name("product_codes_HS17_V202201.csv") == (
        "product",
        "HS17",
        "202201",
    )
    assert baci.parse_dictionary_name("Readme.txt") is None
    with pytest.raises(DataFileError, match="BACI_HS<rev>_Y<year>_V<version>"):
        baci.parse_flow_name("baci_2020.csv")


def test_country_dictionary_quirks(dicts: Path) -> None:
    cc = baci.read_country_codes(dicts / "country_codes_V202201.csv")
    assert len(cc) == 238
    assert list(cc.columns) == [
        "baci_code",
        "country_name",
        "country_name_full",
        "iso2",
        "listed_iso3",
        "version",
    ]
    by = cc.set_index("baci_code")
    assert by.loc[4, "country_name"] == "Afghanistan"  # first row: the BOM did not eat the header
    assert by.loc[842, "listed_iso3"] == "USA" and by.loc[842, "country_name_full"].startswith(
        "USA, Puerto Rico"
    )
    assert by.loc[344, "country_name"] == "China, Hong Kong SAR"  # quoted comma
    assert pd.isna(by.loc[490, "listed_iso3"]) and pd.isna(by.loc[697, "listed_iso3"])  # "N/A"
    assert (
        pd.isna(by.loc[516, "iso2"]) and by.loc[516, "listed_iso3"] == "NAM"
    )  # Namibia's blank ISO2
    assert by.loc[51, "listed_iso3"] == "ARM"  # codes are not zero-padded
    assert (cc["version"] == "202201").all()
    assert cc.index[0] == 2  # source lines, header = 1


def test_product_dictionary_codes_are_strings(dicts: Path) -> None:
    pc = baci.read_product_codes(dicts / "product_codes_HS17_V202201.csv")
    assert len(pc) == 5384  # 5,383 HS17 codes + 999999 "not specified"
    assert pc["hs6_code"].iloc[0] == "010121"
    assert pc["hs6_code"].str.fullmatch(r"\d{6}").all()
    assert pc["bec"].notna().all() and pc["bec"].iloc[0] == "41"  # the extra V202201 column is kept
    assert set(pc["hs_revision"]) == {"HS17"} and set(pc["version"]) == {"202201"}
    assert "854231" in set(pc["hs6_code"])


def test_later_dictionary_layout(tmp_path: Path) -> None:
    path = tmp_path / "country_codes_V202401.csv"
    path.write_text(
        "country_code,country_name,country_iso2,country_iso3\n840,USA,US,USA\n4,Afghanistan,AF,AFG\n"
    )
    cc = baci.read_country_codes(path)
    assert cc["baci_code"].tolist() == [840, 4]
    assert cc["listed_iso3"].tolist() == ["USA", "AFG"] and set(cc["version"]) == {"202401"}
    prod = tmp_path / "product_codes_HS22_V202401.csv"
    prod.write_text('code,description\n010121,"Horses: live, pure-bred"\n')
    pc = baci.read_product_codes(prod)
    assert pc["hs6_code"].tolist() == ["010121"] and pc["bec"].isna().all()


def test_product_code_without_leading_zero_is_an_error(tmp_path: Path) -> None:
    prod = tmp_path / "product_codes_HS17_V202201.csv"
    prod.write_text("code,description\n010121,Horses\n10129,Horses other\n")
    with pytest.raises(DataFileError) as err:
        baci.read_product_codes(prod)
    assert err.value.line == 3 and err.value.column == "code" and err.value.value == "10129"


def test_dictionary_missing_column_and_encoding(tmp_path: Path) -> None:
    bad = tmp_path / "country_codes_V202201.csv"
    bad.write_text("country_code;country_name;country_iso3\n4;Afghanistan;AFG\n")
    with pytest.raises(DataFileError, match="delimited") as err:
        baci.read_country_codes(bad)
    assert err.value.line == 1 and err.value.column == "country_code"
    bad.write_bytes(
        "country_code,country_name,country_iso2,country_iso3\n384,C\xf4te d'Ivoire,CI,CIV\n".encode(
            "latin-1"
        )
    )
    with pytest.raises(DataFileError, match="not valid UTF-8") as err:
        baci.read_country_codes(bad)
    assert err.value.line == 2


# ---------------------------------------------------------------------------------------------
# flows
# ---------------------------------------------------------------------------------------------


def test_read_baci_canonical_frame(tmp_path: Path, dicts: Path) -> None:
    path = write_release(tmp_path, dicts)
    cleaned = baci.read_baci_cleaned(path)
    kept = cleaned.kept
    assert list(kept.columns) == TRADE
    trade_schema().validate(kept.reset_index(drop=True))
    assert cleaned.rows_in == len(ROWS) and cleaned.rows_kept == 6 and cleaned.rows_rejected == 1
    row = kept.loc[2]  # line 2: BLR -> RUS, 854231
    assert (row["exporter_iso3"], row["importer_iso3"], row["hs6_code"]) == ("BLR", "RUS", "854231")
    assert row["value_usd"] == pytest.approx(1_500_250.0)  # v is in thousands of USD
    assert row["quantity_t"] == 12.5
    assert pd.isna(kept.loc[3, "quantity_t"]) and pd.isna(kept.loc[4, "quantity_t"])  # NA and blank
    assert kept.loc[5, "hs6_code"] == "010130" and kept.loc[5, "quantity_t"] == pytest.approx(0.2)
    assert (
        kept.loc[7, "exporter_iso3"] == "IND" and kept.loc[7, "importer_iso3"] == "FRA"
    )  # 699, 251
    assert kept.loc[8, "exporter_iso3"] == "USA"  # 842
    assert set(kept["dataset"]) == {"BACI_HS17_V202201"} and set(kept["flow_basis"]) == {
        "reconciled"
    }
    assert set(kept["hs_revision"]) == {"HS17"} and set(kept["year"]) == {2020}
    led = cleaned.ledger
    assert led["line"].tolist() == [6] and led["rule"].tolist() == ["country_has_iso3"]
    assert "Other Asia" in led["reason"].iloc[0]


def test_read_baci_warns_and_sorts(tmp_path: Path, dicts: Path) -> None:
    path = write_release(tmp_path, dicts)
    with pytest.warns(CoopstatsWarning, match="1 row"):
        frame = baci.read_baci(path, release="202201", revision="HS17")
    keys = (
        frame[["year", "exporter_iso3", "importer_iso3", "hs6_code"]]
        .astype(str)
        .agg("|".join, axis=1)
    )
    assert keys.is_monotonic_increasing and frame.index.tolist() == list(range(len(frame)))
    with pytest.raises(InvalidParameterError, match="revision"):
        baci.read_baci(path, revision="HS22")
    with pytest.raises(InvalidParameterError, match="release"):
        baci.read_baci(path, release="202401")


def test_countries_filter(tmp_path: Path, dicts: Path) -> None:
    path = write_release(tmp_path, dicts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoopstatsWarning)
        frame = baci.read_baci(path, countries=["BLR"])
    assert len(frame) == 3
    assert (frame["exporter_iso3"].eq("BLR") | frame["importer_iso3"].eq("BLR")).all()


def test_row_rules_are_quarantined_with_lines(tmp_path: Path, dicts: Path) -> None:
    rows = [
        "2020,112,643,854231,1,1",
        "2020,112,643,854232,0,1",  # v must be > 0
        "2019,112,643,854233,5,1",  # wrong year for the file
        "2020,112,643,999998,5,1",  # not in the HS17 dictionary
        "2020,112,643,854239,5,-2",  # negative quantity
        "2020,112,398,854231,,1",  # missing value
    ]
    cleaned = baci.read_baci_cleaned(write_release(tmp_path, dicts, rows))
    assert cleaned.rows_kept == 1 and cleaned.rows_rejected == 5
    led = cleaned.ledger.set_index("line")
    assert led.loc[3, "rule"] == "value_positive" and led.loc[3, "column"] == "v"
    assert led.loc[4, "rule"] == "year_matches_file" and led.loc[4, "value"] == "2019"
    assert led.loc[5, "rule"] == "hs6_in_dictionary" and led.loc[5, "value"] == "999998"
    assert led.loc[6, "rule"] == "quantity_nonnegative"
    assert led.loc[7, "rule"] == "value_positive"
    assert (cleaned.ledger["file"] == str(tmp_path / FLOW)).all()


@pytest.mark.parametrize("unsorted", [False, True])
def test_duplicate_keys_reject_every_copy(tmp_path: Path, dicts: Path, unsorted: bool) -> None:
    rows = [
        "2020,112,643,854231,1,1",
        "2020,112,643,854232,2,1",
        "2020,112,643,854232,3,1",
        "2020,398,643,854231,4,1",
    ]
    if unsorted:
        rows = [rows[3], rows[1], rows[0], rows[2]]
    cleaned = baci.read_baci_cleaned(write_release(tmp_path, dicts, rows))
    assert cleaned.rows_kept == 2 and cleaned.rows_rejected == 2
    assert set(cleaned.ledger["rule"]) == {"unique_key"}
    assert sorted(cleaned.kept["value_usd"]) == [1000.0, 4000.0]


def test_unsorted_file_gives_the_same_frame(tmp_path: Path, dicts: Path) -> None:
    a = baci.read_baci_cleaned(write_release(tmp_path / "a", dicts)).kept
    b = baci.read_baci_cleaned(write_release(tmp_path / "b", dicts, list(reversed(ROWS)))).kept
    key = ["exporter_iso3", "importer_iso3", "hs6_code"]
    pd.testing.assert_frame_equal(
        a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    )


def test_unknown_country_code_lists_all(tmp_path: Path, dicts: Path) -> None:
    rows = ["2020,112,643,854231,1,1", "2020,998,643,854231,1,1", "2020,112,997,854231,1,1"]
    with pytest.raises(UnmappedCodeError) as err:
        baci.read_baci(write_release(tmp_path, dicts, rows))
    assert err.value.values == ["997", "998"]
    assert "country_codes_V202201.csv" in str(err.value)


def test_release_zip_and_years(tmp_path: Path, dicts: Path) -> None:
    zpath = tmp_path / "BACI_HS17_V202201.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BACI_HS17_Y2020_V202201.csv", HEADER + "2020,112,643,854231,1,1\n")
        zf.writestr(
            "BACI_HS17_Y2021_V202201.csv",
            HEADER + "2021,112,643,854231,2,1\n2021,643,112,854231,3,NA",  # no final break: CRC
        )
        zf.write(dicts / "country_codes_V202201.csv", "country_codes_V202201.csv")
        zf.write(dicts / "product_codes_HS17_V202201.csv", "product_codes_HS17_V202201.csv")
        zf.writestr("Readme.txt", "Version : 202201\n")
    rel = baci.open_release(zpath)
    assert (rel.revision, rel.version, [f.year for f in rel.flows]) == (
        "HS17",
        "202201",
        [2020, 2021],
    )
    assert rel.flows[0].name.endswith("!BACI_HS17_Y2020_V202201.csv")
    frame = baci.read_baci(zpath)
    assert frame.groupby("year").size().to_dict() == {2020: 1, 2021: 2}
    assert baci.read_baci(zpath, years=[2021])["year"].unique().tolist() == [2021]
    with pytest.raises(InvalidParameterError, match="years"):
        baci.read_baci(zpath, years=[2019])


def test_dictionaries_must_match_the_version(tmp_path: Path, dicts: Path) -> None:
    path = write_release(tmp_path, dicts)
    (tmp_path / "country_codes_V202201.csv").rename(tmp_path / "country_codes_V202401.csv")
    with pytest.raises(MissingDataError, match="country_codes_V202201.csv"):
        baci.read_baci(path)


def test_find_releases_groups_loose_files(tmp_path: Path, dicts: Path) -> None:
    write_release(tmp_path / "baci", dicts)
    (tmp_path / "baci" / "BACI_HS17_Y2021_V202201.csv").write_text(
        HEADER + "2021,112,643,854231,2,1\n"
    )
    rels = baci.find_releases([tmp_path / "downloads", tmp_path / "baci"])
    assert len(rels) == 1 and [f.year for f in rels[0].flows] == [2020, 2021]


def test_scan_sums_exports_over_all_partners(tmp_path: Path, dicts: Path) -> None:
    rel = baci.open_release(write_release(tmp_path, dicts))
    scan = baci.scan_flows(rel.flows[0], rel, keep=[112])
    assert scan.rows_in == len(ROWS) and scan.rows_rejected == 0
    assert sorted(scan.kept["line"].tolist()) == [2, 3, 5]  # flows with Belarus only
    hs6 = rel.products["hs6_code"].to_numpy()
    ex = scan.exports.assign(hs6=hs6[scan.exports["k_index"]]).set_index(["i", "hs6"])["value_usd"]
    assert ex.loc[(643, "854231")] == 10_000.0  # includes the flow to 490
    assert ex.loc[(112, "854231")] == 1_500_250.0
    att = baci.attribute(scan, rel)
    frame = baci.exports_frame(att.exports, 2020, rel, att.iso3)
    assert list(frame.columns) == [
        "year",
        "exporter_iso3",
        "hs6_code",
        "hs_revision",
        "value_usd",
        "dataset",
    ]
    rus = frame[(frame["exporter_iso3"] == "RUS") & (frame["hs6_code"] == "854231")]
    assert rus["value_usd"].tolist() == [10_000.0]
    import hashlib

    assert scan.sha256 == hashlib.sha256((tmp_path / FLOW).read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# malformed files: each names file, line and column
# ---------------------------------------------------------------------------------------------


def _error(tmp_path: Path, dicts: Path, text: str | bytes) -> DataFileError:
    path = write_release(tmp_path, dicts, text="")
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, newline="")
    with pytest.raises(DataFileError) as err:
        baci.read_baci(path)
    assert err.value.path is not None and err.value.path.endswith(FLOW)
    assert err.value.line is not None and err.value.column is not None
    return err.value


def test_truncated_last_line(tmp_path: Path, dicts: Path) -> None:
    err = _error(tmp_path, dicts, HEADER + "2020,112,643,854231,1,1\n2020,112,643,8542")
    assert err.line == 3 and err.column == "k"


def test_truncated_without_final_newline(tmp_path: Path, dicts: Path) -> None:
    err = _error(tmp_path, dicts, HEADER + "2020,112,643,854231,1,1\n2020,112,643,854232,1,0.")
    assert err.line == 3 and "truncated" in str(err)


def test_wrong_delimiter(tmp_path: Path, dicts: Path) -> None:
    err = _error(tmp_path, dicts, "t;i;j;k;v;q\n2020;112;643;854231;1;1\n")
    assert err.line == 1 and "';'" in str(err)


def test_wrong_delimiter_in_a_row(tmp_path: Path, dicts: Path) -> None:
    err = _error(tmp_path, dicts, HEADER + "2020,112,643,854231,1,1\n2020;112;643;854232;1;1\n")
    assert err.line == 3 and err.column == "t"


def test_wrong_encoding_utf16(tmp_path: Path, dicts: Path) -> None:
    err = _error(tmp_path, dicts, (HEADER + "2020,112,643,854231,1,1\n").encode("utf-16"))
    assert err.line == 1 and "UTF-16" in str(err)


def test_wrong_encoding_byte_in_a_row(tmp_path: Path, dicts: Path) -> None:
    err = _error(
        tmp_path,
        dicts,
        (HEADER + "2020,112,643,854231,1,1\n2020,112,643,854232,1\xe9,1\n").encode("latin-1"),
    )
    assert err.line == 3 and err.column == "v" and "0xe9" in str(err)


def test_missing_column(tmp_path: Path, dicts: Path) -> None:
    err = _error(tmp_path, dicts, "t,i,j,k,v\n2020,112,643,854231,1\n")
    assert err.line == 1 and err.column == "q" and "missing" in str(err)


def test_non_numeric_value(tmp_path: Path, dicts: Path) -> None:
    err = _error(tmp_path, dicts, HEADER + "2020,112,643,854231,1,1\n2020,112,643,854232,abc,1\n")
    assert err.line == 3 and err.column == "v" and err.value == "abc"


def test_bad_quantity_after_padded_na(tmp_path: Path, dicts: Path) -> None:
    err = _error(
        tmp_path, dicts, HEADER + "2020,112,643,854231,1,   NA\n2020,112,643,854232,1,x1\n"
    )
    assert err.line == 3 and err.column == "q"


def test_damaged_zip(tmp_path: Path, dicts: Path) -> None:
    zpath = tmp_path / "BACI_HS17_V202201.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        body = "".join(f"2020,112,643,{c},1,1\n" for c in ("854231", "854232", "854233"))
        zf.writestr(FLOW, HEADER + body * 2000)
        zf.write(dicts / "country_codes_V202201.csv", "country_codes_V202201.csv")
        zf.write(dicts / "product_codes_HS17_V202201.csv", "product_codes_HS17_V202201.csv")
    data = bytearray(zpath.read_bytes())
    info = zipfile.ZipFile(zpath).getinfo(FLOW)
    start = info.header_offset + 30 + len(FLOW) + 200
    data[start : start + 50] = bytes(50)  # corrupt the deflate stream of the flow file
    zpath.write_bytes(bytes(data))
    with pytest.raises(DataFileError) as err:
        baci.read_baci(zpath)
    assert FLOW in str(err.value) and err.value.line is not None


@pytest.mark.parametrize("chunk", [1 << 24, 5000, 777])
def test_large_file_streams_in_batches(
    tmp_path: Path, dicts: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Many pyarrow blocks and byte chunks: line numbers and checksums stay exact."""
    monkeypatch.setattr(baci, "_BLOCK_SIZE", 4096)
    monkeypatch.setattr(baci, "_CHUNK_BYTES", chunk)
    codes = baci.read_product_codes(dicts / "product_codes_HS17_V202201.csv")["hs6_code"].to_numpy()
    rows = [f"2020,112,643,{c},{i % 7 + 1}.5,{i}" for i, c in enumerate(codes[:3000])]
    rows[2500] = rows[2500].rsplit(",", 2)[0] + ",-1,5"  # v < 0 at line 2502
    cleaned = baci.read_baci_cleaned(write_release(tmp_path, dicts, rows))
    assert cleaned.rows_kept == 2999 and cleaned.ledger["line"].tolist() == [2502]
    assert cleaned.kept.index[-1] == 3001
    assert np.isclose(
        cleaned.kept["value_usd"].sum(), sum((i % 7 + 1.5) * 1000 for i in range(3000) if i != 2500)
    )


@pytest.mark.parametrize("chunk", [1 << 22, 40, 7])
def test_mapped_file_and_zip_member_read_the_same(
    tmp_path: Path, dicts: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """A plain CSV is memory-mapped, a zip member read through buffers: same rows, same hash.

    Chunks smaller than a line (7 bytes) are extended to the line's end.
    """
    import hashlib

    monkeypatch.setattr(baci, "_CHUNK_BYTES", chunk)
    rows = list(ROWS)
    rows[1] = rows[1].rsplit(",", 2)[0] + ",0,1"  # v = 0 at line 3: quarantined
    flow_csv = write_release(tmp_path / "plain", dicts, rows)
    zpath = tmp_path / "zip" / "BACI_HS17_V202201.zip"
    zpath.parent.mkdir()
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(flow_csv, FLOW)
        zf.write(dicts / "country_codes_V202201.csv", "country_codes_V202201.csv")
        zf.write(dicts / "product_codes_HS17_V202201.csv", "product_codes_HS17_V202201.csv")
    scans = []
    for source in (flow_csv, zpath):
        rel = baci.open_release(source)
        scans.append(baci.scan_flows(rel.flows[0], rel))
    plain, zipped = scans
    assert plain.sha256 == zipped.sha256 == hashlib.sha256(flow_csv.read_bytes()).hexdigest()
    assert plain.rows_in == zipped.rows_in == len(rows)
    assert plain.ledger["line"].tolist() == zipped.ledger["line"].tolist() == [3]
    pd.testing.assert_frame_equal(plain.kept, zipped.kept)
    pd.testing.assert_frame_equal(plain.exports, zipped.exports)
