"""World Bank World Development Indicators (WDI) -> the canonical indicators frame.

Two upstream layouts are read:

* **API extract CSV** (as saved with ``wbgapi`` and in ``data/raw/wdi/``): header
  ``economy,<indicator>,<indicator>:T``; one row per economy with the value and the year it
  refers to (the most recent non-empty value).
* **API JSON** (``https://api.worldbank.org/v2/country/all/indicator/<id>?format=json``, what
  ``coopstats data fetch`` downloads): ``[{"page", "pages", "total", ...}, [{"indicator":
  {"id", "value"}, "country": {"id", "value"}, "countryiso3code", "date", "value", "unit",
  "obs_status", "decimal"}, ...]]``. A response with more than one page is an error (a
  truncated download), never silently half-read. The ledger's ``line`` is the 1-based record
  number inside the data array.

Output columns (:data:`coopstats.schemas.INDICATORS`): ``year, country_iso3, indicator,
value, unit, dataset``. ``unit`` comes from ``coopstats/data/wdi_indicators.csv`` (an
indicator not listed there is an error, so every value has a declared unit).

Aggregates rule (explicit and listed): economy codes in ``coopstats/data/wdi_excluded_codes.csv``
- the World Bank's regional, income, lending and demographic aggregates (``AFE``, ``AFW``,
``EMU``, ``WLD``, ...) and ``CHI`` (Channel Islands, not an ISO 3166 code) - are dropped, each
row with a ledger entry quoting the file's reason. Any other code that is not ISO 3166-1
alpha-3 raises :class:`~coopstats.errors.UnmappedCodeError`, so an aggregate the World Bank
adds later cannot pass as a country.

Source: World Bank, World Development Indicators (https://datacatalog.worldbank.org/, licence
CC BY 4.0).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import geo, reference
from ..errors import DataFileError, InvalidParameterError, UnmappedCodeError
from ..ledger import Cleaned, chain, empty_ledger, reject_rows, validate_rows
from ..schemas import INDICATORS, indicators_schema
from ._text import decode_bytes, parse_json, read_csv_strict

__all__ = [
    "EXCLUDED_CODES_FILE",
    "INDICATORS_FILE",
    "excluded_codes",
    "indicator_units",
    "decode_strict",
    "read_wdi",
    "drop_excluded_economies",
]

#: Versioned list of dropped economy codes (code, name, kind, reason, source).
EXCLUDED_CODES_FILE = "wdi_excluded_codes.csv"
#: Indicator code -> unit of its values.
INDICATORS_FILE = "wdi_indicators.csv"

_STEP = "wdi"


@lru_cache(maxsize=1)
def _excluded() -> pd.DataFrame:
    return reference.read_table(
        EXCLUDED_CODES_FILE, ["code", "name", "kind", "reason", "source"], blank=None
    )


def excluded_codes() -> pd.DataFrame:
    """Return the economy codes :func:`read_wdi` drops: ``code, name, kind, reason, source``."""
    return _excluded().reset_index(drop=True).copy()


@lru_cache(maxsize=1)
def _units() -> pd.DataFrame:
    return reference.read_table(
        INDICATORS_FILE, ["indicator", "unit", "name", "source"], blank=None
    )


def indicator_units() -> pd.DataFrame:
    """Known WDI indicators with the unit of their values: ``indicator, unit, name, source``."""
    return _units().reset_index(drop=True).copy()


def decode_strict(path: str | Path, *, encoding: str = "utf-8-sig", delimiter: str = ",") -> str:
    """Read a text file, raising a located error on the first undecodable byte.

    Parameters
    ----------
    path
        The file.
    encoding
        Expected encoding (``utf-8-sig`` accepts and strips a BOM).
    delimiter
        Used to tell which column of the header the bad byte falls in.

    Raises
    ------
    DataFileError
        Naming file, 1-based line, the column (header field) and the byte, with a hint.
    """
    path = Path(path)
    return decode_bytes(
        path.read_bytes(),
        path,
        encoding=encoding,
        delimiter=delimiter,
        hint="the file must be UTF-8; re-save it as UTF-8 (Excel: 'CSV UTF-8') or re-download it",
    )


def read_wdi(path: str | Path, *, dataset: str = "WDI") -> Cleaned:
    """Read a WDI API extract (CSV) or API response (JSON) into the indicators frame.

    Parameters
    ----------
    path
        ``<indicator>.csv`` in the extract layout ``economy,<indicator>,<indicator>:T``, or a
        ``.json`` response of the World Bank API v2.
    dataset
        Written to the ``dataset`` column (name the vintage if you know it, e.g. ``WDI_2024-06``).

    Returns
    -------
    Cleaned
        ``kept``: columns ``year, country_iso3, indicator, value, unit, dataset`` indexed by
        source line (record number for JSON); ``ledger``: dropped aggregates, unparsable
        values and schema failures, one entry each. ``rows_in = kept + rejected``.

    Raises
    ------
    DataFileError
        Encoding, delimiter, missing column, truncated record or truncated (multi-page) JSON,
        naming file, line and column.
    UnmappedCodeError
        An indicator without a unit in ``wdi_indicators.csv``, or economy codes that are
        neither ISO 3166 alpha-3 nor listed in ``wdi_excluded_codes.csv``.

    References
    ----------
    World Bank (2024). World Development Indicators. https://datatopics.worldbank.org/world-development-indicators/
    """
    if not isinstance(dataset, str) or not dataset:
        raise InvalidParameterError("dataset", dataset, "a non-empty string")
    path = Path(path)
    if path.suffix.lower() == ".json":
        raw, parsed = _read_json(path, dataset=dataset)
    else:
        raw, parsed = _read_extract(path, dataset=dataset)
    dropped = drop_excluded_economies(
        parsed.kept,
        file=path,
        source_column="countryiso3code" if path.suffix.lower() == ".json" else "economy",
    )
    _check_iso3(dropped.kept["country_iso3"], path)
    valid = validate_rows(
        dropped.kept[INDICATORS], indicators_schema(coerce=True), step=_STEP, file=path
    )
    out = chain(parsed, dropped, valid)
    ledger = out.ledger.copy()
    if path.suffix.lower() != ".json":  # name the file's own columns in the ledger
        indicator = raw.columns[1]
        ledger["column"] = ledger["column"].replace(
            {"year": f"{indicator}:T", "value": indicator, "country_iso3": "economy"}
        )
    return Cleaned(out.kept, ledger, _STEP, len(raw)).check()


def _read_extract(path: Path, *, dataset: str) -> tuple[pd.DataFrame, Cleaned]:
    text = decode_strict(path)
    header = io.StringIO(text, newline=None).readline().rstrip("\r\n").split(",")
    time_cols = [c for c in header if c.endswith(":T")]
    others = [c for c in header if c != "economy" and not c.endswith(":T")]
    if len(time_cols) == 1:
        indicator = time_cols[0][:-2]
    elif len(others) == 1:  # the year column is missing: name it after the value column
        indicator = others[0]
    else:
        indicator = path.stem
    required = ["economy", indicator, f"{indicator}:T"]
    raw = read_csv_strict(path, required=required, text=text)
    if len(raw.columns) != 3:
        extra = [c for c in raw.columns if c not in required]
        raise DataFileError(
            f"unexpected column(s) {extra}",
            path=path,
            line=1,
            column=extra[0],
            hint="a WDI extract has exactly the columns economy,<indicator>,<indicator>:T",
        )
    unit = _unit_of(indicator, path)
    frame = pd.DataFrame(
        {
            "country_iso3": raw["economy"].str.strip(),
            "indicator": indicator,
            "value_raw": raw[indicator],
            "year_raw": raw[f"{indicator}:T"],
            "unit": unit,
            "dataset": dataset,
        },
        index=raw.index,
    )
    return raw, _parse_numbers(frame, path, value_col=indicator, year_col=f"{indicator}:T")


def _read_json(path: Path, *, dataset: str) -> tuple[pd.DataFrame, Cleaned]:
    text = decode_strict(path, encoding="utf-8-sig")
    doc = parse_json(text, path, hint="the download may be truncated; fetch it again")
    if isinstance(doc, list) and len(doc) == 1 and isinstance(doc[0], dict) and "message" in doc[0]:
        raise DataFileError(
            f"the API returned an error: {doc[0]['message']}",
            path=path,
            line=1,
            hint="check the indicator code and query of the URL",
        )
    if not (
        isinstance(doc, list)
        and len(doc) == 2
        and isinstance(doc[0], dict)
        and isinstance(doc[1], list)
    ):
        raise DataFileError(
            "expected the World Bank API v2 shape [metadata, records]", path=path, line=1
        )
    meta, records = doc
    pages = int(meta.get("pages", 1) or 1)
    if pages > 1:
        raise DataFileError(
            f"only page {meta.get('page')} of {pages} is in the file ({len(records)} of "
            f"{meta.get('total')} records)",
            path=path,
            line=1,
            column="pages",
            value=pages,
            hint="download with per_page large enough for one page",
        )
    total = meta.get("total")
    if total is not None and int(total) != len(records):
        raise DataFileError(
            f"'total' says {total} records but the file holds {len(records)}", path=path, line=1,
            column="total", value=total, hint="the download is truncated; fetch it again",
        )
    needed = ("indicator", "countryiso3code", "date", "value")
    rows = []
    for n, rec in enumerate(records, start=1):
        missing = [k for k in needed if not isinstance(rec, dict) or k not in rec]
        if missing:
            raise DataFileError(
                f"record lacks field(s) {missing}",
                path=path,
                line=n,
                column=missing[0],
                hint="line = record number in the data array",
            )
        ind = rec["indicator"]["id"] if isinstance(rec["indicator"], dict) else rec["indicator"]
        rows.append(
            {
                "country_iso3": (rec["countryiso3code"] or "").strip(),
                "indicator": str(ind),
                "value_raw": None if rec["value"] is None else str(rec["value"]),
                "year_raw": str(rec["date"]),
            }
        )
    raw = pd.DataFrame(rows, columns=["country_iso3", "indicator", "value_raw", "year_raw"])
    raw.index = pd.Index(range(1, len(raw) + 1), name="line")
    units = {i: _unit_of(i, path) for i in sorted(raw["indicator"].unique())}
    frame = raw.assign(unit=raw["indicator"].map(units).astype("string"), dataset=dataset)
    frame["country_iso3"] = frame["country_iso3"].astype("string")
    return raw, _parse_numbers(frame, path, value_col="value", year_col="date")


def _unit_of(indicator: str, path: Path) -> str:
    units = _units().set_index("indicator")["unit"]
    if indicator not in units.index:
        raise UnmappedCodeError(
            [indicator], what="WDI indicator", crosswalk=geo.data_path(INDICATORS_FILE), source=path
        )
    return str(units[indicator])


def _parse_numbers(frame: pd.DataFrame, path: Path, *, value_col: str, year_col: str) -> Cleaned:
    """Parse value (empty -> missing, kept) and year; unparsable cells are rejected."""
    value = pd.to_numeric(frame["value_raw"], errors="coerce")
    bad_value = frame["value_raw"].notna() & value.isna()
    step1 = reject_rows(
        frame,
        bad_value,
        step=_STEP,
        file=path,
        rule="value_not_numeric",
        column="value_raw",
        reason=f"column {value_col!r} is not a number",
    )
    kept = step1.kept
    year = pd.to_numeric(kept["year_raw"], errors="coerce")
    bad_year = year.isna() | (year != np.floor(year))
    step2 = reject_rows(
        kept,
        bad_year,
        step=_STEP,
        file=path,
        rule="year_not_integer",
        column="year_raw",
        reason=f"column {year_col!r} is not a year",
    )
    out = step2.kept.copy()
    out["value"] = pd.to_numeric(out["value_raw"], errors="coerce").astype("float64")
    out["year"] = pd.to_numeric(out["year_raw"]).astype("int64")
    for led in (step1.ledger, step2.ledger):
        led["column"] = led["column"].replace({"value_raw": value_col, "year_raw": year_col})
    done = Cleaned(
        out.drop(columns=["value_raw", "year_raw"]),
        pd.concat([step1.ledger, step2.ledger], ignore_index=True),
        _STEP,
        len(frame),
    )
    return done.check()


def drop_excluded_economies(
    frame: pd.DataFrame,
    *,
    file: str | Path,
    column: str = "country_iso3",
    source_column: str | None = None,
) -> Cleaned:
    """Drop rows whose economy code is listed in ``wdi_excluded_codes.csv``, with ledger entries.

    Parameters
    ----------
    frame
        Rows indexed by source line, with the economy code in ``column``.
    file
        Source file, for the ledger.
    column
        Column holding the World Bank economy code.
    source_column
        Name of that column in the raw file, for the ledger (default: ``column``).

    Returns
    -------
    Cleaned
        Each dropped row's ledger entry has rule ``wdi_<kind>`` (e.g. ``wdi_aggregate``) and the
        listed reason.
    """
    table = _excluded().set_index("code")
    kind = frame[column].astype("string").map(table["kind"])
    rest, ledgers = frame, []
    for k in sorted(kind.dropna().unique()):
        mask = (kind.reindex(rest.index) == k).fillna(False).astype(bool)
        reasons = [
            f"{c} ({table.at[c, 'name']}): {table.at[c, 'reason']}" for c in rest.loc[mask, column]
        ]
        step = reject_rows(
            rest, mask, step=_STEP, file=file, rule=f"wdi_{k}", column=column, reason=reasons
        )
        ledgers.append(step.ledger)
        rest = step.kept
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else empty_ledger()
    if source_column:
        ledger["column"] = ledger["column"].replace({column: source_column})
    return Cleaned(rest, ledger, _STEP, len(frame)).check()


def _check_iso3(codes: pd.Series, path: Path) -> None:
    """Raise UnmappedCodeError for codes that are not ISO 3166-1 alpha-3 (nor excluded)."""
    unique = sorted({str(c) for c in codes.dropna().unique()})
    bad = [c for c in unique if len(c) != 3 or not c.isalpha() or not c.isupper()]
    candidates = [c for c in unique if c not in bad]
    try:
        mapped = geo.to_iso3(candidates)
    except UnmappedCodeError as exc:
        bad += list(exc.values)
    else:
        bad += [c for c, m in zip(candidates, mapped, strict=True) if m != c]
    if bad:
        raise UnmappedCodeError(
            bad, what="WDI economy code", crosswalk=geo.data_path(EXCLUDED_CODES_FILE), source=path
        )
