"""pandera schemas of the canonical frames, built from the column registry.

A schema is a list of column names plus the key that must be unique; types and value checks
come from :data:`coopstats.columns.COLUMNS`, so they are declared once.

==========  ==========================================================  ======================
frame       columns                                                     unique key
==========  ==========================================================  ======================
trade       year, exporter_iso3, importer_iso3, hs6_code, hs_revision,  year, exporter,
            value_usd, quantity_t, flow_basis, dataset                  importer, hs6_code,
                                                                        flow_basis, dataset
facts       fact_id, metric, reporter_iso3, partner_iso3, bloc,         fact_id
            sector, period, value, unit, currency, price_basis,
            source_title, source_url, source_date, language, note
events      event_id, event_date, countries, blocs, sectors,            event_id
            organizations, source
figures     event_id, value, unit, what, period                         (none)
indicators  year, country_iso3, indicator, value, unit, dataset         year, country,
                                                                        indicator, dataset
exports     year, exporter_iso3, hs6_code, hs_revision, value_usd,      dataset, year,
            dataset (``exports_by_country.parquet``)                    exporter, hs6_code
world       year, hs6_code, hs_revision, value_usd, dataset             dataset, year, hs6_code
            (``world_totals.parquet``)
sector_map  hs6_code, sector                                            hs6_code, sector
==========  ==========================================================  ======================
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .columns import column

__all__ = [
    "schema_for",
    "TRADE",
    "FACTS",
    "EVENTS",
    "FIGURES",
    "INDICATORS",
    "trade_schema",
    "facts_schema",
    "events_schema",
    "figures_schema",
    "indicators_schema",
    "EXPORTS",
    "WORLD",
    "world_schema",
    "validate_frame",
    "SECTOR_MAP",
    "exports_schema",
    "sector_map_schema",
    "SCHEMAS",
    "schema",
]

TRADE = [
    "year",
    "exporter_iso3",
    "importer_iso3",
    "hs6_code",
    "hs_revision",
    "value_usd",
    "quantity_t",
    "flow_basis",
    "dataset",
]
TRADE_KEY = ["year", "exporter_iso3", "importer_iso3", "hs6_code", "flow_basis", "dataset"]
FACTS = [
    "fact_id",
    "metric",
    "reporter_iso3",
    "partner_iso3",
    "bloc",
    "sector",
    "period",
    "value",
    "unit",
    "currency",
    "price_basis",
    "source_title",
    "source_url",
    "source_date",
    "language",
    "note",
]
EVENTS = ["event_id", "event_date", "countries", "blocs", "sectors", "organizations", "source"]
FIGURES = ["event_id", "value", "unit", "what", "period"]
INDICATORS = ["year", "country_iso3", "indicator", "value", "unit", "dataset"]
INDICATORS_KEY = ["year", "country_iso3", "indicator", "dataset"]
EXPORTS = ["year", "exporter_iso3", "hs6_code", "hs_revision", "value_usd", "dataset"]
EXPORTS_KEY = ["dataset", "year", "exporter_iso3", "hs6_code"]
WORLD = ["year", "hs6_code", "hs_revision", "value_usd", "dataset"]
WORLD_KEY = ["dataset", "year", "hs6_code"]
SECTOR_MAP = ["hs6_code", "sector"]

_CHECKS = {
    "ge": pa.Check.ge,
    "le": pa.Check.le,
    "isin": pa.Check.isin,
    "str_matches": pa.Check.str_matches,
}


def _pa_column(name: str, *, coerce: bool, overrides: dict | None = None) -> pa.Column:
    c = column(name)
    checks = [_CHECKS[k](v) for k, v in {**c.checks, **(overrides or {})}.items()]
    dtype = None if c.dtype == "object" else c.dtype
    return pa.Column(
        dtype,
        checks=checks,
        nullable=c.nullable,
        coerce=coerce and dtype is not None,
        required=True,
    )


def schema_for(
    columns: Sequence[str],
    *,
    unique: Sequence[str] | None = None,
    coerce: bool = False,
    name: str | None = None,
    overrides: dict[str, dict] | None = None,
) -> pa.DataFrameSchema:
    """Build a strict pandera schema for canonical ``columns``.

    Parameters
    ----------
    columns
        Names from :data:`coopstats.columns.COLUMNS`, in frame order.
    unique
        Key columns whose combination must be unique (all duplicates fail, none is kept).
    coerce
        Coerce dtypes; use only right after reading raw text files.
    overrides
        Extra or replacement checks per column, e.g. ``{"value": {"ge": 0}}``.
    """
    overrides = overrides or {}
    return pa.DataFrameSchema(
        {n: _pa_column(n, coerce=coerce, overrides=overrides.get(n)) for n in columns},
        strict=True,
        ordered=False,
        unique=list(unique) if unique else None,
        report_duplicates="all",
        name=name,
    )


def trade_schema(*, coerce: bool = False) -> pa.DataFrameSchema:
    """Return the schema of the canonical trade frame (year x exporter x importer x HS6)."""
    return schema_for(TRADE, unique=TRADE_KEY, coerce=coerce, name="trade")


def facts_schema(*, coerce: bool = False) -> pa.DataFrameSchema:
    """Return the schema of the cited facts table."""
    return schema_for(
        FACTS,
        unique=["fact_id"],
        coerce=coerce,
        name="facts",
        overrides={
            "reporter_iso3": {"str_matches": r"^[A-Z]{3}$"},
            "partner_iso3": {"str_matches": r"^[A-Z]{3}$"},
            "value": {},
        },
    )


def events_schema() -> pa.DataFrameSchema:
    """Return the schema of the events frame (one row per document/event)."""
    return schema_for(
        EVENTS,
        unique=["event_id"],
        name="events",
        overrides={"event_date": {"str_matches": r"^\d{4}-\d{2}-\d{2}$"}},
    )


def figures_schema() -> pa.DataFrameSchema:
    """Return the schema of the figures frame (numbers stated in a text)."""
    return schema_for(FIGURES, name="figures")


def indicators_schema(*, coerce: bool = False) -> pa.DataFrameSchema:
    """Return the schema of the indicators frame (World Bank and similar; country-year values)."""
    return schema_for(INDICATORS, unique=INDICATORS_KEY, coerce=coerce, name="indicators")


def exports_schema(*, coerce: bool = False) -> pa.DataFrameSchema:
    """Return the schema of ``exports_by_country`` (year x exporter x HS6 exports to the world)."""
    return schema_for(EXPORTS, unique=EXPORTS_KEY, coerce=coerce, name="exports_by_country")


def world_schema(*, coerce: bool = False) -> pa.DataFrameSchema:
    """Return the schema of ``world_totals`` (year x HS6 world trade, all exporters)."""
    return schema_for(WORLD, unique=WORLD_KEY, coerce=coerce, name="world_totals")


def sector_map_schema() -> pa.DataFrameSchema:
    """Return the schema of a sector map (``hs6_code, sector``).

    The map :func:`coopstats.hs_sectors.sector_map` returns passes it.
    """
    return schema_for(SECTOR_MAP, unique=SECTOR_MAP, name="sector_map")


#: frame name -> schema factory (keyword ``coerce`` where the factory takes it)
SCHEMAS = {
    "trade": trade_schema,
    "facts": facts_schema,
    "events": events_schema,
    "figures": figures_schema,
    "indicators": indicators_schema,
    "exports_by_country": exports_schema,
    "world_totals": world_schema,
    "sector_map": sector_map_schema,
}


def schema(name: str, **options) -> pa.DataFrameSchema:
    """Return the schema of the canonical frame ``name`` (one of :data:`SCHEMAS`).

    Raises
    ------
    InvalidParameterError
        For an unknown frame name, listing the known ones.
    """
    from .errors import InvalidParameterError

    if name not in SCHEMAS:
        raise InvalidParameterError("name", name, sorted(SCHEMAS))
    return SCHEMAS[name](**options)


#: frame name -> (columns, unique key) of the tables ``coopstats data build`` writes
_PROCESSED = {
    "trade": (TRADE, TRADE_KEY),
    "exports_by_country": (EXPORTS, EXPORTS_KEY),
    "world_totals": (WORLD, WORLD_KEY),
    "indicators": (INDICATORS, INDICATORS_KEY),
}


def validate_frame(name: str, frame: pd.DataFrame, *, path: str | Path) -> None:
    """Check a frame read from ``path`` against the schema of the canonical frame ``name``.

    Only the columns present are checked (a read may select columns); the unique key only
    when all its columns are present. String columns read from parquet as ``object`` are
    compared as ``string``; ``frame`` itself is not changed.

    Raises
    ------
    DataFileError
        Naming the file, the first failing column and value, and the check that failed.
    """
    import pandera.errors as pae

    from .errors import DataFileError

    if name in _PROCESSED:
        names, key = _PROCESSED[name]
        present = [c for c in names if c in frame.columns]
        extra = [c for c in frame.columns if c not in names]
        if extra:
            raise DataFileError(
                f"column(s) {extra} are not in the {name} schema {names}",
                path=path,
                column=extra[0],
                hint="rebuild with `coopstats data build --root .`",
            )
        if set(key) <= set(present):
            dup = frame.duplicated(key, keep=False)
            if dup.any():
                first = frame.loc[dup, key].iloc[0].to_dict()
                raise DataFileError(
                    f"{int(dup.sum())} rows share a key {key} of the {name} schema",
                    path=path,
                    column=key[-1],
                    value=first,
                    hint="rebuild with `coopstats data build --root .`",
                )
        sch = schema_for(present, name=name)
    else:
        sch = schema(name)
    strings = {
        c: "string"
        for c in frame.columns
        if frame[c].dtype == object
        and c in sch.columns
        and sch.columns[c].dtype is not None
        and str(sch.columns[c].dtype).startswith("string")  # "string[python]" too
    }
    try:
        sch.validate(frame.reset_index(drop=True).astype(strings), lazy=False)
    except pae.SchemaError as exc:
        value = None
        cases = exc.failure_cases
        if isinstance(cases, pd.DataFrame) and len(cases):
            value = cases.iloc[0].get("failure_case")
        elif cases is not None and not isinstance(cases, pd.DataFrame):
            value = cases  # a scalar such as the wrong dtype's name
        raise DataFileError(
            f"does not match the {name} schema: {str(exc).splitlines()[0]}",
            path=path,
            column=getattr(exc.schema, "name", None) if exc.schema is not sch else None,
            value=value,
            hint="rebuild with `coopstats data build --root .`; "
            "the schema is coopstats.schemas." + name,
        ) from None
