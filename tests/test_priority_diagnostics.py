"""ECI diagnostics (eigen-gap, agreement of conventions), Atlas-style filters, exclusions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coopstats.errors import InvalidParameterError
from coopstats.priority import ATLAS_FILTERS, MIN_RANK_AGREEMENT, complexity


def _nested(n_c: int = 12, n_p: int = 30, seed: int = 3) -> pd.DataFrame:
    """Country c exports products 0 .. 2c+2 (a nested, well-ordered network) with noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_c):
        for p in range(min(n_p, 2 * c + 3)):
            rows.append((2020, f"C{c:02d}", f"{p:06d}", float(1e9 * rng.uniform(0.5, 1.5))))
    return pd.DataFrame(rows, columns=["year", "exporter_iso3", "hs6_code", "value_usd"])


def _random(seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    vals = rng.lognormal(20.0, 2.0, (25, 60)) * (rng.random((25, 60)) < 0.5)
    vals[np.arange(25), np.arange(25)] += 1e10
    c, p = np.nonzero(vals)
    return pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": [f"R{i:02d}" for i in c],
            "hs6_code": [f"{j:06d}" for j in p],
            "value_usd": vals[c, p],
        }
    )


def test_diagnostics_report_gap_and_agreement_of_the_two_conventions():
    x = _random()
    r = complexity(x)
    d = r.diagnostics.iloc[0]
    assert list(r.diagnostics.columns) == [
        "year",
        "n_countries",
        "n_products",
        "eigenvalue_2",
        "eigenvalue_3",
        "eigen_gap_rel",
        "eci_rank_agreement",
        "is_eci_unstable",
    ]
    other = complexity(x, method="reflections")
    a = r.country.set_index("country_iso3")["eci"].rank()
    b = other.country.set_index("country_iso3")["eci"].rank()
    assert d["eci_rank_agreement"] == pytest.approx(np.corrcoef(a, b.loc[a.index])[0, 1])
    assert other.diagnostics.iloc[0]["eci_rank_agreement"] == pytest.approx(d["eci_rank_agreement"])
    assert d["eigenvalue_2"] >= d["eigenvalue_3"]
    assert d["eigen_gap_rel"] == pytest.approx(
        (d["eigenvalue_2"] - d["eigenvalue_3"]) / d["eigenvalue_2"]
    )
    expected = d["eci_rank_agreement"] < MIN_RANK_AGREEMENT or d["eigen_gap_rel"] < 0.1
    assert bool(d["is_eci_unstable"]) == expected == r.is_unstable
    assert ("UNSTABLE" in r.stability_note()) == expected
    assert "НЕУСТОЙЧИВ" in r.stability_note("ru") or not expected


def test_a_well_ordered_network_is_stable_and_a_random_one_is_flagged():
    stable = complexity(_nested())
    assert not stable.is_unstable, stable.diagnostics
    assert stable.diagnostics["eci_rank_agreement"].iloc[0] > 0.95
    assert "stable by both checks" in stable.stability_note()
    noisy = complexity(_random(seed=5))
    print(noisy.diagnostics.to_dict("records"))
    assert noisy.is_unstable


def test_filters_exclude_and_list_every_country_and_product():
    x = _nested()
    x = pd.concat(
        [
            x,
            pd.DataFrame(
                {
                    "year": 2020,
                    "exporter_iso3": ["TNY", "TNY", "ZER"],
                    "hs6_code": ["000000", "000001", "000002"],
                    "value_usd": [2e6, 1e6, 0.0],
                }
            ),
        ],
        ignore_index=True,
    )
    x.loc[(x["hs6_code"] == "000024"), "value_usd"] = 1e5  # a thinly traded product
    pop = pd.DataFrame(
        {
            "country_iso3": [f"C{c:02d}" for c in range(12)] + ["TNY"],
            "year": 2019,
            "value": [5e6] * 11 + [4e5, 3e4],
        }
    )
    r = complexity(x, **ATLAS_FILTERS, population=pop)
    ex = r.excluded.set_index("code")
    assert ex.loc["ZER", "reason"] == "zero_exports"  # listed, not dropped silently
    assert ex.loc["TNY", "reason"] == "exports_below_min"
    assert ex.loc["C11", "reason"] == "population_below_min"  # latest year <= 2020 used
    assert ex.loc["000024", "reason"] == "product_trade_below_min"
    assert not set(r.country["country_iso3"]) & {"ZER", "TNY", "C11"}
    assert "000024" not in set(r.product["hs6_code"])
    assert r.params["min_exports_usd"] == 1e9
    assert "Excluded" in r.stability_note()
    # without population, a country is excluded with its reason
    r2 = complexity(x, min_population=1e6, population=pop[pop["country_iso3"] != "C03"])
    assert r2.excluded.set_index("code").loc["C03", "reason"] == "population_missing"
    with pytest.raises(InvalidParameterError, match="population"):
        complexity(x, min_population=1e6)
    with pytest.raises(InvalidParameterError, match="min_exports_usd"):
        complexity(x, min_exports_usd=-1)


def test_zero_export_country_is_listed_without_filters():
    x = pd.concat(
        [
            _nested(),
            pd.DataFrame(
                {
                    "year": [2020],
                    "exporter_iso3": ["ZER"],
                    "hs6_code": ["000001"],
                    "value_usd": [0.0],
                }
            ),
        ],
        ignore_index=True,
    )
    r = complexity(x)
    assert r.excluded[["code", "reason"]].values.tolist() == [["ZER", "zero_exports"]]


# ---------------------------------------------------------------------------------------
# composite: declared directions, one kind per composite, contributions
# ---------------------------------------------------------------------------------------


@pytest.fixture(name="sector_indicators")
def fixture_sector_indicators() -> pd.DataFrame:
    rows = {
        # sector: intra share %, intra cagr %, extra hhi, dependent share %
        "microelectronics": (10.0, 2.0, 0.60, 40.0),
        "machine_tools": (45.0, 6.0, 0.30, 10.0),
        "optics": (25.0, -1.0, 0.45, 25.0),
        "uav": (60.0, 9.0, 0.20, 5.0),
    }
    names = ["intra_bloc_share_pct", "intra_bloc_cagr_pct", "extra_bloc_hhi", "dependent_share_pct"]
    return pd.DataFrame(
        [(s, n, v) for s, vals in rows.items() for n, v in zip(names, vals, strict=True)],
        columns=["sector", "indicator", "value"],
    )


def test_every_indicator_declares_kind_and_direction():
    from coopstats.priority import INDICATORS, indicator_table

    t = indicator_table()
    assert set(t["kind"]) == {"need", "capacity"}
    assert set(t["indicator"]) == set(INDICATORS)
    row = t.set_index("indicator").loc["intra_bloc_share_pct"]
    assert (row["kind"], row["higher_is"]) == ("capacity", "more")
    assert indicator_table(language="ru")["description"].str.len().gt(0).all()


def test_composite_ranks_one_kind_and_says_so(sector_indicators):
    from coopstats.priority import priority_scores

    cap = priority_scores(
        sector_indicators, weights={"intra_bloc_share_pct": 1, "intra_bloc_cagr_pct": 1}
    )
    assert set(cap["basis"]) == {"capacity"} and set(cap["ranks"]) == {"capacity-based priority"}
    # more intra-bloc supply = more capacity: uav (60 %, +9 %) first, microelectronics last
    # (microelectronics and optics tie at -0.919; ties go to the first key name)
    assert cap["sector"].tolist() == ["uav", "machine_tools", "microelectronics", "optics"]
    need = priority_scores(
        sector_indicators, weights={"extra_bloc_hhi": 1, "dependent_share_pct": 1}, basis="need"
    )
    assert need["sector"].iloc[0] == "microelectronics" and need["ranks"].iloc[0].startswith("need")
    with pytest.raises(InvalidParameterError, match="mixes need and capacity"):
        priority_scores(sector_indicators, weights={"intra_bloc_share_pct": 1, "extra_bloc_hhi": 1})
    with pytest.raises(InvalidParameterError, match="only need indicators"):
        priority_scores(sector_indicators, weights={"intra_bloc_share_pct": 1}, basis="need")
    with pytest.raises(InvalidParameterError, match="declared"):
        priority_scores(
            sector_indicators,
            weights={"intra_bloc_share_pct": 1},
            direction={"intra_bloc_share_pct": "lower"},
        )


def test_contributions_add_up_to_the_score_and_show_the_driver(sector_indicators):
    from coopstats.priority import priority_scores, score_contributions

    w = {"extra_bloc_hhi": 1.0, "dependent_share_pct": 3.0}
    s = priority_scores(sector_indicators, weights=w).set_index("sector")["score"]
    c = score_contributions(sector_indicators, weights=w)
    assert c.groupby("sector")["contribution"].sum().to_dict() == pytest.approx(s.to_dict())
    assert c.groupby("sector")["share_of_abs_pct"].sum().to_dict() == pytest.approx(
        {k: 100.0 for k in s.index}
    )
    assert c["weight"].unique().tolist() == pytest.approx([0.75, 0.25])
    # a capacity indicator read as a need indicator would reverse its standardised value
    need_reading = score_contributions(
        sector_indicators.replace({"intra_bloc_share_pct": "my_share"}),
        weights={"my_share": 1},
        declarations={"my_share": {"kind": "need", "higher_is": "less"}},
    ).set_index("sector")["standardised"]
    cap_reading = score_contributions(
        sector_indicators, weights={"intra_bloc_share_pct": 1}
    ).set_index("sector")["standardised"]
    assert need_reading.to_dict() == pytest.approx((-cap_reading).to_dict())
