"""Tests for coopstats.growth: hand-checked values, invariants and refusals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from coopstats.errors import CoopstatsWarning, InvalidParameterError
from coopstats.growth import (
    cagr,
    contributions,
    facts_growth,
    growth_rates,
    index_numbers,
    period_growth,
    to_real,
)
from coopstats.trends import BreakResult, break_test, log_linear_trend, newey_west_maxlags


@pytest.fixture(name="bilateral")
def fixture_bilateral() -> pd.DataFrame:
    """BLR exports to RUS and KAZ, two products, 2021-2023 (trade frame shape)."""
    rows = [
        # year, exporter, importer, hs6, value
        (2021, "BLR", "RUS", "854231", 40.0),
        (2021, "BLR", "RUS", "845710", 40.0),
        (2021, "BLR", "KAZ", "854231", 20.0),
        (2022, "BLR", "RUS", "854231", 70.0),
        (2022, "BLR", "RUS", "845710", 30.0),
        (2022, "BLR", "KAZ", "854231", 20.0),
        (2023, "BLR", "RUS", "854231", 90.0),
        (2023, "BLR", "RUS", "845710", 30.0),
        (2023, "BLR", "KAZ", "854231", 30.0),
    ]
    return pd.DataFrame(
        rows, columns=["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]
    )


def test_growth_rates_by_partner_by_hand(bilateral):
    # RUS: 80 -> 100 -> 120: +25 %, +20 %; KAZ: 20 -> 20 -> 30: 0 %, +50 %
    out = growth_rates(bilateral, by="importer_iso3")
    g = out.set_index(["importer_iso3", "year"])["growth_pct"]
    assert math.isnan(g[("RUS", 2021)])
    assert g[("RUS", 2022)] == pytest.approx(25.0)
    assert g[("RUS", 2023)] == pytest.approx(20.0)
    assert g[("KAZ", 2022)] == 0.0
    assert g[("KAZ", 2023)] == pytest.approx(50.0)
    assert list(out.columns) == ["importer_iso3", "year", "value_usd", "value_prev", "growth_pct"]


def test_growth_of_constant_series_is_zero():
    f = pd.DataFrame({"year": range(2015, 2025), "value_usd": 7.0})
    assert (growth_rates(f)["growth_pct"].dropna() == 0.0).all()
    assert period_growth(f, start=2015, end=2024)["cagr_pct"].iloc[0] == 0.0
    assert log_linear_trend(f)["trend_growth_pct"].iloc[0] == pytest.approx(0.0, abs=1e-12)


def test_growth_rates_do_not_bridge_gaps():
    # 2019 missing: 2020 growth is undefined, not 2018 -> 2020
    f = pd.DataFrame({"year": [2018, 2020, 2021], "value_usd": [10.0, 20.0, 30.0]})
    g = growth_rates(f)["growth_pct"].tolist()
    assert math.isnan(g[0]) and math.isnan(g[1]) and g[2] == pytest.approx(50.0)


def test_cagr_and_period_growth_by_hand(bilateral):
    # total 100 (2021) -> 150 (2023): growth 50 %, CAGR sqrt(1.5) - 1 = 22.4745 %
    out = period_growth(bilateral, start=2021, end=2023)
    assert out["growth_pct"].iloc[0] == pytest.approx(50.0)
    assert out["cagr_pct"].iloc[0] == pytest.approx(100 * (math.sqrt(1.5) - 1))
    assert cagr(100.0, 121.0, 2) == pytest.approx(10.0)
    assert math.isnan(cagr(0.0, 5.0, 3))
    by = period_growth(bilateral, start=2021, end=2023, by="importer_iso3").set_index(
        "importer_iso3"
    )
    assert by.loc["KAZ", "growth_pct"] == pytest.approx(50.0)
    assert list(by.reset_index().columns) == [
        "importer_iso3",
        "start_year",
        "end_year",
        "value_start",
        "value_end",
        "growth_pct",
        "cagr_pct",
    ]


def test_period_growth_rejects_empty_period_and_missing_years(bilateral):
    with pytest.raises(InvalidParameterError, match="'end'.*the period is empty"):
        period_growth(bilateral, start=2023, end=2023)
    with pytest.raises(InvalidParameterError, match="'start'.*allowed: a year with data"):
        period_growth(bilateral, start=2010, end=2023)
    with pytest.raises(InvalidParameterError, match="'years'"):
        cagr(1.0, 2.0, 0)


def test_index_numbers_by_hand(bilateral):
    # totals 100, 120, 150; base 2022 -> 83.33, 100, 125
    out = index_numbers(bilateral, base_year=2022)
    np.testing.assert_allclose(out["index_value"], [100 / 1.2, 100.0, 125.0])
    with pytest.raises(InvalidParameterError, match="base_year"):
        index_numbers(bilateral, base_year=2000)


def test_contributions_add_up_to_total_growth(bilateral):
    # total 100 -> 150 (+50 %). RUS +40 -> 40 pp, KAZ +10 -> 10 pp
    out = contributions(bilateral, by="importer_iso3", start=2021, end=2023)
    assert out["importer_iso3"].tolist() == ["RUS", "KAZ"]
    assert out["contribution_pp"].tolist() == pytest.approx([40.0, 10.0])
    assert out["share_start_pct"].tolist() == pytest.approx([80.0, 20.0])
    # by sector: micro 60 -> 120 (+60 pp), machine tools 40 -> 30 (-10 pp)
    smap = pd.DataFrame(
        {"hs6_code": ["854231", "845710"], "sector": ["microelectronics", "machine_tools"]}
    )
    sec = contributions(bilateral, by="sector", start=2021, end=2023, sector_map=smap)
    assert sec.set_index("sector")["contribution_pp"].to_dict() == pytest.approx(
        {"microelectronics": 60.0, "machine_tools": -10.0}
    )
    assert sec["contribution_pp"].sum() == pytest.approx(50.0)


def test_contributions_refuse_overlapping_sector_map(bilateral):
    smap = pd.DataFrame(
        {"hs6_code": ["854231", "854231"], "sector": ["microelectronics", "optics"]}
    )
    with pytest.raises(InvalidParameterError, match="sector_map.*partition"):
        contributions(bilateral, by="sector", start=2021, end=2023, sector_map=smap)
    with pytest.raises(InvalidParameterError, match="sector_map"):
        contributions(bilateral, by="sector", start=2021, end=2023)
    with pytest.raises(InvalidParameterError, match="'unmapped'"):
        contributions(
            bilateral, by="sector", start=2021, end=2023, sector_map=smap, unmapped="drop"
        )


def test_to_real_by_hand():
    # deflator 80, 100, 120 (any base); base 2022 -> real = nominal * 100 / (80,100,120)*... rebased
    f = pd.DataFrame({"year": [2021, 2022, 2023], "value_usd": [80.0, 100.0, 132.0]})
    d = pd.DataFrame({"year": [2021, 2022, 2023], "value": [80.0, 100.0, 120.0]})
    out = to_real(f, d, base_year=2022)
    # 80 * 100/80 = 100; 100; 132 * 100/120 = 110
    assert out["value_real_usd"].tolist() == pytest.approx([100.0, 100.0, 110.0])
    assert out["deflator_index"].tolist() == pytest.approx([80.0, 100.0, 120.0])
    with pytest.raises(InvalidParameterError, match="deflator.*2023"):
        to_real(f, d.iloc[:2], base_year=2022)
    with pytest.raises(InvalidParameterError, match="base_year"):
        to_real(f, d, base_year=2019)


def test_log_linear_trend_exact_growth_and_columns():
    f = pd.DataFrame({"year": range(2015, 2025), "value_usd": 100 * 1.07 ** np.arange(10)})
    out = log_linear_trend(f)
    assert out["trend_growth_pct"].iloc[0] == pytest.approx(7.0)
    assert out["slope"].iloc[0] == pytest.approx(math.log(1.07))
    assert out["inference"].iloc[0] == "ols" and out["df_resid"].iloc[0] == 8
    assert newey_west_maxlags(10) == 2
    assert list(out.columns) == [
        "start_year",
        "end_year",
        "n_obs",
        "slope",
        "std_error",
        "p_value",
        "trend_growth_pct",
        "ci_low_pct",
        "ci_high_pct",
        "df_resid",
        "inference",
    ]


def test_log_linear_trend_ols_interval_by_formula():
    y = np.log(np.array([10.0, 12.0, 11.0, 15.0, 16.0, 15.5, 19.0, 22.0, 21.0, 25.0]))
    f = pd.DataFrame({"year": range(2015, 2025), "value_usd": np.exp(y)})
    out = log_linear_trend(f)
    # classical OLS: se = sqrt(s^2 / Sxx), s^2 = SSR / (n - 2), interval b +- t_{.975, 8} se
    from scipy import stats

    t = np.arange(10.0) - 4.5
    b = (t * (y - y.mean())).sum() / (t**2).sum()
    e = y - y.mean() - b * t
    se = math.sqrt((e**2).sum() / 8 / (t**2).sum())
    assert out["slope"].iloc[0] == pytest.approx(b)
    assert out["std_error"].iloc[0] == pytest.approx(se, rel=1e-10)
    hi = b + stats.t.ppf(0.975, 8) * se
    assert out["ci_high_pct"].iloc[0] == pytest.approx(100 * math.expm1(hi), rel=1e-10)
    assert out["p_value"].iloc[0] == pytest.approx(2 * stats.t.sf(b / se, 8), rel=1e-8)


def test_log_linear_trend_refuses_nonpositive_and_short_series():
    with pytest.raises(InvalidParameterError, match="> 0"):
        log_linear_trend(pd.DataFrame({"year": [2020, 2021, 2022], "value_usd": [1.0, 0.0, 2.0]}))
    with pytest.raises(InvalidParameterError, match="at least 5 years"):
        log_linear_trend(pd.DataFrame({"year": [2020, 2021], "value_usd": [1.0, 2.0]}))


@pytest.fixture(name="break_series")
def fixture_break_series() -> pd.DataFrame:
    """2016-2023, break in 2020: y = 0,2,1,3 | 10,12,11,13 (same wiggle, shifted by 10)."""
    return pd.DataFrame({"year": range(2016, 2024), "value_usd": [0.0, 2, 1, 3, 10, 12, 11, 13]})


def test_break_test_by_hand(break_series):
    # Each segment: t deviations (-1.5,-.5,.5,1.5), y deviations (-1.5,.5,-.5,1.5):
    #   Sxx = 5, Sxy = 4, slope .8, SSR = Syy - Sxy^2/Sxx = 5 - 16/5 = 1.8 (both segments)
    # In t - 2020: pre line at 0 = 1.5 + .8*2.5 = 3.5; post line at 0 = 11.5 - .8*1.5 = 10.3
    #   -> level_change = 6.8, slope_change = 0
    # Pooled: Sxx = 42, Sxy = 88, Syy = 210 -> S_p = 210 - 88^2/42 = 25.619048
    # Chow F = ((25.619048 - 3.6)/2) / (3.6/(8-4)) = 12.232804, df (2, 4)
    r = break_test(break_series, break_year=2020, log=False)
    assert isinstance(r, BreakResult)
    c = r.coefficients.set_index("term")["estimate"]
    assert c["level_change"] == pytest.approx(6.8)
    assert c["slope_change"] == pytest.approx(0.0, abs=1e-12)
    assert c["pre_slope"] == pytest.approx(0.8)
    assert c["post_slope"] == pytest.approx(0.8)
    chow = r.tests.set_index("test").loc["chow"]
    assert chow["statistic"] == pytest.approx(12.232804, rel=1e-6)
    assert (chow["df_num"], chow["df_denom"]) == (2, 4)
    from scipy import stats

    assert chow["p_value"] == pytest.approx(stats.f.sf(12.232804, 2, 4), rel=1e-5)
    s = r.summary().set_index("measure")["value"]
    assert s["break_year"] == 2020 and s["level_change"] == pytest.approx(6.8)
    # counterfactual = pre-trend extrapolated: 3.5 + .8 * (t - 2020)
    cf = r.fitted.set_index("year")["counterfactual"]
    assert cf[2023] == pytest.approx(3.5 + 0.8 * 3)


def test_break_test_log_level_change_in_percent():
    # exact 5 % trend, then a 30 % jump at 2022 with the same trend afterwards
    years = np.arange(2015, 2025)
    v = 100 * 1.05 ** (years - 2015) * np.where(years >= 2022, 1.3, 1.0)
    r = break_test(pd.DataFrame({"year": years, "value_usd": v}), break_year=2022)
    s = r.summary().set_index("measure")["value"]
    assert s["level_change_pct"] == pytest.approx(30.0)
    assert s["pre_trend_growth_pct"] == pytest.approx(5.0)
    assert s["post_trend_growth_pct"] == pytest.approx(5.0)


def test_break_test_rejects_break_at_the_edge(break_series):
    with pytest.raises(InvalidParameterError, match="'break_year'.*2 years on each side"):
        break_test(break_series, break_year=2023)
    with pytest.raises(InvalidParameterError, match="'break_year'"):
        break_test(break_series, break_year=2030)


def test_growth_refuses_mixed_datasets(bilateral):
    mixed = bilateral.assign(dataset=["BACI"] * 8 + ["COMTRADE"])
    with pytest.raises(InvalidParameterError, match="'dataset' mixes"):
        growth_rates(mixed)


def test_growth_refuses_missing_values(bilateral):
    bad = bilateral.copy()
    bad.loc[2, "value_usd"] = np.nan
    with pytest.raises(InvalidParameterError, match="missing value.*does not fill"):
        growth_rates(bad)


# ---------------------------------------------------------------------------------------
# facts series: one trade basis only
# ---------------------------------------------------------------------------------------


def _facts() -> pd.DataFrame:
    from pathlib import Path

    from coopstats.sources.facts import read_facts

    root = Path(__file__).resolve().parents[1]
    return read_facts(root / "data" / "raw" / "facts" / "facts.csv").kept


def test_facts_growth_eaeu_mutual_trade():
    out = facts_growth(
        _facts(), metric="mutual_trade_turnover", bloc="EAEU", unit="USD", reporter="", partner=""
    ).set_index("year")
    assert list(out.index) == list(range(2015, 2025))
    # F016 43.0 bn -> F017 54.7 bn: 54.7/43 - 1 = 27.2093 % (F028 states 27.3 %)
    assert out.loc[2017, "growth_pct"] == pytest.approx(100 * (54.7 / 43.0 - 1))
    assert out.loc[2017, "fact_id"] == "F017"
    assert math.isnan(out.loc[2015, "growth_pct"])  # no 2014 figure


def test_facts_growth_refuses_goods_and_services_mixture():
    pair = dict(metric="trade_turnover", reporter="RUS", partner="BLR", unit="USD")
    with pytest.raises(InvalidParameterError, match="'basis'.*mixes goods-only.*F058"):
        facts_growth(_facts(), unordered_pair=True, **pair)
    with pytest.warns(CoopstatsWarning, match="set aside"):
        goods = facts_growth(_facts(), unordered_pair=True, basis="goods", **pair)
    goods = goods.set_index("year")
    # F056 43.4 bn (2022) -> F057 46.5 bn (2023): +7.14 % (the Kremlin stated +5.4 %)
    assert goods.loc[2023, "growth_pct"] == pytest.approx(100 * (46.5 / 43.4 - 1))
    assert (goods["trade_basis"] == "goods").all()
    with pytest.warns(CoopstatsWarning):
        gs = facts_growth(_facts(), unordered_pair=True, basis="goods_and_services", **pair)
    # F058 53.0 bn (2023) -> F059 57.6 bn (2024): +8.6792 %
    assert gs.set_index("year").loc[2024, "growth_pct"] == pytest.approx(100 * (57.6 / 53.0 - 1))


def test_facts_growth_is_series_then_growth_rates():
    from coopstats.sources.facts import series

    sel = dict(metric="mutual_trade_turnover", bloc="EAEU", unit="USD", reporter="", partner="")
    kept = series(_facts(), **sel).kept
    rates = growth_rates(kept[["year", "value"]], value_col="value")
    out = facts_growth(_facts(), **sel)
    assert out["growth_pct"].tolist() == pytest.approx(rates["growth_pct"].tolist(), nan_ok=True)
    assert list(out.columns[: len(kept.columns)]) == list(kept.columns)
    one_year_twice = _facts().iloc[:2].assign(metric="m", period="2023", value=[1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="F001.*F002|F002.*F001"):
        facts_growth(one_year_twice, metric="m")
    with pytest.raises(InvalidParameterError, match="'basis'"):
        facts_growth(_facts(), basis="services", **sel)


def test_break_result_tidy_has_coefficients_and_tests(break_series):
    t = break_test(break_series, break_year=2020, log=False).tidy()
    assert t["level"].value_counts().to_dict() == {"coefficient": 5, "test": 2}
    chow = t.set_index("term").loc["chow"]
    assert chow["statistic"] == pytest.approx(12.232804, rel=1e-6)
