"""Facts table: reading, explicit currency conversion, series assembly without silent mixing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from coopstats.errors import CoopstatsWarning, DataFileError, InvalidParameterError
from coopstats.sources.facts import (
    SERIES_COLUMNS,
    caveats,
    is_outcome,
    period_kind,
    read_facts,
    series,
    to_usd,
    trade_basis,
)
from coopstats.sources.wdi import read_wdi

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "data" / "raw" / "facts" / "facts.csv"
RATES = ROOT / "data" / "raw" / "wdi" / "PA.NUS.FCRF.csv"


@pytest.fixture(name="facts", scope="module")
def fixture_facts():
    cleaned = read_facts(FACTS)
    assert cleaned.rows_rejected == 0
    return cleaned.kept


def rates_frame(rows):
    return pd.DataFrame(
        rows, columns=["year", "country_iso3", "indicator", "value", "unit", "dataset"]
    )


# ----------------------------------------------------------------------------- reading
def test_shipped_facts_match_the_shared_copy(shared_dir):
    assert FACTS.read_bytes() == (shared_dir / "data" / "facts" / "facts.csv").read_bytes()


def test_malformed_facts_file_names_file_line_and_column(tmp_path):
    good = FACTS.read_text(encoding="utf-8").splitlines(keepends=True)
    truncated = tmp_path / "truncated.csv"
    truncated.write_text("".join(good[:5]) + good[5][:40], encoding="utf-8")
    with pytest.raises(DataFileError, match=r"truncated\.csv:6: column"):
        read_facts(truncated)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "".join(good[:3]).encode("utf-8")
        + "F999,x,,,,total,2024,1,count,,,Café,u,,fr,n\n".encode("latin-1")
    )
    with pytest.raises(DataFileError, match=r"latin\.csv:4.*not valid utf-8"):
        read_facts(latin)


def test_outcomes_exclude_targets_plans_and_forecasts(facts):
    flags = dict(zip(facts["metric"], is_outcome(facts["metric"]), strict=False))
    assert flags["mutual_trade_turnover"] and not flags["localization_pct_target"]
    assert not flags["national_project_budget_plan"] and not flags["trade_turnover_forecast"]


# --------------------------------------------------------------------- periods, basis, caveats
def test_period_kinds_follow_the_readme_forms():
    periods = pd.Series(
        [
            "2024",
            "2024Q1",
            "2024-01..2024-09",
            "2025-03",
            "2015..2022",
            None,
            "2024-08-27..2024-08-30",
        ]
    )
    assert period_kind(periods).tolist() == [
        "annual",
        "partial_year",
        "partial_year",
        "partial_year",
        "multi_year",
        "undated",
        "partial_year",
    ]
    with pytest.raises(InvalidParameterError, match="'period'.*last year"):
        period_kind(pd.Series(["last year"]))


def test_trade_basis_reads_the_clause_about_the_figure(facts):
    basis = trade_basis(facts["note"]).set_axis(facts["fact_id"])
    # F057: "goods turnover ...; the Belarusian goods-and-services figure is 53-54 bn" -> goods
    assert basis["F057"] == "goods"
    # F058: "...; the surrounding text refers to goods and services, so the basis is probably
    # goods plus services" -> goods_and_services (explicit statement about the basis)
    assert basis["F058"] == "goods_and_services"
    assert basis["F059"] == "goods_and_services"  # "turnover of goods and services"
    assert basis["F015"] == "unstated"


def test_caveats_come_from_the_notes(facts):
    flags = caveats(facts["note"]).set_axis(facts["fact_id"])
    assert "lower_bound" in flags["F053"]
    assert flags["F024"] == "upper_bound,approximate"
    assert "inferred_year" in flags["F023"]
    assert "mirror" in flags["F073"]
    assert flags["F015"] == ""


# ----------------------------------------------------------------------------- currency
def test_to_usd_converts_only_with_the_stated_rate_and_records_it(facts):
    rates = rates_frame(
        [
            (2023, "RUS", "PA.NUS.FCRF", 85.0, "LCU_per_USD", "test rates"),
            (2022, "BLR", "PA.NUS.FCRF", 2.5, "LCU_per_USD", "test rates"),
        ]
    )
    rows = facts[
        facts["fact_id"].isin(["F025", "F061", "F023", "F096"])
    ]  # RUB 2023 x2, USD, RUB 2023
    out = to_usd(rows, rates).set_index("fact_id")
    assert out.loc["F025", "value"] == pytest.approx(7.4e12 / 85.0)
    assert (out.loc["F025", "unit"], out.loc["F025", "currency"]) == ("USD", "USD")
    assert out.loc["F025", "value_stated"] == 7.4e12 and out.loc["F025", "currency_stated"] == "RUB"
    assert out.loc["F025", "fx_lcu_per_usd"] == 85.0 and out.loc["F025", "fx_year"] == 2023
    assert out.loc["F025", "fx_dataset"] == "test rates PA.NUS.FCRF"
    # a USD row is unchanged and records no rate
    assert out.loc["F023", "value"] == 8.9e10 and pd.isna(out.loc["F023", "fx_lcu_per_usd"])


def test_to_usd_with_the_shipped_wdi_rates(facts):
    rates = read_wdi(RATES).kept
    f119 = facts[facts["fact_id"] == "F119"]  # 2.7 bn RUB, 2020
    out = to_usd(f119, rates).iloc[0]
    rus_2020 = rates[(rates["country_iso3"] == "RUS") & (rates["year"] == 2020)]["value"].item()
    assert out["value"] == pytest.approx(2.7e9 / rus_2020)
    assert out["fx_dataset"] == "WDI PA.NUS.FCRF"


def test_to_usd_refuses_partial_periods_and_missing_rates(facts):
    rates = rates_frame([(2023, "RUS", "PA.NUS.FCRF", 85.0, "LCU_per_USD", "r")])
    partial = facts[facts["fact_id"].isin(["F122", "F088"])]  # 2024..2025 and 2026..2028 RUB
    with pytest.raises(InvalidParameterError, match=r"F088: period '2026\.\.2028' is multi_year"):
        to_usd(partial, rates)
    no_rate = facts[facts["fact_id"] == "F026"]  # RUB 2024, table has only 2023
    with pytest.raises(InvalidParameterError, match="F026: no PA.NUS.FCRF for RUS 2024"):
        to_usd(no_rate, rates)
    kept = to_usd(no_rate, rates, on_missing="keep").iloc[0]
    assert kept["unit"] == "RUB" and kept["value"] == 9e12 and pd.isna(kept["fx_lcu_per_usd"])
    with pytest.raises(InvalidParameterError, match="'on_missing'"):
        to_usd(no_rate, rates, on_missing="ignore")


# ----------------------------------------------------------------------------- series
def test_eaeu_mutual_trade_series_2015_2024(facts):
    result = series(facts, metric="mutual_trade_turnover", bloc="EAEU", unit="USD")
    kept = result.kept
    assert list(kept.columns) == SERIES_COLUMNS
    assert kept["year"].tolist() == list(range(2015, 2025))
    assert kept.set_index("year").loc[2022, "value"] == 83.3e9
    assert result.ledger.empty


def test_series_refuses_mixed_units_and_mixed_bases(facts):
    with pytest.raises(InvalidParameterError, match=r"'unit'.*mixes units.*\['RUB', 'USD'\]"):
        series(facts, metric="trade_turnover", reporter="BLR", partner="RUS", unordered_pair=True)
    with pytest.raises(
        InvalidParameterError, match=r"'basis'.*mixes goods-only and goods-and-services.*F058"
    ):
        series(
            facts,
            metric="trade_turnover",
            reporter="BLR",
            partner="RUS",
            unordered_pair=True,
            unit="USD",
        )


def test_series_with_an_explicit_basis_sets_other_rows_aside(facts):
    with pytest.warns(CoopstatsWarning, match="3 fact"):
        result = series(
            facts,
            metric="trade_turnover",
            reporter="BLR",
            partner="RUS",
            unordered_pair=True,
            unit="USD",
            basis="goods",
        )
    assert result.kept["year"].tolist() == list(range(2016, 2024))
    assert result.rows_in == result.rows_kept + result.rows_rejected
    rules = dict(zip(result.ledger["rule"], result.ledger["line"].astype(int), strict=False))
    assert rules["period_partial_year"] == 61  # F060, Jan-Oct 2025
    assert sorted(
        result.ledger.loc[result.ledger["rule"] == "basis_differs", "line"].astype(int)
    ) == [59, 60]
    with pytest.warns(CoopstatsWarning, match="set aside"):
        gs = series(
            facts,
            metric="trade_turnover",
            reporter="BLR",
            partner="RUS",
            unit="USD",
            basis="goods_and_services",
        )
    assert gs.kept["fact_id"].tolist()[-2:] == ["F058", "F059"]


def test_series_refuses_two_figures_for_one_year(facts):
    # growth of RUS-BLR turnover: 2022/2023 quoted from Russian data, 2024 goods and services
    with pytest.raises(InvalidParameterError, match=r"'basis'.*F069"):
        series(
            facts,
            metric="trade_turnover_growth_pct",
            reporter="BLR",
            partner="RUS",
            unordered_pair=True,
        )
    extra = (
        facts[facts["fact_id"] == "F050"]
        .assign(fact_id="F999", value=1.0)
        .set_axis(pd.Index([999], name="line"))
    )
    clash = pd.concat([facts, extra])
    with pytest.raises(
        InvalidParameterError, match=r"several figures for one year \(2016: F050.*F999"
    ):
        series(
            clash, metric="trade_turnover", reporter="BLR", partner="RUS", unit="USD", basis="goods"
        )


def test_series_warns_when_mixing_mirror_statistics(facts):
    with pytest.warns(CoopstatsWarning, match=r"mirror statistics \(F072, F073\)"):
        result = series(
            facts, metric="exports", reporter="BLR", partner="RUS", sector="total", unit="USD"
        )
    assert result.kept["year"].tolist() == [2016, 2020, 2022, 2023]


def test_series_after_conversion_combines_currencies_explicitly(facts):
    rates = rates_frame(
        [
            (2023, "RUS", "PA.NUS.FCRF", 85.0, "LCU_per_USD", "r"),
            (2024, "RUS", "PA.NUS.FCRF", 92.0, "LCU_per_USD", "r"),
        ]
    )
    eaeu = facts[(facts["metric"] == "mutual_trade_turnover") & (facts["bloc"] == "EAEU")]
    rub = to_usd(eaeu[eaeu["unit"] == "RUB"], rates)
    assert set(rub["unit"]) == {"USD"} and rub["fx_year"].tolist() == [2023, 2024]
    # the converted RUB figures now clash with the USD ones for 2023/2024: refused, not merged
    with pytest.raises(InvalidParameterError, match="several figures for one year"):
        series(
            pd.concat([eaeu[eaeu["unit"] == "USD"], rub[eaeu.columns]]),
            metric="mutual_trade_turnover",
        )


def test_series_parameter_checks(facts):
    with pytest.raises(InvalidParameterError, match="'facts'.*unique"):
        series(pd.concat([facts, facts.iloc[:1]]), metric="exports")
    with pytest.raises(InvalidParameterError, match="'metric'.*not in the facts table"):
        series(facts, metric="gdp")
    with pytest.raises(InvalidParameterError, match="'basis'"):
        series(facts, metric="exports", basis="services")
    with pytest.raises(InvalidParameterError, match="'unordered_pair'.*needs both"):
        series(facts, metric="exports", reporter="BLR", unordered_pair=True)
