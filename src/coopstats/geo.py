"""Countries: any country name or code to ISO 3166 alpha-3.

ISO 3166 alpha-3 is the one country key in coopstats. :func:`to_iso3` resolves English names
and variants (country_converter's regular expressions plus ``data/country_aliases.csv``),
ISO2/ISO3, UN M49 numeric codes, the Comtrade/BACI numeric codes with their quirks
(``data/baci_country_codes.csv``) and Russian names in any grammatical case (pymorphy3 normal
forms matched against ``data/country_names_ru.csv``). Whatever cannot be resolved raises
:class:`~coopstats.errors.UnmappedCodeError` listing every unresolved value and the file to
extend; nothing becomes a silent missing value.

Dated bloc membership (who is a member on which day, the as-of rules) is in
:mod:`coopstats.membership`.

Reference files are read lazily (on first use, then cached); importing this module does no
work.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from . import reference
from .columns import ISO3_REGEX
from .errors import InvalidParameterError, UnmappedCodeError
from .ledger import Cleaned

__all__ = [
    "data_path",
    "to_iso3",
    "russian_country_lexicon",
    "russian_lemmas",
    "baci_country_codes",
    "baci_to_iso3",
    "clean_countries",
]

log = logging.getLogger(__name__)

#: Sources :func:`to_iso3` understands for numeric codes.
SOURCES = (None, "m49", "baci")
#: BACI dictionary versions with a curated crosswalk.
BACI_VERSIONS = ("V202201",)

_RU_NAMES = "country_names_ru.csv"
_ALIASES = "country_aliases.csv"
_BACI = "baci_country_codes.csv"
_RU_KINDS = ("official", "short", "historic", "abbreviation", "adjective")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_TOKEN = re.compile(r"[\w\-]+", re.UNICODE)


# --------------------------------------------------------------------------- reference files
def data_path(name: str) -> Path:
    """Path of a reference file shipped in ``coopstats/data/``.

    Parameters
    ----------
    name : str
        File name, e.g. ``"bloc_membership.csv"``.

    Returns
    -------
    pathlib.Path
        The file inside the installed package (:func:`coopstats.reference.path`).
    """
    return reference.path(name)


# --------------------------------------------------------------------------- BACI codes
@functools.lru_cache(maxsize=1)
def _baci_table() -> pd.DataFrame:
    cols = ["version", "baci_code", "baci_name", "listed_iso3", "iso3", "status", "note", "source"]
    frame = reference.read_table(
        _BACI, cols, required=["version", "baci_code", "baci_name", "status", "source"]
    )
    statuses = ("iso", "comtrade", "grouped", "historic", "nes")
    reference.fail_rows(
        frame,
        ~frame["status"].isin(statuses),
        _BACI,
        "status",
        "unknown status",
        f"use one of {statuses}",
    )
    reference.fail_rows(
        frame,
        ~frame["baci_code"].str.fullmatch(r"\d{1,3}"),
        _BACI,
        "baci_code",
        "not a 1-3 digit code",
        "codes are BACI's numeric country codes, not zero-padded",
    )
    has = frame["iso3"] != ""
    reference.fail_rows(
        frame,
        has & ~frame["iso3"].str.fullmatch(ISO3_REGEX),
        _BACI,
        "iso3",
        "not an ISO3 code",
        "use ISO 3166 alpha-3 (ISO 3166-3 for former countries)",
    )
    reference.fail_rows(
        frame,
        ~has & (frame["status"] != "nes"),
        _BACI,
        "iso3",
        "blank iso3 outside status 'nes'",
        "only 'nes' areas may lack an ISO3; say why in the note",
    )
    reference.fail_rows(
        frame,
        (frame["status"] != "iso") & (frame["note"] == ""),
        _BACI,
        "note",
        "grouped/historic/nes codes need a note",
        "explain what the code covers",
    )
    reference.fail_rows(
        frame,
        frame.duplicated(["version", "baci_code"], keep=False),
        _BACI,
        "baci_code",
        "duplicated code within a version",
        "one row per version and code",
    )
    out = frame.copy()
    out["baci_code"] = out["baci_code"].astype("int64")
    out["iso3"] = out["iso3"].replace("", pd.NA).astype("string")
    return out


def baci_country_codes(*, version: str = "V202201") -> pd.DataFrame:
    """Return the curated BACI country crosswalk of one release version.

    Returns
    -------
    pandas.DataFrame
        ``version, baci_code (int64), baci_name, listed_iso3`` (as printed in the BACI
        dictionary, ``N/A`` kept), ``iso3`` (coopstats' key; ``<NA>`` only for ``nes``
        areas), ``status`` (``iso`` = ISO numeric code; ``comtrade`` = Comtrade-specific code
        for one country, e.g. 699 India; ``grouped`` = several territories, e.g. 842 USA+PR+VI;
        ``historic`` = former country, ISO 3166-3 code, e.g. 810 SUN; ``nes`` = no country,
        e.g. 490 Other Asia), ``note`` and ``source``.
    """
    if version not in BACI_VERSIONS:
        raise InvalidParameterError(
            "version",
            version,
            list(BACI_VERSIONS),
            why=f"no curated crosswalk; add rows to {data_path(_BACI)}",
        )
    t = _baci_table()
    return t[t["version"] == version].reset_index(drop=True)


def baci_to_iso3(
    codes: pd.Series,
    *,
    version: str = "V202201",
    unassigned: Literal["raise", "na"] = "raise",
) -> pd.Series:
    """Map BACI/Comtrade numeric country codes to ISO3 with the curated crosswalk.

    Quirks handled (V202201): 842 USA incl. Puerto Rico and US Virgin Islands, 251 France
    incl. Monaco, 757 Switzerland incl. Liechtenstein, 579 Norway incl. Svalbard, 699 India,
    381 Italy, 711 SACU -> ZAF, 58 Belgium-Luxembourg -> BEL, historic 810 -> SUN,
    200 -> CSK, 278 -> DDR, 891 -> SCG, 530 -> ANT. See ``baci_country_codes.csv`` notes.

    Parameters
    ----------
    codes : pandas.Series
        Integer codes or their strings (``"51"``, ``" 842 "``, ``51.0``).
    version : str
        BACI release version whose dictionary the codes come from.
    unassigned : {"raise", "na"}
        What to do with known codes that have no country (490 "Other Asia, nes", 697 "Europe
        EFTA, nes"): raise (default), or return ``<NA>`` for them so the caller can
        quarantine the rows with the note of :func:`baci_country_codes` as the reason.

    Returns
    -------
    pandas.Series of string
        ISO3 codes aligned with ``codes``.

    Raises
    ------
    UnmappedCodeError
        Unknown codes (all of them listed) and, with ``unassigned="raise"``, "nes" codes.
    """
    if unassigned not in ("raise", "na"):
        raise InvalidParameterError("unassigned", unassigned, ["raise", "na"])
    table = baci_country_codes(version=version)
    lookup = dict(zip(table["baci_code"].tolist(), table["iso3"].tolist(), strict=True))
    series = pd.Series(codes)
    uniq = pd.unique(series.dropna()) if series.isna().any() else pd.unique(series)
    mapping: dict[object, object] = {}
    unknown, nes = [], []
    for value in uniq:
        code = _as_code(value)
        if code is None or code not in lookup:
            unknown.append(value)
            continue
        iso3 = lookup[code]
        if pd.isna(iso3):
            nes.append(value)
        mapping[value] = iso3
    if series.isna().any():
        unknown.append("<NA>")
    if unknown:
        raise UnmappedCodeError(
            unknown, what="BACI country code", crosswalk=data_path(_BACI), source=f"BACI {version}"
        )
    if nes and unassigned == "raise":
        raise UnmappedCodeError(
            nes,
            what="'nes' BACI code",
            source=f"BACI {version} codes of areas without a country "
            f"(reasons in {data_path(_BACI)}; pass "
            "unassigned='na' and quarantine those rows)",
        )
    out = series.map(mapping).astype("string")
    out.name = series.name
    return out


def _as_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else None
    text = str(value).strip()
    if re.fullmatch(r"\d{1,4}", text):
        return int(text)
    if re.fullmatch(r"\d{1,4}\.0+", text):
        return int(text.split(".")[0])
    return None


# --------------------------------------------------------------------------- Russian names
@functools.lru_cache(maxsize=1)
def _morph():
    from .morphology import russian_analyzer

    return russian_analyzer()


@functools.lru_cache(maxsize=65536)
def _normal_forms(word: str) -> frozenset[str]:
    """All pymorphy3 normal forms of ``word`` (lower case, ё -> е)."""
    word = word.lower().replace("ё", "е")
    forms = {p.normal_form.replace("ё", "е") for p in _morph().parse(word)}
    return frozenset(forms or {word})


def _first_normal_form(word: str) -> str:
    word = word.lower().replace("ё", "е")
    parses = _morph().parse(word)
    return parses[0].normal_form.replace("ё", "е") if parses else word


def russian_lemmas(text: str) -> str:
    """Space-joined pymorphy3 normal forms (best parse) of the words of ``text``, ё -> е.

    >>> russian_lemmas("Республики Казахстан")
    'республика казахстан'
    """
    return " ".join(_first_normal_form(w) for w in _TOKEN.findall(text))


@functools.lru_cache(maxsize=1)
def _ru_names() -> pd.DataFrame:
    frame = reference.read_table(
        _RU_NAMES,
        ["iso3", "phrase", "kind", "source", "note"],
        required=["iso3", "phrase", "kind", "source"],
    )
    reference.fail_rows(
        frame,
        ~frame["kind"].isin(_RU_KINDS),
        _RU_NAMES,
        "kind",
        "unknown kind",
        f"kinds are {_RU_KINDS}",
    )
    reference.fail_rows(
        frame,
        ~frame["iso3"].str.fullmatch(ISO3_REGEX),
        _RU_NAMES,
        "iso3",
        "not an ISO3 code",
        "use ISO 3166 alpha-3",
    )
    reference.fail_rows(
        frame,
        frame.duplicated(["iso3", "phrase"], keep=False),
        _RU_NAMES,
        "phrase",
        "duplicated phrase",
        "one row per country and phrase",
    )
    return frame


@functools.lru_cache(maxsize=1)
def _lexicon() -> pd.DataFrame:
    names = _ru_names()
    out = names[["iso3", "phrase", "kind", "source"]].copy()
    out.insert(2, "lemmas", [russian_lemmas(p) for p in out["phrase"]])
    return out.reset_index(drop=True)


def russian_country_lexicon() -> pd.DataFrame:
    """Russian country names for matching in running text.

    Returns
    -------
    pandas.DataFrame
        ``iso3``, ``phrase`` (nominative, as written), ``lemmas`` (space-joined pymorphy3
        normal forms of the phrase, lower case, ё -> е: ``"кыргызский республика"``),
        ``kind`` (``official|short|historic|abbreviation|adjective``) and ``source`` (ОКСМ
        OK 025-2001 for official/short names). Adjectives (``белорусский``,
        ``российский``, ``казахстанский``) are included for phrases like "белорусские
        предприятия".
    """
    return _lexicon().copy()


@functools.lru_cache(maxsize=1)
def _ru_index() -> dict[int, list[tuple[tuple[frozenset[str], ...], str]]]:
    index: dict[int, list[tuple[tuple[frozenset[str], ...], str]]] = {}
    for row in _ru_names().itertuples(index=False):
        words = tuple(_normal_forms(w) for w in _TOKEN.findall(row.phrase))
        index.setdefault(len(words), []).append((words, row.iso3))
    return index


def _resolve_russian(text: str) -> str | None:
    words = [_normal_forms(w) for w in _TOKEN.findall(text)]
    hits = {
        iso3
        for entry, iso3 in _ru_index().get(len(words), [])
        if all(a & b for a, b in zip(words, entry, strict=True))
    }
    return hits.pop() if len(hits) == 1 else None


# --------------------------------------------------------------------------- to_iso3
@functools.lru_cache(maxsize=1)
def _converter():
    import country_converter as coco

    return coco.CountryConverter()


@functools.lru_cache(maxsize=1)
def _code_maps() -> tuple[dict[str, str], dict[str, str], dict[int, str]]:
    """ISO3 set (incl. ISO 3166-3 codes used here), ISO2 -> ISO3 and M49 -> ISO3."""
    data = _converter().data
    iso3 = {str(x): str(x) for x in data["ISO3"].dropna()}
    for code in _baci_table()["iso3"].dropna():
        iso3.setdefault(str(code), str(code))
    iso2 = {
        str(a): str(b)
        for a, b in zip(data["ISO2"], data["ISO3"], strict=True)
        if isinstance(a, str)
    }
    m49: dict[int, str] = {}
    for num, code in zip(data["ISOnumeric"], data["ISO3"], strict=True):
        try:
            m49[int(num)] = str(code)
        except (TypeError, ValueError):
            continue
    return iso3, iso2, m49


@functools.lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    frame = reference.read_table(
        _ALIASES, ["alias", "iso3", "source", "note"], required=["alias", "iso3", "source"]
    )
    reference.fail_rows(
        frame,
        ~frame["iso3"].str.fullmatch(ISO3_REGEX),
        _ALIASES,
        "iso3",
        "not an ISO3 code",
        "use ISO 3166 alpha-3",
    )
    reference.fail_rows(
        frame,
        frame["alias"].str.casefold().duplicated(keep=False),
        _ALIASES,
        "alias",
        "duplicated alias",
        "one row per alias",
    )
    return dict(zip(frame["alias"].str.casefold(), frame["iso3"], strict=True))


def _resolve_number(code: int, source: str | None) -> str | None:
    _, _, m49 = _code_maps()
    if source in (None, "m49") and code in m49:
        return m49[code]
    if source in (None, "baci"):
        table = _baci_table()
        hit = table.loc[table["baci_code"] == code, "iso3"]
        if len(hit) and not pd.isna(hit.iloc[0]):
            return str(hit.iloc[0])
    return None


def to_iso3(
    values: Iterable[str | int] | str | int, *, source: str | None = None
) -> list[str] | str:
    """Resolve country names and codes to ISO 3166 alpha-3.

    Understands, in this order: numbers (UN M49/ISO numeric, then BACI/Comtrade codes such as
    842 or 699 unless ``source`` restricts it), ISO3 (incl. ISO 3166-3 former codes such as
    SUN), ISO2, Russian names in any grammatical case ("Республики Казахстан", "РФ",
    "Белоруссии", "Кыргызской Республики"), the aliases of ``country_aliases.csv`` and English
    names via country_converter's regular expressions.

    Parameters
    ----------
    values : str, int or iterable of str or int
        One name or code (``"Беларусь"``, ``112``: the ISO3 string is returned), or names or
        codes (a list is returned); duplicates are resolved once.
    source : {None, "m49", "baci"}
        Numeric codes only: ``"m49"`` = UN M49/ISO numeric, ``"baci"`` = BACI V202201
        codes, ``None`` = M49 first, then BACI.

    Returns
    -------
    list of str or str
        One ISO3 per input value, in order; a single ISO3 for a single value.

    Raises
    ------
    UnmappedCodeError
        Listing every value that could not be resolved (or was ambiguous) and the files to
        extend: ``country_aliases.csv`` (other languages) or ``country_names_ru.csv``.

    Examples
    --------
    >>> to_iso3(["Республики Казахстан", "РФ", 112, "Kyrgyz Republic", "AM"])
    ['KAZ', 'RUS', 'BLR', 'KGZ', 'ARM']
    >>> to_iso3("Беларусь")
    'BLR'
    """
    if isinstance(values, (str, int, np.integer)) and not isinstance(values, bool):
        return to_iso3([values], source=source)[0]
    items = list(values)
    resolved = _resolve_map(items, source)
    unresolved = [v for v, r in resolved.items() if r is None]
    if unresolved:
        raise UnmappedCodeError(
            ["<NA>" if _isna(v) else v for v in unresolved],
            what="country name or code",
            crosswalk=f"{data_path(_ALIASES)} (or {data_path(_RU_NAMES)} for Russian names)",
        )
    return [resolved[_hashable(v)] for v in items]  # type: ignore[misc]


def _resolve_map(items: Sequence[object], source: str | None) -> dict[object, str | None]:
    """Resolve each distinct value once; ``None`` marks an unresolved (or ambiguous) value."""
    if source not in SOURCES:
        raise InvalidParameterError("source", source, list(SOURCES))
    resolved: dict[object, str | None] = {}
    pending: dict[object, str] = {}
    for value in dict.fromkeys(_hashable(v) for v in items):
        resolved[value] = _resolve_one(value, source, pending)
    if pending:
        texts = list(dict.fromkeys(pending.values()))
        converter = _converter()
        # country_converter logs a warning per unmatched name; coopstats raises instead
        cc_log = logging.getLogger("country_converter")
        level = cc_log.level
        cc_log.setLevel(logging.ERROR)
        try:
            out = converter.convert(names=texts, to="ISO3", not_found=None)
        finally:
            cc_log.setLevel(level)
        out = out if len(texts) > 1 else [out]
        iso3, _, _ = _code_maps()
        found = {
            t: h if isinstance(h, str) and h in iso3 and h != t else None
            for t, h in zip(texts, out, strict=True)
        }
        for value, text in pending.items():
            resolved[value] = found[text]
    return resolved


def clean_countries(
    frame: pd.DataFrame,
    columns: Sequence[str] = ("exporter_iso3", "importer_iso3"),
    *,
    step: str,
    file: str | Path,
    source: str | None = None,
) -> Cleaned:
    """Resolve country columns to ISO3; quarantine rows with unresolvable values.

    Each distinct value is resolved once with the rules of :func:`to_iso3`. Rows with a value
    that does not resolve are rejected (rule ``country_unmapped``); resolved values that differ
    from the input (``"Kazakhstan"`` -> ``KAZ``, ``643`` -> ``RUS``) are rewritten and recorded
    as ``changed`` (rule ``country_to_iso3``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows indexed by source line.
    columns : sequence of str
        Country columns to resolve.
    step, file : str
        Recorded in the ledger.
    source : {None, "m49", "baci"}
        How numeric codes are read (see :func:`to_iso3`).

    Returns
    -------
    Cleaned
        ``kept`` with ISO3 strings in ``columns``; conservation is checked.
    """
    from .ledger import change_entries, empty_ledger, ledger_entries

    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidParameterError("columns", missing, list(frame.columns), why="not in frame")
    ledgers, bad_any = [], pd.Series(False, index=frame.index)
    new_cols = {}
    hint = f"extend {data_path(_ALIASES).name} or {data_path(_RU_NAMES).name} with a source"
    for col in columns:
        resolved = _resolve_map(frame[col].tolist(), source)
        keys = frame[col].map(_hashable)
        iso = keys.map(resolved.get)
        bad = iso.isna()
        if bad.any():
            ledgers.append(
                ledger_entries(
                    frame.index[bad.to_numpy()],
                    frame.loc[bad, col],
                    step=step,
                    file=file,
                    column=col,
                    rule="country_unmapped",
                    reason=[f"no ISO3 for {v!r}: {hint}" for v in frame.loc[bad, col]],
                )
            )
        moved = ~bad & (frame[col].astype("string") != iso.astype("string")).fillna(True).astype(
            bool
        )
        if moved.any():
            ledgers.append(
                change_entries(
                    frame.index[moved.to_numpy()],
                    frame.loc[moved, col],
                    iso[moved],
                    step=step,
                    file=file,
                    column=col,
                    rule="country_to_iso3",
                    reason="resolved to ISO 3166 alpha-3",
                )
            )
        bad_any |= bad
        new_cols[col] = iso
    kept = frame[~bad_any.to_numpy()].copy()
    for col, iso in new_cols.items():
        kept[col] = iso[~bad_any].astype("string")
    # changed entries of rejected rows would only repeat the rejection: drop them
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else empty_ledger()
    if not ledger.empty:
        rejected_lines = set(frame.index[bad_any.to_numpy()])
        drop = (ledger["action"] == "changed") & ledger["line"].isin(rejected_lines)
        ledger = ledger[~drop].reset_index(drop=True)
    return Cleaned(kept, ledger, step, len(frame)).check()


def _hashable(value: object) -> object:
    if _isna(value):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def _isna(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _resolve_one(value: object, source: str | None, pending: dict[object, str]) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    code = _as_code(value) if not isinstance(value, str) or value.strip()[:1].isdigit() else None
    if code is not None:
        return _resolve_number(code, source)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text:
        return None
    if _CYRILLIC.search(text):
        return _resolve_russian(text)
    alias = _aliases().get(text.casefold())
    if alias:
        return alias
    iso3, iso2, _ = _code_maps()
    if text in iso3 and text.isupper():
        return iso3[text]
    if len(text) == 2 and text.isupper():
        return iso2.get(text)
    pending[value] = text  # English name: resolved in one country_converter batch
    return None
