"""sources.processed.load_sector_trade: the loading preamble of the sector reports, tested."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from coopstats import hs_sectors
from coopstats.errors import DataFileError
from coopstats.sources.processed import SectorTrade, load_sector_trade


def _write(folder, tables: dict[str, pd.DataFrame]) -> None:
    outputs = {}
    for name, frame in tables.items():
        path = folder / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        outputs[path.name] = {
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "bytes": path.stat().st_size,
        }
    (folder / "manifest.json").write_text(json.dumps({"outputs": outputs, "synthetic": False}))


@pytest.fixture()
def processed(tmp_path):
    smap = hs_sectors.sector_map(revision="HS17")
    micro = sorted(smap.query("sector == 'microelectronics'")["hs6_code"])
    other = "010121"  # live horses: in no requested sector
    trade = pd.DataFrame(
        {
            "year": [2019, 2020, 2020, 2021],
            "exporter_iso3": ["BLR", "BLR", "CHN", "BLR"],
            "importer_iso3": ["RUS", "RUS", "RUS", "RUS"],
            "hs6_code": [micro[0], micro[0], other, micro[1]],
            "hs_revision": "HS17",
            "value_usd": [1.0, 2.0, 3.0, 4.0],
            "quantity_t": [float("nan")] * 4,
            "flow_basis": "reconciled",
            "dataset": "BACI_HS17_V202201",
        }
    )
    world = trade[["year", "exporter_iso3", "hs6_code", "hs_revision", "value_usd", "dataset"]]
    _write(tmp_path, {"trade": trade, "exports_by_country": world})
    return tmp_path


def test_reads_the_sectors_codes_and_years_only(processed):
    got = load_sector_trade(processed, ["microelectronics"], 2020, 2021)
    assert isinstance(got, SectorTrade)
    sector_map, trade, world, source, synthetic = got
    assert set(sector_map["sector"]) == {"microelectronics"}
    assert sorted(trade["year"]) == [2020, 2021] and set(trade["exporter_iso3"]) == {"BLR"}
    assert sorted(world["value_usd"]) == [2.0, 4.0]
    assert source == "BACI_HS17_V202201 via coopstats (data/processed)"
    assert synthetic is False


def test_a_file_that_breaks_the_schema_is_refused(processed):
    trade = pd.read_parquet(processed / "trade.parquet").assign(importer_iso3="Russia")
    world = pd.read_parquet(processed / "exports_by_country.parquet")
    _write(processed, {"trade": trade, "exports_by_country": world})
    with pytest.raises(DataFileError, match="importer_iso3.*Russia"):
        load_sector_trade(processed, ["microelectronics"], 2019, 2021)
