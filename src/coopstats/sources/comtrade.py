"""UN Comtrade (API v1 JSON, its CSV download, bulk files) -> declarations -> canonical trade.

Reading
-------
:func:`read_comtrade_records` reads what the official API and ``comtradeapicall`` produce:

* **JSON** of ``/data/v1/get/C/A/HS`` or ``/public/v1/preview/C/A/HS``:
  ``{"elapsedTime": .., "count": n, "data": [{"typeCode", "freqCode", "refPeriodId",
  "refYear", "refMonth", "period", "reporterCode", "reporterISO", "reporterDesc", "flowCode",
  "flowDesc", "partnerCode", "partnerISO", "partnerDesc", "partner2Code", ...,
  "classificationCode", "cmdCode", "aggrLevel", "customsCode", "motCode", "qty", "netWgt",
  "cifvalue", "fobvalue", "primaryValue", "isReported", "isAggregate", ...}], "error": ""}``.
  The ledger's ``line`` is the 1-based record number in ``data``. A record count equal to an
  API cap (500 preview, 100 000 / 250 000 final) raises a warning: the answer may be cut.
* **CSV** (``format=csv`` or a download from comtradeplus.un.org): comma-separated, the same
  field names (matched case-insensitively, so the bulk files' ``PrimaryValue`` spelling works).
* **Bulk files** (``COMTRADE-FINAL-CA643...[date].gz`` or the decompressed ``.txt``):
  tab-separated, same fields.

Each declaration becomes one row of the *declarations* frame: ``year, reporter_iso3,
partner_iso3, trade_flow (export|import), exporter_iso3, importer_iso3, hs6_code, hs_revision,
value_usd (= primaryValue), quantity_t (= netWgt / 1000), valuation (FOB for exports, CIF for
imports), dataset``. Rows that are not annual goods trade at HS6 between two countries -
partner World, the EU, 'nes' areas and other codes in ``comtrade_excluded_codes.csv``,
re-exports/re-imports, mode-of-transport/customs/partner2 breakdown rows, chapter or heading
totals - go to the ledger with their reason. Country codes are Comtrade's numeric codes (the
same as BACI V202201: 842 USA, 251 FRA, 699 IND, 757 CHE) and are mapped with
:func:`coopstats.geo.baci_to_iso3`.

Reported and mirror flows
-------------------------
:func:`to_trade` turns declarations into the canonical trade frame, one value per (year,
exporter, importer, HS6). Every flow can be declared twice: by the exporter (FOB) and by the
importer (CIF). ``prefer`` names the side whose declaration is used (default the importer's,
the usual choice because imports are recorded more completely). A value from that side is
``flow_basis = "reported"``; when that side did not declare the flow, or is a listed
non-reporter for that year and product (Russia from 2022, Belarus's classified chapters; see
``comtrade_non_reporters.csv`` and :func:`non_reporters`), the partner's declaration is used
and marked ``"mirror"``. So with ``prefer="importer"`` Russia's 2022 imports from Kazakhstan
are Kazakhstan's declared exports (``mirror``), while Russia's exports to Kazakhstan are
Kazakhstan's declared imports (``reported``, as in any year). :func:`mirror_flows` returns
just the flows substituted for non-reporters.

**CIF/FOB caveat.** A mirror value has the other valuation: with ``prefer="importer"`` the
frame holds CIF imports but FOB mirror values, which are lower by freight and insurance
(typically a few percent; CEPII's BACI estimates the CIF/FOB ratio by distance and product).
coopstats does not adjust them - compare like with like, or use BACI (reconciled, FOB) when the
difference matters. Inside the EAEU, mutual trade is compiled from "statistics of mutual trade"
rather than customs declarations, so mirror gaps between members are larger than usual.

Source: United Nations Statistics Division, UN Comtrade Database, https://comtradeplus.un.org/
(API: https://comtradedeveloper.un.org/). Terms: free for non-commercial use.
"""

from __future__ import annotations

import csv
import io
import warnings
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .. import geo, hs, reference
from ..errors import (
    CoopstatsWarning,
    DataFileError,
    InvalidParameterError,
    LimitExceededError,
    UnmappedCodeError,
)
from ..ledger import Cleaned, chain, reject_rows, validate_rows
from ..schemas import TRADE, schema_for, trade_schema
from ._text import csv_records, decode_bytes, parse_json, read_csv_strict

__all__ = [
    "REQUIRED_FIELDS",
    "RECORDS",
    "HS_REVISIONS",
    "API_RECORD_CAPS",
    "excluded_codes",
    "non_reporters",
    "read_comtrade_records",
    "to_trade",
    "mirror_flows",
    "read_comtrade",
]

#: Fields every Comtrade record must have (API v1 names; matched case-insensitively).
REQUIRED_FIELDS = (
    "typeCode",
    "freqCode",
    "refYear",
    "reporterCode",
    "flowCode",
    "partnerCode",
    "classificationCode",
    "cmdCode",
    "primaryValue",
)
_OPTIONAL_FIELDS = ("netWgt", "partner2Code", "customsCode", "motCode", "aggrLevel")
#: Columns of the declarations frame.
RECORDS = [
    "year",
    "reporter_iso3",
    "partner_iso3",
    "trade_flow",
    "exporter_iso3",
    "importer_iso3",
    "hs6_code",
    "hs_revision",
    "value_usd",
    "quantity_t",
    "valuation",
    "dataset",
]
_RECORDS_KEY = ["year", "reporter_iso3", "partner_iso3", "trade_flow", "hs6_code"]
#: Comtrade classification codes -> coopstats HS revision names.
HS_REVISIONS = {
    "H0": "HS92",
    "H1": "HS96",
    "H2": "HS02",
    "H3": "HS07",
    "H4": "HS12",
    "H5": "HS17",
    "H6": "HS22",
}
#: Record counts at which the API silently truncates an answer.
API_RECORD_CAPS = (500, 100_000, 250_000)
#: Largest decompressed size of a gzipped bulk file (a gzip bomb stops here, not in memory):
#: 4 GiB, far above a yearly bulk file of one reporter.
MAX_DECOMPRESSED_BYTES = 4 << 30
_STEP = "comtrade"


@lru_cache(maxsize=1)
def _excluded() -> pd.DataFrame:
    table = reference.read_table(
        "comtrade_excluded_codes.csv", ["code", "name", "reason", "source"], blank=None
    )
    return table.assign(code=table["code"].astype(int)).set_index("code")


def excluded_codes() -> pd.DataFrame:
    """Comtrade partner/reporter codes that are not countries: ``code, name, reason, source``."""
    return _excluded().reset_index()


def non_reporters(path: str | Path | None = None) -> pd.DataFrame:
    """Return the listed non-reporters (``country_iso3, year_from, year_to, hs_prefix, ...``).

    A row means: the country's own declarations are missing or withheld from ``year_from``
    to ``year_to`` (open-ended when empty) for products whose HS code starts with
    ``hs_prefix`` (all products when empty). Default file:
    ``coopstats/data/comtrade_non_reporters.csv``
    (Russia from 2022; Belarus's classified chapters 27, 31 and headings 8701, 8704 from 2022).
    Pass your own frame with these columns to :func:`to_trade` to change the list.
    """
    path = Path(path) if path is not None else geo.data_path("comtrade_non_reporters.csv")
    table = read_csv_strict(
        path, required=["country_iso3", "year_from", "year_to", "hs_prefix", "reason", "source"]
    )
    return _check_non_reporters(table.reset_index(drop=True), source=path)


def _check_non_reporters(table: pd.DataFrame, *, source: object) -> pd.DataFrame:
    need = ["country_iso3", "year_from", "year_to", "hs_prefix"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise InvalidParameterError(
            "non_reporters", list(table.columns), need, why=f"missing column(s) {missing}"
        )
    out = table.copy()
    out["year_from"] = pd.to_numeric(out["year_from"], errors="raise").astype("Int64")
    out["year_to"] = pd.to_numeric(out["year_to"], errors="raise").astype("Int64")
    out["hs_prefix"] = out["hs_prefix"].astype("string").fillna("")
    bad = out[~out["hs_prefix"].str.fullmatch(r"(\d{2}){0,3}")]
    if not bad.empty:
        raise InvalidParameterError(
            "non_reporters.hs_prefix",
            bad["hs_prefix"].tolist(),
            "empty or 2, 4 or 6 digits",
            why=f"in {source}",
        )
    return out


# ----------------------------------------------------------------------------- reading
def _gunzip(raw: bytes, path: Path, limit: int) -> bytes:
    """Decompress every gzip member of ``raw``, refusing more than ``limit`` bytes of output."""
    out, total = [], 0
    while raw:
        d = zlib.decompressobj(wbits=31)
        part = d.decompress(raw, limit + 1 - total)
        total += len(part)
        if total > limit or d.unconsumed_tail:
            raise LimitExceededError(
                f"the gzip stream decompresses to more than {limit} bytes",
                limit="MAX_DECOMPRESSED_BYTES",
                allowed=limit,
                path=path,
            )
        if not d.eof:
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
        out.append(part)
        raw = d.unused_data
    return b"".join(out)


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = _gunzip(raw, path, MAX_DECOMPRESSED_BYTES)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataFileError(
                f"gzip stream is damaged ({exc})",
                path=path,
                hint="the download is probably truncated; fetch it again",
            ) from None
    return decode_bytes(
        raw,
        path,
        delimiter=None,  # tab or comma, as in the header
        name="UTF-8",
        hint="UN Comtrade files are UTF-8; re-download the file instead of re-saving it in "
        "another encoding",
    )


def _canonical_names(columns: list[str], path: Path, line: int | None) -> dict[str, str]:
    lower = {c.lower(): c for c in columns}
    rename = {}
    missing = []
    for field in (*REQUIRED_FIELDS, *_OPTIONAL_FIELDS):
        if field.lower() in lower:
            rename[lower[field.lower()]] = field
        elif field in REQUIRED_FIELDS:
            missing.append(field)
    if missing:
        guess = ""
        if len(columns) == 1 and any(d in columns[0] for d in ";|"):
            guess = " The header looks delimited by something other than ',' or a tab."
        raise DataFileError(
            f"missing field(s) {missing}; found "
            f"{columns[:12]}{'...' if len(columns) > 12 else ''}.{guess}",
            path=path,
            line=line,
            column=missing[0],
            hint=f"a UN Comtrade API v1 record has the fields {list(REQUIRED_FIELDS)} (and more)",
        )
    return rename


def _read_json(path: Path, text: str) -> pd.DataFrame:
    doc = parse_json(text, path, hint="the response may be truncated; fetch it again")
    if isinstance(doc, list):
        raise DataFileError(
            f"the file holds a bare JSON list ({len(doc)} item(s)), not the UN Comtrade API v1 "
            "answer {'count': n, 'data': [...]}"
            + (" nor CSV" if path.suffix.lower() != ".json" else ""),
            path=path,
            line=1,
            hint="save the API's JSON answer unchanged, as a .json file",
        )
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise DataFileError(
            "expected the UN Comtrade API v1 shape {'count': n, 'data': [...]}",
            path=path,
            line=1,
            column="data",
            hint="save the API's JSON answer unchanged",
        )
    if doc.get("error"):
        raise DataFileError(
            f"the API answered with an error: {doc['error']}", path=path, line=1, column="error"
        )
    data = doc["data"]
    if "count" in doc and doc["count"] is not None and int(doc["count"]) != len(data):
        raise DataFileError(
            f"'count' says {doc['count']} records but 'data' holds {len(data)}",
            path=path,
            column="count",
            value=doc["count"],
            hint="the response is truncated; fetch it again",
        )
    if len(data) in API_RECORD_CAPS:
        warnings.warn(
            f"{path}: {len(data)} records is an API cap; the answer may be cut off - split the "
            "query",
            CoopstatsWarning,
            stacklevel=3,
        )
    if not data:
        return pd.DataFrame(
            columns=list(REQUIRED_FIELDS), index=pd.Index([], name="line"), dtype="string"
        )
    for n, rec in enumerate(data, start=1):
        if not isinstance(rec, dict):
            raise DataFileError(
                "record is not an object", path=path, line=n, hint="line = record number in 'data'"
            )
    rename = _canonical_names(list(data[0]), path, 1)
    rows = []
    for n, rec in enumerate(data, start=1):
        got = {rename[k]: v for k, v in rec.items() if k in rename}
        missing = [f for f in REQUIRED_FIELDS if f not in got]
        if missing:
            raise DataFileError(
                f"record lacks field(s) {missing}",
                path=path,
                line=n,
                column=missing[0],
                hint="line = record number in 'data'",
            )
        rows.append({k: (None if v is None else str(v)) for k, v in got.items()})
    frame = pd.DataFrame(rows, dtype="string")
    frame.index = pd.Index(range(1, len(frame) + 1), name="line")
    return frame


def _read_delimited(path: Path, text: str) -> pd.DataFrame:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataFileError("the file is empty", path=path, line=1) from None
    rename = _canonical_names(header, path, 1)
    rows, lines = csv_records(
        reader,
        header,
        path,
        delimiter=delimiter,
        # a short record names the first missing field, a long one its extra field's number
        column_of=lambda rec: header[len(rec)] if len(rec) < len(header) else f"field {len(rec)}",
        hint="the file may be truncated, or the delimiter/quoting is wrong",
    )
    frame = pd.DataFrame(rows, columns=header, dtype="string").replace("", pd.NA)
    frame.index = pd.Index(lines, name="line")
    return frame[list(rename)].rename(columns=rename)


def read_comtrade_records(path: str | Path, *, dataset: str | None = None) -> Cleaned:
    """Read a UN Comtrade JSON response, CSV download or bulk file into declarations.

    Parameters
    ----------
    path
        ``.json`` (API v1 answer), ``.csv`` (comma), ``.txt`` or ``.gz`` (bulk, tab-separated).
    dataset
        Value of the ``dataset`` column; default ``UN_COMTRADE_<revision>`` per row.

    Returns
    -------
    Cleaned
        ``kept``: columns :data:`RECORDS`, indexed by line (JSON: record number). ``ledger``:
        each dropped record with the rule and reason. ``rows_in = kept + rejected``.

    Raises
    ------
    DataFileError
        Undecodable bytes, wrong delimiter, missing field, truncated file or JSON, an API
        error message - naming file, line and column.
    UnmappedCodeError
        Reporter/partner codes neither in :func:`coopstats.geo.baci_to_iso3`'s crosswalk nor
        in ``comtrade_excluded_codes.csv`` (all of them listed).
    """
    path = Path(path)
    text = _decode(path)
    # JSON is recognised by its content, whatever the extension (a JSON list saved as .csv
    # would otherwise be parsed as a one-line CSV with a meaningless header)
    is_json = text.lstrip()[:1] in ("{", "[")
    raw = _read_json(path, text) if is_json else _read_delimited(path, text)
    for field in _OPTIONAL_FIELDS:
        if field not in raw.columns:
            raw[field] = pd.Series(pd.NA, index=raw.index, dtype="string")
    return _declarations(raw, path, dataset=dataset)


def _reject(frame: pd.DataFrame, mask, rule: str, reason: str, column: str, path: Path) -> Cleaned:
    mask = pd.Series(mask, index=frame.index).fillna(False).astype(bool)
    return reject_rows(frame, mask, step=_STEP, file=path, rule=rule, column=column, reason=reason)


def _country_iso3(frame: pd.DataFrame, side: str, path: Path, **options) -> pd.Series:
    """ISO3 of the Comtrade country codes in ``frame[side]``; unknown codes are a Comtrade error.

    Comtrade's numeric codes are looked up in the crosswalk shared with BACI V202201
    (:func:`coopstats.geo.baci_to_iso3`); a code it does not know is reported as a UN Comtrade
    code of this file, with its first line and column, not as a BACI problem.
    """
    codes = pd.to_numeric(frame[side]).astype(int)
    try:
        return geo.baci_to_iso3(codes, **options)
    except UnmappedCodeError as exc:
        bad = {str(v) for v in exc.values}
        hit = codes.astype(str).isin(bad)
        first = frame.index[hit.to_numpy()][0] if hit.any() else None
        raise UnmappedCodeError(
            exc.values,
            what=f"UN Comtrade {side} code",
            crosswalk=geo.data_path("comtrade_excluded_codes.csv"),
            source=f"{path}:{first} (column {side!r})" if first is not None else path,
        ) from None


def _declarations(raw: pd.DataFrame, path: Path, *, dataset: str | None) -> Cleaned:
    steps = []
    f = raw
    checks = [
        ("not_goods", lambda d: d["typeCode"] != "C", "typeCode is not C (goods)", "typeCode"),
        (
            "not_annual",
            lambda d: d["freqCode"] != "A",
            "freqCode is not A: the trade frame is annual",
            "freqCode",
        ),
        (
            "flow_not_x_or_m",
            lambda d: ~d["flowCode"].isin(["X", "M"]),
            "only exports (X) and imports (M) are used; re-exports, re-imports and other flows "
            "are not",
            "flowCode",
        ),
        (
            "breakdown_partner2",
            lambda d: d["partner2Code"].notna() & (d["partner2Code"] != "0"),
            "second-partner breakdown row; the total row (partner2Code 0) is used",
            "partner2Code",
        ),
        (
            "breakdown_mot",
            lambda d: d["motCode"].notna() & (d["motCode"] != "0"),
            "mode-of-transport breakdown row; the total row (motCode 0) is used",
            "motCode",
        ),
        (
            "breakdown_customs",
            lambda d: d["customsCode"].notna() & (d["customsCode"] != "C00"),
            "customs-procedure breakdown row; the total row (customsCode C00) is used",
            "customsCode",
        ),
        (
            "not_hs6",
            lambda d: ~hs.is_hs6(d["cmdCode"]),
            "cmdCode is not a 6-digit HS code (a total, chapter or heading)",
            "cmdCode",
        ),
        (
            "classification_not_hs",
            lambda d: ~d["classificationCode"].isin(list(HS_REVISIONS)),
            f"classificationCode must be one of {list(HS_REVISIONS)}",
            "classificationCode",
        ),
        (
            "value_not_numeric",
            lambda d: pd.to_numeric(d["primaryValue"], errors="coerce").isna(),
            "primaryValue is missing or not a number",
            "primaryValue",
        ),
        (
            "value_negative",
            lambda d: pd.to_numeric(d["primaryValue"], errors="coerce") < 0,
            "primaryValue is negative",
            "primaryValue",
        ),
        (
            "year_not_integer",
            lambda d: ~d["refYear"].fillna("").str.fullmatch(r"\d{4}"),
            "refYear is not a 4-digit year",
            "refYear",
        ),
        (
            "net_weight_not_numeric",
            lambda d: d["netWgt"].notna() & pd.to_numeric(d["netWgt"], errors="coerce").isna(),
            "netWgt is not a number",
            "netWgt",
        ),
    ]
    for rule, test, reason, column in checks:
        step = _reject(f, test(f), rule, reason, column, path)
        steps.append(step)
        f = step.kept
    excluded = _excluded()
    for side in ("reporterCode", "partnerCode"):
        codes = pd.to_numeric(f[side], errors="coerce")
        bad_code = codes.isna()
        step = _reject(
            f, bad_code, f"{side}_not_numeric", f"{side} is not a numeric Comtrade code", side, path
        )
        steps.append(step)
        f = step.kept
        codes = pd.to_numeric(f[side]).astype(int)
        hit = codes.isin(excluded.index)
        reasons = [
            f"{c} ({excluded.at[c, 'name']}): {excluded.at[c, 'reason']}" for c in codes[hit]
        ]
        step = reject_rows(
            f,
            hit,
            step=_STEP,
            file=path,
            rule=f"{side}_not_a_country",
            column=side,
            reason=reasons if reasons else "",
        )
        steps.append(step)
        f = step.kept
    for side in ("reporterCode", "partnerCode"):
        iso = _country_iso3(f, side, path, unassigned="na")
        step = _reject(
            f,
            iso.isna().to_numpy(),
            f"{side}_unassigned",
            f"{side} is a 'nes' area without a country in the crosswalk "
            "(coopstats.geo.baci_to_iso3)",
            side,
            path,
        )
        steps.append(step)
        f = step.kept
    reporter = _country_iso3(f, "reporterCode", path).astype("string")
    partner = _country_iso3(f, "partnerCode", path).astype("string")
    is_x = f["flowCode"] == "X"
    revision = f["classificationCode"].map(HS_REVISIONS).astype("string")
    out = pd.DataFrame(
        {
            "year": pd.to_numeric(f["refYear"]).astype("int64"),
            "reporter_iso3": reporter.to_numpy(),
            "partner_iso3": partner.to_numpy(),
            "trade_flow": np.where(is_x, "export", "import"),
            "exporter_iso3": np.where(is_x, reporter, partner),
            "importer_iso3": np.where(is_x, partner, reporter),
            "hs6_code": f["cmdCode"],
            "hs_revision": revision,
            "value_usd": pd.to_numeric(f["primaryValue"]).astype("float64"),
            "quantity_t": pd.to_numeric(f["netWgt"], errors="coerce").astype("float64") / 1000.0,
            "valuation": np.where(is_x, "FOB", "CIF"),
            "dataset": dataset if dataset is not None else ("UN_COMTRADE_" + revision),
        },
        index=f.index,
    )
    schema = schema_for(
        RECORDS,
        unique=_RECORDS_KEY,
        coerce=True,
        name="comtrade_records",
        overrides={
            "reporter_iso3": {"str_matches": r"^[A-Z]{3}$"},
            "partner_iso3": {"str_matches": r"^[A-Z]{3}$"},
        },
    )
    steps.append(validate_rows(out, schema, step=_STEP, file=path))
    done = chain(*steps)
    return Cleaned(done.kept, done.ledger, _STEP, len(raw)).check()


# ----------------------------------------------------------------------------- reported vs mirror
def _listed(records: pd.DataFrame, table: pd.DataFrame, country_col: str) -> pd.Series:
    """Flag rows where ``country_col`` is a listed non-reporter for the row's year and HS6 code."""
    hit = pd.Series(False, index=records.index)
    for row in table.itertuples(index=False):
        m = records[country_col] == row.country_iso3
        m &= records["year"] >= int(row.year_from)
        if not pd.isna(row.year_to):
            m &= records["year"] <= int(row.year_to)
        if row.hs_prefix:
            m &= records["hs6_code"].str.startswith(row.hs_prefix)
        hit |= m.fillna(False)
    return hit


def to_trade(
    records: pd.DataFrame,
    *,
    prefer: Literal["importer", "exporter"] = "importer",
    non_reporters_table: pd.DataFrame | None = None,
    file: str | Path = "comtrade declarations",
) -> Cleaned:
    """One value per flow from the declarations, marked ``reported`` or ``mirror``.

    For each (year, exporter, importer, HS6) the declaration of the ``prefer`` side is used
    (``flow_basis="reported"``) unless that side did not declare the flow or is a listed
    non-reporter for that year and product; then the other side's declaration is used
    (``flow_basis="mirror"``). Declarations by listed non-reporters, and declarations
    superseded by the preferred side's, go to the ledger - nothing is dropped silently.

    Parameters
    ----------
    records
        The declarations frame (:data:`RECORDS`) from :func:`read_comtrade_records`.
    prefer
        ``"importer"`` (CIF values, the usual choice) or ``"exporter"`` (FOB values).
    non_reporters_table
        ``country_iso3, year_from, year_to, hs_prefix`` (see :func:`non_reporters`, the default).
    file
        Name used in ledger entries.

    Returns
    -------
    Cleaned
        ``kept``: canonical trade frame (:data:`coopstats.schemas.TRADE`), validated;
        ``ledger``: unused declarations with the reason. ``rows_in`` = declarations.

    Notes
    -----
    Mirror values carry the other side's valuation (FOB vs CIF); see the module docstring.
    The two sides of a flow are paired only within one HS revision: an answer of the API's
    "as reported" classification (``clCode=HS``) mixes H4/H5/H6 across reporters, and a code
    may change meaning between revisions, so such declarations stay separate rows in their
    own ``dataset`` (``UN_COMTRADE_HS17``, ``UN_COMTRADE_HS22``).
    """
    if prefer not in ("importer", "exporter"):
        raise InvalidParameterError("prefer", prefer, ["importer", "exporter"])
    table = (
        non_reporters()
        if non_reporters_table is None
        else _check_non_reporters(non_reporters_table, source="non_reporters_table")
    )
    missing = [c for c in RECORDS if c not in records.columns]
    if missing:
        raise InvalidParameterError("records", missing, RECORDS, why="missing declaration columns")
    recs = records.copy()
    own_flow = "import" if prefer == "importer" else "export"
    by_listed = _listed(recs, table, "reporter_iso3")
    step1 = reject_rows(
        recs,
        by_listed,
        step=_STEP,
        file=file,
        rule="declared_by_listed_non_reporter",
        column="reporter_iso3",
        reason="declaration by a listed non-reporter for this year and product; partners' "
        "declarations are used instead",
    )
    recs = step1.kept
    key = ["year", "exporter_iso3", "importer_iso3", "hs6_code", "hs_revision"]
    preferred = recs["trade_flow"] == own_flow
    has_preferred = recs.assign(_p=preferred).groupby(key)["_p"].transform("any")
    superseded = ~preferred & has_preferred
    step2 = reject_rows(
        recs,
        superseded,
        step=_STEP,
        file=file,
        rule="superseded_by_preferred_side",
        column="trade_flow",
        reason=f"the {prefer}'s declaration of the same flow is used (prefer={prefer!r})",
    )
    kept = step2.kept
    basis = np.where(kept["trade_flow"] == own_flow, "reported", "mirror")
    trade = kept.assign(flow_basis=basis)[TRADE]
    valid = validate_rows(trade, trade_schema(coerce=True), step=_STEP, file=file)
    done = chain(step1, step2, valid)
    return Cleaned(done.kept, done.ledger, _STEP, len(records)).check()


def mirror_flows(
    records: pd.DataFrame,
    non_reporters_table: pd.DataFrame | None = None,
    *,
    prefer: Literal["importer", "exporter"] = "importer",
) -> pd.DataFrame:
    """Flows of listed non-reporters rebuilt from their partners' declarations.

    Parameters
    ----------
    records
        Declarations (:func:`read_comtrade_records`).
    non_reporters_table
        ``country_iso3, year_from, year_to, hs_prefix`` rows; default :func:`non_reporters`
        (Russia from 2022, Belarus's classified chapters).
    prefer
        As in :func:`to_trade`.

    Returns
    -------
    pandas.DataFrame
        Canonical trade rows with ``flow_basis == "mirror"`` in which the side that should
        have declared the flow is a listed non-reporter (e.g. Russia's 2022 imports, taken
        from its partners' declared exports, FOB).
    """
    table = (
        non_reporters()
        if non_reporters_table is None
        else _check_non_reporters(non_reporters_table, source="non_reporters_table")
    )
    trade = to_trade(records, prefer=prefer, non_reporters_table=table).kept
    side = "importer_iso3" if prefer == "importer" else "exporter_iso3"
    mirrored = trade[(trade["flow_basis"] == "mirror") & _listed(trade, table, side)]
    return mirrored.reset_index(drop=True)


def read_comtrade(
    path: str | Path,
    *,
    prefer: Literal["importer", "exporter"] = "importer",
    non_reporters_table: pd.DataFrame | None = None,
    dataset: str | None = None,
) -> pd.DataFrame:
    """Read a Comtrade file straight into the canonical trade frame.

    ``read_comtrade_records`` followed by :func:`to_trade`; use those two for the ledgers.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`coopstats.schemas.TRADE`, ``flow_basis`` ``reported`` or ``mirror``.
    """
    path = Path(path)
    records = read_comtrade_records(path, dataset=dataset)
    return to_trade(
        records.kept, prefer=prefer, non_reporters_table=non_reporters_table, file=path
    ).kept
