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
    _c("hs_description", "string", "", "Description of hs6_code in the HS product list of its revision (CEPII BACI product_codes; English)", nullable=True),
    _c("sector", "string", "", "Sector of the coopstats vocabulary", isin=list(SECTORS)),
    # measures: trade
    _c("value_usd", "float64", "USD", "Trade value in current US dollars", ge=0),
    _c("quantity_t", "float64", "t", "Quantity in metric tonnes (BACI q)", nullable=True, ge=0),
    _c("flow_basis", "string", "", "reported by the importer/exporter, mirror (partner's report) or reconciled (BACI)", isin=["reported", "mirror", "reconciled"]),
    _c("dataset", "string", "", "Dataset and release the row comes from, e.g. BACI_HS17_V202201"),
    _c("hs_converted", "bool", "", "The row's HS code was changed, merged or split by hs_revisions.convert_revision"),
    _c("hs_split_share", "float64", "share", "Share (0-1) of the row's value_usd allocated by splitting one-to-many HS codes (estimated, not observed)", ge=0, le=1),
    _c("trade_flow", "string", "", "Direction declared by the reporter (UN Comtrade flowCode X/M)", isin=["export", "import"]),
    _c("valuation", "string", "", "Price basis of a declared value: FOB (exports) or CIF (imports)", isin=["FOB", "CIF"]),
    _c("value_stated", "float64", "", "A converted figure's value as stated, in currency_stated", nullable=True),
    _c("currency_stated", "string", "", "ISO 4217 currency of value_stated", nullable=True),
    _c("fx_lcu_per_usd", "float64", "LCU_per_USD", "Exchange rate used: units of currency_stated per US dollar", nullable=True, ge=0),
    _c("fx_year", "int64", "year", "Year of the exchange rate used (annual average)", nullable=True),
    _c("fx_dataset", "string", "", "Rate table the exchange rate comes from, e.g. WDI PA.NUS.FCRF", nullable=True),
    _c("trade_basis", "string", "", "What a stated trade figure covers: goods, goods_and_services or unstated", isin=["goods", "goods_and_services", "unstated"]),
    _c("caveats", "string", "", "Comma-separated flags read from a fact's note: lower_bound, upper_bound, approximate, inferred_year, mirror", nullable=True),
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
    # analysis outputs: growth (coopstats.growth)
    _c("value_prev", "float64", "", "Annual total of the previous year (same unit as the value column)", nullable=True),
    _c("start_year", "int64", "year", "First year of a period"),
    _c("end_year", "int64", "year", "Last year of a period"),
    _c("value_start", "float64", "", "Value in start_year (same unit as the input value)", nullable=True),
    _c("value_end", "float64", "", "Value in end_year (same unit as the input value)", nullable=True),
    _c("cagr_pct", "float64", "percent", "Compound annual growth rate in percent", nullable=True),
    _c("base_year", "int64", "year", "Base year of an index or of constant prices"),
    _c("index_value", "float64", "index", "Index number, base year = 100", nullable=True),
    _c("n_obs", "int64", "count", "Number of observations used in an estimate"),
    _c("slope", "float64", "log points per year", "OLS slope of ln(value) on year"),
    _c("std_error", "float64", "", "Standard error of an estimate (HAC where stated)", nullable=True),
    _c("p_value", "float64", "", "p-value of a test or coefficient", nullable=True, ge=0, le=1),
    _c("trend_growth_pct", "float64", "percent", "Trend growth 100*(exp(slope)-1)", nullable=True),
    _c("ci_low_pct", "float64", "percent", "Lower confidence bound of a percent estimate", nullable=True),
    _c("ci_high_pct", "float64", "percent", "Upper confidence bound of a percent estimate", nullable=True),
    _c("hac_maxlags", "int64", "years", "Bartlett-kernel lag truncation of HAC standard errors"),
    _c("df_resid", "int64", "count", "Residual degrees of freedom of a regression (n - k)"),
    _c("inference", "string", "", "Inference method of an estimate (coopstats.inference: ols, hac_fixed_b)"),
    _c("term", "string", "", "Name of a regression coefficient"),
    _c("estimate", "float64", "", "Estimated coefficient (model scale)", nullable=True),
    _c("statistic", "float64", "", "Test statistic (t, z or F as the test says)", nullable=True),
    _c("ci_low", "float64", "", "Lower confidence bound (model scale)", nullable=True),
    _c("ci_high", "float64", "", "Upper confidence bound (model scale)", nullable=True),
    _c("test", "string", "", "Name of a statistical test (chow, joint_ols, joint_hac_fixed_b)"),
    _c("df_num", "float64", "", "Numerator degrees of freedom of an F test"),
    _c("df_denom", "float64", "", "Denominator degrees of freedom of an F test"),
    _c("fitted", "float64", "", "Fitted value of a model (model scale)", nullable=True),
    _c("counterfactual", "float64", "", "Pre-break trend extrapolated past the break (model scale)", nullable=True),
    _c("is_post", "bool", "", "True from the break year on"),
    _c("share_start_pct", "float64", "percent", "Component's share of the start-year total", nullable=True),
    _c("contribution_pp", "float64", "percentage points", "Contribution of a component to total growth", nullable=True),
    _c("deflator_index", "float64", "index", "Price deflator rebased to base_year = 100"),
    _c("value_real_usd", "float64", "USD", "Value in constant USD of base_year", nullable=True),
    _c("measure", "string", "", "Name of a summary figure in a result's summary() table"),
    _c("is_basis_assumed", "bool", "", "The trade basis was not stated by the source but vouched for by the caller"),
    # analysis outputs: localization (coopstats.localization)
    _c("imports_usd", "float64", "USD", "Imports in current USD"),
    _c("intra_imports_usd", "float64", "USD", "Imports from members of the same bloc that year"),
    _c("extra_imports_usd", "float64", "USD", "Imports from non-members of the bloc that year"),
    _c("intra_share_pct", "float64", "percent", "Share of imports from bloc members", nullable=True, ge=0, le=100),
    _c("extra_share_pct", "float64", "percent", "Share of imports from outside the bloc", nullable=True, ge=0, le=100),
    _c("n_suppliers", "int64", "count", "Number of supplier countries with positive value"),
    _c("hhi_points", "float64", "points", "HHI on the 0-10000 scale (10000 * hhi)", nullable=True, ge=0, le=10000),
    _c("top_supplier_iso3", "string", "", "Largest supplier (ties: alphabetical)", nullable=True),
    _c("top_supplier_share_pct", "float64", "percent", "Share of the largest supplier", nullable=True, ge=0, le=100),
    _c("rank", "int64", "", "Rank, 1 = largest or best"),
    _c("cumulative_share_pct", "float64", "percent", "Cumulative share down to this rank", nullable=True, ge=0),
    _c("extra_exports_usd", "float64", "USD", "Exports to non-members of the bloc that year"),
    _c("hhi_imports", "float64", "", "HHI (0-1) of a bloc's extra-bloc suppliers of a product (EC/GeoDep C1)", nullable=True, ge=0, le=1),
    _c("hhi_world", "float64", "", "HHI (0-1) of world exporters of a product (GeoDep C2)", nullable=True, ge=0, le=1),
    _c("import_export_ratio", "float64", "ratio", "Extra-bloc imports / extra-bloc exports; 9999 when exports are 0 (GeoDep C3)", nullable=True, ge=0),
    _c("leading_world_exporter_iso3", "string", "", "Largest world exporter of a product", nullable=True),
    _c("is_concentrated_imports", "bool", "", "hhi_imports above its threshold (C1)"),
    _c("is_concentrated_world", "bool", "", "hhi_world above its threshold (C2)"),
    _c("is_nonsubstitutable", "bool", "", "import_export_ratio above its threshold (C3)"),
    _c("is_dependent", "bool", "", "Dependent under the chosen criteria (geodep: C1-C3; ec: EC1-EC3)"),
    _c("is_geodep_dependent", "bool", "", "CEPII GeoDep C1 and C2 and C3 hold"),
    _c("intra_imports_usd", "float64", "USD", "Members' imports from other members", nullable=True),
    _c("extra_import_share_pct", "float64", "percent", "Extra-bloc share of the members' imports (EC criterion 2)", nullable=True, ge=0, le=100),
    _c("members_exports_usd", "float64", "USD", "Members' total exports (to members and non-members)", nullable=True),
    _c("ec_import_export_ratio", "float64", "ratio", "Extra-bloc imports / members' total exports (EC criterion 3)", nullable=True),
    _c("is_ec_concentrated", "bool", "", "EC criterion 1: HHI of extra-bloc suppliers above the threshold"),
    _c("is_ec_import_share", "bool", "", "EC criterion 2: extra-bloc share of imports above the threshold"),
    _c("is_ec_nonsubstitutable", "bool", "", "EC criterion 3: extra-bloc imports / members' exports above the threshold"),
    _c("is_ec_dependent", "bool", "", "EC criteria 1, 2 and 3 hold"),
    _c("n_ec_dependent", "int64", "count", "Number of products meeting the EC criteria"),
    _c("n_geodep_dependent", "int64", "count", "Number of products meeting the GeoDep criteria C1-C3"),
    _c("years_dependent_in_window", "int64", "count", "Years with is_dependent in the persistence window ending this year"),
    _c("is_window_complete", "bool", "", "The persistence window lies within the data's years"),
    _c("is_persistent", "boolean", "", "Dependent this year and in at least min_years of the window (C4; a subset of is_dependent); NA if the window is incomplete", nullable=True),
    _c("n_products", "int64", "count", "Number of HS6 products"),
    _c("n_dependent", "int64", "count", "Number of products flagged dependent"),
    _c("n_persistent", "float64", "count", "Number of products flagged persistent; NaN if the window is incomplete", nullable=True),
    _c("dependent_imports_usd", "float64", "USD", "Extra-bloc imports of dependent products"),
    _c("dependent_share_pct", "float64", "percent", "Share of extra-bloc imports in dependent products", nullable=True, ge=0, le=100),
    _c("hhi_imports_threshold", "float64", "", "Cut-off of hhi_imports in a sensitivity sweep", ge=0, le=1),
    _c("hhi_world_threshold", "float64", "", "Cut-off of hhi_world in a sensitivity sweep", ge=0, le=1),
    _c("ratio_threshold", "float64", "ratio", "Cut-off of import_export_ratio in a sensitivity sweep", ge=0),
    _c("partner_exports_usd", "float64", "USD", "Other members' exports available to substitute a member's extra-bloc imports"),
    _c("coverage_ratio", "float64", "ratio", "partner_exports_usd / extra_imports_usd", nullable=True, ge=0),
    _c("is_coverable", "bool", "", "coverage_ratio >= 1"),
    _c("coverable_imports_usd", "float64", "USD", "Sum over products of min(partner exports, extra-bloc imports)"),
    _c("coverable_share_pct", "float64", "percent", "Share of extra-bloc imports coverable by other members' exports", nullable=True, ge=0, le=100),
    _c("n_coverable", "int64", "count", "Number of products with is_coverable"),
    # analysis outputs: priority (coopstats.priority)
    _c("rca_sym", "float64", "", "Symmetric RCA (rca-1)/(rca+1), in [-1, 1]", nullable=True, ge=-1, le=1),
    _c("diversity", "int64", "count", "Number of products with mcp = 1 for a country"),
    _c("ubiquity", "int64", "count", "Number of countries with mcp = 1 for a product"),
    _c("complementarity_index", "float64", "index 0-100", "WITS trade complementarity of exporter and importer", nullable=True, ge=0, le=100),
    _c("similarity_index", "float64", "index 0-100", "Finger-Kreinin export similarity of two countries", nullable=True, ge=0, le=100),
    _c("exports_usd", "float64", "USD", "Exports in current USD"),
    _c("gl_index", "float64", "", "Grubel-Lloyd intra-industry trade index, 0-1", nullable=True, ge=0, le=1),
    _c("score", "float64", "", "Composite priority score (weighted standardised indicators)"),
    _c("mean_rank", "float64", "", "Mean rank over weight draws"),
    _c("rank_p05", "float64", "", "5th percentile of the rank over weight draws"),
    _c("rank_p95", "float64", "", "95th percentile of the rank over weight draws"),
    _c("top_k_pct", "float64", "percent", "Share of weight draws in which a key ranks in the top k", ge=0, le=100),
    _c("top_k", "int64", "count", "Size of the top group in rank_stability"),
    _c("n_draws", "int64", "count", "Number of random weight draws"),
    _c("seed", "int64", "", "Random seed used"),
    # analysis outputs: relatedness and gravity (coopstats.relatedness, coopstats.gravity)
    _c("other_hs6_code", "string", "", "Second product of a product pair (proximity)", str_matches=HS6_REGEX),
    _c("proximity", "float64", "", "Product proximity: minimum conditional probability of joint RCA (0-1)", nullable=True, ge=0, le=1),
    _c("density", "float64", "", "Growth Lab density: proximity-weighted share of a product's neighbours the country has (0-1)", nullable=True, ge=0, le=1),
    _c("coi", "float64", "", "Complexity outlook index, standardised (Growth Lab)", nullable=True),
    _c("cog", "float64", "", "Complexity outlook gain of a product for a country (Growth Lab)", nullable=True),
    _c("relatedness", "float64", "", "OEC relatedness: density with a zero proximity diagonal (0-1)", nullable=True, ge=0, le=1),
    _c("opportunity_gain", "float64", "", "OEC opportunity gain of a product for a country", nullable=True),
    _c("trade_intensity", "float64", "", "WITS trade intensity index (x_ij/X_i)/(x_wj/X_w); >1 more than the world average", nullable=True, ge=0),
    _c("n_members_rca", "int64", "count", "Number of bloc members with RCA >= threshold in a product"),
    _c("relative_year", "int64", "years", "Year minus the event year (event study; 0 = event year)"),
    _c("effect_pct", "float64", "percent", "Effect of a PPML coefficient in percent, 100*(exp(b)-1)", nullable=True),
    _c("n_clusters", "int64", "count", "Number of clusters of the standard errors"),
    # analysis outputs: coverage and mirror flows (coopstats.coverage, coopstats.valuation)
    _c("n_flows", "int64", "count", "Number of trade rows (HS6 flows of one pair and year)"),
    _c("n_pairs", "int64", "count", "Number of exporter-importer pairs with flows"),
    _c("mirror_value_usd", "float64", "USD", "Part of value_usd that comes from mirror flows"),
    _c("mirror_share_pct", "float64", "percent", "Share of value from mirror flows (partners' declarations)", nullable=True, ge=0, le=100),
    _c("flow_bases", "string", "", "Flow bases present in an aggregate, '+'-joined (e.g. mirror+reported)"),
    _c("origin", "string", "", "Where a coverage finding comes from: data (computed) or reference (sourced table)", isin=["data", "reference"]),
    _c("kind", "string", "", "Kind of blackout: pair, reporter or country", isin=["pair", "reporter", "country"]),
    _c("year_from", "int64", "year", "First year of a spell (blackout, non-reporting)"),
    _c("year_to", "int64", "year", "Last year of a spell; empty when open-ended", nullable=True),
    _c("years_checked", "string", "", "Comma-separated years of the data inside a spell"),
    _c("last_year_with_flows", "int64", "year", "Last year before a spell in which flows exist", nullable=True),
    _c("value_last_year_usd", "float64", "USD", "Value in last_year_with_flows", nullable=True),
    _c("status", "string", "", "Outcome of a check: confirmed, flows_present, partners_only, no_flows, not_covered, no_flows_after, absent, absent_after_flows"),
    _c("n_blackouts", "int64", "count", "Number of blackouts touching a year"),
    _c("n_product_gaps", "int64", "count", "Number of expected products without flows in a year"),
    _c("series", "string", "", "Label of one line of a chart: sector and source (coopstats.official_figures.trade_beside_official)"),
    _c("material", "string", "", "Critical raw material named in coopstats/data/critical_materials.csv (English)"),
    _c("material_ru", "string", "", "The same material in Russian"),
    _c("change", "float64", "", "value_end - value_start, in the unit of the measure", nullable=True),
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
