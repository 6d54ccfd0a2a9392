"""Tests for coopstats.relatedness: py-ecomplexity parity, OEC variants, trade intensity."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest

from coopstats.errors import CoopstatsWarning, InvalidParameterError
from coopstats.relatedness import (
    oec_relatedness,
    opportunity_products,
    product_space,
    trade_intensity,
)

ATOL = 1e-6


def _panel(seed: int, n_c: int, n_p: int, years=(2021, 2022)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for year in years:
        vals = rng.lognormal(3.0, 1.5, (n_c, n_p)) * (rng.random((n_c, n_p)) < 0.5)
        vals[np.arange(n_c), np.arange(n_c) % n_p] += 1e4
        for c in range(n_c):
            for p in range(n_p):
                if vals[c, p] > 0:
                    rows.append((year, f"C{c:02d}", f"{p:06d}", float(vals[c, p])))
    return pd.DataFrame(rows, columns=["year", "exporter_iso3", "hs6_code", "value_usd"])


@pytest.fixture(name="panel", scope="module")
def fixture_panel() -> pd.DataFrame:
    """Seeded 25 countries x 60 products, two years."""
    return _panel(11, 25, 60)


@pytest.fixture(name="nested")
def fixture_nested() -> pd.DataFrame:
    """M: A={p2,p3}, B={p1,p2}, C={p1} (see tests/test_priority.py)."""
    return pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": list("AAABBC"),
            "hs6_code": ["000001", "000002", "000003", "000001", "000002", "000001"],
            "value_usd": 1.0,
        }
    )


def _ecomplexity(panel: pd.DataFrame) -> pd.DataFrame:
    eco = pytest.importorskip("ecomplexity")
    cols = {"time": "year", "loc": "exporter_iso3", "prod": "hs6_code", "val": "value_usd"}
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        ref = eco.ecomplexity(panel, cols, check_logsupermodularity=False, verbose=False)
        prox = eco.proximity(panel, cols)
    return ref.rename(columns={"exporter_iso3": "country_iso3"}), prox


# ---------------------------------------------------------------------------------------
# Growth Lab product space: parity with py-ecomplexity
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed,n_c,n_p", [(11, 25, 60), (3, 12, 30)])
def test_density_coi_cog_agree_with_py_ecomplexity(seed, n_c, n_p):
    panel = _panel(seed, n_c, n_p)
    ref, prox_ref = _ecomplexity(panel)
    ps = product_space(panel)
    m = ps.tidy().merge(
        ref, on=["year", "country_iso3", "hs6_code"], suffixes=("", "_ref"), how="left"
    )
    assert len(m) == 2 * n_c * n_p
    np.testing.assert_array_equal(m["mcp"], m["mcp_ref"])
    for col in ("density", "cog", "coi", "pci", "eci"):
        np.testing.assert_allclose(m[col], m[f"{col}_ref"], atol=ATOL, rtol=0, err_msg=col)
    pairs = ps.proximity_pairs(min_proximity=-1.0)
    pm = pairs.merge(
        prox_ref.rename(columns={"hs6_code_1": "hs6_code", "hs6_code_2": "other_hs6_code"}),
        on=["year", "hs6_code", "other_hs6_code"],
    )
    assert len(pm) == len(pairs) == 2 * n_p * (n_p - 1) // 2
    np.testing.assert_allclose(pm["proximity_x"], pm["proximity_y"], atol=1e-12, rtol=0)


def test_proximity_is_symmetric_conditional_probability(panel):
    ps = product_space(panel)
    for year, phi in ps.proximity.items():
        a = phi.to_numpy()
        np.testing.assert_array_equal(a, a.T)
        np.testing.assert_array_equal(np.diag(a), 1.0)
        assert a.min() >= 0 and a.max() <= 1
        # independent check of one off-diagonal cell against its definition
        cp = ps.country_product[ps.country_product["year"] == year]
        w = cp.pivot(index="country_iso3", columns="hs6_code", values="mcp")
        p, q = phi.index[0], phi.index[5]
        both = int((w[p] * w[q]).sum())
        assert a[0, 5] == pytest.approx(both / max(w[p].sum(), w[q].sum()))


def test_density_and_coi_by_hand(nested):
    ps = product_space(nested)
    d = ps.country_product.set_index(["country_iso3", "hs6_code"])["density"]
    # phi = [[1,.5,0],[.5,1,.5],[0,.5,1]]; row sums 1.5, 2, 1.5
    assert d[("A", "000001")] == pytest.approx(0.5 / 1.5)
    assert d[("C", "000002")] == pytest.approx(0.5 / 2.0)
    assert d[("B", "000003")] == pytest.approx(0.5 / 1.5)
    coi = ps.country["coi"].to_numpy()
    assert coi.mean() == pytest.approx(0.0, abs=1e-12)
    assert coi.std() == pytest.approx(1.0)
    # COG is zero where the country already has the product
    cp = ps.country_product
    assert (cp.loc[cp["mcp"] == 1, "cog"] == 0).all()


# ---------------------------------------------------------------------------------------
# OEC relatedness and opportunity gain
# ---------------------------------------------------------------------------------------


def _oec_loops(mcp: np.ndarray, pci: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Literal double loops of the OEC formulas (independent of the vectorised code)."""
    nc, npr = mcp.shape
    ubi = mcp.sum(axis=0)
    phi = np.zeros((npr, npr))
    for p in range(npr):
        for q in range(npr):
            if p != q:
                phi[p, q] = (mcp[:, p] * mcp[:, q]).sum() / max(ubi[p], ubi[q])
    rel = np.zeros((nc, npr))
    og = np.zeros((nc, npr))
    for c in range(nc):
        for p in range(npr):
            col = sum(phi[k, p] for k in range(npr))
            rel[c, p] = sum(mcp[c, q] * phi[q, p] for q in range(npr)) / col
            og[c, p] = (
                sum((1 - mcp[c, q]) * pci[q] * phi[q, p] / col for q in range(npr))
                - rel[c, p] * pci[p]
            )
    return rel, og


def test_oec_relatedness_matches_literal_formulas():
    panel = _panel(5, 8, 14, years=(2022,))
    out = oec_relatedness(panel)
    w = out.pivot(index="country_iso3", columns="hs6_code", values="mcp").to_numpy(float)
    pci = out.drop_duplicates("hs6_code").sort_values("hs6_code")["pci"].to_numpy()
    rel, og = _oec_loops(w, pci)
    np.testing.assert_allclose(out["relatedness"].to_numpy().reshape(rel.shape), rel, atol=1e-12)
    np.testing.assert_allclose(out["opportunity_gain"].to_numpy().reshape(og.shape), og, atol=1e-12)


def test_oec_relatedness_differs_from_density_only_by_the_diagonal(panel):
    """d_GL = (sum_p' M phi0 + M_cp) / (sum phi0 + 1): the named difference, checked."""
    ps = product_space(panel)
    oec = oec_relatedness(panel, pci_method="eigenvector")
    m = ps.country_product.merge(oec, on=["year", "country_iso3", "hs6_code"], suffixes=("", "_o"))
    for year, g in m.groupby("year"):
        phi = ps.proximity[year].to_numpy()
        col0 = phi.sum(axis=0) - 1.0
        s = pd.Series(col0, index=ps.proximity[year].index)
        c0 = g["hs6_code"].map(s).to_numpy()
        expect = (g["relatedness"] * c0 + g["mcp"]) / (c0 + 1.0)
        np.testing.assert_allclose(g["density"], expect, atol=1e-12)
        assert not np.allclose(g["density"], g["relatedness"])
    np.testing.assert_allclose(m["pci"], m["pci_o"], atol=1e-12)


def test_oec_relatedness_rejects_unknown_pci_method(nested):
    with pytest.raises(InvalidParameterError, match="pci_method"):
        oec_relatedness(nested, pci_method="atlas")


# ---------------------------------------------------------------------------------------
# trade intensity
# ---------------------------------------------------------------------------------------


def test_trade_intensity_by_hand():
    t = pd.DataFrame(
        {
            "year": 2020,
            "exporter_iso3": ["AAA", "AAA", "BBB", "CCC"],
            "importer_iso3": ["BBB", "CCC", "CCC", "AAA"],
            "hs6_code": "000001",
            "value_usd": [1.0, 3.0, 4.0, 2.0],
        }
    )
    out = trade_intensity(t, exporters=["AAA", "BBB"], importers=["BBB", "CCC"])
    got = out.set_index(["exporter_iso3", "importer_iso3"])["trade_intensity"]
    # X_w = 10; imports: B 1, C 7. A->B: (1/4)/(1/10) = 2.5; A->C: (3/4)/(7/10)
    assert got[("AAA", "BBB")] == pytest.approx(2.5)
    assert got[("AAA", "CCC")] == pytest.approx(0.75 / 0.7)
    assert got[("BBB", "CCC")] == pytest.approx(1.0 / 0.7)
    assert ("BBB", "BBB") not in got.index


def test_trade_intensity_weighted_mean_is_one():
    rng = np.random.default_rng(2)
    cs = [f"C{i:02d}" for i in range(9)]
    rows = [
        (2021, a, b, "000001", float(rng.lognormal()))
        for a in cs
        for b in cs
        if a != b and rng.random() < 0.7
    ]
    t = pd.DataFrame(
        rows, columns=["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]
    )
    out = trade_intensity(t, exporters=cs, importers=cs)
    share = t.groupby("importer_iso3")["value_usd"].sum() / t["value_usd"].sum()
    out["w"] = out["importer_iso3"].map(share)
    # sum_j (x_wj/X_w) TII_ij = sum_j x_ij / X_i = 1 for every exporter
    np.testing.assert_allclose(
        out.groupby("exporter_iso3").apply(
            lambda g: (g["w"] * g["trade_intensity"]).sum(), include_groups=False
        ),
        1.0,
    )


def test_trade_intensity_rejects_bad_input():
    t = pd.DataFrame(
        {
            "year": [2020],
            "exporter_iso3": ["AAA"],
            "importer_iso3": ["BBB"],
            "hs6_code": ["000001"],
            "value_usd": [np.nan],
        }
    )
    with pytest.raises(InvalidParameterError, match="missing value"):
        trade_intensity(t, exporters="AAA", importers="BBB")
    with pytest.raises(InvalidParameterError, match="exporters"):
        trade_intensity(t.fillna(1.0), exporters=[], importers="BBB")


# ---------------------------------------------------------------------------------------
# a bloc's opportunity products
# ---------------------------------------------------------------------------------------


def _sector_map(panel: pd.DataFrame) -> pd.DataFrame:
    codes = sorted(panel["hs6_code"].unique())
    return pd.DataFrame(
        {"hs6_code": codes, "sector": ["optics" if i % 2 else "uav" for i in range(len(codes))]}
    )


def test_single_country_bloc_reproduces_its_density_and_cog(panel):
    ps = product_space(panel[panel["year"] == 2022])
    out = opportunity_products(panel, countries=["C03"], sector_map=_sector_map(panel), top_n=None)
    ref = ps.country_product[ps.country_product["country_iso3"] == "C03"].set_index("hs6_code")
    assert set(out["hs6_code"]) == set(ref.index[ref["mcp"] == 0])
    r = ref.loc[out["hs6_code"]]
    np.testing.assert_allclose(out["density"], r["density"], atol=1e-12)
    np.testing.assert_allclose(out["cog"], r["cog"], atol=1e-12)
    np.testing.assert_allclose(out["rca"], r["rca"], rtol=1e-12)
    assert (out["n_members_rca"] == 0).all()
    # ranked by density within each sector
    for _, g in out.groupby("sector"):
        assert g["rank"].tolist() == list(range(1, len(g) + 1))
        assert g["density"].is_monotonic_decreasing


def test_bloc_opportunities_use_the_aggregate_and_count_members(panel):
    bloc = ["C01", "C02", "C07"]
    out = opportunity_products(panel, countries=bloc, sector_map=_sector_map(panel), top_n=3)
    assert out.groupby("sector").size().le(3).all()
    x = panel[(panel["year"] == 2022)]
    xb = x[x["exporter_iso3"].isin(bloc)].groupby("hs6_code")["value_usd"].sum()
    xp = x.groupby("hs6_code")["value_usd"].sum()
    xb = xb.reindex(xp.index, fill_value=0.0)
    rca_b = (xb / xb.sum()) / (xp / xp.sum())
    np.testing.assert_allclose(out["rca"], rca_b.loc[out["hs6_code"]], rtol=1e-12)
    assert (out["rca"] < 1).all()
    assert out["n_members_rca"].between(0, 3).all()


def test_opportunity_products_rejects_bad_parameters(panel):
    smap = _sector_map(panel)
    with pytest.raises(InvalidParameterError, match="sectors"):
        opportunity_products(panel, countries="C01", sector_map=smap, sectors=["lasers"])
    with pytest.raises(InvalidParameterError, match="year"):
        opportunity_products(panel, countries="C01", sector_map=smap, year=1999)
    with pytest.raises(InvalidParameterError, match="top_n"):
        opportunity_products(panel, countries="C01", sector_map=smap, top_n=0)
    with pytest.raises(InvalidParameterError, match="countries"):
        opportunity_products(panel, countries=["ZZZ"], sector_map=smap)


def test_opportunity_products_warns_for_a_sector_without_candidates(panel):
    smap = pd.concat(
        [_sector_map(panel), pd.DataFrame({"hs6_code": ["999999"], "sector": ["energy"]})]
    )
    with pytest.warns(CoopstatsWarning, match="energy"):
        opportunity_products(panel, countries="C01", sector_map=smap)


def test_widest_dataset_and_dataset_selection(panel):
    from coopstats.relatedness import widest_dataset

    extract = panel[panel["hs6_code"] < "000005"].assign(dataset="REAL_EXTRACT")
    mixed = pd.concat([panel.assign(dataset="SYNTHETIC_DEMO"), extract], ignore_index=True)
    assert widest_dataset(mixed) == "SYNTHETIC_DEMO"
    smap = _sector_map(panel)
    a = opportunity_products(mixed, countries="C01", sector_map=smap, dataset="SYNTHETIC_DEMO")
    b = opportunity_products(panel, countries="C01", sector_map=smap)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(InvalidParameterError, match="dataset"):
        opportunity_products(mixed, countries="C01", sector_map=smap, dataset="OTHER")


def test_opportunities_statement_reads_its_numbers(panel):
    from coopstats.relatedness import opportunities_statement

    out = opportunity_products(panel, countries=["C01", "C02"], sector_map=_sector_map(panel))
    top = out[out["rank"] == 1].set_index("sector")
    en = opportunities_statement(out, bloc="BLOC")
    ru = opportunities_statement(out, bloc="БЛОК", language="ru")
    for sector, r in top.iterrows():
        assert f"**{sector}**" in en and f"HS {r['hs6_code']}" in en
        assert f"density {r['density']:.3f}" in en
        assert f"{r['density']:.3f}".replace(".", ",") in ru
    with pytest.raises(InvalidParameterError, match="language"):
        opportunities_statement(out, bloc="BLOC", language="fr")
