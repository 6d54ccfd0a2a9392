"""priority.sector_indicators: the indicator panel notebook 04 ranks, computed in the library."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from coopstats import dependency, growth, localization, priority
from coopstats.errors import InvalidParameterError

ROOT = Path(__file__).resolve().parents[1]
SMAP = pd.DataFrame(
    {"hs6_code": ["854231", "845710"], "sector": ["microelectronics", "machine_tools"]}
)


def _trade() -> pd.DataFrame:
    rows = [  # year, exporter, importer, hs6, value
        (2020, "BLR", "RUS", "854231", 30.0),
        (2020, "CHN", "RUS", "854231", 70.0),
        (2021, "BLR", "RUS", "854231", 60.0),
        (2021, "CHN", "RUS", "854231", 60.0),
        (2020, "DEU", "KAZ", "845710", 80.0),
        (2020, "RUS", "KAZ", "845710", 20.0),
        (2021, "DEU", "KAZ", "845710", 50.0),
        (2021, "ITA", "KAZ", "845710", 30.0),
        (2021, "RUS", "KAZ", "845710", 20.0),
    ]
    return pd.DataFrame(
        rows, columns=["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]
    )


def _world() -> pd.DataFrame:
    rows = [
        (y, c, h, v)
        for y in (2020, 2021)
        for c, h, v in [
            ("CHN", "854231", 500.0),
            ("BLR", "854231", 90.0),
            ("DEU", "845710", 400.0),
            ("ITA", "845710", 100.0),
            ("RUS", "845710", 25.0),
        ]
    ]
    return pd.DataFrame(rows, columns=["year", "exporter_iso3", "hs6_code", "value_usd"])


def _panel(**kw):
    args = dict(bloc="EAEU", sector_map=SMAP, start_year=2020, end_year=2021)
    return priority.sector_indicators(_trade(), _world(), **{**args, **kw})


def test_panel_values_by_hand():
    res = _panel(indicators=priority.SECTOR_INDICATORS)
    v = res.panel.set_index(["sector", "indicator"])["value"]
    assert v[("microelectronics", "intra_bloc_share_pct")] == pytest.approx(50.0)  # 60 / 120
    assert v[("microelectronics", "extra_bloc_share_pct")] == pytest.approx(50.0)
    assert v[("microelectronics", "intra_bloc_cagr_pct")] == pytest.approx(100.0)  # 30 -> 60
    assert v[("microelectronics", "extra_bloc_hhi")] == pytest.approx(1.0)  # CHN only
    assert v[("machine_tools", "intra_bloc_share_pct")] == pytest.approx(20.0)  # 20 / 100
    assert v[("machine_tools", "intra_bloc_cagr_pct")] == pytest.approx(0.0)  # 20 -> 20
    # extra-bloc suppliers 50 DEU + 30 ITA: HHI = (5/8)^2 + (3/8)^2
    assert v[("machine_tools", "extra_bloc_hhi")] == pytest.approx(0.625**2 + 0.375**2)
    assert res.undefined == [] and len(res.ranked) == len(res.panel) == 2 * 5
    assert list(res.wide().columns) == ["sector", *priority.SECTOR_INDICATORS]


def test_panel_is_the_composition_of_the_analyses():
    res = _panel()
    scope = dict(bloc="EAEU", sector_map=SMAP, include_total=False)
    deps = dependency.dependency_flags(_trade(), _world(), **scope).by_year
    want = deps[deps["year"] == 2021].set_index("sector")["dependent_share_pct"]
    got = res.panel[res.panel["indicator"] == "dependent_share_pct"].set_index("sector")["value"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    shares = localization.intra_bloc_shares(_trade(), **scope).bloc
    cagr = growth.period_growth(
        shares, value_col="intra_imports_usd", by="sector", start=2020, end=2021
    )
    got = res.panel[res.panel["indicator"] == "intra_bloc_cagr_pct"].set_index("sector")["value"]
    want = cagr.set_index("sector")["cagr_pct"].sort_index()
    assert got.sort_index().tolist() == pytest.approx(want.tolist())
    assert set(res.panel["indicator"]) == set(priority.INDICATORS) & set(res.panel["indicator"])


def test_undefined_growth_leaves_the_sector_unranked():
    trade = _trade()
    trade = trade[~((trade["year"] == 2020) & (trade["exporter_iso3"] == "BLR"))]  # intra 0 -> 60
    res = priority.sector_indicators(
        trade, _world(), bloc="EAEU", sector_map=SMAP, start_year=2020, end_year=2021
    )
    assert res.undefined == ["microelectronics"]
    assert set(res.ranked["sector"]) == {"machine_tools"}
    assert res.panel["value"].isna().sum() == 1  # the CAGR from zero, nothing else


def test_refusals():
    with pytest.raises(InvalidParameterError, match="indicators"):
        _panel(indicators=["members_with_rca"])
    with pytest.raises(InvalidParameterError, match="end_year"):
        _panel(end_year=2022, indicators=["intra_bloc_share_pct"])


def test_notebook_04_calls_it_instead_of_building_the_panel():
    nb = json.loads((ROOT / "notebooks" / "04_sector_priority.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "priority.sector_indicators" in code  # called directly or through pages.guarded
    assert "pd.concat(" not in code and ".rename(columns=" not in code
