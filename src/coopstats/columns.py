"""The one column vocabulary of coopstats, declared once.

Every canonical frame, schema, notebook and report uses these names. Units go in the name
whenever a column has one (``value_usd``, ``quantity_t``, ``share_pct``); ``_pct`` always
means 0-100; booleans start with ``is_``/``has_``. Schemas in :mod:`coopstats.schemas` read
this registry, so a column's type and checks are stated in exactly one place.

To add a column: add one :class:`Column` entry below, then use the name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "COLUMNS", "column", "ISO3_REGEX", "HS6_REGEX", "BLOCS", "SECTORS"]

ISO3_REGEX = r"^[A-Z]{3}$"
HS6_REGEX = r"^\d{6}$"

#: Blocs known to coopstats (membership with dates: ``coopstats/data/bloc_membership.csv``).
BLOCS = ("EAEU", "CIS", "CSTO", "UNION_STATE", "CUSTOMS_UNION")

#: Sector vocabulary shared by the facts table, the HS taxonomy and the press-release reader.
SECTORS = (
    "total",
    "microelectronics",
    "machine_tools",
    "advanced_materials",
    "uav",
    "optics",
    "defence",
    "agriculture",
    "machinery",
    "transport",
    "energy",
    "science_education",
    "other",
)


@dataclass(frozen=True)
class Column:
    """A canonical column.

    Attributes
    ----------
    name : str
        The column name, snake_case with the unit in it.
    dtype : str
        pandas dtype the column has in canonical frames (``"int64"``, ``"float64"``,
        ``"string"``, ``"bool"``, ``"object"`` for lists, ``"datetime64[ns]"``).
    unit : str
        Unit of measurement, or ``""`` for keys and labels.
    description : str
        What the column means and where it comes from.
    checks : dict
        Value checks the schemas apply: ``ge``, ``le``, ``isin``, ``str_matches``.
    nullable : bool
        Whether missing values are allowed in canonical frames.
    """

    name: str
    dtype: str
    unit: str
    description: str
    checks: dict = field(default_factory=dict)
    nullable: bool = False


def _c(name: str, dtype: str, unit: str, description: str, nullable: bool = False, **checks) -> Column:
    return Column(name, dtype, unit, description, dict(checks), nullable)


_ALL = [
    # keys: time
    _c("year", "int64", "year", "Calendar year the value refers to", ge=1988, le=2100),
    _c("period", "string", "", "Reference period as stated: 2024, 2024Q1, 2024-01..2024-09, 2015..2022", nullable=True),
    _c("event_date", "string", "date", "ISO date YYYY-MM-DD of the described event", nullable=True),
    # keys: geography
    _c("exporter_iso3", "string", "", "Exporting country, ISO 3166 alpha-3 (BACI i)", str_matches=ISO3_REGEX),
    _c("importer_iso3", "string", "", "Importing country, ISO 3166 alpha-3 (BACI j)", str_matches=ISO3_REGEX),
    _c("country_iso3", "string", "", "Country of a country-level row, ISO 3166 alpha-3", str_matches=ISO3_REGEX),
    _c("reporter_iso3", "string", "", "Country whose statistics or official is quoted (facts)", nullable=True),
    _c("partner_iso3", "string", "", "Counterpart country (facts)", nullable=True),
    _c("supplier_iso3", "string", "", "Exporting country seen from an importer or a bloc", str_matches=ISO3_REGEX),
    _c("bloc", "string", "", "Integration bloc", nullable=True, isin=list(BLOCS)),
    # keys: products and sectors
    _c("hs6_code", "string", "", "HS 6-digit product code, zero-padded string", str_matches=HS6_REGEX),
    _c("hs_revision", "string", "", "HS nomenclature revision of hs6_code", isin=["HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"]),
    _c("sector", "string", "", "Sector of the coopstats vocabulary", isin=list(SECTORS)),
    # measures: trade
    _c("value_usd", "float64", "USD", "Trade value in current US dollars", ge=0),
    _c("quantity_t", "float64", "t", "Quantity in metric tonnes (BACI q)", nullable=True, ge=0),
    _c("flow_basis", "string", "", "reported by the importer/exporter, mirror (partner's report) or reconciled (BACI)", isin=["reported", "mirror", "reconciled"]),
    _c("dataset", "string", "", "Dataset and release the row comes from, e.g. BACI_HS17_V202201"),
    # measures: indicators (World Bank and similar)
    _c("indicator", "string", "", "Indicator code, e.g. SP.POP.TOTL"),
    _c("value", "float64", "", "Value in the row's `unit`", nullable=True),
    _c("unit", "string", "", "Unit of `value`: USD, RUB, BYN, EUR, percent, count, year, t, times, LCU_per_USD, persons"),
    _c("currency", "string", "", "ISO 4217 currency of a monetary `value`", nullable=True),
    _c("price_basis", "string", "", "current (nominal) or constant prices", nullable=True),
    # facts table
    _c("fact_id", "string", "", "Stable id of a cited fact (F001...)", str_matches=r"^F\d{3,}$"),
    _c("metric", "string", "", "What a fact measures, snake_case; _target/_plan/_forecast are not outcomes", str_matches=r"^[a-z0-9_]+$"),
    _c("source_title", "string", "", "Title of the cited source", nullable=True),
    _c("source_url", "string", "", "Address of the cited source, or the seed file name"),
    _c("source_date", "string", "date", "Publication date of the source YYYY-MM-DD", nullable=True),
    _c("language", "string", "", "Language of the source (ISO 639-1)", nullable=True),
    _c("note", "string", "", "Paraphrase of what the figure measures, caveats", nullable=True),
    # events and figures
    _c("event_id", "string", "", "Id of a cooperation event (the document stem)"),
    _c("countries", "object", "", "List of ISO3 codes taking part or subject of the event"),
    _c("blocs", "object", "", "List of blocs the event belongs to"),
    _c("sectors", "object", "", "List of sectors the event concerns"),
    _c("organizations", "object", "", "List of canonical organisation names"),
    _c("source", "string", "", "Where the record comes from (file name or URL)"),
    _c("what", "string", "", "What a stated figure measures"),
    # analysis outputs
    _c("growth_pct", "float64", "percent", "Growth rate in percent (0-100 scale)", nullable=True),
    _c("share_pct", "float64", "percent", "Share in percent (0-100 scale)", nullable=True, ge=0, le=100),
    _c("hhi", "float64", "", "Herfindahl-Hirschman index on shares in 0-1 (the 0-10000 convention is hhi_points)", nullable=True, ge=0, le=1),
    _c("rca", "float64", "", "Balassa revealed comparative advantage", nullable=True, ge=0),
    _c("mcp", "int64", "", "1 if rca >= threshold else 0", isin=[0, 1]),
    _c("eci", "float64", "", "Economic complexity index (convention named in the result)", nullable=True),
    _c("pci", "float64", "", "Product complexity index (convention named in the result)", nullable=True),
    # quarantine ledger
    _c("file", "string", "", "File a ledger entry refers to"),
    _c("line", "int64", "", "1-based line in `file` (header = line 1)", nullable=True),
    _c("column", "string", "", "Column a ledger entry refers to", nullable=True),
    _c("rule", "string", "", "Name of the cleaning rule that rejected or changed the row"),
    _c("reason", "string", "", "Why the rule rejected or changed the row"),
    _c("action", "string", "", "rejected or changed", isin=["rejected", "changed"]),
    _c("step", "string", "", "Cleaning step that wrote the ledger entry"),
]

#: name -> :class:`Column`
COLUMNS: dict[str, Column] = {c.name: c for c in _ALL}


def column(name: str) -> Column:
    """Return the registered :class:`Column` called ``name``.

    Raises
    ------
    KeyError
        When ``name`` is not in the vocabulary; the message says where to declare it.
    """
    try:
        return COLUMNS[name]
    except KeyError:
        raise KeyError(
            f"column {name!r} is not in the coopstats vocabulary; declare it in "
            "src/coopstats/columns.py"
        ) from None
