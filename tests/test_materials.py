"""coopstats.materials: blocs' dependence on outside suppliers of critical materials."""

from __future__ import annotations

import pandas as pd
import pytest

from coopstats import materials as mt
from coopstats.errors import DataFileError, InvalidParameterError
from test_coverage import read_extract

MATS = pd.DataFrame(
    {
        "hs6_code": ["850511", "260600"],
        "hs_revision": "HS17",
        "material": ["permanent magnets", "bauxite"],
        "material_ru": ["магниты", "бокситы"],
        "source": "test",
    }
)


def frame(rows):
    t = pd.DataFrame(
        rows, columns=["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]
    )
    t["flow_basis"] = "reconciled"
    t["dataset"] = "TEST"
    return t


@pytest.fixture(name="trade")
def fixture_trade():
    return frame(
        [
            # 2022: KAZ imports magnets 80 from CHN, 20 from RUS; RUS imports bauxite 50 from GIN
            (2022, "CHN", "KAZ", "850511", 80.0),
            (2022, "RUS", "KAZ", "850511", 20.0),
            (2022, "GIN", "RUS", "260600", 50.0),
            (2022, "RUS", "DEU", "260600", 10.0),  # members' outside exports
            (2022, "CHN", "DEU", "850511", 900.0),  # world trade outside the bloc
            # 2024: magnets 60 CHN, 20 JPN, 20 ARM (a member); bauxite 100 GIN
            (2024, "CHN", "KAZ", "850511", 60.0),
            (2024, "JPN", "KAZ", "850511", 20.0),
            (2024, "ARM", "KAZ", "850511", 20.0),
            (2024, "GIN", "RUS", "260600", 100.0),
            (2024, "KAZ", "CHN", "850511", 40.0),
            (2024, "CHN", "DEU", "850511", 940.0),
        ]
    )


def test_dependence_concentration_and_capacity(trade):
    r = mt.bloc_materials(trade, blocs=["EAEU"], materials=MATS)
    d = r.dependence.set_index(["year", "material"])
    mag22 = d.loc[(2022, "permanent magnets")]
    assert mag22["imports_usd"] == 100.0 and mag22["extra_share_pct"] == pytest.approx(80.0)
    assert mag22["hhi"] == pytest.approx(1.0) and mag22["top_supplier_iso3"] == "CHN"
    mag24 = d.loc[(2024, "permanent magnets")]
    assert mag24["extra_imports_usd"] == 80.0
    assert mag24["hhi"] == pytest.approx(0.75**2 + 0.25**2)
    assert mag24["extra_exports_usd"] == 40.0
    assert mag24["import_export_ratio"] == pytest.approx(2.0)
    tot24 = d.loc[(2024, mt.TOTAL)]
    assert tot24["imports_usd"] == 200.0 and tot24["extra_share_pct"] == pytest.approx(90.0)
    assert tot24["mirror_share_pct"] == 0.0
    cap = r.capacity.set_index(["year", "country_iso3", "hs6_code"])
    assert cap.loc[(2024, "KAZ", "850511"), "share_pct"] == pytest.approx(100 * 40 / 1080)
    assert cap.loc[(2022, "RUS", "260600"), "extra_exports_usd"] == 10.0
    assert cap.loc[(2022, "RUS", "850511"), "extra_exports_usd"] == 0.0  # KAZ is a member
    ch = r.change.set_index(["material", "measure"])
    assert ch.loc[("bauxite", "extra_imports_usd"), "growth_pct"] == pytest.approx(100.0)
    assert ch.loc[("permanent magnets", "extra_share_pct"), "change"] == pytest.approx(0.0)
    assert list(r.summary()["year"]) == [2022, 2024]


def test_statement_is_computed(trade):
    r = mt.bloc_materials(trade, blocs=["EAEU"], materials=MATS)
    en = mt.materials_statement(r, bloc="EAEU")
    assert "In 2024 the EAEU members imported $200 of the 2 listed materials" in en
    assert "90.0 % of it from outside the bloc (86.7 % in 2022)" in en
    ru = mt.materials_statement(r, bloc="EAEU", language="ru")
    assert "90,0 % — из-за пределов блока (86,7 % в 2022 г.)" in ru and "бокситы" in ru
    with pytest.raises(InvalidParameterError, match="bloc"):
        mt.materials_statement(r, bloc="CSTO")


def test_refusals(trade, tmp_path):
    with pytest.raises(InvalidParameterError, match="blocs"):
        mt.bloc_materials(trade, blocs=["NATO"], materials=MATS)
    with pytest.raises(InvalidParameterError, match="no flow of a listed material"):
        mt.bloc_materials(trade[trade["hs6_code"] == "999999"], materials=MATS)
    with pytest.raises(InvalidParameterError, match="start_year"):
        mt.bloc_materials(trade, materials=MATS, start_year=2023)
    bad = tmp_path / "m.csv"
    bad.write_text("hs6_code,hs_revision,material,material_ru,source\n85051,HS17,x,y,z\n")
    with pytest.raises(DataFileError) as err:
        mt.critical_materials(bad)
    assert err.value.line == 2 and err.value.column == "hs6_code"


def test_shipped_list_is_the_extract_s_30_codes():
    mats = mt.critical_materials()
    assert len(mats) == 30 and mats["hs6_code"].is_unique
    assert {"850511", "811292", "283691", "711021"} <= set(mats["hs6_code"])


def test_real_extract(shared_dir):
    trade = read_extract(shared_dir)
    r = mt.bloc_materials(trade)
    s = r.summary().set_index(["bloc", "year"])
    assert set(s.index) == {(b, y) for b in ("EAEU", "CIS", "CSTO") for y in (2022, 2024)}
    assert (s["extra_share_pct"].between(0, 100)).all() and (s["hhi"].between(0, 1)).all()
    # Russia is by far the members' largest exporter of the 30 materials
    cap = r.capacity[(r.capacity["bloc"] == "EAEU") & (r.capacity["year"] == 2024)]
    assert cap.groupby("country_iso3")["exports_usd"].sum().idxmax() == "RUS"
    text = mt.materials_statement(r, bloc="EAEU")
    assert text.startswith("In 2024 the EAEU members imported $") and "30 listed materials" in text


def test_world_share_uses_world_exports_when_given(trade):
    world = pd.DataFrame(
        {
            "year": [2024, 2024],
            "exporter_iso3": ["KAZ", "AUS"],
            "hs6_code": "850511",
            "value_usd": [40.0, 3960.0],
        }
    )
    r = mt.bloc_materials(trade, blocs=["EAEU"], materials=MATS, world_exports=world)
    cap = r.capacity.set_index(["year", "country_iso3", "hs6_code"])
    assert cap.loc[(2024, "KAZ", "850511"), "share_pct"] == pytest.approx(1.0)
    with pytest.raises(InvalidParameterError, match="world_exports"):
        mt.bloc_materials(trade, materials=MATS, world_exports=world.drop(columns="value_usd"))
