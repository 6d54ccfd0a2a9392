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
exports     year, exporter_iso3, hs6_code, value_usd                    year, exporter, hs6_code
sector_map  hs6_code, sector                                            hs6_code, sector
==========  ==========================================================  ======================
"""

from __future__ import annotations

from collections.abc import Sequence

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
EXPORTS = ["year", "exporter_iso3", "hs6_code", "value_usd"]
EXPORTS_KEY = ["year", "exporter_iso3", "hs6_code"]
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


def sector_map_schema() -> pa.DataFrameSchema:
    """Return the schema of a sector map (``hs6_code, sector``; :func:`coopstats.hs.sector_map`)."""
    return schema_for(SECTOR_MAP, unique=SECTOR_MAP, name="sector_map")


#: frame name -> schema factory (keyword ``coerce`` where the factory takes it)
SCHEMAS = {
    "trade": trade_schema,
    "facts": facts_schema,
    "events": events_schema,
    "figures": figures_schema,
    "indicators": indicators_schema,
    "exports_by_country": exports_schema,
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
