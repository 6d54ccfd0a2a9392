"""coopstats.ledger: quarantine entries, conservation, changed rows, stable files (issue 3)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from coopstats import geo, hs, ledger, schemas
from coopstats.errors import DataFileError

FILE = "data/raw/bad_flows.csv"
# A raw trade file with one deliberately bad row per rule. Line numbers are the file's own
# (header = line 1), so every ledger entry points at a line an editor can open.
HEADER = (
    "year,exporter_iso3,importer_iso3,hs6_code,hs_revision,value_usd,quantity_t,flow_basis,dataset"
)
RAW = (
    HEADER
    + """
2020,KAZ,RUS,854231,HS17,1000.5,2.0,reconciled,BACI_HS17_V202201
2020,Narnia,RUS,854231,HS17,10,1,reconciled,BACI_HS17_V202201
2020,BLR,RUS,85423,HS17,10,1,reconciled,BACI_HS17_V202201
2020,BLR,RUS,854232,HS17,-5,1,reconciled,BACI_HS17_V202201
2021,BLR,KAZ,854233,HS17,7,1,reconciled,BACI_HS17_V202201
2021,BLR,KAZ,854233,HS17,8,1,reconciled,BACI_HS17_V202201
2021,ARM,KAZ,854239,HS17,lots,1,reconciled,BACI_HS17_V202201
2021,Армении,KAZ,10121,HS17,3,,reconciled,BACI_HS17_V202201
2021,KGZ,RUS,854290,HS17,4,,reconciled,BACI_HS17_V202201
"""
)


def _read(text: str) -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
    return frame.replace({"quantity_t": {"": None}})


def _clean(frame: pd.DataFrame) -> ledger.Cleaned:
    countries = geo.clean_countries(frame, step="bad_flows", file=FILE)
    codes = hs.clean_hs6(countries.kept, step="bad_flows", file=FILE, revision="HS17")
    valid = ledger.validate_rows(
        codes.kept, schemas.trade_schema(coerce=True), step="bad_flows", file=FILE
    )
    return ledger.chain(countries, codes, valid)


def test_each_bad_row_lands_in_the_quarantine_with_its_reason_and_rows_are_conserved():
    frame = _read(RAW)
    out = _clean(frame)
    rejected = out.ledger[out.ledger["action"] == "rejected"]
    by_line = {line: grp for line, grp in rejected.groupby("line")}
    # unknown country
    assert by_line[3][["column", "value", "rule"]].values.tolist() == [
        ["exporter_iso3", "Narnia", "country_unmapped"]
    ]
    assert "no ISO3 for 'Narnia'" in by_line[3]["reason"].item()
    # 5-digit HS code: restored to 085423, which is not an HS17 code
    assert by_line[4][["column", "value", "rule"]].values.tolist() == [
        ["hs6_code", "85423", "hs6_unknown"]
    ]
    assert "085423 is not an HS17 HS6 code" in by_line[4]["reason"].item()
    # negative value
    assert by_line[5][["column", "value"]].values.tolist() == [["value_usd", "-5.0"]]
    assert "greater_than_or_equal_to(0)" in by_line[5]["reason"].item()
    # duplicate key: both copies, none kept
    for line in (6, 7):
        assert by_line[line]["rule"].item() == "multiple_fields_uniqueness"
        assert "duplicate key" in by_line[line]["reason"].item()
        assert "2021" in by_line[line]["value"].item() and "854233" in by_line[line]["value"].item()
    # wrong type
    assert set(by_line[8]["value"]) == {"lots"} and (by_line[8]["column"] == "value_usd").all()
    assert by_line[8]["reason"].str.startswith("wrong type").all()
    # the kept rows, coerced and canonical
    assert out.kept.index.tolist() == [2, 9, 10]
    assert out.kept.loc[9, ["exporter_iso3", "hs6_code"]].tolist() == ["ARM", "010121"]
    assert out.kept["value_usd"].dtype == "float64" and out.kept["year"].dtype == "int64"
    # conservation: 9 rows in = 3 kept + 6 rejected, checked by the chain
    assert (out.rows_in, out.rows_kept, out.rows_rejected) == (9, 3, 6)
    assert out.check() is out
    # rewritten-but-kept values are in the ledger as `changed`, with old and new value
    changed = out.ledger[out.ledger["action"] == "changed"].set_index("column")
    assert (
        changed.loc["exporter_iso3", "value"] == "Армении"
        and "-> 'ARM'" in changed.loc["exporter_iso3", "reason"]
    )
    assert changed.loc["hs6_code", "value"] == "10121"
    summary = out.summary().set_index(["rule", "action"])["rows"]
    assert (
        summary[("country_unmapped", "rejected")] == 1
        and summary[("multiple_fields_uniqueness", "rejected")] == 2
    )


def test_write_ledger_is_deterministic_and_names_file_line_column(tmp_path):
    out = _clean(_read(RAW))
    first = ledger.write_ledger(out, tmp_path / "a")
    second = ledger.write_ledger(_clean(_read(RAW)), tmp_path / "b")
    assert first.name == "bad_flows.csv"
    assert first.read_bytes() == second.read_bytes()
    back = pd.read_csv(first, dtype=str)
    assert list(back.columns) == ledger.LEDGER_COLUMNS
    assert (back["file"] == FILE).all()
    assert set(back["line"].astype(int)) == {3, 4, 5, 6, 7, 8, 9}


def test_conservation_check_fails_when_a_row_vanishes_without_an_entry():
    frame = _read(RAW)
    broken = ledger.Cleaned(frame.iloc[1:], ledger.empty_ledger(), "lossy", len(frame))
    with pytest.raises(
        DataFileError, match=r"conservation check failed in step 'lossy': 9 rows in, 8 kept \+ 0"
    ):
        broken.check()


def test_reject_rows_records_one_entry_per_row_and_keeps_the_rest_unchanged():
    frame = _read(RAW)
    mask = frame["flow_basis"].eq("reconciled") & frame["year"].eq("2020")
    out = ledger.reject_rows(
        frame, mask, step="s", file=FILE, rule="year_2020", reason="not wanted", column="year"
    )
    assert out.rows_rejected == 4 and out.kept.equals(frame[~mask])
    with pytest.raises(ValueError, match="missing values"):
        ledger.reject_rows(
            frame,
            mask.astype("boolean").where(frame.index != 2),
            step="s",
            file=FILE,
            rule="r",
            reason="x",
        )


def test_record_changes_keeps_rows_and_lists_old_and_new_values():
    frame = pd.DataFrame(
        {"country_iso3": ["KAZ", "kaz", "RUS"]}, index=pd.Index([2, 3, 4], name="line")
    )
    out = ledger.record_changes(
        frame,
        "country_iso3",
        frame["country_iso3"].str.upper(),
        step="upper",
        file="x.csv",
        rule="upper_case",
        reason="ISO3 codes are upper case",
    )
    assert out.kept["country_iso3"].tolist() == ["KAZ", "KAZ", "RUS"]
    assert out.ledger[["line", "value", "action"]].values.tolist() == [[3, "kaz", "changed"]]
    assert out.ledger["reason"].item() == "ISO3 codes are upper case: 'kaz' -> 'KAZ'"
    assert (out.rows_in, out.rows_kept, out.rows_rejected) == (3, 3, 0)
    with pytest.raises(ValueError, match="reject those rows"):
        ledger.record_changes(
            frame,
            "country_iso3",
            pd.Series([None, "A", "B"], index=frame.index),
            step="s",
            file="x.csv",
            rule="r",
            reason="x",
        )


def test_ledger_entries_validate_action_and_reason_count():
    entries = ledger.ledger_entries(
        [2, 3], ["a", None], step="s", file="f.csv", column="c", rule="r", reason=["one", "two"]
    )
    assert entries["value"].tolist() == ["a", ""] and entries["line"].tolist() == [2, 3]
    with pytest.raises(ValueError, match="action"):
        ledger.ledger_entries(
            [2], ["a"], step="s", file="f", column="c", rule="r", reason="x", action="dropped"
        )
    with pytest.raises(ValueError, match="2 reasons for 1 entries"):
        ledger.ledger_entries(
            [2], ["a"], step="s", file="f", column="c", rule="r", reason=["x", "y"]
        )


def test_validate_rows_raises_on_a_missing_column_naming_file_and_header_line():
    frame = _read(RAW).drop(columns="dataset")
    with pytest.raises(DataFileError) as info:
        ledger.validate_rows(frame, schemas.trade_schema(coerce=True), step="s", file=FILE)
    assert info.value.path == FILE and info.value.line == 1 and info.value.column == "dataset"
