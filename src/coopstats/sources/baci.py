"""CEPII BACI: release zips, yearly flow files and the release's code dictionaries.

BACI (Gaulier & Zignago 2010, CEPII Working Paper 2010-23; licence Etalab 2.0) is the
reconciled bilateral trade of every country pair at the HS 6-digit level, one CSV per year:

=====  ==========================================================================
``t``  year
``i``  exporter, BACI numeric country code (Comtrade-style: 842 USA, 251 France, ...)
``j``  importer, same codes
``k``  HS6 product code of the release's HS revision (a code, not a number)
``v``  value in **thousands** of current US dollars (FOB after CEPII's CIF/FOB step)
``q``  quantity in **metric tonnes**; ``NA`` (sometimes space-padded) or blank when unknown
=====  ==========================================================================

File names carry the revision, the year and the release version, e.g.
``BACI_HS17_Y2020_V202201.csv`` inside ``BACI_HS17_V202201.zip``, next to
``country_codes_V202201.csv`` and ``product_codes_HS17_V202201.csv``. Every release so far
(V202201 ... V202601) keeps BACI's own Comtrade-style codes (842 USA, 251 France, 699 India,
757 Switzerland, 579 Norway), but details change between vintages (381 Italy became 380, the
ISO3 of 490 "Other Asia, nes" is ``N/A`` in V202201 and ``S19`` in V202601), so code tables
are always the ones **of the same release version** as the flow file (a mismatch is an error)
and countries are mapped from that dictionary by :func:`country_crosswalk`.

Conversion to the canonical trade frame (:data:`coopstats.schemas.TRADE`):
``value_usd = 1000 * v`` (whole dollars, see :func:`_usd`), ``quantity_t = q`` (missing stays
missing), ``exporter_iso3`` /
``importer_iso3`` from :func:`country_crosswalk` of the release's dictionary, ``hs6_code``
the dictionary's
6-digit string, ``hs_revision`` from the file name, ``flow_basis = "reconciled"``,
``dataset = "BACI_<revision>_V<version>"``.

Flow files are read once, sequentially (a plain CSV memory-mapped, a zip member decompressed),
in chunks of a few MB (:data:`_CHUNK_BYTES`): a reader thread hashes each chunk (SHA-256) while
two threads parse chunks with pyarrow, and the consumer validates and aggregates the parsed
chunks with numpy, in file order; nothing is ever loaded whole into pandas, and memory stays
bounded by a few chunks plus the rows kept (mapped pages already parsed and hashed are dropped
from the resident set). Structural
problems (wrong header, delimiter, encoding, field count, truncation) raise
:class:`~coopstats.errors.DataFileError` naming file, line and column; rows that parse but break
a rule are quarantined with their line (see :class:`FlowScan`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from ..errors import (
    CoopstatsWarning,
    DataFileError,
    InvalidParameterError,
    LimitExceededError,
    MissingDataError,
    UnmappedCodeError,
)
from ..ledger import LEDGER_COLUMNS, Cleaned, empty_ledger, reject_rows
from ..schemas import TRADE
from ._text import csv_records, require_columns

__all__ = [
    "FLOW_COLUMNS",
    "ReadLimits",
    "READ_LIMITS",
    "FlowFile",
    "Release",
    "FlowScan",
    "parse_flow_name",
    "parse_dictionary_name",
    "read_country_codes",
    "read_product_codes",
    "open_release",
    "find_releases",
    "scan_flows",
    "read_baci",
    "read_baci_cleaned",
    "iso3_codes",
    "country_notes",
    "country_crosswalk",
    "COUNTRY_NOTES",
    "codes_for",
    "attribute",
    "Attributed",
    "check_code_collisions",
    "trade_frame",
    "exports_frame",
]

logger = logging.getLogger(__name__)

#: Header of a BACI flow file, in order.
FLOW_COLUMNS = ("t", "i", "j", "k", "v", "q")

_VERSION = r"V(\d{6}[a-z]?)"
_FLOW_RE = re.compile(rf"^BACI_(HS\d{{2}})_Y(\d{{4}})_{_VERSION}(?:_([a-z][a-z0-9]*))?\.csv$")
_ZIP_RE = re.compile(rf"^BACI_(HS\d{{2}})_{_VERSION}\.zip$")
_COUNTRY_RE = re.compile(rf"^country_codes_{_VERSION}\.csv$")
_PRODUCT_RE = re.compile(rf"^product_codes_(HS\d{{2}})_{_VERSION}\.csv$")

#: Country dictionary layouts: canonical name -> accepted upstream headers (V202201, V2024+).
_COUNTRY_HEADERS = {
    "baci_code": ("country_code",),
    "country_name": ("country_name_abbreviation", "country_name"),
    "country_name_full": ("country_name_full",),
    "iso2": ("iso_2digit_alpha", "country_iso2"),
    "listed_iso3": ("iso_3digit_alpha", "country_iso3"),
}

#: Rows per bincount flush when summing exports (bounds the buffer memory).
_FLUSH_ROWS = 500_000
#: pyarrow block size: above a chunk's size, so that each chunk parses into one record batch
#: (fewer, larger batches for the numpy checks; same parsing cost).
_BLOCK_SIZE = 16 << 20
_MAX_CODE = 1000  # BACI country codes are 1..999
_MAX_HS = 1_000_000


@dataclass(frozen=True)
class ReadLimits:
    """Limits the BACI reader enforces on hostile or damaged input (zip bombs, floods).

    Every limit stops the read with a :class:`~coopstats.errors.LimitExceededError` that
    names the file, the line and the limit; nothing is written. The defaults are far above
    what a genuine release needs: a yearly HS92 file of a full release is about 300 MB and
    10 M rows (lines of 25-60 bytes) with next to no rejected rows, and the largest single
    bilateral HS6 flow is of the order of 1e11 USD.

    Attributes
    ----------
    max_member_bytes : int
        Uncompressed size of one yearly flow file (zip member or plain CSV); checked against
        the zip header before reading and again on the bytes actually decompressed.
        Default 8 GiB.
    max_dictionary_bytes : int
        Uncompressed size of a country or product dictionary read from a zip (a real one is
        under 1 MB). Default 64 MiB.
    max_line_bytes : int
        Length of one line, line break included (a BACI line has about 40 bytes). A longer
        line is refused while streaming, before it is buffered whole. Default 4096, at
        most 1 MiB.
    max_rejected_rows, max_rejected_share : int, float
        The read stops once the rows quarantined exceed ``max_rejected_rows +
        max_rejected_share * rows_read`` (checked after every parsed batch), so a flood of
        blank or broken lines cannot grow the ledger without bound. Defaults 10 000 and
        0.01 (a real 10 M-row file could have 110 000 rejected rows before the read stops).
    max_value_usd : float
        Plausibility bound of one flow, ``1000 * v`` in US dollars; larger values (and
        ``inf``, or ``1e306`` which overflows to ``inf`` in dollars) are quarantined under
        rule ``value_plausible``. Default 1e13 (ten trillion dollars, about 50 times the
        largest flow BACI has ever recorded).
    """

    max_member_bytes: int = 8 << 30
    max_dictionary_bytes: int = 64 << 20
    max_line_bytes: int = 4096
    max_rejected_rows: int = 10_000
    max_rejected_share: float = 0.01
    max_value_usd: float = 1e13

    def __post_init__(self) -> None:
        for name in ("max_member_bytes", "max_dictionary_bytes", "max_line_bytes"):
            if int(getattr(self, name)) < 1:
                raise InvalidParameterError(name, getattr(self, name), "an integer >= 1")
        if self.max_line_bytes > 1 << 20:  # must stay well below a chunk (_CHUNK_BYTES)
            raise InvalidParameterError("max_line_bytes", self.max_line_bytes, "<= 1 MiB")
        if self.max_rejected_rows < 0 or not 0 <= self.max_rejected_share <= 1:
            raise InvalidParameterError(
                "max_rejected_share", self.max_rejected_share, "0..1 (and max_rejected_rows >= 0)"
            )
        if not self.max_value_usd > 0:
            raise InvalidParameterError("max_value_usd", self.max_value_usd, "> 0")


#: Default :class:`ReadLimits`.
READ_LIMITS = ReadLimits()

_ZIP_ERRORS = (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError)


def _damaged_zip(name: object, exc: BaseException, line: int | None = None) -> DataFileError:
    """Return the error for a zip (or member) whose bytes cannot be decompressed."""
    return DataFileError(
        f"damaged zip member ({type(exc).__name__}: {exc})",
        path=str(name),
        line=line,
        hint="delete the zip and download it again (`make data` verifies the SHA-256)",
    )


# --------------------------------------------------------------------------------------------
# names and locations
# --------------------------------------------------------------------------------------------


def parse_flow_name(name: str) -> tuple[str, int, str]:
    """Return ``(revision, year, version)`` of a flow file name (``BACI_HS17_Y2020_V202201.csv``).

    Raises
    ------
    DataFileError
        When the name does not follow CEPII's pattern (the revision and version would be unknown).
    """
    m = _FLOW_RE.match(Path(name).name)
    if not m:
        raise DataFileError(
            "not a BACI flow file name",
            path=name,
            hint="CEPII names yearly files BACI_HS<rev>_Y<year>_V<version>.csv, e.g. "
            "BACI_HS17_Y2020_V202201.csv; rename the file or pass revision= and release=",
        )
    return m.group(1), int(m.group(2)), m.group(3)


def parse_dictionary_name(name: str) -> tuple[str, str | None, str] | None:
    """Classify a dictionary file name.

    Returns ``("country", None, version)`` for ``country_codes_V202201.csv``,
    ``("product", "HS17", version)`` for ``product_codes_HS17_V202201.csv`` and ``None``
    for anything else.
    """
    base = Path(name).name
    if m := _COUNTRY_RE.match(base):
        return "country", None, m.group(1)
    if m := _PRODUCT_RE.match(base):
        return "product", m.group(1), m.group(2)
    return None


@dataclass(frozen=True)
class FlowFile:
    """One yearly BACI flow file, on disk or inside a release zip.

    Attributes
    ----------
    path : Path
        The CSV, or the zip that contains it.
    member : str or None
        Member name inside the zip; ``None`` for a plain file.
    revision, year, version
        Parsed from the file name.
    extract : str or None
        The tag of a partial extract (``BACI_HS17_Y2022_V202601_crm30.csv`` -> ``"crm30"``):
        a file holding some products of the year only; ``None`` for CEPII's own files.
    """

    path: Path
    member: str | None
    revision: str
    year: int
    version: str
    extract: str | None = None

    @property
    def name(self) -> str:
        """``zip!member`` or the file path, as used in error messages and ledgers."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def dataset(self) -> str:
        """Dataset label, e.g. ``BACI_HS17_V202201``."""
        return f"BACI_{self.revision}_V{self.version}"

    def open(self) -> IO[bytes]:
        """Open the raw bytes (the caller closes)."""
        if self.member is None:
            return open(self.path, "rb")  # noqa: SIM115 - returned to the caller
        try:
            zf = zipfile.ZipFile(self.path)
        except _ZIP_ERRORS as exc:
            raise _damaged_zip(self.path, exc) from None
        try:
            return _ZipMember(zf, zf.open(self.member), self.name)
        except _ZIP_ERRORS as exc:
            zf.close()
            raise _damaged_zip(self.name, exc) from None
        except Exception:
            zf.close()
            raise

    def size(self) -> int:
        """Uncompressed size in bytes (a zip member's as its header declares it)."""
        if self.member is None:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as zf:
            return zf.getinfo(self.member).file_size


class _ZipMember(io.RawIOBase):
    """A zip member stream that closes its archive too."""

    def __init__(self, zf: zipfile.ZipFile, fh: IO[bytes], name: str = "") -> None:
        self._zf, self._fh, self._name = zf, fh, name

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # noqa: D102
        try:
            data = self._fh.read(len(b))
        except _ZIP_ERRORS as exc:  # a damaged member (bad CRC, bad deflate stream)
            raise _damaged_zip(self._name, exc) from None
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:  # noqa: D102
        try:
            self._fh.close()
            self._zf.close()
        finally:
            super().close()


@dataclass(frozen=True)
class Release:
    """A BACI release: its yearly flow files and the code dictionaries of the same version.

    Attributes
    ----------
    revision, version : str
        E.g. ``"HS17"``, ``"202201"``.
    flows : tuple of FlowFile
        Sorted by year.
    countries : pandas.DataFrame
        :func:`read_country_codes` of ``country_codes_V<version>.csv``.
    products : pandas.DataFrame
        :func:`read_product_codes` of ``product_codes_<revision>_V<version>.csv``.
    dictionary_sources : tuple of str
        Where the two dictionaries were read from.
    extract : str or None
        Tag of a partial extract (all its flow files carry it), ``None`` for a full release.
        An extract keeps the release's dataset label (it *is* BACI data of that release) but
        covers only the products in its files.
    """

    revision: str
    version: str
    flows: tuple[FlowFile, ...]
    countries: pd.DataFrame = field(repr=False)
    products: pd.DataFrame = field(repr=False)
    dictionary_sources: tuple[str, ...] = ()
    extract: str | None = None

    @property
    def dataset(self) -> str:
        """Dataset label, e.g. ``BACI_HS17_V202201``."""
        return f"BACI_{self.revision}_V{self.version}"


# --------------------------------------------------------------------------------------------
# dictionaries
# --------------------------------------------------------------------------------------------


def _read_small_csv(data: bytes, name: str) -> pd.DataFrame:
    """Strictly parse a small UTF-8 CSV (BOM allowed) into strings indexed by 1-based line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataFileError(
            f"byte 0x{data[exc.start]:02x} at character {col} is not valid UTF-8",
            path=name,
            line=line,
            hint="CEPII ships UTF-8; re-download the release or convert the file",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataFileError("the file is empty", path=name, line=1) from None
    except csv.Error as exc:
        raise DataFileError(f"malformed CSV header ({exc})", path=name, line=1) from None
    rows, lines = csv_records(
        reader,
        header,
        name,
        delimiter=",",
        column_of=lambda rec: header[min(len(rec), len(header)) - 1] if rec else header[0],
        hint="check quoting and the delimiter; the file may be truncated",
    )
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    frame.index = pd.Index(lines, name="line")
    return frame


def _check_header(frame: pd.DataFrame, required: Iterable[str], name: str) -> None:
    require_columns(
        frame.columns,
        required,
        name,
        delimiter=",",
        hint="use the dictionary shipped inside the BACI release zip, unmodified",
    )


def _read_bytes(source: str | Path | tuple[str | Path, str]) -> tuple[bytes, str]:
    if isinstance(source, tuple):
        zpath, member = source
        name = f"{zpath}!{member}"
        try:
            with zipfile.ZipFile(zpath) as zf:
                size = zf.getinfo(member).file_size
                if size > READ_LIMITS.max_dictionary_bytes:
                    raise LimitExceededError(
                        f"the zip header declares {size} uncompressed bytes for a dictionary",
                        limit="max_dictionary_bytes",
                        allowed=READ_LIMITS.max_dictionary_bytes,
                        path=name,
                    )
                return zf.read(member), name
        except _ZIP_ERRORS as exc:
            raise _damaged_zip(name, exc) from None
    path = Path(source)
    if not path.is_file():
        raise MissingDataError(
            path.name, where=path.parent, how="the dictionary ships inside the BACI release zip"
        )
    return path.read_bytes(), str(path)


def read_country_codes(source: str | Path | tuple[str | Path, str]) -> pd.DataFrame:
    """Read a BACI country dictionary (``country_codes_V<version>.csv``).

    Handles the known quirks of the real files: a UTF-8 byte-order mark, quoted names with
    commas (``"China, Hong Kong SAR"``), ``N/A`` as the ISO code of "nes" areas (490, 697,
    849), Namibia's blank ISO2, and both header layouts (V202201's
    ``country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha``
    and the later ``country_code,country_name,country_iso2,country_iso3``).

    Parameters
    ----------
    source
        A path, or ``(zip_path, member)`` for a dictionary inside a release zip.

    Returns
    -------
    pandas.DataFrame
        ``baci_code`` (int64), ``country_name``, ``country_name_full``, ``iso2``,
        ``listed_iso3`` (the dictionary's own ISO3; ``<NA>`` where it says ``N/A`` or is
        blank) and ``version``, indexed by source line. The ISO3 used by coopstats comes from
        :func:`country_crosswalk` (``listed_iso3`` plus the package's notes on grouped,
        historic and "nes" codes).

    Raises
    ------
    DataFileError
        Wrong encoding, missing column, bad field count, a non-numeric or duplicated code.
    """
    raw, name, kind = _read_dictionary(
        source, "country", "country_codes_V<version>.csv (the version ties it to its release)"
    )
    out = pd.DataFrame(index=raw.index)
    for canon, options in _COUNTRY_HEADERS.items():
        found = next((c for c in options if c in raw.columns), None)
        if found is None and canon == "country_name_full":
            found = (
                next(c for c in _COUNTRY_HEADERS["country_name"] if c in raw.columns)
                if any(c in raw.columns for c in _COUNTRY_HEADERS["country_name"])
                else None
            )
        if found is None:
            _check_header(raw, [options[0]], name)
        out[canon] = raw[found].str.strip()
    _check_codes(
        out["baci_code"],
        r"\d{1,3}",
        name=name,
        column="country_code",
        noun="country code",
        what="country code is not a number of 1-3 digits",
        hint="the dictionary must come unmodified from the release zip",
    )
    out["baci_code"] = out["baci_code"].astype("int64")
    for c in ("iso2", "listed_iso3"):
        out[c] = out[c].mask(out[c].isin(["N/A", ""]))
    out["version"] = kind[2]
    return out


def _read_dictionary(
    source: str | Path | tuple[str | Path, str], which: str, expected: str
) -> tuple[pd.DataFrame, str, tuple]:
    """Read a BACI dictionary after checking its file name says ``which`` kind and a version."""
    data, name = _read_bytes(source)
    kind = parse_dictionary_name(name.split("!")[-1])
    if kind is None or kind[0] != which:
        raise DataFileError(
            f"not a BACI {which} dictionary name", path=name, hint=f"expected {expected}"
        )
    return _read_small_csv(data, name), name, kind


def _check_codes(
    codes: pd.Series, pattern: str, *, name: str, column: str, noun: str, what: str, hint: str
) -> None:
    """Raise on the first code not matching ``pattern``, then on a code listed twice (last copy)."""
    bad = ~codes.str.fullmatch(pattern).fillna(False)
    if bad.any():
        line = int(codes.index[bad.to_numpy()][0])
        raise DataFileError(
            what, path=name, line=line, column=column, value=codes.loc[line], hint=hint
        )
    dup = codes.duplicated(keep=False)
    if dup.any():
        line = int(codes.index[dup.to_numpy()][-1])
        raise DataFileError(
            f"duplicated {noun}",
            path=name,
            line=line,
            column=column,
            value=codes.loc[line],
            hint="each code must appear once",
        )


def read_product_codes(source: str | Path | tuple[str | Path, str]) -> pd.DataFrame:
    """Read a BACI product dictionary (``product_codes_<revision>_V<version>.csv``).

    The code column is read as a **string** (CEPII: do not treat ``k`` as numeric); the extra
    ``bec`` column of V202201 (Broad Economic Categories) is kept when present.

    Parameters
    ----------
    source
        A path, or ``(zip_path, member)``.

    Returns
    -------
    pandas.DataFrame
        ``hs6_code`` (6-digit string), ``description``, ``bec`` (string or ``<NA>``),
        ``hs_revision``, ``version``, indexed by source line.

    Raises
    ------
    DataFileError
        Wrong encoding, missing column, a code that is not 6 digits (e.g. a leading zero lost
        by a spreadsheet), or a duplicated code.
    """
    raw, name, kind = _read_dictionary(source, "product", "product_codes_HS<rev>_V<version>.csv")
    _check_header(raw, ["code", "description"], name)
    out = pd.DataFrame(
        {"hs6_code": raw["code"].str.strip(), "description": raw["description"]}, index=raw.index
    )
    out["bec"] = raw["bec"].str.strip().replace("", pd.NA) if "bec" in raw.columns else pd.NA
    out["bec"] = out["bec"].astype("string")
    _check_codes(
        out["hs6_code"],
        r"\d{6}",
        name=name,
        column="code",
        noun="product code",
        what="product code is not 6 digits",
        hint="codes are strings with leading zeros (010121); do not open the file in a spreadsheet",
    )
    out["hs_revision"] = kind[1]
    out["version"] = kind[2]
    return out


# --------------------------------------------------------------------------------------------
# releases
# --------------------------------------------------------------------------------------------


def _dictionary_candidates(dirs: Iterable[Path]) -> dict[tuple[str, str | None, str], Path]:
    found: dict[tuple[str, str | None, str], Path] = {}
    for d in dirs:
        if not d.is_dir():
            continue
        for p in sorted(d.iterdir()):
            kind = parse_dictionary_name(p.name)
            if kind and kind not in found:
                found[kind] = p
    return found


def _assemble(
    revision: str, version: str, flows: list[FlowFile], country_src, product_src, where: str
) -> Release:
    if country_src is None:
        raise MissingDataError(
            f"country_codes_V{version}.csv",
            where=where,
            how="it is inside the BACI release zip; code tables must match the flow files' version",
        )
    if product_src is None:
        raise MissingDataError(
            f"product_codes_{revision}_V{version}.csv",
            where=where,
            how="it is inside the BACI release zip; code tables must match the flow files' version",
        )
    countries = read_country_codes(country_src)
    products = read_product_codes(product_src)
    srcs = tuple(
        "!".join(map(str, s)) if isinstance(s, tuple) else str(s)
        for s in (country_src, product_src)
    )
    tags = sorted({f.extract or "" for f in flows})
    if len(tags) > 1:
        raise DataFileError(
            f"release {revision} V{version} mixes full yearly files and extracts {tags[1:]}",
            path=flows[0].path,
            hint="keep extracts (BACI_..._V<version>_<tag>.csv) apart from CEPII's files",
        )
    return Release(
        revision,
        version,
        tuple(sorted(flows, key=lambda f: f.year)),
        countries,
        products,
        srcs,
        extract=tags[0] or None,
    )


def open_release(path: str | Path, *, dictionaries: str | Path | None = None) -> Release:
    """Open a release zip (``BACI_HS17_V202201.zip``) or a single yearly CSV.

    Dictionaries are taken from the zip itself; for a plain CSV from its folder, then from
    ``dictionaries`` (e.g. ``data/raw/baci/``). Only dictionaries of the same version are used.

    Raises
    ------
    MissingDataError
        The file or a dictionary of its version is absent.
    DataFileError
        The zip is damaged or its name does not follow CEPII's pattern.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingDataError(
            path.name, where=path.parent, how="run `make data` or download it from CEPII"
        )
    extra = [Path(dictionaries)] if dictionaries is not None else []
    if path.suffix.lower() == ".zip":
        m = _ZIP_RE.match(path.name)
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile as exc:
            raise DataFileError(
                f"damaged zip ({exc})",
                path=path,
                hint="delete it and download again (`make data` checks the SHA-256)",
            ) from None
        flows, dicts = [], {}
        for member in names:
            base = member.rsplit("/", 1)[-1]
            if fm := _FLOW_RE.match(base):
                flows.append(
                    FlowFile(path, member, fm.group(1), int(fm.group(2)), fm.group(3), fm.group(4))
                )
            elif kind := parse_dictionary_name(base):
                dicts.setdefault(kind, (path, member))
        if not flows:
            raise DataFileError(
                "the zip holds no BACI_HS<rev>_Y<year>_V<version>.csv file",
                path=path,
                hint="is this a BACI release zip?",
            )
        revs = {(f.revision, f.version) for f in flows}
        if len(revs) != 1 or (m and (m.group(1), m.group(2)) not in revs):
            raise DataFileError(
                f"the zip mixes releases or does not match its name: {sorted(revs)}", path=path
            )
        revision, version = revs.pop()
        more = _dictionary_candidates(extra)
        csrc = dicts.get(("country", None, version)) or more.get(("country", None, version))
        psrc = dicts.get(("product", revision, version)) or more.get(("product", revision, version))
        return _assemble(
            revision,
            version,
            flows,
            csrc,
            psrc,
            where=f"{path} (or {extra[0] if extra else path.parent})",
        )
    revision, year, version = parse_flow_name(path.name)
    tag = _FLOW_RE.match(path.name).group(4)
    cands = _dictionary_candidates([path.parent, *extra])
    return _assemble(
        revision,
        version,
        [FlowFile(path, None, revision, year, version, tag)],
        cands.get(("country", None, version)),
        cands.get(("product", revision, version)),
        where=" or ".join(str(d) for d in [path.parent, *extra]),
    )


def find_releases(
    locations: Iterable[str | Path], *, dictionaries: str | Path | None = None
) -> list[Release]:
    """Find every BACI release in folders: release zips and loose yearly CSVs.

    Loose CSVs of the same revision and version are grouped into one release; a year present
    both in a zip and as a loose CSV is an error (which one is meant would be a guess).
    Partial extracts (``BACI_HS17_Y2022_V202601_crm30.csv``: CEPII's layout, some products
    only) form a release of their own with :attr:`Release.extract` set, after the full
    releases; an extract is skipped (with a warning) when the full release of the same
    revision and version is present.

    A ``.csv`` or ``.zip`` whose name starts with ``BACI`` but does not follow CEPII's
    pattern (a browser's ``BACI_HS17_Y2020_V202201(1).csv``, a renamed release) is an error
    naming it: skipping it silently could leave a build without its real data.

    Returns
    -------
    list of Release
        Sorted by revision and version.
    """
    zips: list[Path] = []
    loose: dict[tuple[str, str], list[Path]] = {}
    extracts: dict[tuple[str, str, str], list[Path]] = {}
    dict_dirs = []
    unknown: list[Path] = []
    for loc in locations:
        loc = Path(loc)
        if not loc.is_dir():
            continue
        dict_dirs.append(loc)
        for p in sorted(loc.iterdir()):
            if _ZIP_RE.match(p.name):
                zips.append(p)
            elif (fm := _FLOW_RE.match(p.name)) and fm.group(4):
                extracts.setdefault((fm.group(1), fm.group(3), fm.group(4)), []).append(p)
            elif fm:
                loose.setdefault((fm.group(1), fm.group(3)), []).append(p)
            elif p.name.upper().startswith("BACI") and p.suffix.lower() in (".csv", ".zip"):
                unknown.append(p)
    if unknown:
        raise DataFileError(
            f"{len(unknown)} file(s) look like BACI but their names do not follow CEPII's "
            f"pattern: {', '.join(p.name for p in unknown)}",
            path=unknown[0],
            hint="rename to BACI_HS<rev>_V<version>.zip or BACI_HS<rev>_Y<year>_V<version>.csv "
            "(a browser adds ' (1)' to a second download: delete the duplicate), or move the "
            "file out of the folder",
        )
    if dictionaries is not None:
        dict_dirs.append(Path(dictionaries))
    out: dict[tuple[str, str], Release] = {}
    for z in zips:
        rel = open_release(z, dictionaries=dictionaries)
        key = (rel.revision, rel.version)
        if key in out:
            raise DataFileError(
                f"two zips hold release {rel.dataset}", path=z, hint="keep one of them"
            )
        out[key] = rel
    cands = _dictionary_candidates(dict_dirs)
    for (revision, version), paths in sorted(loose.items()):
        flows = [FlowFile(p, None, *parse_flow_name(p.name)) for p in paths]
        if (revision, version) in out:
            years = {f.year for f in out[(revision, version)].flows}
            clash = [f for f in flows if f.year in years]
            if clash:
                raise DataFileError(
                    f"year {clash[0].year} is both in a release zip and a loose CSV",
                    path=clash[0].path,
                    hint="remove the loose copy",
                )
            rel = out[(revision, version)]
            out[(revision, version)] = Release(
                revision,
                version,
                tuple(sorted([*rel.flows, *flows], key=lambda f: f.year)),
                rel.countries,
                rel.products,
                rel.dictionary_sources,
            )
            continue
        out[(revision, version)] = _assemble(
            revision,
            version,
            flows,
            cands.get(("country", None, version)),
            cands.get(("product", revision, version)),
            where=" or ".join(str(d) for d in dict_dirs),
        )
    # partial extracts (BACI_HS17_Y2022_V202601_crm30.csv): their own release, unless CEPII's
    # full release of the same revision and version is present (it holds the same flows)
    found = [out[k] for k in sorted(out)]
    for (revision, version, tag), paths in sorted(extracts.items()):
        if (revision, version) in out:
            logger.warning(
                "BACI_%s_V%s extract %r skipped: the full release is present (%s)",
                revision,
                version,
                tag,
                ", ".join(p.name for p in paths),
            )
            continue
        flows = [FlowFile(p, None, *parse_flow_name(p.name), tag) for p in paths]
        years = [f.year for f in flows]
        if len(set(years)) != len(years):
            raise DataFileError(
                f"extract {tag!r} has two files for one year", path=paths[0], hint="keep one"
            )
        found.append(
            _assemble(
                revision,
                version,
                flows,
                cands.get(("country", None, version)),
                cands.get(("product", revision, version)),
                where=" or ".join(str(d) for d in dict_dirs),
            )
        )
    return found


# --------------------------------------------------------------------------------------------
# streaming flow files
# --------------------------------------------------------------------------------------------


@dataclass
class FlowScan:
    """What one pass over a flow file produced.

    Attributes
    ----------
    flow : FlowFile
        The file scanned.
    rows_in : int
        Data rows read (the header excluded).
    rows_rejected : int
        Distinct rows quarantined; ``rows_in = rows_valid + rows_rejected``.
    kept : pandas.DataFrame
        Valid rows whose exporter or importer code is in the ``keep`` set (all valid rows when
        ``keep`` is None), as BACI codes: ``line, i, j, k_index, value_usd, q`` (the year is
        ``flow.year``; ``k_index`` indexes ``release.products``).
    exports : pandas.DataFrame
        Every valid row summed over importers: ``i, k_index, v`` (thousand USD).
    ledger : pandas.DataFrame
        Quarantine entries (:data:`coopstats.ledger.LEDGER_COLUMNS`).
    sha256 : str
        Checksum of the bytes read (the CSV itself, also for a zip member).
    """

    flow: FlowFile
    rows_in: int
    rows_rejected: int
    kept: pd.DataFrame
    exports: pd.DataFrame
    ledger: pd.DataFrame
    sha256: str

    @property
    def rows_valid(self) -> int:
        """Rows that passed every rule."""
        return self.rows_in - self.rows_rejected


def _check_flow_header(fh: IO[bytes], name: str) -> int:
    """Validate the header line; return its length in bytes (incl. newline)."""
    head = fh.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:200]:
        raise DataFileError(
            "the file is UTF-16 (or binary), not UTF-8/ASCII",
            path=name,
            line=1,
            column=FLOW_COLUMNS[0],
            hint="BACI flow files are plain ASCII CSV; re-export as UTF-8 or re-download",
        )
    end = head.find(b"\n")
    if end < 0:
        raise DataFileError(
            "no complete header line (empty or truncated file)",
            path=name,
            line=1,
            hint=f"expected the header {','.join(FLOW_COLUMNS)}",
        )
    raw = head[:end]
    try:
        text = raw.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"header byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            path=name,
            line=1,
            hint="BACI flow files are plain ASCII CSV",
        ) from None
    fields = [f.strip().strip('"') for f in text.split(",")]
    if fields != list(FLOW_COLUMNS):
        delim = next((d for d in (";", "\t", "|") if d in text), None)
        if delim and len(fields) == 1:
            raise DataFileError(
                f"the file is delimited by {delim!r}, BACI uses ','",
                path=name,
                line=1,
                column=text.split(delim)[0],
                value=text[:60],
                hint="re-export the file with comma separators",
            )
        missing = [c for c in FLOW_COLUMNS if c not in fields]
        if missing:
            col, what = missing[0], f"missing column(s) {missing}"
        elif len(fields) > len(FLOW_COLUMNS):  # every column present, plus others
            extra = [f for f in fields if f not in FLOW_COLUMNS] or fields[len(FLOW_COLUMNS) :]
            col, what = extra[0], f"unexpected extra column(s) {extra}"
        else:
            col = next(c for c, f in zip(FLOW_COLUMNS, fields, strict=False) if c != f)
            what = "columns out of order"
        raise DataFileError(
            f"{what}; found header {fields}",
            path=name,
            line=1,
            column=col,
            hint=f"BACI flow files have the header {','.join(FLOW_COLUMNS)}",
        )
    return end + 1


def _locate_problem(
    flow: FlowFile, *, q_as_text: bool, limits: ReadLimits = READ_LIMITS
) -> DataFileError:
    """Re-read a file that pyarrow rejected, line by line, to name the first bad line and column.

    Lines are read with a bound (``limits.max_line_bytes``), so a hostile file cannot make
    this pass buffer a huge line.
    """
    num = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
    integer = re.compile(r"^\s*\d+\s*$")
    with flow.open() as opened:
        fh = opened if isinstance(opened, io.BufferedIOBase) else io.BufferedReader(opened)
        bound = limits.max_line_bytes
        fh.readline(bound + 1)
        line = 1
        for line, raw in enumerate(iter(lambda: fh.readline(bound + 1), b""), start=2):
            if len(raw) > bound:
                return LimitExceededError(
                    f"line longer than {bound} bytes",
                    limit="max_line_bytes",
                    allowed=bound,
                    path=flow.name,
                    line=line,
                    value=raw[:40].decode("utf-8", "replace"),
                )
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                fields = raw[: exc.start].count(b",")
                return DataFileError(
                    f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                    path=flow.name,
                    line=line,
                    column=FLOW_COLUMNS[min(fields, 5)],
                    hint="BACI flow files are ASCII; the file is damaged or was re-encoded",
                )
            if not text.endswith("\n"):
                pass  # the last line; checked like the others
            rec = text.rstrip("\r\n").split(",")
            if len(rec) != len(FLOW_COLUMNS):
                col = (
                    FLOW_COLUMNS[min(len(rec), len(FLOW_COLUMNS)) - 1]
                    if len(rec) < 6
                    else FLOW_COLUMNS[-1]
                )
                return DataFileError(
                    f"record has {len(rec)} fields, expected {len(FLOW_COLUMNS)}",
                    path=flow.name,
                    line=line,
                    column=col,
                    value=text.rstrip("\r\n")[:80],
                    hint="the file is truncated or not comma-delimited; re-download it",
                )
            for c, val in zip(FLOW_COLUMNS, rec, strict=True):
                s = val.strip()
                if c in "tijk":
                    if s and not integer.match(val):
                        return DataFileError(
                            f"column {c!r} must be an integer code",
                            path=flow.name,
                            line=line,
                            column=c,
                            value=val,
                            hint="the file is damaged; re-download it",
                        )
                    if s and int(s) >= 2**63:
                        return DataFileError(
                            f"column {c!r} holds an integer too large to be a code",
                            path=flow.name,
                            line=line,
                            column=c,
                            value=val[:40],
                            hint="the file is damaged; re-download it",
                        )
                elif c == "v" or not q_as_text:
                    ok = s in ("", "NA") if c == "q" else s == ""
                    if not ok and not num.match(val):
                        return DataFileError(
                            f"column {c!r} must be a number",
                            path=flow.name,
                            line=line,
                            column=c,
                            value=val,
                            hint="the file is damaged; re-download it",
                        )
                elif s not in ("", "NA") and not num.match(val):
                    return DataFileError(
                        f"column {c!r} must be a number or NA",
                        path=flow.name,
                        line=line,
                        column=c,
                        value=val,
                        hint="the file is damaged; re-download it",
                    )
    return DataFileError(
        "pyarrow could not parse the file but no bad line was found",
        path=flow.name,
        line=line,
        hint="please report this file to the coopstats maintainers",
    )


def _arrow_options(q_as_text: bool, year_int=None):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ro = pacsv.ReadOptions(
        column_names=list(FLOW_COLUMNS), skip_rows=0, block_size=_BLOCK_SIZE, use_threads=True
    )
    po = pacsv.ParseOptions(
        delimiter=",",
        quote_char=False,
        double_quote=False,
        escape_char=False,
        newlines_in_values=False,
        ignore_empty_lines=False,
    )
    # int64: a code above int32 (a damaged k such as 99999999999) parses and is then
    # quarantined at its own line by the dictionary rules instead of failing the whole file
    types = {
        "t": pa.int64(),
        "i": pa.int64(),
        "j": pa.int64(),
        "k": pa.int64(),
        "v": pa.float64(),
        "q": pa.string() if q_as_text else pa.float64(),
    }
    co = pacsv.ConvertOptions(
        column_types=types,
        null_values=[""] if q_as_text else ["", "NA"],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    return ro, po, co


def _column(batch, name: str, fill) -> tuple[np.ndarray, np.ndarray | None]:
    import pyarrow.compute as pc

    col = batch.column(name)
    if col.null_count:
        return pc.fill_null(col, fill).to_numpy(), col.is_null().to_numpy(zero_copy_only=False)
    return col.to_numpy(), None


def _q_values(batch, q_as_text: bool) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    col = batch.column("q")
    if q_as_text:
        col = pc.utf8_trim_whitespace(col)
        col = pc.if_else(pc.equal(col, "NA"), pa.scalar(None, pa.string()), col)
        col = pc.cast(col, pa.float64())  # validated by _locate_problem on failure
    # a float column converts its nulls to NaN (missing quantity stays missing)
    return col.to_numpy(zero_copy_only=False) if col.null_count else col.to_numpy()


def _peek_q_as_text(flow: FlowFile, skip: int) -> bool:
    """Tell whether the first data lines pad ``q`` with spaces (then ``NA`` needs trimming)."""
    with flow.open() as fh:
        fh.read(skip)
        sample = fh.read(65536).split(b"\n")[:-1]
    return any(b" " in line.rsplit(b",", 1)[-1] for line in sample if line.count(b",") == 5)


def scan_flows(
    flow: FlowFile,
    release: Release,
    *,
    keep: Iterable[int] | None = None,
    progress: Callable[[int], object] | None = None,
    limits: ReadLimits | None = None,
) -> FlowScan:
    """Stream one yearly flow file once: validate, keep the wanted rows, sum exports.

    Rules (rows breaking one are quarantined with their line, never repaired):

    * ``year_matches_file``: ``t`` equals the year in the file name;
    * ``key_present``: ``t, i, j, k`` are not blank;
    * ``hs6_in_dictionary``: ``k`` is a code of the release's product dictionary (a code
      written without its leading zero, ``10121``, is the code ``010121``);
    * ``value_positive``: ``v`` is present and > 0 (BACI stores positive flows only);
    * ``value_plausible``: ``1000 * v`` is finite and at most ``limits.max_value_usd``
      (``v = 1e306`` would become ``inf`` dollars);
    * ``quantity_nonnegative``: ``q`` is missing or >= 0;
    * ``unique_key``: ``(t, i, j, k)`` appears once; *every* copy of a duplicate is rejected.

    A country code absent from the release's dictionary raises
    :class:`~coopstats.errors.UnmappedCodeError` listing all of them (dropping a country's
    trade silently would bias every total).

    A file sorted by ``(i, j, k)``, as CEPII ships them, is read once: strictly increasing
    keys prove uniqueness. An unsorted file is read a second time collecting its keys, and a
    file with duplicated keys a third time to quarantine every copy.

    Ledger entries hold the original text of the offending cell (``""`` for a blank line).
    The read is refused with :class:`~coopstats.errors.LimitExceededError` when a limit of
    ``limits`` is exceeded (member size, line length, rows rejected), and with
    :class:`~coopstats.errors.DataFileError` when the file has a header but no data row (a
    yearly BACI file is never empty) or when every row was rejected (a file that would
    silently empty the trade tables).

    Parameters
    ----------
    flow : FlowFile
        The file (on disk or in a zip).
    release : Release
        Its release; supplies the dictionaries of the same version.
    keep : iterable of int, optional
        BACI country codes whose flows (as exporter or importer) are kept row by row; None
        keeps every valid row.
    progress : callable, optional
        Called with the number of bytes read, e.g. ``tqdm.update``.
    limits : ReadLimits, optional
        Default :data:`READ_LIMITS`.

    Returns
    -------
    FlowScan
    """
    limits = READ_LIMITS if limits is None else limits
    if (flow.revision, flow.version) != (release.revision, release.version):
        raise InvalidParameterError(
            "release",
            release.dataset,
            allowed=flow.dataset,
            why=f"{flow.name} belongs to another release",
        )
    try:
        size = flow.size()
    except _ZIP_ERRORS as exc:
        raise _damaged_zip(flow.name, exc) from None
    if size > limits.max_member_bytes:
        raise LimitExceededError(
            f"{'the zip header declares' if flow.member else 'the file has'} {size} "
            "uncompressed bytes",
            limit="max_member_bytes",
            allowed=limits.max_member_bytes,
            path=flow.name,
        )
    with flow.open() as fh:
        skip = _check_flow_header(fh, flow.name)
    q_as_text = _peek_q_as_text(flow, skip)
    collect = False
    for _attempt in range(3):
        try:
            scan = _scan(
                flow,
                release,
                keep=keep,
                progress=progress,
                skip=skip,
                q_as_text=q_as_text,
                collect_keys=collect,
                limits=limits,
            )
            break
        except _RetryAsText:
            q_as_text = True
        except _Unsorted:  # BACI ships files sorted by (i, j, k); others cost a key sort
            logger.info("%s is not sorted by (i, j, k); re-reading with a key check", flow.name)
            collect = True
    else:  # pragma: no cover - each retry switches one mode on, so three attempts suffice
        raise DataFileError("could not settle on a way to read the file", path=flow.name)
    if isinstance(scan, _Duplicates):  # rare: repeated keys; re-read to reject every copy
        logger.warning(
            "%s: %d duplicated (t, i, j, k) keys; re-reading to quarantine them",
            flow.name,
            len(scan.keys),
        )
        scan = _scan(
            flow,
            release,
            keep=keep,
            progress=None,
            skip=skip,
            q_as_text=q_as_text,
            dup_keys=scan.keys,
            limits=limits,
        )
    if scan.rows_in == 0:
        raise DataFileError(
            "the file has a header but no data row; a yearly BACI file is never empty",
            path=flow.name,
            line=2,
            hint="the download or extraction was cut short: delete the file and download "
            "the release again",
        )
    if scan.rows_valid == 0:
        rules = scan.ledger.drop_duplicates(["line", "rule"])["rule"].value_counts()
        raise DataFileError(
            f"every one of the {scan.rows_in} data rows was rejected ("
            + ", ".join(f"{rule}: {n}" for rule, n in rules.items())
            + "); nothing would be left of this year",
            path=flow.name,
            line=int(scan.ledger["line"].min()),
            column=str(scan.ledger["column"].iloc[0]),
            value=str(scan.ledger["value"].iloc[0]),
            hint="the file is not a BACI flow file or is damaged; download the release again",
        )
    return scan


class _RetryAsText(Exception):
    """q holds padded ``NA``: re-read with q as text."""


class _Unsorted(Exception):
    """The file is not sorted by (i, j, k): re-read collecting keys to prove uniqueness."""


@dataclass(frozen=True)
class _Duplicates:
    keys: np.ndarray


def _usd(v: np.ndarray) -> np.ndarray:
    """US dollars from BACI's ``v`` (thousands of USD): ``1000 * v``.

    BACI writes ``v`` with three decimals, so ``1000 * v`` is a whole number of dollars; the
    float product is snapped to it when within 1e-6 USD (``1.005 * 1000`` is
    1004.9999999999999 in binary floating point). Whole-dollar values make every sum exact
    (below 2**53 USD), hence independent of the order and batching of the additions. Values
    with more decimals than BACI's are left unrounded.
    """
    usd = v * 1000.0
    whole = np.rint(usd)
    off = usd - whole
    np.abs(off, out=off)
    if len(off) and off.max() <= 1e-6:  # the usual case: every value is whole dollars
        return whole
    return np.where(off <= 1e-6, whole, usd)


class _Scanner:
    """Per-file state of :func:`scan_flows` (lookup tables, sums, kept rows, ledger)."""

    def __init__(
        self,
        flow: FlowFile,
        release: Release,
        keep: Iterable[int] | None,
        dup_keys: np.ndarray | None,
        collect_keys: bool = False,
        limits: ReadLimits = READ_LIMITS,
    ) -> None:
        self.flow, self.release, self.dup_keys = flow, release, dup_keys
        self.limits = limits
        self.rejected = 0  # rows quarantined so far (for the rejection cap)
        self.chunk: memoryview | None = None  # bytes of the batch being processed
        self.row0 = 0  # its first row's position within the chunk
        self._starts: np.ndarray | None = None
        self.codes = release.countries["baci_code"].to_numpy(dtype=np.int64)
        self.n_c = n_c = len(self.codes)
        # lookup tables with a -1 sentinel at both ends: np.take(..., mode="clip") maps any
        # out-of-range code to "unknown" in a single pass
        self.c_index = np.full(_MAX_CODE + 1, -1, dtype=np.int32)
        self.c_index[self.codes] = np.arange(n_c, dtype=np.int32)
        self.n_p = n_p = len(release.products)
        self.p_index = np.full(_MAX_HS + 1, -1, dtype=np.int32)
        self.p_index[release.products["hs6_code"].to_numpy().astype(np.int64)] = np.arange(
            n_p, dtype=np.int32
        )
        self.keep_c = (
            np.ones(n_c, dtype=bool)
            if keep is None
            else np.isin(self.codes, np.asarray(list(keep), dtype=np.int64))
        )
        self.key_dtype = np.uint32 if n_c * n_c * n_p < 2**32 else np.int64
        self.ik_type = np.int32 if n_c * n_p < 2**31 else np.int64
        self.exports = np.zeros(n_c * n_p, dtype=np.float64)
        self.buf_key: list[np.ndarray] = []
        self.buf_v: list[np.ndarray] = []
        self.buffered = 0
        self.offset = 0
        self.last_key = -1
        self.collect_keys = collect_keys
        self.keys_seen: list[np.ndarray] = []
        self.kept: list[tuple[np.ndarray, ...]] = []
        self.rejects: list[pd.DataFrame] = []
        self.unknown: set[int] = set()

    def flush(self) -> None:
        if self.buffered:
            keys = np.concatenate(self.buf_key)
            lo, hi = (
                int(keys.min()),
                int(keys.max()),
            )  # sorted files touch a narrow band of exporters
            self.exports[lo : hi + 1] += np.bincount(
                keys - lo, weights=np.concatenate(self.buf_v), minlength=hi - lo + 1
            )
            self.buf_key.clear()
            self.buf_v.clear()
            self.buffered = 0

    def set_chunk(self, chunk: memoryview) -> None:
        """Set the bytes the next batches were parsed from (for the ledger's original text)."""
        self.chunk, self.row0, self._starts = chunk, 0, None

    def cell_text(self, rows: np.ndarray, column: str) -> list[str]:
        """Original text of ``column`` in the batch's ``rows`` (read back from the chunk)."""
        if self.chunk is None:  # pragma: no cover - _scan always sets the chunk
            return [""] * len(rows)
        if self._starts is None:
            buf = np.frombuffer(self.chunk, dtype=np.uint8)
            ends = np.flatnonzero(buf == 10)
            self._starts = np.concatenate(([0], ends + 1, [len(buf) + 1]))
        idx = FLOW_COLUMNS.index(column)
        out = []
        for r in (np.asarray(rows) + self.row0).tolist():
            line = bytes(self.chunk[self._starts[r] : self._starts[r + 1] - 1]).rstrip(b"\r")
            parts = line.split(b",")
            out.append(parts[idx].decode("utf-8", "replace") if idx < len(parts) else "")
        return out

    def quarantine(self, mask, *, rule: str, column: str, reason: str) -> None:
        rows = np.flatnonzero(mask)
        lines = rows + self.offset + 2
        frame = pd.DataFrame(
            {column: self.cell_text(rows, column)}, index=pd.Index(lines, name="line")
        )
        self.rejects.append(
            reject_rows(
                frame,
                pd.Series(True, index=frame.index),
                step="baci",
                file=self.flow.name,
                rule=rule,
                reason=reason,
                column=column,
            ).ledger
        )

    @staticmethod
    def lookup(values: np.ndarray, table: np.ndarray) -> np.ndarray:
        """Return ``table[values]``, -1 outside the table (its first and last entries are -1)."""
        return np.take(table, values, mode="clip")

    def process(self, batch, q_as_text: bool) -> None:
        n = batch.num_rows
        if n == 0:
            return
        t, t_null = _column(batch, "t", -1)
        i, i_null = _column(batch, "i", -1)
        j, j_null = _column(batch, "j", -1)
        k, k_null = _column(batch, "k", -1)
        v, _ = _column(batch, "v", np.nan)
        q = _q_values(batch, q_as_text)
        ii = self.lookup(i, self.c_index)
        jj = self.lookup(j, self.c_index)
        kk = self.lookup(k, self.p_index)
        missing = None
        for m in (t_null, i_null, j_null, k_null):
            if m is not None:
                missing = m if missing is None else (missing | m)
        bad = None
        year = self.flow.year
        v_max = self.limits.max_value_usd / 1000.0  # v is in thousands of USD
        hits: list[tuple[np.ndarray, str, str, str]] = []  # (mask, rule, column, reason)
        if missing is not None:  # name the first blank key cell of each row
            blank = (
                missing
                & (t_null if t_null is not None else False)
                & (i_null if i_null is not None else False)
                & (j_null if j_null is not None else False)
                & (k_null if k_null is not None else False)
                & np.isnan(v)
                & np.isnan(q)
            )
            if np.any(blank):
                hits.append((blank, "blank_line", "t", "the line is empty"))
            seen = np.array(blank, dtype=bool)
            for col, null in (("t", t_null), ("i", i_null), ("j", j_null), ("k", k_null)):
                if null is None:
                    continue
                mask = null & ~seen
                if mask.any():
                    hits.append((mask, "key_present", col, "t, i, j and k must all be present"))
                    seen |= mask
        # each rule's mask is built only when a cheap reduction says a row may break it
        # (min/max propagate NaN, so a missing v is caught as well)
        checks = (
            (
                lambda: t != year,
                not (t.min() == year == t.max()),
                "year_matches_file",
                "t",
                f"t must equal the file's year {year}",
            ),
            (
                lambda: kk < 0,
                kk.min() < 0,
                "hs6_in_dictionary",
                "k",
                f"k is not a code of product_codes_{self.release.revision}"
                f"_V{self.release.version}.csv",
            ),
            (
                lambda: ~(v > 0),
                not (v.min() > 0),
                "value_positive",
                "v",
                "v must be a positive number (BACI stores positive flows only)",
            ),
            (
                lambda: v > v_max,
                v.max() > v_max,
                "value_plausible",
                "v",
                f"1000 * v exceeds max_value_usd = {self.limits.max_value_usd:g} USD for one "
                "flow (or is not finite): implausible",
            ),
            (lambda: q < 0, True, "quantity_nonnegative", "q", "q must be missing or >= 0"),
        )
        for make_mask, maybe, rule, column, reason in checks:
            if not maybe:
                continue
            mask = make_mask()
            if mask is None or not mask.any():
                continue
            if missing is not None:
                mask = mask & ~missing
                if not mask.any():
                    continue
            hits.append((mask, rule, column, reason))
        for mask, *_ in hits:
            bad = mask if bad is None else (bad | mask)
        if ii.min() < 0 or jj.min() < 0:
            unknown = (ii < 0) | (jj < 0)
            if missing is not None:
                unknown &= ~missing
            if unknown.any():
                self.unknown.update(int(x) for x in i[unknown & (ii < 0)])
                self.unknown.update(int(x) for x in j[unknown & (jj < 0)])
                bad = unknown if bad is None else (bad | unknown)
        kd = self.key_dtype  # uint32 when it fits: half the memory traffic of int64
        key = ii.astype(kd)  # (ii * n_c + jj) * n_p + kk, in place
        key *= kd(self.n_c)
        np.add(key, jj, out=key, casting="unsafe")
        key *= kd(self.n_p)
        np.add(key, kk, out=key, casting="unsafe")
        if self.dup_keys is not None:
            dup = np.isin(key, self.dup_keys)
            if bad is not None:
                dup &= ~bad
            if dup.any():
                hits.append(
                    (dup, "unique_key", "k", "(t, i, j, k) appears more than once; every copy "
                     "is rejected")
                )
                bad = dup if bad is None else (bad | dup)
        if hits:  # the rejection cap is checked before any ledger entry is built
            n_hit = int(np.count_nonzero(np.logical_or.reduce([m for m, *_ in hits])))
            self.rejected += n_hit
            cap = self.limits.max_rejected_rows + self.limits.max_rejected_share * (
                self.offset + n
            )
            if self.rejected > cap:
                first = hits[0]
                raise LimitExceededError(
                    f"{self.rejected} of the first {self.offset + n} data rows were rejected "
                    f"(first rule {first[1]!r}: {first[3]}); reading stopped",
                    limit="max_rejected_rows + max_rejected_share * rows",
                    allowed=f"{self.limits.max_rejected_rows} + "
                    f"{self.limits.max_rejected_share:g} * rows = {cap:.0f}",
                    path=self.flow.name,
                    line=int(np.flatnonzero(first[0])[0]) + self.offset + 2,
                    column=first[2],
                    hint="the file is damaged or not a BACI flow file (e.g. a flood of blank "
                    "lines); download it again. If it is genuine, raise "
                    "ReadLimits.max_rejected_rows / max_rejected_share",
                )
            for mask, rule, column, reason in hits:
                self.quarantine(mask, rule=rule, column=column, reason=reason)
        if bad is not None:
            ok = ~bad
            pos = np.flatnonzero(ok)
            key, ii, jj, kk, v, q = key[ok], ii[ok], jj[ok], kk[ok], v[ok], q[ok]
        else:
            pos = None
        usd = _usd(v)
        # every valid row counts towards the exporter's world exports of the product
        ik = ii * self.ik_type(self.n_p) + kk  # < n_c * n_p
        if len(ik):
            lo, hi = int(ik.min()), int(ik.max())
            if hi - lo < 8 * len(ik):  # sorted files: a batch spans one or two exporters
                self.exports[lo : hi + 1] += np.bincount(
                    ik - lo, weights=usd, minlength=hi - lo + 1
                )
            else:  # unsorted: buffer, then one wide bincount per _FLUSH_ROWS rows
                self.buf_key.append(ik)
                self.buf_v.append(usd)
                self.buffered += len(v)
                if self.buffered >= _FLUSH_ROWS:
                    self.flush()
        # uniqueness: BACI files are sorted by (i, j, k), so a strictly increasing key proves it
        if self.dup_keys is None and len(key):
            if self.collect_keys:
                self.keys_seen.append(key)
            elif int(key[0]) <= self.last_key or not (key[1:] > key[:-1]).all():
                raise _Unsorted()
            else:
                self.last_key = int(key[-1])
        sel = self.keep_c[ii] | self.keep_c[jj]
        if sel.any():
            rows = np.flatnonzero(sel)
            lines = (rows if pos is None else pos[rows]) + self.offset + 2
            self.kept.append(
                (
                    lines.astype(np.int64),
                    ii[sel].astype(np.int16),
                    jj[sel].astype(np.int16),
                    kk[sel].astype(np.int32),
                    usd[sel],
                    q[sel],
                )
            )
        self.offset += n
        self.row0 += n

    def result(self, sha256: str) -> FlowScan:
        self.flush()
        nz = np.flatnonzero(self.exports)
        exporter, product = np.divmod(nz.astype(self.ik_type), self.ik_type(self.n_p))
        ex = pd.DataFrame(
            {
                "i": self.codes.astype(np.int16)[exporter],
                "k_index": product.astype(np.int32),
                "value_usd": self.exports[nz],
            }
        )
        names = ("line", "i", "j", "k_index", "value_usd", "q")
        dtypes = (np.int64, np.int16, np.int16, np.int32, np.float64, np.float64)
        cols = {}
        for x, c in enumerate(names):
            cols[c] = (
                np.concatenate([p[x] for p in self.kept])
                if self.kept
                else np.zeros(0, dtype=dtypes[x])
            )
            for p in self.kept:  # free as we go: the parts are as large as the result
                if p[x].flags.owndata:
                    p[x].resize(0, refcheck=False)
        # i and j as BACI codes (they fit int16)
        cols["i"] = self.codes.astype(np.int16)[cols["i"]]
        cols["j"] = self.codes.astype(np.int16)[cols["j"]]
        kept = pd.DataFrame(cols, copy=False)
        self.kept = []
        ledger = pd.concat(self.rejects, ignore_index=True) if self.rejects else empty_ledger()
        rejected = int(ledger.drop_duplicates(["file", "line"]).shape[0]) if len(ledger) else 0
        return FlowScan(
            self.flow,
            self.offset,
            rejected,
            kept,
            ex,
            ledger[LEDGER_COLUMNS].reset_index(drop=True),
            sha256,
        )


#: Bytes of CSV parsed at a time: large enough for pyarrow to parse its blocks on every core,
#: small enough to bound memory (one chunk parsing, one parsed, one being processed).
_CHUNK_BYTES = 4 << 20


class _Chunks:
    """The data lines of a flow file as byte chunks that end at a line break.

    One sequential pass over the file. A plain file is memory-mapped and cut into slices of
    the mapping (no copy through a read buffer: the parser reads the page cache directly); a
    zip member is decompressed into fresh buffers. The chunks, in order and after the header,
    are the whole file: the reading thread hashes them (SHA-256, which releases the GIL) while
    the parser threads work, off the consumer's critical path.
    """

    def __init__(
        self,
        flow: FlowFile,
        skip: int,
        progress: Callable[[int], object] | None,
        limits: ReadLimits = READ_LIMITS,
    ) -> None:
        self.sha256 = hashlib.sha256()
        self.last = b""
        self._progress = progress
        self._map = None
        self._name = flow.name
        self._limits = limits
        self._lines = 1  # lines before the next chunk (the header)
        self._bytes = skip  # bytes decompressed so far (zip members)
        self._declared = flow.size() if flow.member is not None else None
        self._fh = flow.open()
        if flow.member is None:
            import mmap

            size = self._fh.seek(0, io.SEEK_END)
            self._fh.seek(0)
            if size > 0:
                self._map = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ)
                if hasattr(self._map, "madvise") and hasattr(mmap, "MADV_SEQUENTIAL"):
                    self._map.madvise(mmap.MADV_SEQUENTIAL)
                self._skip = min(skip, size)
                self._released = 0  # pages below this offset are out of the resident set
                self._end = self._skip  # end of the chunks done
                with memoryview(self._map)[: self._skip] as head:
                    self.sha256.update(head)
                return
        head = bytearray(skip)
        got = self._readinto(memoryview(head))
        self.sha256.update(head[:got])

    def _readinto(self, view: memoryview) -> int:
        got = 0
        while got < len(view):
            try:
                n = self._fh.readinto(view[got:])
            except DataFileError as exc:  # a damaged member: name the first line not read
                if exc.line is not None:
                    raise
                raise DataFileError(
                    exc.message, path=exc.path, line=self._lines + 1, hint=exc.hint
                ) from None
            if not n:
                break
            got += n
        return got

    def _too_long(self, line: int, start: bytes) -> LimitExceededError:
        bound = self._limits.max_line_bytes
        return LimitExceededError(
            f"line longer than {bound} bytes (a BACI line has about 40)",
            limit="max_line_bytes",
            allowed=bound,
            path=self._name,
            line=line,
            value=start[:40].decode("utf-8", "replace"),
        )

    def _checked(self, chunk: memoryview) -> memoryview:
        """Refuse a chunk holding a line longer than the limit; count its lines."""
        bound = self._limits.max_line_bytes
        buf = np.frombuffer(chunk, dtype=np.uint8)
        ends = np.flatnonzero(buf == 10)
        lengths = np.diff(ends, prepend=-1) if len(ends) else np.zeros(0, dtype=np.int64)
        tail = len(buf) - 1 - (int(ends[-1]) if len(ends) else -1)  # a last line without \n
        if (len(lengths) and int(lengths.max()) > bound) or tail > bound:
            over = len(lengths) and int(lengths.max()) > bound
            r = int(np.argmax(lengths > bound)) if over else len(ends)
            start = int(ends[r - 1]) + 1 if r > 0 else 0
            raise self._too_long(self._lines + r + 1, bytes(chunk[start : start + 40]))
        self._lines += len(ends)
        return chunk

    def _count(self, n: int) -> None:
        """Count decompressed bytes against the zip header and ``max_member_bytes``."""
        self._bytes += n
        limit = self._limits.max_member_bytes
        if self._bytes > limit or (self._declared is not None and self._bytes > self._declared):
            raise LimitExceededError(
                f"decompressed {self._bytes} bytes, more than the zip header declares "
                f"({self._declared})"
                if self._bytes <= limit
                else f"decompressed more than {limit} bytes",
                limit="max_member_bytes",
                allowed=limit,
                path=self._name,
                line=self._lines,
            )

    def __iter__(self) -> Iterator[memoryview]:
        if self._map is not None:
            yield from self._mapped()
            return
        carry = b""
        bound = self._limits.max_line_bytes
        while True:
            buf = bytearray(len(carry) + _CHUNK_BYTES)
            buf[: len(carry)] = carry
            n = self._readinto(memoryview(buf)[len(carry) :])
            self._count(n)
            if n == 0:
                if carry:
                    yield self._checked(memoryview(carry))
                return
            end = len(carry) + n
            self.last = bytes(buf[end - 1 : end])
            if self._progress is not None:
                self._progress(n)
            cut = buf.rfind(b"\n", 0, end) + 1
            if cut == 0:
                if end > bound:  # refused before it is buffered whole
                    raise self._too_long(self._lines + 1, bytes(buf[:40]))
                carry = bytes(buf[:end])
                continue
            carry = bytes(buf[cut:end])
            if len(carry) > bound:
                raise self._too_long(self._lines + buf.count(b"\n", 0, cut) + 1, carry[:40])
            yield self._checked(memoryview(buf)[:cut])

    def _mapped(self) -> Iterator[memoryview]:
        mm = self._map
        size = len(mm)
        self.last = mm[size - 1 : size]
        view = memoryview(mm)
        pos = self._skip
        while pos < size:
            end = min(pos + _CHUNK_BYTES, size)
            cut = mm.rfind(b"\n", pos, end) + 1
            if cut <= pos:  # a line longer than a chunk: extend to its end, within the limit
                bound = self._limits.max_line_bytes
                cut = mm.find(b"\n", end, min(pos + bound, size)) + 1
                if cut == 0:
                    if pos + bound < size:  # refused without searching further
                        raise self._too_long(self._lines + 1, bytes(mm[pos : pos + 40]))
                    cut = size
            if self._progress is not None:
                self._progress(cut - pos)
            yield self._checked(view[pos:cut])
            pos = cut

    def done(self, chunk: memoryview) -> None:
        """Tell that ``chunk`` (the oldest one not yet done) is parsed and hashed.

        A mapped file's pages up to there leave the process's resident set (``MADV_DONTNEED``:
        the data stays in the page cache), so memory stays bounded by a few chunks as with
        read buffers. Nothing else changes: a page touched again is mapped again.
        """
        if self._map is None or not hasattr(self._map, "madvise"):
            return
        import mmap

        self._end += chunk.nbytes
        upto = self._end - self._end % mmap.PAGESIZE
        if upto > self._released:
            self._map.madvise(mmap.MADV_DONTNEED, self._released, upto - self._released)
            self._released = upto

    def close(self) -> None:
        self._fh.close()
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:  # a slice is still referenced; the mapping goes with it
                pass
            self._map = None


def _parsed(chunks: _Chunks, ro, po, co, errors: list) -> Iterator:
    """Yield ``(table, chunk)`` in file order; two chunks are parsed at a time.

    A reader thread cuts the file into chunks, hands each to a pool of two parser threads and
    hashes it while it parses (single-threaded pyarrow per chunk: about 15 % less CPU than
    pyarrow splitting each chunk over threads); at most :data:`_IN_FLIGHT` chunks are ahead
    of the consumer, which bounds memory.
    """
    import queue
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.csv as pacsv

    single = pacsv.ReadOptions(
        column_names=ro.column_names, skip_rows=0, block_size=ro.block_size, use_threads=False
    )

    def parse(chunk):
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(chunk)),
            read_options=single,
            parse_options=po,
            convert_options=co,
        )
        return table, chunk

    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="baci-parse")
    pending: queue.Queue = queue.Queue(maxsize=_IN_FLIGHT)
    done = object()
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                pending.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                future = pool.submit(parse, chunk)
                chunks.sha256.update(chunk)  # in file order, while the chunk parses
                if not put(future):
                    return
        except BaseException as exc:  # re-raised in the consumer
            errors.append(exc)
        finally:
            put(done)

    reader = threading.Thread(target=read, name="baci-read", daemon=True)
    reader.start()
    try:
        while True:
            item = pending.get()
            if item is done:
                break
            yield item.result()
    finally:
        stop.set()
        reader.join()
        pool.shutdown(wait=True, cancel_futures=True)
    if errors:
        raise errors[0]


#: Chunks queued ahead of the consumer (parsed or being parsed).
_IN_FLIGHT = 2


def _scan(
    flow: FlowFile,
    release: Release,
    *,
    keep: Iterable[int] | None,
    progress: Callable[[int], object] | None,
    skip: int,
    q_as_text: bool,
    dup_keys: np.ndarray | None = None,
    collect_keys: bool = False,
    limits: ReadLimits = READ_LIMITS,
) -> FlowScan | _Duplicates:
    import pyarrow as pa

    sc = _Scanner(flow, release, keep, dup_keys, collect_keys, limits)
    ro, po, co = _arrow_options(q_as_text)
    errors: list[BaseException] = []
    chunks = _Chunks(flow, skip, progress, limits)
    try:
        for table, chunk in _parsed(chunks, ro, po, co, errors):
            chunks.done(chunk)
            sc.set_chunk(chunk)
            for batch in table.to_batches():
                sc.process(batch, q_as_text)
    except pa.ArrowInvalid as exc:
        if not q_as_text and "column #5" in str(exc):
            raise _RetryAsText() from None
        raise _locate_problem(flow, q_as_text=q_as_text, limits=limits) from None
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise DataFileError(
            f"damaged zip member ({exc})",
            path=flow.name,
            line=sc.offset + 2,
            hint="delete the zip and download it again (`make data` verifies the SHA-256)",
        ) from None
    finally:
        chunks.close()
    sha256 = chunks.sha256.hexdigest()
    if flow.member is None and chunks.last not in (b"\n", b""):
        # (zip members are protected by their CRC; a loose CSV cut short often still parses)
        raise DataFileError(
            "the last line has no line break: the file looks truncated",
            path=flow.name,
            line=sc.offset + 1,
            column=FLOW_COLUMNS[-1],
            hint="re-extract or re-download the file (`make data` verifies the SHA-256); "
            "if it is complete, end it with a line break",
        )
    if sc.unknown:
        raise UnmappedCodeError(
            sorted(sc.unknown),
            what="BACI country code",
            crosswalk=release.dictionary_sources[0] if release.dictionary_sources else None,
            source=flow.name,
        )
    if sc.keys_seen:
        keys = np.sort(np.concatenate(sc.keys_seen))
        sc.keys_seen = []
        same = keys[1:] == keys[:-1]
        if same.any():
            return _Duplicates(np.unique(keys[1:][same]).astype(np.int64))
    return sc.result(sha256)


# --------------------------------------------------------------------------------------------
# canonical frames
# --------------------------------------------------------------------------------------------


#: Package notes on BACI country codes that are not plain ISO countries (grouped, historic,
#: Comtrade-specific, "nes" areas), valid for every release (see :func:`country_crosswalk`).
COUNTRY_NOTES = "baci_country_notes.csv"
_NOTE_STATUSES = ("comtrade", "grouped", "historic", "nes")


def country_notes() -> pd.DataFrame:
    """Return the package's notes on BACI country codes that are not plain ISO countries.

    One row per BACI code (``data/baci_country_notes.csv``): ``baci_code`` (int64),
    ``listed_iso3`` (the ISO3 spellings releases are known to print for it, ``N/A`` for none,
    ``|``-separated: 490 is ``N/A`` in V202201 and ``S19`` in V202601), ``iso3`` (coopstats'
    key, ``<NA>`` for "nes" areas), ``status`` (``comtrade``, ``grouped``, ``historic``,
    ``nes``), ``name``, ``note`` and ``source``.

    Raises
    ------
    DataFileError
        A malformed notes file (names line, column and value).
    """
    from ..geo import data_path

    path = data_path(COUNTRY_NOTES)
    frame = _read_small_csv(path.read_bytes(), str(path))
    _check_header(
        frame, ["baci_code", "listed_iso3", "iso3", "status", "name", "note", "source"], str(path)
    )
    _check_codes(
        frame["baci_code"],
        r"\d{1,3}",
        name=str(path),
        column="baci_code",
        noun="country code",
        what="not a 1-3 digit BACI code",
        hint="one row per BACI code",
    )
    for col, ok, what in (
        ("status", frame["status"].isin(_NOTE_STATUSES), f"status must be one of {_NOTE_STATUSES}"),
        (
            "iso3",
            frame["iso3"].str.fullmatch(r"[A-Z]{3}") | (frame["status"] == "nes"),
            "iso3 must be an ISO 3166 alpha-3 code (blank only for 'nes' areas)",
        ),
        ("note", frame["note"].str.strip() != "", "every note needs its text"),
        ("source", frame["source"].str.strip() != "", "every note needs a source"),
    ):
        bad = ~ok.fillna(False).astype(bool)
        if bad.any():
            line = int(frame.index[bad.to_numpy()][0])
            raise DataFileError(
                what, path=path, line=line, column=col, value=frame.loc[line, col],
                hint="fix the row of the package's BACI country notes",
            )
    out = frame.copy()
    out["baci_code"] = out["baci_code"].astype("int64")
    out["iso3"] = out["iso3"].replace("", pd.NA).astype("string")
    return out.reset_index(drop=True)


def _known_iso3(notes: pd.DataFrame) -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes (country_converter) plus the ISO 3166-3 codes of the notes."""
    import country_converter as coco

    data = coco.CountryConverter().data
    return frozenset(str(x) for x in data["ISO3"].dropna()) | frozenset(
        notes["iso3"].dropna().astype(str)
    )


def country_crosswalk(countries: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Map a release's own country dictionary to ISO3, with the package's notes.

    Works for every BACI release (V2020xx-V2026xx) without a code change:

    * a code with a note in :func:`country_notes` (grouped 842 USA, 251 France, 757
      Switzerland, 579 Norway; Comtrade-specific 699 India; historic 810 USSR, 891 Serbia and
      Montenegro, 711 SACU; "nes" areas 490 Other Asia and 697 Europe EFTA) takes the note's
      ISO3, after checking that the release prints one of the spellings the note knows (a
      new spelling may mean a new meaning: it raises, so a person looks before it is used);
    * any other code takes the ISO3 printed in the dictionary's own column
      (``iso_3digit_alpha`` in V202201, ``country_iso3`` from V2024), which must be an
      ISO 3166 alpha-3 code.

    Parameters
    ----------
    countries : pandas.DataFrame
        :func:`read_country_codes` of the release (``baci_code, country_name, listed_iso3``).
    source : str, optional
        File named in errors (default: the dictionary's version).

    Returns
    -------
    pandas.DataFrame
        ``baci_code, country_name, listed_iso3, iso3`` (``<NA>`` for "nes" areas), ``status``
        (``iso`` or the note's status), ``note``; one row per dictionary code.

    Raises
    ------
    UnmappedCodeError
        Codes without a note whose listed ISO3 is missing or not an ISO 3166 code (all of
        them, with the file to add a note to).
    DataFileError
        A noted code printed with an ISO3 the note does not know.
    """
    from ..geo import data_path

    notes = country_notes().set_index("baci_code")
    known = _known_iso3(notes.reset_index())
    where = source or "BACI " + ", ".join(
        sorted({f"V{v}" for v in countries.get("version", pd.Series(["?"])).astype(str)})
    )
    rows, unknown = [], []
    for line, rec in countries.iterrows():
        code = int(rec["baci_code"])
        listed = rec["listed_iso3"]
        printed = "N/A" if pd.isna(listed) else str(listed)
        if code in notes.index:
            note = notes.loc[code]
            if printed not in str(note["listed_iso3"]).split("|"):
                raise DataFileError(
                    f"BACI code {code} ({rec['country_name']}) is listed with ISO3 {printed!r}; "
                    f"the package's note expects {note['listed_iso3']!r}",
                    path=where,
                    line=int(line) if isinstance(line, (int, np.integer)) else None,
                    column="iso3",
                    value=printed,
                    hint=f"check what the code covers in this release and add the spelling to "
                    f"{data_path(COUNTRY_NOTES)}",
                )
            iso3, status, text = note["iso3"], str(note["status"]), str(note["note"])
        elif printed in known:
            iso3, status, text = printed, "iso", ""
        else:
            unknown.append(f"{code} ({rec['country_name']}, ISO3 {printed!r})")
            continue
        rows.append((code, rec["country_name"], listed, iso3, status, text))
    if unknown:
        raise UnmappedCodeError(
            unknown,
            what="BACI country code",
            crosswalk=data_path(COUNTRY_NOTES),
            source=f"{where}: listed ISO3 is not an ISO 3166 code and the package has no note",
        )
    out = pd.DataFrame(
        rows, columns=["baci_code", "country_name", "listed_iso3", "iso3", "status", "note"]
    )
    out["baci_code"] = out["baci_code"].astype("int64")
    for c in ("country_name", "listed_iso3", "iso3", "status", "note"):
        out[c] = out[c].astype("string")
    return out


def iso3_codes(
    codes: Iterable[int], *, version: str, countries: pd.DataFrame | None = None
) -> dict[int, str | None]:
    """Map BACI country codes of one release to ISO3.

    With ``countries`` (the release's own dictionary, :func:`read_country_codes`) the mapping
    is :func:`country_crosswalk` (any release); without it, the curated crosswalk of
    :func:`coopstats.geo.baci_to_iso3` for ``version`` (V202201 only).

    Codes of areas without a country ("nes" areas such as 490 "Other Asia, nes" and 697
    "Europe EFTA, nes") map to ``None``; callers quarantine the rows that need them.

    Raises
    ------
    UnmappedCodeError
        Codes the mapping does not know, all listed.
    """
    uniq = sorted({int(c) for c in codes})
    if not uniq:
        return {}
    if countries is not None:
        walk = country_crosswalk(countries)
        lookup = dict(zip(walk["baci_code"].tolist(), walk["iso3"].tolist(), strict=True))
        missing = [c for c in uniq if c not in lookup]
        if missing:
            raise UnmappedCodeError(
                missing,
                what="BACI country code",
                source=f"not in the country dictionary of BACI V{version}",
            )
        return {c: (None if pd.isna(lookup[c]) else str(lookup[c])) for c in uniq}
    from ..geo import baci_to_iso3

    iso = baci_to_iso3(pd.Series(uniq, dtype="int64"), version=f"V{version}", unassigned="na")
    return {c: (None if pd.isna(x) else str(x)) for c, x in zip(uniq, iso.tolist(), strict=True)}


@dataclass
class Attributed:
    """Flows of one :class:`FlowScan` with every country code resolved to ISO3.

    Attributes
    ----------
    iso3 : dict
        BACI code -> ISO3 for every code used in ``kept`` and ``exports``.
    source_kept, source_exports : pandas.DataFrame
        The scan's frames; ``kept_rows`` / ``export_rows`` select the attributable rows (None:
        all). :attr:`kept` is the scan's kept rows whose exporter and importer both have an
        ISO3; :attr:`exports` the export sums of exporters with an ISO3 (their sums include
        flows to areas without one, e.g. exports to 490 "Other Asia, nes").
    ledger : pandas.DataFrame
        Entries for kept rows dropped because a side has no ISO3 (rule ``country_has_iso3``).
    excluded : pandas.DataFrame
        ``i, v``: export sums of exporters without ISO3 (left out of ``exports`` but part of
        world totals).
    """

    iso3: dict[int, str]
    source_kept: pd.DataFrame = field(repr=False)
    source_exports: pd.DataFrame = field(repr=False)
    kept_rows: np.ndarray | None
    export_rows: np.ndarray | None
    ledger: pd.DataFrame
    excluded: pd.DataFrame

    @property
    def kept(self) -> pd.DataFrame:
        """Kept rows with both sides attributable (a copy when rows were dropped)."""
        if self.kept_rows is None:
            return self.source_kept
        return self.source_kept.iloc[self.kept_rows]

    @property
    def exports(self) -> pd.DataFrame:
        """Export sums of exporters with an ISO3 (a copy when exporters were dropped)."""
        if self.export_rows is None:
            return self.source_exports
        return self.source_exports.iloc[self.export_rows]

    def kept_column(self, name: str) -> np.ndarray:
        """One column of :attr:`kept` as an array, without copying the other columns."""
        values = self.source_kept[name].to_numpy()
        return values if self.kept_rows is None else values[self.kept_rows]

    def exports_column(self, name: str) -> np.ndarray:
        """One column of :attr:`exports` as an array."""
        values = self.source_exports[name].to_numpy()
        return values if self.export_rows is None else values[self.export_rows]

    @property
    def rows_rejected(self) -> int:
        """Kept rows dropped for lack of an ISO3."""
        return int(self.ledger["line"].nunique()) if len(self.ledger) else 0


def attribute(scan: FlowScan, release: Release) -> Attributed:
    """Resolve the country codes of a scan to ISO3; quarantine rows whose side has none.

    Also checks that no two codes mapping to the same ISO3 occur in the file's year (see
    :func:`check_code_collisions`).
    """
    kept, ex = scan.kept, scan.exports
    seen = np.zeros(_MAX_CODE, dtype=bool)
    for col in (kept["i"], kept["j"], ex["i"]):
        seen |= np.bincount(col.to_numpy(), minlength=_MAX_CODE)[:_MAX_CODE] > 0
    present = set(np.flatnonzero(seen).tolist())
    mapping = iso3_codes(present, version=release.version, countries=release.countries)
    iso3 = {c: x for c, x in mapping.items() if x is not None}
    nes = sorted(c for c, x in mapping.items() if x is None)
    check_code_collisions({scan.flow.year: iso3.keys()}, iso3, source=scan.flow.name)
    ledger = empty_ledger()
    excluded = pd.DataFrame(
        {"i": pd.Series(dtype="int64"), "value_usd": pd.Series(dtype="float64")}
    )
    kept_rows = export_rows = None
    if nes:
        bad = kept["i"].isin(nes) | kept["j"].isin(nes)
        if bad.any():
            frame = kept.loc[bad, ["line", "i", "j"]].set_index("line")
            frame["code"] = np.where(frame["i"].isin(nes), frame["i"], frame["j"])
            names = dict(
                zip(release.countries["baci_code"], release.countries["country_name"], strict=True)
            )
            text = {
                c: f"BACI code {c} ({names.get(c, '?')}) has no ISO3 country; "
                "the flow cannot be attributed"
                for c in nes
            }
            reason = frame["code"].map(text).tolist()
            ledger = reject_rows(
                frame,
                pd.Series(True, index=frame.index),
                step="baci",
                file=scan.flow.name,
                rule="country_has_iso3",
                column="code",
                reason=reason,
            ).ledger
            kept_rows = np.flatnonzero(~bad.to_numpy())
        drop = ex["i"].isin(nes)
        if drop.any():
            excluded = ex[drop].groupby("i", as_index=False)["value_usd"].sum()
            export_rows = np.flatnonzero(~drop.to_numpy())
    return Attributed(iso3, kept, ex, kept_rows, export_rows, ledger, excluded)


def check_code_collisions(
    codes_by_year: dict[int, Iterable[int]], iso3: dict[int, str], *, source: str
) -> None:
    """Raise when two BACI codes that map to one ISO3 both occur in the same year.

    BACI's historic codes (58 Belgium-Luxembourg / 56 Belgium, 711 SACU / 710 South Africa,
    280 / 276 Germany, 736 / 729 Sudan) never overlap in time; if they did, summing them under
    one ISO3 would double count.
    """
    for year, codes in sorted(codes_by_year.items()):
        seen: dict[str, int] = {}
        for c in sorted(set(codes)):
            other = seen.setdefault(iso3[c], c)
            if other != c:
                raise DataFileError(
                    f"BACI codes {other} and {c} both map to {iso3[c]} and both occur in {year}",
                    path=source,
                    column="i",
                    value=c,
                    hint="one of them is a historic aggregate; check the release's country "
                    "dictionary and geo's crosswalk",
                )


def trade_frame(
    kept: pd.DataFrame, year: int, release: Release, iso3: dict[int, str]
) -> pd.DataFrame:
    """Convert :attr:`FlowScan.kept` rows to the canonical trade frame.

    ``value_usd = 1000 * v`` (BACI's v is in thousands of current USD), ``quantity_t = q``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`coopstats.schemas.TRADE`, index = source line.
    """
    hs6 = release.products["hs6_code"].to_numpy()
    out = pd.DataFrame(
        {
            "year": np.full(len(kept), year, dtype=np.int64),
            "exporter_iso3": pd.array(kept["i"].map(iso3).to_numpy(), dtype="string"),
            "importer_iso3": pd.array(kept["j"].map(iso3).to_numpy(), dtype="string"),
            "hs6_code": pd.array(hs6[kept["k_index"].to_numpy()], dtype="string"),
            "hs_revision": pd.array([release.revision] * len(kept), dtype="string"),
            "value_usd": kept["value_usd"].to_numpy(dtype=np.float64),
            "quantity_t": kept["q"].to_numpy(dtype=np.float64),
            "flow_basis": pd.array(["reconciled"] * len(kept), dtype="string"),
            "dataset": pd.array([release.dataset] * len(kept), dtype="string"),
        },
        index=pd.Index(kept["line"].to_numpy(), name="line"),
    )
    return out[TRADE]


def exports_frame(
    exports: pd.DataFrame, year: int, release: Release, iso3: dict[int, str]
) -> pd.DataFrame:
    """Convert :attr:`FlowScan.exports` to the exports frame.

    Columns ``year, exporter_iso3, hs6_code, hs_revision, value_usd, dataset``.

    ``value_usd = 1000 * sum_j v_ijk``: exports of country i in product k to all partners.
    """
    hs6 = release.products["hs6_code"].to_numpy()
    return pd.DataFrame(
        {
            "year": np.full(len(exports), year, dtype=np.int64),
            "exporter_iso3": pd.array(exports["i"].map(iso3).to_numpy(), dtype="string"),
            "hs6_code": pd.array(hs6[exports["k_index"].to_numpy()], dtype="string"),
            "hs_revision": pd.array([release.revision] * len(exports), dtype="string"),
            "value_usd": exports["value_usd"].to_numpy(dtype=np.float64),
            "dataset": pd.array([release.dataset] * len(exports), dtype="string"),
        }
    )


def codes_for(countries: Iterable[str], release: Release) -> list[int]:
    """Return the BACI codes of ``release`` whose ISO3 is in ``countries``."""
    wanted = {str(c) for c in countries}
    mapping = iso3_codes(
        release.countries["baci_code"].tolist(),
        version=release.version,
        countries=release.countries,
    )
    return sorted(c for c, iso in mapping.items() if iso in wanted)


def read_baci_cleaned(
    path_or_zip: str | Path,
    *,
    release: str | None = None,
    revision: str | None = None,
    countries: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    dictionaries: str | Path | None = None,
    limits: ReadLimits | None = None,
) -> Cleaned:
    """Read BACI flows into the canonical trade frame, with the quarantine ledger.

    Parameters
    ----------
    path_or_zip
        A release zip or one yearly CSV (its dictionaries beside it or in ``dictionaries``).
    release, revision
        Expected release version (``"202201"``) and HS revision (``"HS17"``); checked against
        the file names when given.
    countries
        ISO3 codes: keep only flows whose exporter or importer is one of them (recommended for
        whole releases, which do not fit comfortably in memory otherwise).
    years
        Years to read from a zip (default all).
    dictionaries
        Folder with ``country_codes_V*.csv`` / ``product_codes_*_V*.csv`` of the same version.
    limits
        Reader limits (:class:`ReadLimits`; default :data:`READ_LIMITS`).

    Returns
    -------
    Cleaned
        ``kept``: canonical trade rows (index = source line), ``ledger``: rejected rows with
        file and line; ``rows_in`` = rows kept + rows rejected (rows outside ``countries`` are
        validated and summed nowhere, and not counted).
    """
    rel = open_release(path_or_zip, dictionaries=dictionaries)
    if release is not None and str(release).lstrip("V") != rel.version:
        raise InvalidParameterError(
            "release", release, allowed=[rel.version], why=f"{path_or_zip} is release {rel.version}"
        )
    if revision is not None and revision != rel.revision:
        raise InvalidParameterError(
            "revision", revision, allowed=[rel.revision], why=f"{path_or_zip} is {rel.revision}"
        )
    flows = list(rel.flows)
    if years is not None:
        wanted = {int(y) for y in years}
        have = {f.year for f in flows}
        if not wanted <= have:
            raise InvalidParameterError(
                "years", sorted(wanted - have), allowed=sorted(have), why=f"not in {path_or_zip}"
            )
        flows = [f for f in flows if f.year in wanted]
    keep = None if countries is None else codes_for(countries, rel)
    frames, ledgers, rejected = [], [], 0
    for flow in flows:
        scan = scan_flows(flow, rel, keep=keep, limits=limits)
        att = attribute(scan, rel)
        frames.append(trade_frame(att.kept, flow.year, rel, att.iso3))
        ledgers.extend([scan.ledger, att.ledger])
        rejected += scan.rows_rejected + att.rows_rejected
    empty = pd.DataFrame(
        {c: np.zeros(0, dtype=np.int64) for c in ("line", "i", "j", "k_index", "value_usd", "q")}
    )
    kept = pd.concat(frames) if frames else trade_frame(empty, 0, rel, {})
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else empty_ledger()
    return Cleaned(kept, ledger, "baci", len(kept) + rejected).check()


def read_baci(
    path_or_zip: str | Path,
    *,
    release: str | None = None,
    revision: str | None = None,
    countries: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    dictionaries: str | Path | None = None,
) -> pd.DataFrame:
    """Read BACI flows into the canonical trade frame (see :func:`read_baci_cleaned`).

    ``value_usd = 1000 * v`` (v is in thousands of current USD), ``quantity_t = q`` (tonnes,
    missing where BACI has ``NA``), ``flow_basis = "reconciled"``,
    ``dataset = "BACI_<revision>_V<version>"``. Rejected rows are left out with a
    :class:`~coopstats.errors.CoopstatsWarning`; use :func:`read_baci_cleaned` for the ledger.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`coopstats.schemas.TRADE`, sorted by year, exporter, importer, product.

    References
    ----------
    Gaulier, G. and Zignago, S. (2010). BACI: International Trade Database at the
    Product-Level. The 1994-2007 Version. CEPII Working Paper 2010-23.
    """
    cleaned = read_baci_cleaned(
        path_or_zip,
        release=release,
        revision=revision,
        countries=countries,
        years=years,
        dictionaries=dictionaries,
    )
    if cleaned.rows_rejected:
        warnings.warn(
            f"{path_or_zip}: {cleaned.rows_rejected} row(s) rejected; "
            "read_baci_cleaned() lists them",
            CoopstatsWarning,
            stacklevel=2,
        )
    return cleaned.kept.sort_values(
        ["dataset", "year", "exporter_iso3", "importer_iso3", "hs6_code"], kind="stable"
    ).reset_index(drop=True)
