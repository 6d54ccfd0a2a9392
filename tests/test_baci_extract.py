"""The real BACI V202601 extract shipped in data/raw/baci builds as real, partitioned data."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from coopstats.sources import baci, ingest, store

ROOT = Path(__file__).resolve().parents[1]
RAW_BACI = ROOT / "data" / "raw" / "baci"
EXTRACT = {2022: "BACI_HS17_Y2022_V202601_crm30.csv", 2024: "BACI_HS17_Y2024_V202601_crm30.csv"}
DICTS = ("country_codes_V202601.csv", "product_codes_HS17_V202601.csv")


def _raw(tmp: Path, *, extract: bool = True) -> Path:
    raw = tmp / "raw"
    (raw / "baci").mkdir(parents=True)
    (raw / "facts").mkdir()
    shutil.copyfile(ROOT / "data" / "raw" / "facts" / "facts.csv", raw / "facts" / "facts.csv")
    # the V202201 dictionaries feed the synthetic panel (for what the extract does not cover)
    for name in (*DICTS, "country_codes_V202201.csv", "product_codes_HS17_V202201.csv"):
        shutil.copyfile(RAW_BACI / name, raw / "baci" / name)
    if extract:
        for name in EXTRACT.values():
            shutil.copyfile(RAW_BACI / name, raw / "baci" / name)
    return raw


def _file_world_totals() -> pd.Series:
    """World exports per (year, code) computed straight from the CSVs (v in thousand USD)."""
    frames = [pd.read_csv(RAW_BACI / name, dtype={"k": str}) for name in EXTRACT.values()]
    flows = pd.concat(frames).astype({"k": "string", "t": "int64"})
    return (flows.groupby(["t", "k"])["v"].sum() * 1000).rename_axis(["year", "hs6_code"])


def test_the_shipped_extract_is_found_as_a_partial_v202601_release():
    rels = baci.find_releases([RAW_BACI])
    (rel,) = rels
    assert rel.dataset == "BACI_HS17_V202601" and rel.extract == "crm30"
    assert [f.year for f in rel.flows] == [2022, 2024]
    scans = [baci.scan_flows(f, rel) for f in rel.flows]
    assert [s.rows_in for s in scans] == [23167, 21723] and all(s.rows_rejected == 0 for s in scans)


@pytest.fixture(name="built", scope="module")
def fixture_built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("extract")
    raw = _raw(tmp)
    out = ingest.build_processed(raw, tmp / "processed")
    return tmp / "processed", json.loads(out["manifest"].read_text(encoding="utf-8"))


def test_build_makes_the_extract_real_and_keeps_synthetic_rows_apart(built):
    from coopstats.provenance import is_synthetic

    processed, manifest = built
    assert manifest["real_datasets"] == ["BACI_HS17_V202601"]
    assert manifest["synthetic"] is True and manifest["synthetic_datasets"] == ["SYNTHETIC_DEMO"]
    (ext,) = manifest["extracts"]
    assert ext["tag"] == "crm30" and ext["products_per_year"] == {"2022": 30, "2024": 30}
    assert manifest["baci"]["rows_in"] == 23167 + 21723
    real = store.read_partitioned("trade", processed, datasets=["BACI_HS17_V202601"])
    assert set(real["dataset"]) == {"BACI_HS17_V202601"} and set(real["year"]) == {2022, 2024}
    assert len(real) == manifest["baci"]["rows_kept"]
    (real_file,) = store.partition_files(
        processed, "trade", datasets=["BACI_HS17_V202601"], years=[2024]
    )
    assert not is_synthetic(real_file)
    assert is_synthetic(store.partition_files(processed, "trade", datasets=["SYNTHETIC_DEMO"])[0])
    # the demonstration panel stays whole beside the real extract: every product of the panel
    # in every year, real and synthetic rows told apart by `dataset`, never in one series
    single = pd.read_parquet(processed / "trade.parquet")
    demo = single[single["dataset"] == "SYNTHETIC_DEMO"]
    per_year = demo.groupby("year")["hs6_code"].nunique()
    assert per_year.nunique() == 1 and len(per_year) == 10
    shared = set(real["hs6_code"]) & set(demo["hs6_code"])
    assert {"810820", "811212", "811292"} <= shared
    both = single[single["hs6_code"].isin(shared) & single["year"].isin([2022, 2024])]
    assert set(both["dataset"]) == {"BACI_HS17_V202601", "SYNTHETIC_DEMO"}
    # no Belarus-Russia flow in the real data, Kazakhstan-Russia present
    pair = set(zip(real["exporter_iso3"], real["importer_iso3"], strict=True))
    assert ("BLR", "RUS") not in pair and ("RUS", "BLR") not in pair and ("KAZ", "RUS") in pair


def test_world_totals_equal_the_file_sums(built):
    processed, _ = built
    world = store.read_partitioned("world_totals", processed, datasets=["BACI_HS17_V202601"])
    got = world.set_index(["year", "hs6_code"])["value_usd"].sort_index()
    want = _file_world_totals().sort_index()
    assert got.index.tolist() == want.index.tolist()
    pd.testing.assert_series_equal(got, want, check_names=False, rtol=1e-12)
    # exporters without ISO3 (490 Other Asia) are in world totals, not in exports_by_country
    exports = store.read_partitioned(
        "exports_by_country", processed, datasets=["BACI_HS17_V202601"]
    )
    assert exports["value_usd"].sum() < world["value_usd"].sum()


def test_partition_reads_select_years_and_products_and_verify_checksums(built, tmp_path):
    processed, _ = built
    one = store.read_partitioned(
        "trade", processed, datasets=["BACI_HS17_V202601"], years=[2022], hs6_codes=["260600"]
    )
    assert set(one["year"]) == {2022} and set(one["hs6_code"]) == {"260600"} and len(one)
    copy = tmp_path / "processed"
    shutil.copytree(processed, copy)
    (f,) = store.partition_files(copy, "trade", datasets=["BACI_HS17_V202601"], years=[2022])
    f.write_bytes(f.read_bytes()[:-7] + b"garbage")
    from coopstats.errors import ChecksumMismatchError

    with pytest.raises(ChecksumMismatchError, match="part-0.parquet"):
        store.read_partitioned("trade", copy, datasets=["BACI_HS17_V202601"], years=[2022])


def test_a_v202601_zip_laid_out_like_cepii_builds_and_totals_match(tmp_path):
    """The extract's files inside BACI_HS17_V202601.zip with the real dictionaries."""
    raw = _raw(tmp_path)  # the loose extract is present too: skipped beside the full zip
    zpath = raw / "downloads" / "baci" / "BACI_HS17_V202601.zip"
    zpath.parent.mkdir(parents=True)
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for year, name in EXTRACT.items():
            zf.write(RAW_BACI / name, f"BACI_HS17_Y{year}_V202601.csv")
        for name in DICTS:
            zf.write(RAW_BACI / name, name)
    out = ingest.build_processed(raw, tmp_path / "processed")
    manifest = json.loads(out["manifest"].read_text(encoding="utf-8"))
    assert manifest["synthetic"] is False and manifest["datasets"] == ["BACI_HS17_V202601"]
    assert manifest["extracts"] == []
    assert {i["path"] for i in manifest["inputs"] if i["role"] == "baci_flows"} == {
        "downloads/baci/BACI_HS17_V202601.zip"
    }
    world = pd.read_parquet(out["world_totals"]).astype({"hs6_code": "string"})
    got = world.set_index(["year", "hs6_code"])["value_usd"].sort_index()
    pd.testing.assert_series_equal(
        got, _file_world_totals().sort_index(), check_names=False, rtol=1e-12
    )
    trade = pd.read_parquet(out["trade"])
    assert set(trade["dataset"]) == {"BACI_HS17_V202601"}
    part = store.read_partitioned("trade", tmp_path / "processed")
    assert len(part) == len(trade)
    assert part["value_usd"].sum() == pytest.approx(trade["value_usd"].sum(), rel=1e-12)


def test_an_extract_beside_a_full_release_of_another_revision_goes_to_partitions_only(tmp_path):
    from coopstats.sources import testing

    raw = _raw(tmp_path)
    testing.write_baci_release(
        raw / "downloads" / "baci",
        years=[2022],
        products=["260600", "854211", "010111"],
        dictionaries=RAW_BACI,
    )
    out = ingest.build_processed(raw, tmp_path / "processed")
    manifest = json.loads(out["manifest"].read_text(encoding="utf-8"))
    assert manifest["datasets"] == ["BACI_HS92_V202601"] and manifest["synthetic"] is False
    (ext,) = manifest["extracts"]
    assert ext["in_single_file_tables"] is False
    assert set(pd.read_parquet(out["trade"])["hs_revision"]) == {"HS92"}
    assert set(manifest["partitions"]["trade"]) == {"BACI_HS92_V202601", "BACI_HS17_V202601"}
    real = store.read_partitioned("trade", tmp_path / "processed", datasets=["BACI_HS17_V202601"])
    assert set(real["hs_revision"]) == {"HS17"} and set(real["year"]) == {2022, 2024}


def test_one_extract_file_reads_on_its_own():
    cleaned = baci.read_baci_cleaned(RAW_BACI / EXTRACT[2024], countries=["KAZ"])
    assert set(cleaned.kept["dataset"]) == {"BACI_HS17_V202601"}
    assert (cleaned.kept["exporter_iso3"] == "KAZ").any()
