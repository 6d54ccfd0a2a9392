"""An HS92 release (the current BACI long panel) in CEPII's layout builds, converts, and
carries every shipped report's window (2015-2024, break at 2022, figures for 2024)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from coopstats import hs, hs_revisions, membership
from coopstats.sources import store
from coopstats.sources.processed import load_processed, sector_map_for

ROOT = Path(__file__).resolve().parents[1]
DEFINITIONS = sorted((ROOT / "reports" / "definitions").glob("*.yaml"))


def test_the_release_builds_as_one_hs92_dataset(hs92_release_processed):
    manifest = json.loads((hs92_release_processed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is False and manifest["datasets"] == ["BACI_HS92_V202601"]
    assert manifest["partitions"]["trade"] == {"BACI_HS92_V202601": list(range(2015, 2025))}
    assert manifest["baci"]["rows_rejected"] == 0
    trade = load_processed("trade", processed_dir=hs92_release_processed)
    assert set(trade["hs_revision"]) == {"HS92"} and sorted(trade["year"].unique()) == list(
        range(2015, 2025)
    )
    # partitions hold the same rows as the single file
    part = store.read_partitioned("trade", hs92_release_processed)
    assert len(part) == len(trade)
    np.testing.assert_allclose(part["value_usd"].sum(), trade["value_usd"].sum(), rtol=1e-12)


def test_the_hs92_panel_converts_to_hs17_and_hs22_with_totals_kept(hs92_release_processed):
    trade = store.read_partitioned("trade", hs92_release_processed, years=[2021, 2024])
    for target in ("HS17", "HS22"):
        out = hs_revisions.convert_revision(trade, target)
        before = trade.groupby("year")["value_usd"].sum()
        after = out.groupby("year")["value_usd"].sum()
        np.testing.assert_allclose(after.to_numpy(), before.to_numpy(), rtol=1e-12)
        assert out["hs_converted"].any() and not out["hs_converted"].all()
        assert set(out["hs6_code"]) <= set(hs.hs6_codes(target))


def _trade_definitions() -> list[Path]:
    out = []
    for path in DEFINITIONS:
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "data/processed/trade.parquet" in d.get("inputs", []) and d["parameters"].get(
            "sectors"
        ):
            out.append(path)
    return out


@pytest.mark.parametrize("definition", _trade_definitions(), ids=lambda p: p.stem)
def test_each_trade_report_window_has_data_on_the_hs92_release(definition, hs92_release_processed):
    """Sectors resolve in HS92 and members trade them in every year of the report's window."""
    params = yaml.safe_load(definition.read_text(encoding="utf-8"))["parameters"]
    smap = sector_map_for(hs92_release_processed, params["sectors"])
    assert set(smap["sector"]) == set(params["sectors"])
    start, end = int(params["start_year"]), int(params["end_year"])
    if "break_year" in params:
        assert start < int(params["break_year"]) <= end
    trade = load_processed(
        "trade",
        processed_dir=hs92_release_processed,
        filters=[("year", ">=", start), ("year", "<=", end)],
    ).merge(smap, on="hs6_code")
    members = set(membership.members_in_year(params["bloc"], end))
    if "exporter_iso3" in params:
        trade = trade[
            (trade["exporter_iso3"] == params["exporter_iso3"])
            & (trade["importer_iso3"] == params["importer_iso3"])
        ]
    else:
        trade = trade[trade["importer_iso3"].isin(members)]
    per = trade.groupby(["sector", "year"])["value_usd"].sum().unstack("year")
    assert list(per.columns) == list(range(start, end + 1)), definition.stem
    assert (per > 0).all().all(), definition.stem
    exports = load_processed("exports_by_country", processed_dir=hs92_release_processed)
    assert pd.Series(list(members)).isin(exports["exporter_iso3"]).any()
