"""Mirror flows in the analyses: mixed flow bases accepted, mirror shares, CIF->FOB option."""

from __future__ import annotations

import pandas as pd
import pytest

from coopstats import dependency, growth, localization, priority, valuation
from coopstats.errors import InvalidParameterError

MEMBERS = ["KAZ", "RUS", "BLR"]


@pytest.fixture(name="mixed")
def fixture_mixed() -> pd.DataFrame:
    """Russia's 2022 imports rebuilt from partners (mirror), Kazakhstan's own (reported),
    and BACI (reconciled) for 2021."""
    rows = [
        # year, exporter, importer, hs6, value, basis, dataset
        (2021, "CHN", "RUS", "854231", 100.0, "reconciled", "BACI_HS17_V202601"),
        (2021, "KAZ", "RUS", "854231", 50.0, "reconciled", "BACI_HS17_V202601"),
        (2021, "CHN", "KAZ", "854231", 40.0, "reconciled", "BACI_HS17_V202601"),
        (2022, "CHN", "RUS", "854231", 120.0, "mirror", "UN_COMTRADE_HS17"),
        (2022, "KAZ", "RUS", "854231", 60.0, "mirror", "UN_COMTRADE_HS17"),
        (2022, "DEU", "RUS", "847330", 20.0, "mirror", "UN_COMTRADE_HS17"),
        (2022, "CHN", "KAZ", "854231", 30.0, "reported", "UN_COMTRADE_HS17"),
        (2022, "RUS", "KAZ", "854231", 10.0, "reported", "UN_COMTRADE_HS17"),
        (2022, "KAZ", "CHN", "847330", 5.0, "reported", "UN_COMTRADE_HS17"),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "year",
            "exporter_iso3",
            "importer_iso3",
            "hs6_code",
            "value_usd",
            "flow_basis",
            "dataset",
        ],
    )


def test_intra_bloc_shares_accepts_mixed_bases_and_reports_mirror_share(mixed):
    r = localization.intra_bloc_shares(mixed, bloc="EAEU", members=MEMBERS)
    b = r.bloc.set_index("year")
    # 2022: members import 120 + 60 + 20 (mirror) + 30 + 10 (reported) = 240; mirror 200
    assert b.loc[2022, "imports_usd"] == 240.0
    assert b.loc[2022, "mirror_share_pct"] == pytest.approx(100 * 200 / 240)
    assert b.loc[2021, "mirror_share_pct"] == 0.0  # reconciled is not mirror
    m = r.members.set_index(["year", "importer_iso3"])
    assert m.loc[(2022, "RUS"), "mirror_share_pct"] == 100.0
    assert m.loc[(2022, "KAZ"), "mirror_share_pct"] == 0.0


def test_concentration_suppliers_dependency_and_substitution_carry_mirror_share(mixed):
    conc = localization.supplier_concentration(mixed, bloc="EAEU", members=MEMBERS)
    c = conc.set_index("year")
    # 2022 extra-bloc imports: CHN 120 (m) + DEU 20 (m) + CHN 30 (r) = 170, mirror 140
    assert c.loc[2022, "imports_usd"] == 170.0
    assert c.loc[2022, "mirror_share_pct"] == pytest.approx(100 * 140 / 170)
    top = localization.top_suppliers(mixed, bloc="EAEU", n=1, members=MEMBERS)
    chn = top.set_index("year").loc[2022]
    assert chn["supplier_iso3"] == "CHN" and chn["mirror_share_pct"] == pytest.approx(80.0)
    world = mixed.groupby(["year", "exporter_iso3", "hs6_code"], as_index=False)["value_usd"].sum()
    dep = dependency.dependency_flags(mixed, world, bloc="EAEU", members=MEMBERS)
    p = dep.products.set_index(["year", "hs6_code"])
    assert p.loc[(2022, "854231"), "mirror_share_pct"] == pytest.approx(100 * 120 / 150)
    assert p.loc[(2022, "847330"), "mirror_share_pct"] == 100.0
    sub = localization.substitution_capacity(mixed, bloc="EAEU", members=MEMBERS)
    s = sub.products.set_index(["year", "importer_iso3", "hs6_code"])
    assert s.loc[(2022, "RUS", "854231"), "mirror_share_pct"] == 100.0
    assert s.loc[(2022, "KAZ", "854231"), "mirror_share_pct"] == 0.0


def test_growth_and_priority_accept_mixed_bases(mixed):
    rus = mixed[mixed["importer_iso3"] == "RUS"]
    g = growth.growth_rates(rus).set_index("year")
    assert g.loc[2022, "value_usd"] == 200.0 and g.loc[2022, "growth_pct"] == pytest.approx(
        100 * (200 / 150 - 1)
    )
    assert g.loc[2022, "mirror_share_pct"] == 100.0 and g.loc[2021, "mirror_share_pct"] == 0.0
    idx = growth.index_numbers(rus, base_year=2021)
    assert "mirror_share_pct" in idx.columns
    r = priority.rca(mixed)  # exporter x importer rows of three bases, summed per exporter
    assert set(r["year"]) == {2021, 2022}


def test_what_is_still_refused(mixed):
    bad = mixed.assign(flow_basis=mixed["flow_basis"].replace("mirror", "estimated"))
    with pytest.raises(InvalidParameterError, match="flow_basis.*estimated"):
        localization.intra_bloc_shares(bad, bloc="EAEU", members=MEMBERS)
    # one basis from two datasets: which one is meant is not known
    two = mixed.copy()
    two.loc[two["flow_basis"] == "reported", "dataset"] = ["A", "B", "B"]
    with pytest.raises(InvalidParameterError, match="reported flows.*dataset"):
        localization.intra_bloc_shares(two, bloc="EAEU", members=MEMBERS)
    # a flow given twice (reported and mirror) is never added up
    dup = pd.concat([mixed, mixed.iloc[[6]].assign(flow_basis="mirror")], ignore_index=True)
    dup.loc[dup.index[-1], "dataset"] = "UN_COMTRADE_HS17"
    with pytest.raises(InvalidParameterError, match="duplicated key"):
        localization.supplier_concentration(dup, bloc="EAEU", members=MEMBERS)


def test_cif_to_fob_option(mixed):
    # built with prefer="importer": reported rows are importers' CIF values, mirror rows FOB
    valued = valuation.with_valuation(mixed, prefer="importer")
    plain = localization.intra_bloc_shares(valued, bloc="EAEU", members=MEMBERS)
    fob = localization.intra_bloc_shares(
        valued, bloc="EAEU", members=MEMBERS, cif_fob_ratio=valuation.DEFAULT_CIF_FOB_RATIO
    )
    p, f = plain.bloc.set_index("year"), fob.bloc.set_index("year")
    # 2022: the reported 40 (CIF) becomes 40 / 1.1; mirror 200 (FOB) unchanged
    assert f.loc[2022, "imports_usd"] == pytest.approx(200 + 40 / 1.1)
    assert f.loc[2022, "mirror_share_pct"] > p.loc[2022, "mirror_share_pct"]
    assert f.loc[2021, "imports_usd"] == p.loc[2021, "imports_usd"]  # BACI is FOB already
    assert fob.params["cif_fob_ratio"] == 1.10
    conc = localization.supplier_concentration(
        valued, bloc="EAEU", members=MEMBERS, cif_fob_ratio=1.10
    ).set_index("year")
    assert conc.loc[2022, "imports_usd"] == pytest.approx(140 + 30 / 1.1)
    with pytest.raises(InvalidParameterError, match="with_valuation"):
        localization.intra_bloc_shares(mixed, bloc="EAEU", members=MEMBERS, cif_fob_ratio=1.1)
    with pytest.raises(InvalidParameterError, match="cif_fob_ratio"):
        localization.top_suppliers(valued, bloc="EAEU", members=MEMBERS, cif_fob_ratio=0.5)


def test_a_comtrade_frame_with_russia_from_mirror_flows_goes_straight_into_the_analyses(tmp_path):
    """Comtrade declarations (Russia a non-reporter from 2022) -> to_trade -> localization."""
    import json

    from coopstats.sources.comtrade import read_comtrade_records, to_trade
    from test_comtrade import RECORDED, response

    path = tmp_path / "preview_C_A_HS_2022.json"
    path.write_text(json.dumps(response(RECORDED)), encoding="utf-8")
    trade = to_trade(read_comtrade_records(path).kept).kept
    assert set(trade["flow_basis"]) == {"reported", "mirror"}
    r = localization.intra_bloc_shares(trade, bloc="EAEU", members=["KAZ", "RUS", "BLR"])
    m = r.members.set_index("importer_iso3")
    rus = trade[trade["importer_iso3"] == "RUS"]
    assert m.loc["RUS", "mirror_share_pct"] == 100.0  # every Russian import is a partner's export
    assert m.loc["RUS", "imports_usd"] == rus["value_usd"].sum()
    assert m.loc["KAZ", "mirror_share_pct"] == 0.0  # Kazakhstan reports its own imports
    # prefer="importer": reported rows are CIF, mirror rows FOB; on an FOB basis KAZ shrinks
    fob = localization.intra_bloc_shares(
        valuation.with_valuation(trade, prefer="importer"),
        bloc="EAEU",
        members=["KAZ", "RUS", "BLR"],
        cif_fob_ratio=valuation.DEFAULT_CIF_FOB_RATIO,
    ).members.set_index("importer_iso3")
    assert fob.loc["KAZ", "imports_usd"] == pytest.approx(m.loc["KAZ", "imports_usd"] / 1.1)
    assert fob.loc["RUS", "imports_usd"] == m.loc["RUS", "imports_usd"]
