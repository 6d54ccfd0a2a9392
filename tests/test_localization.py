"""Tests for coopstats.localization: hand-checked fixtures, invariants, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coopstats.dependency import dependency_flags, dependency_sensitivity
from coopstats.errors import InvalidParameterError
from coopstats.localization import (
    hhi,
    intra_bloc_shares,
    substitution_capacity,
    supplier_concentration,
    top_suppliers,
)

MEMBERS = ["BLR", "KAZ", "RUS"]
SMAP = pd.DataFrame(
    {"hs6_code": ["854231", "845710"], "sector": ["microelectronics", "machine_tools"]}
)


def _year(year: int, blr_ind_854231: float, rus_uzb_845710: float) -> list[tuple]:
    rows = [
        # ICs 854231: RUS imports CHN 60, TWN 20; KAZ imports CHN 20, RUS 10, BLR 5
        (year, "CHN", "RUS", "854231", 60.0),
        (year, "TWN", "RUS", "854231", 20.0),
        (year, "CHN", "KAZ", "854231", 20.0),
        (year, "RUS", "KAZ", "854231", 10.0),
        (year, "BLR", "KAZ", "854231", 5.0),
        # machine tools 845710: BLR imports DEU 30, JPN 30, CHN 40
        (year, "DEU", "BLR", "845710", 30.0),
        (year, "JPN", "BLR", "845710", 30.0),
        (year, "CHN", "BLR", "845710", 40.0),
    ]
    if blr_ind_854231:
        rows.append((year, "BLR", "IND", "854231", blr_ind_854231))
    if rus_uzb_845710:
        rows.append((year, "RUS", "UZB", "845710", rus_uzb_845710))
    return rows


@pytest.fixture(name="trade")
def fixture_trade() -> pd.DataFrame:
    """Members BLR, KAZ, RUS, 2020-2022: BLR's IC exports jump in 2021, RUS's CNC stop in 2022."""
    rows = _year(2020, 10.0, 5.0) + _year(2021, 200.0, 5.0) + _year(2022, 10.0, 0.0)
    return pd.DataFrame(
        rows, columns=["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]
    )


@pytest.fixture(name="world")
def fixture_world() -> pd.DataFrame:
    """World exports: ICs TWN 600, CHN 300, KOR 100 (HHI .46).

    CNC: DEU 400, JPN 300, CHN 200, ITA 100 (HHI .30).
    """
    rows = []
    for y in (2020, 2021, 2022):
        rows += [
            (y, "TWN", "854231", 600.0),
            (y, "CHN", "854231", 300.0),
            (y, "KOR", "854231", 100.0),
            (y, "DEU", "845710", 400.0),
            (y, "JPN", "845710", 300.0),
            (y, "CHN", "845710", 200.0),
            (y, "ITA", "845710", 100.0),
        ]
    return pd.DataFrame(rows, columns=["year", "exporter_iso3", "hs6_code", "value_usd"])


def test_hhi_conventions_and_invariants():
    assert hhi([42.0]) == 1.0  # single supplier
    assert hhi([60, 40]) == pytest.approx(0.52)  # .36 + .16
    assert hhi([1, 1, 1, 1]) == pytest.approx(0.25)  # 1/n for equal shares
    assert hhi([5, 0, 0]) == 1.0
    assert np.isnan(hhi([0, 0]))
    with pytest.raises(InvalidParameterError, match="values"):
        hhi([1, -1])


def test_intra_bloc_shares_by_hand(trade):
    r = intra_bloc_shares(trade, bloc="EAEU", members=MEMBERS, sector_map=SMAP)
    m = r.members.query("year == 2020").set_index(["importer_iso3", "sector"])
    # KAZ ICs: 20 + 10 + 5 = 35, intra 15 -> 42.857 %
    assert m.loc[("KAZ", "microelectronics"), "intra_share_pct"] == pytest.approx(100 * 15 / 35)
    assert m.loc[("KAZ", "microelectronics"), "extra_share_pct"] == pytest.approx(100 * 20 / 35)
    assert m.loc[("RUS", "total"), "intra_share_pct"] == 0.0
    b = r.bloc.query("year == 2020").set_index("sector")
    # bloc: imports 80 + 35 + 100 = 215, intra 15 -> 6.9767 %; ICs 115, intra 15 -> 13.043 %
    assert b.loc["total", "imports_usd"] == 215.0
    assert b.loc["total", "intra_share_pct"] == pytest.approx(100 * 15 / 215)
    assert b.loc["microelectronics", "intra_share_pct"] == pytest.approx(100 * 15 / 115)
    assert b.loc["machine_tools", "intra_share_pct"] == 0.0
    assert list(r.bloc.columns) == [
        "year",
        "bloc",
        "sector",
        "imports_usd",
        "intra_imports_usd",
        "extra_imports_usd",
        "intra_share_pct",
        "extra_share_pct",
    ]
    assert r.summary().loc["microelectronics", 2020] == pytest.approx(100 * 15 / 115)
    # shares add up
    np.testing.assert_allclose(r.bloc["intra_share_pct"] + r.bloc["extra_share_pct"], 100.0)


def test_intra_bloc_membership_is_time_aware():
    # ARM -> KAZ counts as intra-bloc only from the year ARM is a member (2015, not 2014)
    t = pd.DataFrame(
        {
            "year": [2014, 2015],
            "exporter_iso3": "ARM",
            "importer_iso3": "KAZ",
            "hs6_code": "854231",
            "value_usd": 10.0,
        }
    )
    t = pd.concat([t, t.assign(exporter_iso3="CHN", value_usd=30.0)], ignore_index=True)
    members = {2014: ["BLR", "KAZ", "RUS"], 2015: ["ARM", "BLR", "KAZ", "RUS"]}
    b = intra_bloc_shares(t, bloc="EAEU", members=members).bloc.set_index("year")
    assert b.loc[2014, "intra_share_pct"] == 0.0
    assert b.loc[2015, "intra_share_pct"] == 25.0  # 10 / (10 + 30)


def test_default_membership_comes_from_the_membership_module():
    from coopstats import membership

    # Kyrgyzstan joined the EAEU on 2015-08-12: a member at the end of 2015, not at its start
    assert "KGZ" in membership.members_in_year("EAEU", 2015, as_of="year_end")
    t = pd.DataFrame(
        {
            "year": 2015,
            "exporter_iso3": ["KGZ", "CHN"],
            "importer_iso3": "KAZ",
            "hs6_code": "854231",
            "value_usd": [10.0, 30.0],
        }
    )
    end = intra_bloc_shares(t, bloc="EAEU").bloc["intra_share_pct"].iloc[0]
    start = intra_bloc_shares(t, bloc="EAEU", as_of="year_start").bloc["intra_share_pct"].iloc[0]
    assert (end, start) == (25.0, 0.0)


def test_supplier_concentration_by_hand(trade):
    out = supplier_concentration(trade, bloc="EAEU", members=MEMBERS, sector_map=SMAP)
    o = out.query("year == 2020").set_index("sector")
    # bloc extra ICs: CHN 80, TWN 20 -> .64 + .04 = .68
    assert o.loc["microelectronics", "hhi"] == pytest.approx(0.68)
    assert o.loc["microelectronics", "hhi_points"] == pytest.approx(6800.0)
    assert o.loc["microelectronics", "top_supplier_iso3"] == "CHN"
    assert o.loc["microelectronics", "top_supplier_share_pct"] == pytest.approx(80.0)
    # CNC: DEU 30, JPN 30, CHN 40 -> .09 + .09 + .16 = .34
    assert o.loc["machine_tools", "hhi"] == pytest.approx(0.34)
    assert o.loc["machine_tools", "n_suppliers"] == 3
    # member level, all suppliers: KAZ ICs CHN 20, RUS 10, BLR 5 -> (400 + 100 + 25)/35^2 = .428571
    mem = supplier_concentration(
        trade, bloc="EAEU", members=MEMBERS, sector_map=SMAP, level="member", scope="all"
    ).query("year == 2020")
    kaz = mem.set_index(["importer_iso3", "sector"]).loc[("KAZ", "microelectronics")]
    assert kaz["hhi"] == pytest.approx(525 / 1225)


def test_single_supplier_hhi_is_one():
    t = pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": ["CHN"],
            "importer_iso3": ["RUS"],
            "hs6_code": ["854231"],
            "value_usd": [5.0],
        }
    )
    assert supplier_concentration(t, bloc="EAEU", members=MEMBERS)["hhi"].iloc[0] == 1.0


def test_top_suppliers_by_hand(trade):
    out = top_suppliers(
        trade, bloc="EAEU", members=MEMBERS, n=2, sector_map=SMAP, include_total=False
    ).query("year == 2020")
    ic = out[out["sector"] == "microelectronics"]
    assert ic["supplier_iso3"].tolist() == ["CHN", "TWN"]
    assert ic["share_pct"].tolist() == pytest.approx([80.0, 20.0])
    assert ic["cumulative_share_pct"].tolist() == pytest.approx([80.0, 100.0])
    cnc = out[out["sector"] == "machine_tools"]
    # DEU and JPN tie at 30: alphabetical -> DEU second
    assert cnc["supplier_iso3"].tolist() == ["CHN", "DEU"]
    with pytest.raises(InvalidParameterError, match="'n'"):
        top_suppliers(trade, bloc="EAEU", members=MEMBERS, n=0)


def test_dependency_flags_by_hand(trade, world):
    r = dependency_flags(trade, world, bloc="EAEU", members=MEMBERS)
    p = r.products.set_index(["year", "hs6_code"])
    ic20 = p.loc[(2020, "854231")]
    # C1: .68 > .4; C2: .36 + .09 + .01 = .46 > .4; C3: 100 / 10 = 10 > 1 -> dependent
    assert ic20["hhi_imports"] == pytest.approx(0.68)
    assert ic20["hhi_world"] == pytest.approx(0.46)
    assert ic20["import_export_ratio"] == pytest.approx(10.0)
    assert ic20["leading_world_exporter_iso3"] == "TWN"
    assert bool(ic20["is_dependent"])
    # 2021: BLR exports 200 -> ratio .5 -> not dependent
    assert p.loc[(2021, "854231"), "import_export_ratio"] == pytest.approx(0.5)
    assert not p.loc[(2021, "854231"), "is_dependent"]
    # 2022: dependent again; window 2020-2022 has 2 dependent years -> persistent
    assert p.loc[(2022, "854231"), "years_dependent_in_window"] == 2
    assert (
        p.loc[(2022, "854231"), "is_persistent"] is True or p.loc[(2022, "854231"), "is_persistent"]
    )
    assert pd.isna(p.loc[(2020, "854231"), "is_persistent"])  # window reaches before the data
    # CNC: HHI .34 and world .30 fail C1/C2; 2022 has no extra exports -> GeoDep's 9999
    assert p.loc[(2022, "845710"), "import_export_ratio"] == 9999.0
    assert not p.loc[(2022, "845710"), "is_dependent"]
    s = r.summary().set_index("year")
    assert s.loc[2020, "n_dependent"] == 1
    assert s.loc[2020, "dependent_share_pct"] == pytest.approx(50.0)  # 100 of 200 extra imports
    assert np.isnan(s.loc[2020, "n_persistent"]) and s.loc[2022, "n_persistent"] == 1


def test_dependency_thresholds_are_parameters(trade, world):
    loose = dependency_flags(
        trade,
        world,
        bloc="EAEU",
        members=MEMBERS,
        hhi_imports_threshold=0.3,
        hhi_world_threshold=0.25,
    )
    p = loose.products.set_index(["year", "hs6_code"])
    assert p.loc[(2020, "845710"), "is_dependent"]  # .34 > .3, .30 > .25, 100/5 = 20 > 1


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"hhi_imports_threshold": 1.5}, "hhi_imports_threshold"),
        ({"hhi_world_threshold": -0.1}, "hhi_world_threshold"),
        ({"ratio_threshold": -1}, "ratio_threshold"),
        ({"window": 0}, "window"),
        ({"window": 3, "min_years": 4}, "min_years"),
    ],
)
def test_dependency_rejects_out_of_range_thresholds(trade, world, kwargs, name):
    with pytest.raises(InvalidParameterError, match=f"'{name}'.*allowed"):
        dependency_flags(trade, world, bloc="EAEU", members=MEMBERS, **kwargs)


def test_dependency_requires_world_exports_for_imported_products(trade, world):
    with pytest.raises(InvalidParameterError, match="world_exports.*845710"):
        dependency_flags(trade, world[world["hs6_code"] != "845710"], bloc="EAEU", members=MEMBERS)


def test_dependency_sensitivity_sweep(trade, world):
    out = dependency_sensitivity(
        trade, world, bloc="EAEU", members=MEMBERS, grid={"hhi_world_threshold": [0.25, 0.4, 0.5]}
    )
    y20 = out.query("year == 2020").set_index("hhi_world_threshold")["n_dependent"]
    # .25: ICs only (CNC fails C1 at .4); .4: ICs (.46); .5: none
    assert y20.to_dict() == {0.25: 1, 0.4: 1, 0.5: 0}
    full = dependency_sensitivity(trade, world, bloc="EAEU", members=MEMBERS)
    assert len(full) == 27 * 3
    with pytest.raises(InvalidParameterError, match="'grid'.*allowed"):
        dependency_sensitivity(trade, world, bloc="EAEU", members=MEMBERS, grid={"hhi": [0.4]})
    with pytest.raises(InvalidParameterError, match="ratio_threshold"):
        dependency_sensitivity(
            trade, world, bloc="EAEU", members=MEMBERS, grid={"ratio_threshold": [-2]}
        )


def test_substitution_capacity_by_hand(trade):
    r = substitution_capacity(trade, bloc="EAEU", members=MEMBERS, sector_map=SMAP)
    p = r.products.query("year == 2020").set_index(["importer_iso3", "hs6_code"])
    # KAZ extra ICs 20; others' extra-bloc IC exports: BLR -> IND 10 -> coverage .5
    assert p.loc[("KAZ", "854231"), "coverage_ratio"] == pytest.approx(0.5)
    # RUS extra ICs 80; BLR -> IND 10 -> .125
    assert p.loc[("RUS", "854231"), "coverage_ratio"] == pytest.approx(0.125)
    # BLR extra CNC 100; RUS -> UZB 5 -> .05
    assert p.loc[("BLR", "845710"), "partner_exports_usd"] == 5.0
    # 2021: BLR exports 200 -> KAZ fully coverable
    assert r.products.query("year == 2021 and importer_iso3 == 'KAZ'")["is_coverable"].all()
    s = r.sectors.query("year == 2020").set_index(["importer_iso3", "sector"])
    assert s.loc[("KAZ", "microelectronics"), "coverable_share_pct"] == pytest.approx(50.0)
    # alternative capacity, all exports except to the importer:
    # RUS gets BLR -> IND 10 + BLR -> KAZ 5
    alt = substitution_capacity(
        trade, bloc="EAEU", members=MEMBERS, capacity="exports_excl_importer"
    )
    a = alt.products.query("year == 2020").set_index(["importer_iso3", "hs6_code"])
    assert a.loc[("RUS", "854231"), "partner_exports_usd"] == 15.0
    assert a.loc[("KAZ", "854231"), "partner_exports_usd"] == 10.0  # RUS -> KAZ 10 is excluded
    with pytest.raises(InvalidParameterError, match="'capacity'"):
        substitution_capacity(trade, bloc="EAEU", members=MEMBERS, capacity="production")


@pytest.mark.parametrize(
    "func", [intra_bloc_shares, supplier_concentration, top_suppliers, substitution_capacity]
)
def test_unknown_bloc_is_refused_with_allowed_values(trade, func):
    with pytest.raises(InvalidParameterError, match="'bloc'.*'ASEAN'.*allowed.*EAEU"):
        func(trade, bloc="ASEAN", members=MEMBERS)


def test_bad_options_are_refused(trade):
    with pytest.raises(InvalidParameterError, match="'as_of'"):
        intra_bloc_shares(trade, bloc="EAEU", members=MEMBERS, as_of="december")
    with pytest.raises(InvalidParameterError, match="'scope'"):
        supplier_concentration(trade, bloc="EAEU", members=MEMBERS, scope="intra")
    with pytest.raises(InvalidParameterError, match="'level'"):
        supplier_concentration(trade, bloc="EAEU", members=MEMBERS, level="world")
    with pytest.raises(InvalidParameterError, match="duplicated key"):
        intra_bloc_shares(pd.concat([trade, trade.iloc[[0]]]), bloc="EAEU", members=MEMBERS)
    with pytest.raises(InvalidParameterError, match="'members'"):
        intra_bloc_shares(trade, bloc="EAEU", members="RUS")


def test_sector_map_mixing_revisions_or_taxonomies_is_refused(trade):
    two_revs = SMAP.assign(hs_revision=["HS17", "HS22"])
    with pytest.raises(InvalidParameterError, match="'sector_map'.*hs_revision.*mixes"):
        intra_bloc_shares(trade, bloc="EAEU", members=MEMBERS, sector_map=two_revs)
    two_tax = SMAP.assign(taxonomy=["coopstats", "chpl"])
    with pytest.raises(InvalidParameterError, match="'sector_map'.*taxonomy"):
        supplier_concentration(trade, bloc="EAEU", members=MEMBERS, sector_map=two_tax)
    hs22 = SMAP.assign(hs_revision="HS22")
    with pytest.raises(InvalidParameterError, match="revision.*concordance"):
        substitution_capacity(
            trade.assign(hs_revision="HS17"), bloc="EAEU", members=MEMBERS, sector_map=hs22
        )
    ok = intra_bloc_shares(
        trade.assign(hs_revision="HS17"),
        bloc="EAEU",
        members=MEMBERS,
        sector_map=SMAP.assign(hs_revision="HS17"),
    )
    assert set(ok.bloc["sector"]) == {"microelectronics", "machine_tools", "total"}


def test_result_objects_have_tidy_frames(trade, world):
    r = intra_bloc_shares(trade, bloc="EAEU", members=MEMBERS)
    t = r.tidy()
    assert t["level"].value_counts().to_dict() == {"member": len(r.members), "bloc": len(r.bloc)}
    assert t.loc[t["level"] == "bloc", "importer_iso3"].isna().all()
    s = substitution_capacity(trade, bloc="EAEU", members=MEMBERS).tidy()
    assert set(s["level"]) == {"product", "sector"}
    d = dependency_flags(trade, world, bloc="EAEU", members=MEMBERS)
    assert d.tidy() is d.products


def test_dependency_counts_per_sector(trade, world):
    r = dependency_flags(trade, world, bloc="EAEU", members=MEMBERS, sector_map=SMAP)
    s = r.by_year.query("year == 2020").set_index("sector")
    assert s.loc["microelectronics", "n_dependent"] == 1
    assert s.loc["machine_tools", "n_dependent"] == 0
    assert s.loc["total", "n_products"] == 2
    # microelectronics: all 100 of its extra-bloc imports are dependent
    assert s.loc["microelectronics", "dependent_share_pct"] == 100.0
    sens = dependency_sensitivity(
        trade,
        world,
        bloc="EAEU",
        members=MEMBERS,
        sector_map=SMAP,
        include_total=False,
        grid={"ratio_threshold": [1.0]},
    )
    assert set(sens["sector"]) == {"microelectronics", "machine_tools"}


def test_sensitivity_defaults_follow_dependency_flags():
    import inspect

    from coopstats import dependency

    params = inspect.signature(dependency_flags).parameters
    assert dependency._CRITERIA_DEFAULTS == {
        k: params[k].default for k in dependency._CRITERIA_DEFAULTS
    }
