"""Any BACI release: countries from the release's own dictionary plus the package's notes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from coopstats import geo
from coopstats.errors import DataFileError, UnmappedCodeError
from coopstats.sources import baci, fetch

ROOT = Path(__file__).resolve().parents[1]
RAW_BACI = ROOT / "data" / "raw" / "baci"


def test_v202201_crosswalk_from_its_dictionary_equals_the_curated_one():
    countries = baci.read_country_codes(RAW_BACI / "country_codes_V202201.csv")
    walk = baci.country_crosswalk(countries).set_index("baci_code")
    curated = geo.baci_country_codes(version="V202201").set_index("baci_code")
    assert len(walk) == len(curated) == 238
    assert walk["iso3"].fillna("-").equals(curated["iso3"].reindex(walk.index).fillna("-"))
    assert walk["status"].equals(curated["status"].reindex(walk.index).astype("string"))


def test_v202601_dictionary_maps_with_notes_for_placeholder_iso3():
    countries = baci.read_country_codes(RAW_BACI / "country_codes_V202601.csv")
    walk = baci.country_crosswalk(countries).set_index("baci_code")
    assert len(walk) == 238 and walk["iso3"].notna().sum() == 236
    # BACI's own codes are still used (not ISO numeric), with S19/R20/ZA1/PUS placeholders
    assert walk.loc[842, "iso3"] == "USA" and walk.loc[842, "status"] == "grouped"
    assert walk.loc[699, "iso3"] == "IND" and walk.loc[380, "iso3"] == "ITA"
    assert walk.loc[490, "listed_iso3"] == "S19" and pd.isna(walk.loc[490, "iso3"])
    assert walk.loc[490, "status"] == "nes" and pd.isna(walk.loc[697, "iso3"])
    assert walk.loc[711, "iso3"] == "ZAF" and walk.loc[849, "iso3"] == "UMI"
    assert baci.iso3_codes([490, 643, 112], version="202601", countries=countries) == {
        112: "BLR",
        490: None,
        643: "RUS",
    }


def _dictionary(tmp_path: Path, version: str, edit) -> pd.DataFrame:
    text = (RAW_BACI / "country_codes_V202601.csv").read_text(encoding="utf-8")
    path = tmp_path / f"country_codes_V{version}.csv"
    path.write_text(edit(text), encoding="utf-8")
    return baci.read_country_codes(path)


def test_a_new_spelling_of_a_noted_code_or_a_non_iso_code_is_refused(tmp_path):
    changed = _dictionary(tmp_path, "202901", lambda t: t.replace(",S19\n", ",TWN\n"))
    with pytest.raises(DataFileError, match="490") as err:
        baci.country_crosswalk(changed)
    assert "'TWN'" in str(err.value) and "baci_country_notes.csv" in str(err.value)
    odd = _dictionary(tmp_path, "202902", lambda t: t + "999,Atlantis,AX,XQZ\n")
    with pytest.raises(UnmappedCodeError, match="999"):
        baci.country_crosswalk(odd)


def test_a_future_release_reads_without_code_change(tmp_path):
    """A V202901 release (dictionaries as V202601's) is read end to end."""
    folder = tmp_path / "baci"
    folder.mkdir()
    shutil.copyfile(RAW_BACI / "country_codes_V202601.csv", folder / "country_codes_V202901.csv")
    shutil.copyfile(
        RAW_BACI / "product_codes_HS17_V202601.csv", folder / "product_codes_HS17_V202901.csv"
    )
    flow = folder / "BACI_HS17_Y2027_V202901.csv"
    flow.write_text(
        "t,i,j,k,v,q\n2027,112,643,854231,1.5,NA\n2027,380,490,010121,2,1\n2027,842,643,260600,3,2\n",
        encoding="ascii",
    )
    cleaned = baci.read_baci_cleaned(flow)
    kept = cleaned.kept.sort_values("exporter_iso3")
    assert kept["exporter_iso3"].tolist() == ["BLR", "USA"]
    assert kept["dataset"].unique().tolist() == ["BACI_HS17_V202901"]
    assert cleaned.rows_rejected == 1  # 380 ITA -> 490 Other Asia: no ISO3 country
    assert cleaned.ledger["rule"].unique().tolist() == ["country_has_iso3"]


def test_registry_default_is_the_hs92_v202601_long_panel():
    entries = {e.name: e for e in fetch.load_registry()}
    hs92 = entries["baci_hs92_v202601"]
    assert hs92.default and hs92.sha256 is None  # trust on first use, no invented hash
    assert hs92.target == "downloads/baci/BACI_HS92_V202601.zip"
    assert {"baci_hs17_v202601", "baci_hs22_v202601"} <= set(entries)
    assert not any(
        e.default for n, e in entries.items() if n.startswith("baci_") and n != hs92.name
    )
