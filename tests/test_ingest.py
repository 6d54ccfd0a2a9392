"""build_processed: BACI files in BACI's format -> deterministic Parquet, ledgers and manifest."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from coopstats import schemas
from coopstats.errors import DataFileError
from coopstats.schemas import TRADE, trade_schema
from coopstats.sources import baci, ingest, parquet, store

HEADER = "t,i,j,k,v,q\n"
Y2020 = [
    "2020,4,643,854231,5,NA",  # AFG -> RUS
    "2020,112,643,854231,1500.25,12.5",  # BLR -> RUS
    "2020,112,643,854232,20,1",
    "2020,156,643,854231,2000,",  # CHN -> RUS
    "2020,156,842,854231,9000,3",  # CHN -> USA: not a bloc flow, counts in exports and world
    "2020,643,112,854231,3.5,0.2",  # RUS -> BLR
    "2020,643,490,854231,10,1",  # RUS -> 'Other Asia, nes': quarantined, still in RUS exports
    "2020,643,842,854231,0,1",  # v = 0: rejected
    "2020,842,156,854231,42,3",  # USA -> CHN
]
Y2021 = [
    "2021,112,643,854231,1700,13",
    "2021,490,156,854231,500,1",  # Taiwan ('nes') exports: world total only
    "2021,643,398,854231,30,NA",
]


def make_raw(
    tmp: Path, root: Path, dicts: Path, *, flows: bool = True, zipped: bool = False
) -> Path:
    raw = tmp / "raw"
    (raw / "baci").mkdir(parents=True)
    (raw / "facts").mkdir()
    (raw / "downloads" / "baci").mkdir(parents=True)
    for f in ("country_codes_V202201.csv", "product_codes_HS17_V202201.csv"):
        shutil.copyfile(dicts / f, raw / "baci" / f)
    shutil.copyfile(root / "data" / "raw" / "facts" / "facts.csv", raw / "facts" / "facts.csv")
    if flows:
        files = {
            "BACI_HS17_Y2020_V202201.csv": HEADER + "\n".join(Y2020) + "\n",
            "BACI_HS17_Y2021_V202201.csv": HEADER + "\n".join(Y2021) + "\n",
        }
        if zipped:
            with zipfile.ZipFile(
                raw / "downloads" / "baci" / "BACI_HS17_V202201.zip", "w", zipfile.ZIP_DEFLATED
            ) as zf:
                for name, text in files.items():
                    zf.writestr(name, text)
                for f in ("country_codes_V202201.csv", "product_codes_HS17_V202201.csv"):
                    zf.write(dicts / f, f)
        else:
            for name, text in files.items():
                (raw / "downloads" / name).write_text(text)
    return raw


@pytest.fixture(name="dicts", scope="module")
def fixture_dicts(shared_dir: Path) -> Path:
    return shared_dir / "data" / "baci"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_from_baci(tmp_path: Path, root: Path, dicts: Path) -> None:
    raw = make_raw(tmp_path, root, dicts)
    out = ingest.build_processed(raw, tmp_path / "processed")
    assert {
        "trade",
        "exports_by_country",
        "world_totals",
        "facts",
        "manifest",
        "quarantine",
    } <= set(out)

    trade = pd.read_parquet(out["trade"])
    assert list(trade.columns) == TRADE
    trade_schema().validate(
        trade.astype({c: "string" for c in trade.columns if trade[c].dtype == object})
    )
    members = set(ingest.bloc_member_union())
    assert {"RUS", "BLR", "KAZ", "ARM", "KGZ"} <= members
    assert (trade["exporter_iso3"].isin(members) | trade["importer_iso3"].isin(members)).all()
    assert (
        len(trade) == 5 + 2
    )  # 2020: AFG, 2x BLR, CHN -> RUS and RUS -> BLR; 2021: BLR -> RUS, RUS -> KAZ
    blr = trade[
        (trade["exporter_iso3"] == "BLR")
        & (trade["year"] == 2020)
        & (trade["hs6_code"] == "854231")
    ]
    assert blr["value_usd"].tolist() == [1_500_250.0]

    ex_frame = pd.read_parquet(out["exports_by_country"])
    assert list(ex_frame.columns) == ingest.EXPORTS
    schemas.schema("exports_by_country").validate(
        ex_frame.astype({c: "string" for c in ex_frame.columns if ex_frame[c].dtype == object})
    )
    schemas.validate_frame("exports_by_country", ex_frame, path=out["exports_by_country"])
    schemas.validate_frame("world_totals", pd.read_parquet(out["world_totals"]), path="world")
    exports = pd.read_parquet(out["exports_by_country"]).set_index(
        ["year", "exporter_iso3", "hs6_code"]
    )["value_usd"]
    assert exports[(2020, "CHN", "854231")] == pytest.approx(11_000_000.0)  # to RUS and to USA
    assert exports[(2020, "RUS", "854231")] == pytest.approx(
        13_500.0
    )  # incl. the flow to 490, not the v=0 row
    assert not any(e == "490" for _, e, _ in exports.index)
    world = pd.read_parquet(out["world_totals"]).set_index(["year", "hs6_code"])["value_usd"]
    assert world[(2020, "854231")] == pytest.approx(
        1000 * (5 + 1500.25 + 2000 + 9000 + 3.5 + 10 + 42)
    )
    assert world[(2021, "854231")] == pytest.approx(1000 * (1700 + 500 + 30))  # Taiwan counted here

    ledger = pd.read_csv(out["quarantine"] / "baci.csv")
    assert sorted(ledger["rule"]) == ["country_has_iso3", "value_positive"]
    assert ledger.loc[ledger["rule"] == "value_positive", "line"].tolist() == [9]
    assert (out["quarantine"] / "facts.csv").is_file()

    manifest = json.loads(out["manifest"].read_text())
    assert manifest["synthetic"] is False and manifest["datasets"] == ["BACI_HS17_V202201"]
    assert manifest["baci"]["rows_in"] == len(Y2020) + len(Y2021)
    # rows in = rejected (v = 0, RUS -> 490) + bloc rows kept
    #   + valid non-bloc rows (CHN-USA, USA-CHN, 490-CHN)
    assert manifest["baci"]["rows_rejected"] == 2
    assert manifest["baci"]["rows_in"] == 2 + len(trade) + 3
    assert manifest["baci"]["excluded_exporters"][0]["baci_code"] == 490
    inputs = {d["path"]: d for d in manifest["inputs"]}
    flow = raw / "downloads" / "BACI_HS17_Y2020_V202201.csv"
    assert inputs["downloads/BACI_HS17_Y2020_V202201.csv"]["sha256"] == _sha(flow)
    assert inputs["facts/facts.csv"]["sha256"] == _sha(raw / "facts" / "facts.csv")
    assert manifest["outputs"]["trade.parquet"]["sha256"] == _sha(out["trade"])
    assert pd.read_parquet(out["facts"])["fact_id"].is_monotonic_increasing


def test_parquet_agrees_with_read_baci(tmp_path: Path, root: Path, dicts: Path) -> None:
    raw = make_raw(tmp_path, root, dicts)
    out = ingest.build_processed(raw, tmp_path / "processed")
    trade = pd.read_parquet(out["trade"])
    members = ingest.bloc_member_union()
    frames = []
    for year in (2020, 2021):
        cleaned = baci.read_baci_cleaned(
            raw / "downloads" / f"BACI_HS17_Y{year}_V202201.csv",
            dictionaries=raw / "baci",
            countries=members,
        )
        frames.append(cleaned.kept)
    direct = pd.concat(frames).sort_values(store.TRADE_SORT).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        trade, direct.astype({c: object for c in TRADE if direct[c].dtype == "string"})
    )


def test_byte_identical_outputs(tmp_path: Path, root: Path, dicts: Path) -> None:
    raw = make_raw(tmp_path, root, dicts, zipped=True)
    a = ingest.build_processed(raw, tmp_path / "a")
    b = ingest.build_processed(raw, tmp_path / "b")
    for key in ("trade", "exports_by_country", "world_totals", "facts", "manifest"):
        assert _sha(a[key]) == _sha(b[key]), key
    assert _sha(a["quarantine"] / "baci.csv") == _sha(b["quarantine"] / "baci.csv")
    meta = pq.ParquetFile(a["trade"]).metadata
    assert b"pandas" not in (meta.metadata or {})  # no library/time metadata beyond the schema
    manifest = json.loads(a["manifest"].read_text())
    assert [d["path"] for d in manifest["inputs"] if d["role"] == "baci_flows"] == [
        "downloads/baci/BACI_HS17_V202201.zip"
    ]


def test_row_groups_have_a_fixed_size(
    tmp_path: Path, root: Path, dicts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet, "ROW_GROUP_SIZE", 3)
    raw = make_raw(tmp_path, root, dicts)
    out = ingest.build_processed(raw, tmp_path / "processed")
    meta = pq.ParquetFile(out["trade"]).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    names = [meta.schema.column(c).name for c in range(meta.num_columns)]
    stats = meta.row_group(0).column(names.index("exporter_iso3")).statistics
    assert stats is not None and stats.has_min_max  # lets readers skip row groups by country
    # rows are sorted, so filtering on the exporter reads only the matching row groups
    blr = pd.read_parquet(out["trade"], filters=[("exporter_iso3", "==", "BLR")])
    assert set(blr["exporter_iso3"]) == {"BLR"} and len(blr) == 3
    assert sizes == [3, 3, 1]  # 7 rows; groups span the two year files


def test_synthetic_fallback(tmp_path: Path, root: Path, dicts: Path) -> None:
    raw = make_raw(tmp_path, root, dicts, flows=False)
    shutil.copytree(root / "data" / "raw" / "wdi", raw / "wdi")
    a = ingest.build_processed(raw, tmp_path / "a")
    manifest = json.loads(a["manifest"].read_text())
    assert manifest["synthetic"] is True and manifest["label"] == "SYNTHETIC DEMONSTRATION DATA"
    assert manifest["datasets"] == ["SYNTHETIC_DEMO"]
    trade = pd.read_parquet(a["trade"])
    assert set(trade["dataset"]) == {"SYNTHETIC_DEMO"}
    members = set(manifest["bloc_members"])
    assert (trade["exporter_iso3"].isin(members) | trade["importer_iso3"].isin(members)).all()
    exports = pd.read_parquet(a["exports_by_country"])
    assert exports["exporter_iso3"].nunique() > 150  # every country's exports, not only the bloc's
    b = ingest.build_processed(raw, tmp_path / "b")
    for key in ("trade", "exports_by_country", "world_totals", "manifest"):
        assert _sha(a[key]) == _sha(b[key]), key


def test_indicators_from_wdi(tmp_path: Path, root: Path, dicts: Path) -> None:
    raw = make_raw(tmp_path, root, dicts)
    shutil.copytree(root / "data" / "raw" / "wdi", raw / "wdi")
    out = ingest.build_processed(raw, tmp_path / "processed")
    ind = pd.read_parquet(out["indicators"])
    assert {"SP.POP.TOTL"} <= set(ind["indicator"]) and (ind["country_iso3"].str.len() == 3).all()
    manifest = json.loads(out["manifest"].read_text())
    assert any(d["role"] == "wdi" for d in manifest["inputs"])


def test_failed_build_keeps_previous_outputs(tmp_path: Path, root: Path, dicts: Path) -> None:
    raw = make_raw(tmp_path, root, dicts)
    out = ingest.build_processed(raw, tmp_path / "processed")
    before = _sha(out["trade"])
    (raw / "downloads" / "BACI_HS17_Y2021_V202201.csv").write_text(
        HEADER + "2021,112,643,854231,1\n"
    )
    with pytest.raises(DataFileError) as err:
        ingest.build_processed(raw, tmp_path / "processed")
    assert err.value.line == 2 and err.value.column == "v"  # the record ends after v
    assert _sha(out["trade"]) == before
    assert not (tmp_path / "processed" / ".build-tmp").exists()


def test_cli_build(tmp_path: Path, root: Path, dicts: Path, capsys: pytest.CaptureFixture) -> None:
    project = tmp_path / "proj"
    (project / "data").mkdir(parents=True)
    shutil.move(str(make_raw(tmp_path, root, dicts)), str(project / "data" / "raw"))
    assert ingest.cli_build(argparse.Namespace(root=str(project), only=None)) == 0
    assert (project / "data" / "processed" / "trade.parquet").is_file()
    assert "trade" in capsys.readouterr().out


def _comtrade_record(reporter: int, partner: int, flow: str, cmd: str, value: float) -> dict:
    """One record in the shape of the UN Comtrade API v1 answer (the fields the reader uses)."""
    iso = {112: "BLR", 156: "CHN", 398: "KAZ", 643: "RUS"}
    return {
        "typeCode": "C",
        "freqCode": "A",
        "refPeriodId": 20220101,
        "refYear": 2022,
        "refMonth": 52,
        "period": "2022",
        "reporterCode": reporter,
        "reporterISO": iso[reporter],
        "reporterDesc": iso[reporter],
        "flowCode": flow,
        "flowDesc": {"X": "Export", "M": "Import"}[flow],
        "partnerCode": partner,
        "partnerISO": iso[partner],
        "partnerDesc": iso[partner],
        "partner2Code": 0,
        "partner2ISO": "W00",
        "partner2Desc": "World",
        "classificationCode": "H5",
        "classificationSearchCode": "HS",
        "isOriginalClassification": True,
        "cmdCode": cmd,
        "cmdDesc": "Electronic integrated circuits",
        "aggrLevel": 6,
        "isLeaf": True,
        "customsCode": "C00",
        "customsDesc": "TOTAL CPC",
        "mosCode": "0",
        "motCode": 0,
        "motDesc": "TOTAL MOT",
        "qtyUnitCode": 8,
        "qtyUnitAbbr": "kg",
        "qty": 1000.0,
        "isQtyEstimated": False,
        "altQtyUnitCode": -1,
        "altQtyUnitAbbr": "N/A",
        "altQty": 0,
        "isAltQtyEstimated": False,
        "netWgt": 1000.0,
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


def test_comtrade_flows_are_added(tmp_path: Path, root: Path, dicts: Path) -> None:
    records = [
        _comtrade_record(398, 643, "X", "854231", 1_000_000.0),  # KAZ exports to RUS
        _comtrade_record(156, 643, "X", "854231", 8_000_000.0),  # CHN -> RUS: mirror for RUS 2022
        _comtrade_record(156, 398, "X", "854232", 5.0),
    ]
    answer = {"elapsedTime": "0.1 secs", "count": len(records), "data": records, "error": ""}
    for flows in (True, False):
        raw = make_raw(tmp_path / str(flows), root, dicts, flows=flows)
        (raw / "downloads" / "comtrade").mkdir(parents=True)
        (raw / "downloads" / "comtrade" / "preview_2022.json").write_text(json.dumps(answer))
        out = ingest.build_processed(raw, tmp_path / str(flows) / "processed")
        trade = pd.read_parquet(out["trade"])
        ct = trade[~trade["dataset"].str.startswith("BACI")]
        assert len(ct) == 3 and set(ct["flow_basis"]) <= {"reported", "mirror"}
        assert (ct["year"] == 2022).all()
        manifest = json.loads(out["manifest"].read_text())
        assert manifest["synthetic"] is False and manifest["comtrade"]["files"] == [
            "preview_2022.json"
        ]
        assert (out["quarantine"] / "comtrade.csv").is_file()
        assert any(d["role"] == "comtrade" for d in manifest["inputs"])
        if not flows:  # Comtrade alone: real flows, no world exports to derive
            assert len(pd.read_parquet(out["exports_by_country"])) == 0
            assert "no BACI release" in manifest["note"]
        else:
            assert (trade["dataset"] == "BACI_HS17_V202201").sum() == 7


def test_output_does_not_depend_on_chunking(
    tmp_path: Path, root: Path, dicts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole-dollar values make the sums exact, so batch boundaries cannot change a byte."""
    raw = make_raw(tmp_path, root, dicts)
    a = ingest.build_processed(raw, tmp_path / "a")
    monkeypatch.setattr(baci, "_CHUNK_BYTES", 64)
    monkeypatch.setattr(baci, "_BLOCK_SIZE", 64)
    b = ingest.build_processed(raw, tmp_path / "b")
    for key in ("trade", "exports_by_country", "world_totals"):
        assert _sha(a[key]) == _sha(b[key]), key


def test_thousands_become_whole_dollars() -> None:
    import numpy as np

    v = np.array([1.005, 0.308, 42.001, 1e-4, 123456789.123])
    usd = baci._usd(v)
    assert usd.tolist() == [1005.0, 308.0, 42001.0, pytest.approx(0.1), 123456789123.0]
    assert usd[3] != 0.0  # a value finer than BACI's precision is not rounded away
