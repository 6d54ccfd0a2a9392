"""Tests for coopstats.priority: hand-checked fixtures, invariants, py-ecomplexity agreement."""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from coopstats.errors import InvalidParameterError
from coopstats.priority import (
    complexity,
    export_similarity,
    grubel_lloyd,
    priority_scores,
    rank_stability,
    rca,
    trade_complementarity,
)

RTOL_RCA = 1e-12
ATOL_COMPLEXITY = 1e-6
SQRT5 = math.sqrt(5.0)


@pytest.fixture(name="tiny_exports")
def fixture_tiny_exports() -> pd.DataFrame:
    """Two countries, two products: A exports 1 of p1 and 1 of p2, B exports 2 of p2."""
    return pd.DataFrame(
        {
            "year": [2020, 2020, 2020],
            "exporter_iso3": ["AAA", "AAA", "BBB"],
            "hs6_code": ["000001", "000002", "000002"],
            "value_usd": [1.0, 1.0, 2.0],
        }
    )


@pytest.fixture(name="nested_exports")
def fixture_nested_exports() -> pd.DataFrame:
    """A exports p1,p2,p3; B p1,p2; C p1 (one unit each) -> M: A={p2,p3}, B={p1,p2}, C={p1}.

    X_p = (3, 2, 1), X = 6. RCA_A = (1/3)/(3/6, 2/6, 1/6) = (2/3, 1, 2);
    RCA_B = (1/2)/(1/2, 1/3) = (1, 1.5); RCA_C = 1/(1/2) = 2.
    """
    return pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": ["AAA", "AAA", "AAA", "BBB", "BBB", "CCC"],
            "hs6_code": ["000001", "000002", "000003", "000001", "000002", "000001"],
            "value_usd": 1.0,
        }
    )


@pytest.fixture(name="random_panel")
def fixture_random_panel() -> pd.DataFrame:
    """Seeded 15 countries x 40 products, two years, every country and product present."""
    rng = np.random.default_rng(7)
    rows = []
    for year in (2021, 2022):
        vals = rng.lognormal(3.0, 1.5, (15, 40)) * (rng.random((15, 40)) < 0.6)
        vals[np.arange(15), np.arange(15)] += 1e4  # every country is specialised somewhere
        for c in range(15):
            for p in range(40):
                if vals[c, p] > 0:
                    rows.append((year, f"C{c:02d}", f"{p:06d}", float(vals[c, p])))
    return pd.DataFrame(rows, columns=["year", "exporter_iso3", "hs6_code", "value_usd"])


# ---------------------------------------------------------------------------------------
# RCA
# ---------------------------------------------------------------------------------------


def test_rca_matches_hand_computation(tiny_exports):
    # X = 4, X_p1 = 1, X_p2 = 3, X_A = X_B = 2
    # RCA_A1 = (1/2)/(1/4) = 2; RCA_A2 = (1/2)/(3/4) = 2/3; RCA_B1 = 0; RCA_B2 = 1/(3/4) = 4/3
    out = rca(tiny_exports).set_index(["country_iso3", "hs6_code"])
    assert out.loc[("AAA", "000001"), "rca"] == pytest.approx(2.0, rel=RTOL_RCA)
    assert out.loc[("AAA", "000002"), "rca"] == pytest.approx(2 / 3, rel=RTOL_RCA)
    assert out.loc[("BBB", "000001"), "rca"] == 0.0
    assert out.loc[("BBB", "000002"), "rca"] == pytest.approx(4 / 3, rel=RTOL_RCA)
    # symmetric RCA (2-1)/(2+1) = 1/3; (0-1)/(0+1) = -1
    assert out.loc[("AAA", "000001"), "rca_sym"] == pytest.approx(1 / 3)
    assert out.loc[("BBB", "000001"), "rca_sym"] == -1.0
    assert out["mcp"].tolist() == [1, 0, 0, 1]
    assert list(rca(tiny_exports).columns) == [
        "year",
        "country_iso3",
        "hs6_code",
        "value_usd",
        "rca",
        "rca_sym",
        "mcp",
    ]


def test_rca_weighted_means_are_one(random_panel):
    out = rca(random_panel)
    for _, g in out.groupby("year"):
        world_p = g.groupby("hs6_code")["value_usd"].transform("sum") / g["value_usd"].sum()
        world_c = g.groupby("country_iso3")["value_usd"].transform("sum") / g["value_usd"].sum()
        per_country = (world_p * g["rca"]).groupby(g["country_iso3"]).sum()
        per_product = (world_c * g["rca"]).groupby(g["hs6_code"]).sum()
        np.testing.assert_allclose(per_country, 1.0, rtol=1e-12)
        np.testing.assert_allclose(per_product, 1.0, rtol=1e-12)
    assert set(out["mcp"].unique()) <= {0, 1}


def test_rca_sums_bilateral_frames_over_importers(tiny_exports):
    bil = tiny_exports.assign(importer_iso3="ZZZ")
    extra = bil.iloc[[0]].assign(importer_iso3="YYY", value_usd=1.0)  # A exports 1 more of p1
    out = rca(pd.concat([bil, extra])).set_index(["country_iso3", "hs6_code"])
    # X = 5, X_p1 = 2, X_A = 3: RCA_A1 = (2/3)/(2/5) = 5/3
    assert out.loc[("AAA", "000001"), "rca"] == pytest.approx(5 / 3)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), "1", True])
def test_rca_rejects_bad_threshold(tiny_exports, bad):
    with pytest.raises(InvalidParameterError, match="threshold"):
        rca(tiny_exports, threshold=bad)


def test_rca_rejects_missing_values_and_duplicates(tiny_exports):
    with pytest.raises(InvalidParameterError, match="missing value"):
        rca(tiny_exports.assign(value_usd=[1.0, np.nan, 2.0]))
    with pytest.raises(InvalidParameterError, match="duplicated key"):
        rca(pd.concat([tiny_exports, tiny_exports.iloc[[0]]]))
    with pytest.raises(InvalidParameterError, match="missing column"):
        rca(tiny_exports.drop(columns="hs6_code"))


# ---------------------------------------------------------------------------------------
# complexity: hand-checked values
# ---------------------------------------------------------------------------------------


def test_eigenvector_eci_matches_closed_form(nested_exports):
    # M = [[0,1,1],[1,1,0],[1,0,0]], k_c0 = (2,2,1), k_p0 = (2,2,1).
    # M~_cc = D_c^-1 M D_p^-1 M^T = [[.75,.25,0],[.25,.5,.25],[0,.5,.5]]: trace 1.75, det 1/16,
    # eigenvalues 1, (3 +- sqrt5)/8 -> lambda_2 = (3+sqrt5)/8.
    # Eigenvector (A=1): v_B = -4(3/4 - lambda_2) = -(3-sqrt5)/2, v_C = 1 - sqrt5.
    # corr with diversity (2,2,1) is positive, so no sign flip.
    lam = (3 + SQRT5) / 8
    kc = np.array([1.0, -(3 - SQRT5) / 2, 1 - SQRT5])
    # k_p = D_p^-1 M^T k_c / lambda: p1 = (kB + kC)/2/lam, p2 = (kA + kB)/2/lam, p3 = kA/lam
    kp = np.array([(kc[1] + kc[2]) / 2, (kc[0] + kc[1]) / 2, kc[0]]) / lam
    eci = (kc - kc.mean()) / kc.std()
    pci = (kp - kc.mean()) / kc.std()
    r = complexity(nested_exports, method="eigenvector")
    np.testing.assert_allclose(r.country["eci"], eci, atol=1e-12)
    np.testing.assert_allclose(r.product["pci"], pci, atol=1e-12)
    assert r.country["eci"].round(3).tolist() == [1.309, -0.191, -1.118]
    assert r.country["diversity"].tolist() == [2, 2, 1]
    assert r.product["ubiquity"].tolist() == [2, 2, 1]
    assert r.method == "eigenvector" and "Growth Lab" in r.convention


def test_reflections_two_iterations_by_hand(nested_exports):
    # iterations=2: k_c = k_c0 = (2,2,1);
    # k_p = M^T k_c0 / k_p0 = ((2+1)/2, (2+2)/2, 2/1) = (1.5, 2, 2)
    # ECI = standardised (2,2,1) with the sample sd: mean 5/3, sd sqrt(1/3)
    #     -> (0.577, 0.577, -1.155)
    # PCI = standardised (1.5,2,2): mean 11/6, sd sqrt(1/12) -> (-1.155, 0.577, 0.577)
    r = complexity(nested_exports, method="reflections", iterations=2)
    third = 1 / math.sqrt(3)
    np.testing.assert_allclose(r.country["eci"], [third, third, -2 * third], atol=1e-12)
    np.testing.assert_allclose(r.product["pci"], [-2 * third, third, third], atol=1e-12)
    assert "reflections" in r.convention and "2 reflections" in r.convention


def _reflections_reference(mcp: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Independent statement of Hidalgo-Hausmann reflections: k_c,N and k_p,N-1 as in OEC."""
    kc0, kp0 = mcp.sum(1), mcp.sum(0)
    kc_hist, kp_hist = [kc0], [kp0]
    for _ in range(1, n):
        kc_hist.append(mcp @ kp_hist[-1] / kc0)
        kp_hist.append(mcp.T @ kc_hist[-2] / kp0)
    # Datawheel stops the country update one step earlier: k_c,N-2 and k_p,N-1
    kc, kp = kc_hist[n - 2], kp_hist[n - 1]
    return (kc - kc.mean()) / kc.std(ddof=1), (kp - kp.mean()) / kp.std(ddof=1)


def test_reflections_match_independent_recursion(random_panel):
    r = complexity(random_panel, method="reflections", iterations=20)
    cp = r.country_product[r.country_product["year"] == 2022]
    mcp = cp["mcp"].to_numpy(float).reshape(15, -1)
    eci, pci = _reflections_reference(mcp, 20)
    np.testing.assert_allclose(r.country.query("year == 2022")["eci"], eci, atol=1e-9)
    np.testing.assert_allclose(r.product.query("year == 2022")["pci"], pci, atol=1e-9)


def test_eci_is_standardised(random_panel):
    r = complexity(random_panel)
    for _, g in r.country.groupby("year"):
        assert g["eci"].mean() == pytest.approx(0.0, abs=1e-12)
        assert g["eci"].std(ddof=0) == pytest.approx(1.0, abs=1e-12)
    # PCI uses ECI's normalisation: ECI_c = mean PCI of c's products, up to lambda_2
    # (k_c = D_c^-1 M k_p exactly), so the two are perfectly correlated
    cp = r.country_product.merge(r.product, on=["year", "hs6_code"])
    mean_pci = cp[cp["mcp"] == 1].groupby(["year", "country_iso3"])["pci"].mean()
    eci = r.country.set_index(["year", "country_iso3"])["eci"]
    assert np.corrcoef(mean_pci.loc[eci.index], eci)[0, 1] == pytest.approx(1.0, abs=1e-10)


def test_complexity_rejects_bad_parameters(nested_exports):
    with pytest.raises(
        InvalidParameterError, match="'method'.*allowed: \\['eigenvector', 'reflections'\\]"
    ):
        complexity(nested_exports, method="fitness")
    with pytest.raises(InvalidParameterError, match="iterations"):
        complexity(nested_exports, method="reflections", iterations=1)


# ---------------------------------------------------------------------------------------
# agreement with py-ecomplexity (dev dependency)
# ---------------------------------------------------------------------------------------


def test_rca_eci_pci_agree_with_py_ecomplexity(random_panel):
    ecomplexity = pytest.importorskip("ecomplexity").ecomplexity
    cols = {"time": "year", "loc": "exporter_iso3", "prod": "hs6_code", "val": "value_usd"}
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        ref = ecomplexity(random_panel, cols, check_logsupermodularity=False, verbose=False)
    ref = ref.rename(columns={"exporter_iso3": "country_iso3"})
    r = complexity(random_panel)
    m = (
        r.country_product.merge(r.country, on=["year", "country_iso3"])
        .merge(r.product, on=["year", "hs6_code"])
        .merge(ref, on=["year", "country_iso3", "hs6_code"], suffixes=("", "_ref"), how="left")
    )
    assert len(m) == len(r.country_product) == 2 * 15 * 40
    np.testing.assert_allclose(m["rca"], m["rca_ref"], rtol=RTOL_RCA, atol=0)
    np.testing.assert_array_equal(m["mcp"], m["mcp_ref"])
    np.testing.assert_array_equal(m["diversity"], m["diversity_ref"])
    np.testing.assert_array_equal(m["ubiquity"], m["ubiquity_ref"])
    np.testing.assert_allclose(m["eci"], m["eci_ref"], atol=ATOL_COMPLEXITY, rtol=0)
    np.testing.assert_allclose(m["pci"], m["pci_ref"], atol=ATOL_COMPLEXITY, rtol=0)


# ---------------------------------------------------------------------------------------
# complementarity, similarity, Grubel-Lloyd
# ---------------------------------------------------------------------------------------


def test_trade_complementarity_by_hand():
    # A exports p1=50, p2=50 (x_A = .5,.5); B imports only p1 (m_B = 1, 0)
    # TC = 100 (1 - (|1-.5| + |0-.5|)/2) = 50; C imports p1, p2 from A (m_C = .5,.5) -> TC = 100
    t = pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": ["AAA", "AAA", "CCC"],
            "importer_iso3": ["CCC", "CCC", "BBB"],
            "hs6_code": ["000001", "000002", "000001"],
            "value_usd": [50.0, 50.0, 10.0],
        }
    )
    out = trade_complementarity(t, exporters=["AAA"], importers=["BBB", "CCC"])
    assert out["complementarity_index"].tolist() == [50.0, 100.0]
    assert list(out.columns) == ["year", "exporter_iso3", "importer_iso3", "complementarity_index"]
    with pytest.raises(InvalidParameterError, match="exporters"):
        trade_complementarity(t, exporters=[], importers=["BBB"])


def test_export_similarity_by_hand():
    # shares A = (.3, .7), B = (1, 0), C = (.3, .7):
    # ES_AB = 100 (.3 + 0) = 30, ES_AC = 100, ES_BC = 30
    x = pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": ["AAA", "AAA", "BBB", "CCC", "CCC"],
            "hs6_code": ["000001", "000002", "000001", "000001", "000002"],
            "value_usd": [30.0, 70.0, 5.0, 3.0, 7.0],
        }
    )
    out = export_similarity(x, countries=["AAA", "BBB", "CCC"])
    assert out[["country_iso3", "partner_iso3"]].values.tolist() == [
        ["AAA", "BBB"],
        ["AAA", "CCC"],
        ["BBB", "CCC"],
    ]
    np.testing.assert_allclose(out["similarity_index"], [30.0, 100.0, 30.0])
    with pytest.raises(InvalidParameterError, match="at least two"):
        export_similarity(x, countries=["AAA"])


def test_grubel_lloyd_product_sector_and_total():
    # p1: X = 30 (BLR->RUS), M = 10 (RUS->BLR): GL = 1 - 20/40 = 0.5
    # p2: X = 0, M = 20: GL = 0.  Total: 1 - (20 + 20)/(40 + 20) = 1/3
    t = pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": ["BLR", "RUS", "RUS", "BLR"],
            "importer_iso3": ["RUS", "BLR", "BLR", "KAZ"],
            "hs6_code": ["854231", "854231", "845710", "845710"],
            "value_usd": [30.0, 10.0, 20.0, 99.0],
        }
    )
    hs = grubel_lloyd(t, country="BLR", partner="RUS").set_index("hs6_code")
    assert hs.loc["854231", "gl_index"] == 0.5
    assert hs.loc["845710", "gl_index"] == 0.0
    tot = grubel_lloyd(t, country="BLR", partner="RUS", level="total")
    assert tot["gl_index"].iloc[0] == pytest.approx(1 / 3)
    smap = pd.DataFrame(
        {"hs6_code": ["854231", "845710"], "sector": ["microelectronics", "machine_tools"]}
    )
    sec = grubel_lloyd(t, country="BLR", partner="RUS", level="sector", sector_map=smap).set_index(
        "sector"
    )
    assert sec.loc["microelectronics", "gl_index"] == 0.5
    # with the world: p2 X = 99 (to KAZ), M = 20 -> 1 - 79/119
    world = grubel_lloyd(t, country="BLR").set_index("hs6_code")
    assert world.loc["845710", "gl_index"] == pytest.approx(1 - 79 / 119)
    assert world["partner_iso3"].isna().all()
    with pytest.raises(InvalidParameterError, match="'level'"):
        grubel_lloyd(t, country="BLR", level="hs4")
    with pytest.raises(InvalidParameterError, match="sector_map"):
        grubel_lloyd(t, country="BLR", level="sector")


# ---------------------------------------------------------------------------------------
# composite scores and rank stability
# ---------------------------------------------------------------------------------------


@pytest.fixture(name="indicators")
def fixture_indicators() -> pd.DataFrame:
    """Three sectors x two indicators."""
    return pd.DataFrame(
        {
            "sector": [
                "microelectronics",
                "microelectronics",
                "machine_tools",
                "machine_tools",
                "optics",
                "optics",
            ],
            "indicator": ["dependence", "complementarity"] * 3,
            "value": [0.9, 20.0, 0.5, 60.0, 0.1, 40.0],
        }
    )


def test_priority_scores_by_hand(indicators):
    # dependence (.9,.5,.1) for (micro, machine, optics): mean .5, pop. sd sqrt(.32/3) = .326599
    #   z = (1.224745, 0, -1.224745)
    # complementarity (20,60,40): mean 40, sd sqrt(800/3) = 16.329932
    #   z = (-1.224745, 1.224745, 0)
    # weights 3:1 -> S = .75 z_dep + .25 z_comp
    #   micro = .75*1.224745 - .25*1.224745 = 0.612372; machine = 0.306186; optics = -0.918559
    out = priority_scores(indicators, weights={"dependence": 3, "complementarity": 1})
    assert out["sector"].tolist() == ["microelectronics", "machine_tools", "optics"]
    np.testing.assert_allclose(out["score"], [0.612372, 0.306186, -0.918559], atol=1e-6)
    assert out["rank"].tolist() == [1, 2, 3]
    # lower dependence preferred: micro = -.918559 ... optics first
    rev = priority_scores(
        indicators,
        weights={"dependence": 3, "complementarity": 1},
        direction={"dependence": "lower"},
    )
    assert rev["sector"].iloc[0] == "optics"
    # min-max: dep (1, .5, 0), comp (0, 1, .5): equal weights -> micro .5, machine .75, optics .25
    mm = priority_scores(
        indicators, weights={"dependence": 1, "complementarity": 1}, method="minmax"
    )
    assert mm.set_index("sector")["score"].to_dict() == pytest.approx(
        {"microelectronics": 0.5, "machine_tools": 0.75, "optics": 0.25}
    )


@pytest.mark.parametrize(
    "weights",
    [
        {"dependence": -1, "complementarity": 2},
        {"dependence": 0, "complementarity": 0},
        {"unknown": 1},
        {},
        {"dependence": float("nan")},
    ],
)
def test_priority_scores_reject_bad_weights(indicators, weights):
    with pytest.raises(InvalidParameterError, match="'weights'.*allowed"):
        priority_scores(indicators, weights=weights)


def test_priority_scores_reject_bad_method_and_direction(indicators):
    with pytest.raises(InvalidParameterError, match="'method'"):
        priority_scores(indicators, weights={"dependence": 1}, method="pca")
    with pytest.raises(InvalidParameterError, match="'direction'"):
        priority_scores(indicators, weights={"dependence": 1}, direction={"dependence": "up"})


def test_rank_stability_dominant_sector_always_first(indicators):
    # microelectronics is best on both indicators -> first under any weights
    dom = indicators.copy()
    dom.loc[
        (dom["sector"] == "microelectronics") & (dom["indicator"] == "complementarity"), "value"
    ] = 99.0
    out = rank_stability(
        dom, weights={"dependence": 1, "complementarity": 1}, seed=3, top_k=1, n_draws=200
    )
    assert out.set_index("sector").loc["microelectronics", "top_k_pct"] == 100.0
    assert out["top_k_pct"].sum() == 100.0  # exactly one sector is top-1 in each draw


def test_rank_stability_is_seeded_and_responds_to_weights(indicators):
    kw = dict(weights={"dependence": 1, "complementarity": 1}, top_k=1, n_draws=500)
    a = rank_stability(indicators, seed=11, **kw)
    b = rank_stability(indicators, seed=11, **kw)
    pd.testing.assert_frame_equal(a, b)
    # equal weights: micro S = (1.2247 - 1.2247)/2 = 0, machine (0 + 1.2247)/2 = .612
    #   -> machine first; micro beats machine only when
    #   w_dep * 1.2247 - w_comp * 1.2247 > w_comp * 1.2247, i.e. w_dep > 2/3
    s = a.set_index("sector")
    assert s.loc["machine_tools", "rank"] == 1
    assert 50.0 < s.loc["machine_tools", "top_k_pct"] < 100.0
    assert 0.0 < s.loc["microelectronics", "top_k_pct"] < 50.0
    assert list(a.columns) == [
        "sector",
        "score",
        "rank",
        "basis",
        "ranks",
        "mean_rank",
        "rank_p05",
        "rank_p95",
        "top_k_pct",
        "top_k",
        "n_draws",
        "seed",
    ]


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"seed": 1.5}, "seed"),
        ({"seed": 1, "top_k": 4}, "top_k"),
        ({"seed": 1, "n_draws": 0}, "n_draws"),
        ({"seed": 1, "concentration": 0}, "concentration"),
    ],
)
def test_rank_stability_rejects_bad_parameters(indicators, kwargs, name):
    with pytest.raises(InvalidParameterError, match=f"'{name}'"):
        rank_stability(indicators, weights={"dependence": 1}, **kwargs)


def test_complexity_flags_zero_diversity_with_nan_and_a_warning(random_panel):
    from coopstats.errors import CoopstatsWarning

    # at this cut-off each country keeps at most its one big product: the network also splits
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = complexity(random_panel, threshold=14.0)
    messages = [str(w.message) for w in caught if issubclass(w.category, CoopstatsWarning)]
    assert any("zero diversity" in m for m in messages)
    zero = r.country["diversity"] == 0
    assert zero.any()
    assert r.country.loc[zero, "eci"].isna().all()
    # normalisation over the remaining countries (per year)
    for _, g in r.country.dropna(subset=["eci"]).groupby("year"):
        assert g["eci"].mean() == pytest.approx(0.0, abs=1e-12)


def test_complexity_warns_on_disconnected_network():
    from coopstats.errors import CoopstatsWarning

    # {A, B} export only p1, p2; {C, D} only p3, p4: two components
    x = pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": ["AAA", "AAA", "BBB", "BBB", "CCC", "CCC", "DDD", "DDD"],
            "hs6_code": [
                "000001",
                "000002",
                "000001",
                "000002",
                "000003",
                "000004",
                "000003",
                "000004",
            ],
            "value_usd": [2.0, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0],
        }
    )
    with pytest.warns(CoopstatsWarning, match="disconnected"):
        complexity(x)


def test_results_do_not_depend_on_row_order(random_panel):
    shuffled = random_panel.sample(frac=1.0, random_state=5).reset_index(drop=True)
    pd.testing.assert_frame_equal(rca(random_panel), rca(shuffled))
    a, b = complexity(random_panel), complexity(shuffled)
    pd.testing.assert_frame_equal(a.country, b.country)
    pd.testing.assert_frame_equal(a.product, b.product)


def test_complexity_tidy_holds_both_grains(nested_exports):
    t = complexity(nested_exports).tidy()
    assert t["level"].value_counts().to_dict() == {"country": 3, "product": 3}
    assert list(t.columns) == ["level", "year", "code", "degree", "complexity", "method"]
    assert t.loc[t["code"] == "AAA", "complexity"].round(3).tolist() == [1.309]
