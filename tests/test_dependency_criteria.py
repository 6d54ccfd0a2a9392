"""EC and CEPII GeoDep dependency criteria named apart; persistent is a subset of dependent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coopstats.dependency import dependency_flags, dependency_sensitivity
from coopstats.errors import InvalidParameterError

MEMBERS = ["KAZ", "RUS"]
COLS = ["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]


def _trade() -> pd.DataFrame:
    rows = [
        # P1: extra imports CHN 90 + DEU 10 (HHI .82), intra 50 (RUS->KAZ), extra exports 20
        (2020, "CHN", "KAZ", "000001", 90.0),
        (2020, "DEU", "RUS", "000001", 10.0),
        (2020, "RUS", "KAZ", "000001", 50.0),
        (2020, "KAZ", "USA", "000001", 20.0),
        # P2: extra imports CHN 100 (HHI 1), intra 300 (share of extra 25 %), extra exports 10
        (2020, "CHN", "RUS", "000002", 100.0),
        (2020, "KAZ", "RUS", "000002", 300.0),
        (2020, "RUS", "USA", "000002", 10.0),
    ]
    return pd.DataFrame(rows, columns=COLS)


def _world() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": ["CHN", "DEU", "CHN", "USA"],
            "hs6_code": ["000001", "000001", "000002", "000002"],
            "value_usd": [900.0, 100.0, 800.0, 200.0],  # world HHI .82 and .68
        }
    )


def test_ec_and_geodep_criteria_by_hand():
    kw = dict(bloc="EAEU", members=MEMBERS, window=1, min_years=1)
    geo = dependency_flags(_trade(), _world(), **kw)
    p = geo.products.set_index("hs6_code")
    # P1 -- EC: HHI .82 > .4; extra share 100/150 = 66.7 % > 50 %; 100 / (50 + 20) = 1.43 > 1
    assert p.loc["000001", "hhi_imports"] == pytest.approx(0.82)
    assert p.loc["000001", "extra_import_share_pct"] == pytest.approx(200 / 3)
    assert p.loc["000001", "ec_import_export_ratio"] == pytest.approx(100 / 70)
    assert p.loc["000001", "is_ec_dependent"]
    # GeoDep: 100 / 20 = 5 > 1, world HHI .82 > .4
    assert p.loc["000001", "import_export_ratio"] == pytest.approx(5.0)
    assert p.loc["000001", "is_geodep_dependent"]
    # P2 -- GeoDep dependent (HHI 1, world .68, 100/10); EC not: extra share 25 %, 100/310 < 1
    assert p.loc["000002", "extra_import_share_pct"] == pytest.approx(25.0)
    assert p.loc["000002", "is_geodep_dependent"] and not p.loc["000002", "is_ec_dependent"]
    assert not p.loc["000002", "is_ec_import_share"]
    assert p.loc["000002", "is_dependent"]  # default criteria: geodep
    ec = dependency_flags(_trade(), _world(), criteria="ec", **kw)
    assert ec.products.set_index("hs6_code")["is_dependent"].to_dict() == {
        "000001": True,
        "000002": False,
    }
    s = ec.by_year.iloc[0]
    assert (s["n_dependent"], s["n_ec_dependent"], s["n_geodep_dependent"]) == (1, 1, 2)
    assert "European Commission" in ec.describe() and "50%" in ec.describe()
    assert "GeoDep" in geo.describe() and "9999" in geo.describe()
    assert "Европейской комиссии" in ec.describe("ru")
    # thresholds are parameters
    loose = dependency_flags(_trade(), _world(), criteria="ec", extra_share_threshold=0.2, **kw)
    assert loose.products["is_ec_import_share"].all()
    with pytest.raises(InvalidParameterError, match="'criteria'"):
        dependency_flags(_trade(), _world(), criteria="both", **kw)
    with pytest.raises(InvalidParameterError, match="'extra_share_threshold'"):
        dependency_flags(_trade(), _world(), extra_share_threshold=50, **kw)


def test_persistent_needs_dependence_in_the_year_itself():
    # P1 dependent in 2020 and 2021, not in 2022 (bloc exports catch up): 2 of 3 years, yet
    # not persistent in 2022 because it is not dependent then
    base = _trade()
    parts = []
    for y, exports in ((2020, 20.0), (2021, 20.0), (2022, 500.0)):
        t = base[base["hs6_code"] == "000001"].assign(year=y)
        t.loc[t["importer_iso3"] == "USA", "value_usd"] = exports
        parts.append(t)
    trade = pd.concat(parts, ignore_index=True)
    world = pd.concat([_world().assign(year=y) for y in (2020, 2021, 2022)], ignore_index=True)
    r = dependency_flags(trade, world, bloc="EAEU", members=MEMBERS)
    p = r.products.set_index("year")
    assert p.loc[2022, "years_dependent_in_window"] == 2
    assert not p.loc[2022, "is_dependent"] and not p.loc[2022, "is_persistent"]


@pytest.mark.parametrize("criteria", ["geodep", "ec"])
def test_persistent_is_a_subset_of_dependent_on_random_panels(criteria):
    rng = np.random.default_rng(42)
    countries = ["KAZ", "RUS", "CHN", "DEU", "USA", "TUR"]
    rows = []
    for y in range(2015, 2023):
        for e in countries:
            for i in countries:
                for k in range(12):
                    if e != i and rng.random() < 0.35:
                        rows.append((y, e, i, f"{k:06d}", float(rng.lognormal(3, 1.5))))
    trade = pd.DataFrame(rows, columns=COLS)
    world = trade.groupby(["year", "exporter_iso3", "hs6_code"], as_index=False)["value_usd"].sum()
    r = dependency_flags(trade, world, bloc="EAEU", members=["KAZ", "RUS"], criteria=criteria)
    p = r.products
    assert (p["is_persistent"].fillna(False) <= p["is_dependent"]).all()
    b = r.by_year.dropna(subset=["n_persistent"])
    assert len(b) and (b["n_persistent"] <= b["n_dependent"]).all()
    assert p["is_dependent"].any() and p["is_persistent"].fillna(False).any()
    sens = dependency_sensitivity(
        trade,
        world,
        bloc="EAEU",
        members=["KAZ", "RUS"],
        criteria=criteria,
        grid={"hhi_imports_threshold": [0.25, 0.5]},
    ).dropna(subset=["n_persistent"])
    assert (sens["n_persistent"] <= sens["n_dependent"]).all()
