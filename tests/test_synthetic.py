"""The synthetic demonstration panel: deterministic, canonical, on the real code lists, labelled."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from coopstats.errors import InvalidParameterError
from coopstats.schemas import TRADE, trade_schema
from coopstats.sources import synthetic
from coopstats.sources.baci import read_product_codes


@pytest.fixture(name="dirs", scope="module")
def fixture_dirs(root: Path) -> dict:
    return {"dictionaries": root / "data" / "raw" / "baci", "wdi": root / "data" / "raw" / "wdi"}


@pytest.fixture(name="panel", scope="module")
def fixture_panel(dirs: dict) -> pd.DataFrame:
    return synthetic.demo_panel(**dirs)


def test_shipped_dictionaries_are_the_real_ones(root: Path, shared_dir: Path) -> None:
    for name in ("country_codes_V202201.csv", "product_codes_HS17_V202201.csv"):
        assert (root / "data" / "raw" / "baci" / name).read_bytes() == (
            shared_dir / "data" / "baci" / name
        ).read_bytes()
    readme = (root / "data" / "raw" / "baci" / "README.md").read_text()
    assert "Gaulier" in readme and "Etalab" in readme and "CEPII" in readme


def test_canonical_and_labelled(panel: pd.DataFrame) -> None:
    assert list(panel.columns) == TRADE
    trade_schema().validate(panel)
    assert set(panel["dataset"]) == {synthetic.DEMO_DATASET} == {"SYNTHETIC_DEMO"}
    assert synthetic.DEMO_LABEL == "SYNTHETIC DEMONSTRATION DATA"
    assert sorted(panel["year"].unique()) == list(range(2015, 2025))
    assert 100_000 < len(panel) < 600_000  # breadth for RCA/ECI, small enough for `make report`
    assert (panel["value_usd"] >= 1000).all()
    assert 0.005 < panel["quantity_t"].isna().mean() < 0.05


def test_real_code_lists(panel: pd.DataFrame, dirs: dict) -> None:
    from coopstats.hs_sectors import sector_table

    listed = set(
        read_product_codes(dirs["dictionaries"] / "product_codes_HS17_V202201.csv")["hs6_code"]
    )
    assert set(panel["hs6_code"]) <= listed
    products = synthetic.demo_products(dictionaries=dirs["dictionaries"])
    table = sector_table()
    own = (table["hs_revision"] == "HS17") & table["taxonomy"].isin(("coopstats", "CHPL"))
    focus = set(table.loc[own, "hs6_code"]) & listed
    assert focus <= set(products["hs6_code"]) and products["is_focus"].sum() == len(focus)
    assert (~products["is_focus"]).sum() == 60
    countries = synthetic.demo_countries(dictionaries=dirs["dictionaries"])
    assert {"RUS", "BLR", "KAZ", "ARM", "KGZ", "CHN", "USA"} <= set(countries)
    assert "SUN" not in countries and "CSK" not in countries  # historic entries left out
    assert set(panel["exporter_iso3"]) | set(panel["importer_iso3"]) <= set(countries)
    assert panel["exporter_iso3"].nunique() > 200


def test_deterministic(panel: pd.DataFrame, dirs: dict) -> None:
    again = synthetic.demo_panel(**dirs)
    pd.testing.assert_frame_equal(panel, again)
    other = synthetic.demo_panel(seed=7, years=[2020, 2021], **dirs)
    assert sorted(other["year"].unique()) == [2020, 2021]
    assert (
        not other["value_usd"].head(100).equals(panel[panel["year"] == 2020]["value_usd"].head(100))
    )


def test_russia_break_in_2022(panel: pd.DataFrame) -> None:
    to_rus = panel[panel["importer_iso3"] == "RUS"]
    from_sanctioning = (
        to_rus[to_rus["exporter_iso3"].isin(synthetic.SANCTIONING_2022)]
        .groupby("year")["value_usd"]
        .sum()
    )
    assert from_sanctioning[2022] < 0.6 * from_sanctioning[2021]  # cut to 35 % of trend, plus noise
    assert from_sanctioning[2023] < from_sanctioning[2021]


def test_bloc_members_trade_with_each_other(panel: pd.DataFrame) -> None:
    eaeu = {"RUS", "BLR", "KAZ", "ARM", "KGZ"}
    intra = panel[panel["exporter_iso3"].isin(eaeu) & panel["importer_iso3"].isin(eaeu)]
    assert intra["year"].nunique() == 10 and len(intra) > 100


@pytest.mark.parametrize(
    "kwargs", [{"years": []}, {"years": [1900]}, {"seed": "x"}, {"n_other_products": -1}]
)
def test_invalid_parameters(kwargs: dict, dirs: dict) -> None:
    with pytest.raises(InvalidParameterError):
        synthetic.demo_panel(**kwargs, **dirs)
