"""Tables the growth, facts-overview and sector-priority pages show, computed in the library.

Each function replaced computation that sat in a notebook cell (issue 10: notebooks hold no
computation a test cannot reach); the expected values are worked out by hand.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from coopstats import growth, priority
from coopstats.errors import InvalidParameterError


def test_stated_vs_implied_gap_by_hand():
    levels = pd.DataFrame({"year": [2020, 2021, 2022], "value": [100.0, 110.0, 121.0]})
    stated = pd.DataFrame(
        {
            "year": [2020, 2021, 2022],
            "value": [5.0, 12.0, 10.0],
            "caveats": ["", "goods only", ""],
            "fact_id": ["f1", "f2", "f3"],
        }
    )
    out = growth.stated_vs_implied(levels, stated).set_index("year")
    assert list(out.columns) == [
        "implied_growth_pct",
        "stated_growth_pct",
        "caveats",
        "fact_id",
        "gap_pct_points",
    ]
    assert np.isnan(out.loc[2020, "implied_growth_pct"])  # no previous level
    assert np.isnan(out.loc[2020, "gap_pct_points"])
    assert out.loc[2021, "implied_growth_pct"] == pytest.approx(10.0)
    assert out.loc[2021, "gap_pct_points"] == pytest.approx(2.0)
    assert out.loc[2022, "gap_pct_points"] == pytest.approx(0.0)
    assert out.loc[2021, "caveats"] == "goods only"


def test_stated_vs_implied_keeps_only_years_with_a_stated_rate_and_needs_its_columns():
    levels = pd.DataFrame({"year": [2020, 2021, 2022], "value": [100.0, 110.0, 121.0]})
    stated = pd.DataFrame({"year": [2022], "value": [9.0], "caveats": [""], "fact_id": ["f"]})
    out = growth.stated_vs_implied(levels, stated)
    assert out["year"].tolist() == [2022]
    assert out["gap_pct_points"].iloc[0] == pytest.approx(-1.0)
    with pytest.raises(InvalidParameterError, match="fact_id"):
        growth.stated_vs_implied(levels, stated.drop(columns="fact_id"))


@pytest.fixture(name="cx")
def fixture_cx():
    """A complexity result with hand-picked values (only the frames the functions read)."""
    country = pd.DataFrame(
        {
            "year": [2023] * 4 + [2022] * 2,
            "country_iso3": ["AAA", "BBB", "CCC", "DDD", "AAA", "BBB"],
            "diversity": [3, 2, 2, 1, 3, 2],
            "eci": [1.0, 2.0, 2.0, -1.0, 0.5, -0.5],
        }
    )
    product = pd.DataFrame(
        {"year": 2023, "hs6_code": ["111111", "222222", "333333"], "pci": [1.0, 3.0, -1.0]}
    )
    country_product = pd.DataFrame(
        {
            "year": 2023,
            "country_iso3": ["AAA", "AAA", "AAA", "BBB", "CCC"],
            "hs6_code": ["111111", "222222", "333333", "111111", "111111"],
            "mcp": [1, 1, 0, 0, 1],
        }
    )
    return SimpleNamespace(country=country, product=product, country_product=country_product)


SECTORS = pd.DataFrame(
    {"hs6_code": ["111111", "222222", "333333"], "sector": ["s1", "s1", "s2"], "taxonomy": "x"}
)


def test_member_eci_ranks_within_each_year_among_all_countries(cx):
    out = priority.member_eci(cx, ["AAA", "CCC"])
    got = out.set_index(["year", "country_iso3"])["eci_rank"]
    # 2023: BBB and CCC tie at the top (rank 1, method "min"), AAA third; 2022: AAA first
    assert got.to_dict() == {(2023, "AAA"): 3, (2023, "CCC"): 1, (2022, "AAA"): 1}
    assert str(out["eci_rank"].dtype) == "Int64"
    assert list(out.columns) == ["year", "country_iso3", "diversity", "eci", "eci_rank"]


def test_member_sector_rca_counts_products_with_rca(cx):
    out = priority.member_sector_rca(cx, SECTORS, ["AAA", "BBB"]).set_index("country_iso3")
    assert out.loc["AAA", "s1"] == 2 and out.loc["AAA", "s2"] == 0
    assert out.loc["BBB", "s1"] == 0 and np.isnan(out.loc["BBB", "s2"])  # no s2 product
    assert "CCC" not in out.index


def test_sector_pci_means(cx):
    out = priority.sector_pci(cx, SECTORS)
    assert out["sector"].tolist() == ["s1", "s2"]
    assert out["mean_pci"].tolist() == pytest.approx([2.0, -1.0])
    assert out["products"].tolist() == [2, 1]


def test_contribution_table_is_wide_and_checks_columns():
    long = pd.DataFrame(
        {
            "sector": ["a", "a", "b", "b"],
            "indicator": ["x", "y", "x", "y"],
            "contribution": [0.5, -0.25, 1.0, 0.0],
        }
    )
    wide = priority.contribution_table(long).set_index("sector")
    assert wide.loc["a", "x"] == 0.5 and wide.loc["a", "y"] == -0.25
    assert wide.loc["b"].sum() == pytest.approx(1.0)
    with pytest.raises(InvalidParameterError, match="contribution"):
        priority.contribution_table(long.drop(columns="contribution"))


def test_contribution_table_of_real_score_contributions():
    ind = pd.DataFrame(
        {
            "sector": ["a", "a", "b", "b", "c", "c"],
            "indicator": ["dependent_share_pct", "extra_bloc_hhi"] * 3,
            "value": [10.0, 0.2, 30.0, 0.5, 20.0, 0.9],
        }
    )
    weights = {"dependent_share_pct": 1.0, "extra_bloc_hhi": 1.0}
    contrib = priority.score_contributions(ind, weights=weights, basis="need")
    wide = priority.contribution_table(contrib).set_index("sector")
    scores = contrib.groupby("sector")["contribution"].sum()
    assert wide.sum(axis=1).to_dict() == pytest.approx(scores.to_dict())


def test_facts_between_keeps_both_directions_of_the_pair_in_the_sectors():
    from coopstats.sources.facts import facts_between

    facts = pd.DataFrame(
        {
            "fact_id": ["a", "b", "c", "d", "e"],
            "sector": ["s1", "s1", "s2", "s1", "s1"],
            "reporter_iso3": ["BLR", "RUS", "BLR", "BLR", "KAZ"],
            "partner_iso3": ["RUS", "BLR", "RUS", "", "RUS"],
        }
    )
    out = facts_between(facts, ["BLR", "RUS"], ["s1"])
    assert out["fact_id"].tolist() == ["a", "b"]  # c: other sector; d: no partner; e: KAZ
    with pytest.raises(InvalidParameterError, match="partner_iso3"):
        facts_between(facts.drop(columns="partner_iso3"), ["BLR"], ["s1"])
