"""coopstats.schemas: pandera schemas of the canonical frames, from the registry (issue 3)."""

from __future__ import annotations

import pandas as pd
import pandera.errors as pae
import pytest

from coopstats import hs_sectors, schemas
from coopstats.columns import COLUMNS
from coopstats.errors import DataFileError, InvalidParameterError

TRADE_ROW = {
    "year": 2024,
    "exporter_iso3": "BLR",
    "importer_iso3": "RUS",
    "hs6_code": "854231",
    "hs_revision": "HS17",
    "value_usd": 1.5e6,
    "quantity_t": 0.2,
    "flow_basis": "reconciled",
    "dataset": "BACI_HS17_V202201",
}


def _trade(**changes) -> pd.DataFrame:
    frame = pd.DataFrame([{**TRADE_ROW, **changes}])
    return frame.astype({c: "string" for c in frame.columns if COLUMNS[c].dtype == "string"})


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_every_schema_column_comes_from_the_registry(name):
    sch = schemas.schema(name)
    assert set(sch.columns) <= set(COLUMNS)
    for col, spec in sch.columns.items():
        assert spec.nullable == COLUMNS[col].nullable, col
    assert sch.strict is True


def test_trade_schema_accepts_a_canonical_row():
    out = schemas.trade_schema().validate(_trade())
    assert out.shape == (1, len(schemas.TRADE))


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"exporter_iso3": "Belarus"}, "exporter_iso3"),
        ({"hs6_code": "85423"}, "hs6_code"),
        ({"value_usd": -1.0}, "value_usd"),
        ({"quantity_t": -0.1}, "quantity_t"),
        ({"flow_basis": "estimated"}, "flow_basis"),
        ({"hs_revision": "HS2017"}, "hs_revision"),
        ({"year": 1900}, "year"),
    ],
)
def test_trade_schema_rejects_values_outside_the_registry_checks(change, column):
    with pytest.raises(pae.SchemaErrors) as info:
        schemas.trade_schema().validate(_trade(**change), lazy=True)
    assert column in set(info.value.failure_cases["column"].astype(str))


def test_trade_schema_is_strict_and_reports_every_duplicate():
    with pytest.raises(pae.SchemaErrors):
        schemas.trade_schema().validate(_trade().assign(extra=1), lazy=True)
    dup = pd.concat([_trade(), _trade(value_usd=2.0)], ignore_index=True)
    with pytest.raises(pae.SchemaErrors) as info:
        schemas.trade_schema().validate(dup, lazy=True)
    assert set(info.value.failure_cases["index"].dropna().astype(int)) == {0, 1}


def test_trade_schema_coerces_raw_text_only_when_asked():
    raw = pd.DataFrame([{k: str(v) for k, v in TRADE_ROW.items()}])
    out = schemas.trade_schema(coerce=True).validate(raw)
    assert out["year"].dtype == "int64" and out["value_usd"].dtype == "float64"
    with pytest.raises(pae.SchemaErrors):
        schemas.trade_schema().validate(raw, lazy=True)


def test_indicators_facts_events_figures_schemas_validate_small_frames():
    ind = pd.DataFrame(
        {
            "year": [2020],
            "country_iso3": ["KAZ"],
            "indicator": ["SP.POP.TOTL"],
            "value": [18.75e6],
            "unit": ["persons"],
            "dataset": ["WDI"],
        }
    )
    ind = ind.astype(
        {"country_iso3": "string", "indicator": "string", "unit": "string", "dataset": "string"}
    )
    schemas.indicators_schema().validate(ind)
    ev = pd.DataFrame(
        {
            "event_id": ["seed1"],
            "event_date": ["2025-11-11"],
            "countries": [["BLR", "RUS"]],
            "blocs": [["UNION_STATE"]],
            "sectors": [["microelectronics"]],
            "organizations": [[]],
            "source": ["seed1.txt"],
        }
    ).astype({"event_id": "string", "event_date": "string", "source": "string"})
    schemas.events_schema().validate(ev)
    with pytest.raises(pae.SchemaErrors):
        schemas.events_schema().validate(
            ev.assign(event_date=pd.array(["11.11.2025"], dtype="string")), lazy=True
        )
    fig = pd.DataFrame(
        {
            "event_id": ["seed1"],
            "value": [127.5],
            "unit": ["percent"],
            "what": ["growth"],
            "period": ["2024"],
        }
    ).astype({"event_id": "string", "unit": "string", "what": "string", "period": "string"})
    schemas.figures_schema().validate(fig)
    facts = schemas.facts_schema()
    assert list(facts.columns) == schemas.FACTS and facts.unique == ["fact_id"]


def test_sector_map_schema_accepts_the_shipped_sector_map():
    schemas.sector_map_schema().validate(hs_sectors.sector_map().astype("string"))


def test_exports_schema_key_is_dataset_year_exporter_product():
    sch = schemas.exports_schema()
    assert sch.unique == ["dataset", "year", "exporter_iso3", "hs6_code"]
    assert list(sch.columns) == schemas.EXPORTS


def _exports() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2020, 2020],
            "exporter_iso3": ["BLR", "RUS"],
            "hs6_code": ["854231", "854231"],
            "hs_revision": ["HS17", "HS17"],
            "value_usd": [1.0, 2.0],
            "dataset": ["BACI_HS17_V202201"] * 2,
        }
    )


def test_validate_frame_accepts_parquet_dtypes_and_column_subsets():
    frame = _exports()  # object strings, as pandas reads them from parquet
    schemas.validate_frame("exports_by_country", frame, path="e.parquet")
    schemas.validate_frame("exports_by_country", frame[["year", "value_usd"]], path="e.parquet")
    assert frame["exporter_iso3"].dtype == object  # not changed


@pytest.mark.parametrize(
    ("bad", "column", "value"),
    [
        (lambda f: f.assign(exporter_iso3=["BLR", "Russia"]), "exporter_iso3", "Russia"),
        (lambda f: f.assign(value_usd=[1.0, -5.0]), "value_usd", -5.0),
        (lambda f: f.assign(exporter_iso3="BLR"), "hs6_code", None),  # duplicated key
        (lambda f: f.assign(extra=1), "extra", None),
    ],
)
def test_validate_frame_names_file_column_and_value(bad, column, value):
    with pytest.raises(DataFileError) as exc:
        schemas.validate_frame("exports_by_country", bad(_exports()), path="e.parquet")
    assert exc.value.column == column and "e.parquet" in str(exc.value)
    if value is not None:
        assert str(value) in str(exc.value)


def test_load_processed_validates_against_the_schema(tmp_path):
    import hashlib
    import json

    from coopstats.sources.processed import load_processed

    def write(frame):
        path = tmp_path / "exports_by_country.parquet"
        frame.to_parquet(path, index=False)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        meta = {"sha256": digest, "bytes": path.stat().st_size}
        (tmp_path / "manifest.json").write_text(json.dumps({"outputs": {path.name: meta}}))

    write(_exports())
    assert len(load_processed("exports_by_country", processed_dir=tmp_path)) == 2
    write(_exports().assign(hs6_code=["854231", "8542"]))
    with pytest.raises(DataFileError, match="hs6_code.*8542"):
        load_processed("exports_by_country", processed_dir=tmp_path)


def test_schema_lookup_rejects_unknown_names():
    with pytest.raises(InvalidParameterError, match="'trades'.*trade"):
        schemas.schema("trades")
