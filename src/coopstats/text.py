"""Words and numbers of the reports in English or Russian.

One catalogue, ``coopstats/data/text.csv`` (columns ``key, en, ru``), holds every fixed string
of the reports: page titles, captions, axis labels, table headers (keys ``col.<column>`` for
the column registry of :mod:`coopstats.columns`), the synthetic banner. Prose computed from
numbers lives in functions that take ``language`` and use :func:`t` and the formatters here.

A key whose Russian cell is blank renders in English and is listed by :func:`untranslated`, so
what remains English is always known. An unknown key is an error (a typo never shows on a page).

Numbers are formatted for reading: thousands separators (``79,551,552`` in English,
``79 551 552`` with a no-break space in Russian), a decimal comma in Russian, no spurious
decimals (``5`` not ``5.0``; decimals by magnitude unless stated), years without separators,
money with a scale word (``US$ 79.6 bn`` / ``79,6 млрд долл. США``).
"""

from __future__ import annotations

import csv
import math
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from .errors import DataFileError, InvalidParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LANGUAGES",
    "check_language",
    "set_page_language",
    "page_language",
    "t",
    "has",
    "untranslated",
    "column_label",
    "format_number",
    "format_percent",
    "format_money",
    "format_value",
    "format_cell",
    "display_frame",
]

#: languages a report can be rendered in
LANGUAGES = ("en", "ru")
#: no-break space: Russian thousands separator and number-unit glue
NBSP = "\u00a0"
_CATALOGUE = "text.csv"


def check_language(language: str) -> str:
    """Return ``language`` if it is one of :data:`LANGUAGES`, else raise.

    Raises
    ------
    InvalidParameterError
        Naming the parameter, the value and the allowed languages.
    """
    if language not in LANGUAGES:
        raise InvalidParameterError("language", language, allowed=list(LANGUAGES))
    return language


_PAGE = {"language": "en"}


def set_page_language(language: str) -> str:
    """Set the language tables and figures use when a call does not name one; return it.

    A report notebook's parameters object (:class:`coopstats.params.ReportParams`) calls this
    with its ``language`` parameter, so every table and figure of the page follows it.
    """
    _PAGE["language"] = check_language(language)
    return language


def page_language() -> str:
    """Language set by :func:`set_page_language` (``"en"`` until one is set)."""
    return _PAGE["language"]


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    path = resources.files("coopstats") / "data" / _CATALOGUE
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != ["key", *LANGUAGES]:
            raise DataFileError(
                f"header must be key,{','.join(LANGUAGES)}", path=str(path), line=1,
                value=reader.fieldnames,
            )
        for line, row in enumerate(reader, start=2):
            key = (row["key"] or "").strip()
            if not key or not (row["en"] or "").strip():
                raise DataFileError("key and en are required", path=str(path), line=line,
                                    column="key" if not key else "en", value=row)
            if key in out:
                raise DataFileError("duplicate key", path=str(path), line=line, column="key",
                                    value=key)
            out[key] = {lang: (row[lang] or "").strip() for lang in LANGUAGES}
    return out


def has(key: str) -> bool:
    """Whether ``key`` is in the catalogue."""
    return key in _catalogue()


def t(key: str, language: str = "en", **values: object) -> str:
    """Catalogue text of ``key`` in ``language``, with ``{name}`` fields filled from ``values``.

    Parameters
    ----------
    key
        Catalogue key, e.g. ``"banner.synthetic"``.
    language
        ``"en"`` or ``"ru"``; a blank Russian cell falls back to English (see
        :func:`untranslated`).
    **values
        Fields for :meth:`str.format`.

    Raises
    ------
    KeyError
        For a key not in ``coopstats/data/text.csv`` (the message says where to add it).
    """
    check_language(language)
    try:
        row = _catalogue()[key]
    except KeyError:
        raise KeyError(f"text key {key!r} is not in coopstats/data/text.csv; add a row "
                       "key,en,ru there") from None
    text = row[language] or row["en"]
    return text.format(**values) if values else text


def untranslated(language: str = "ru") -> list[str]:
    """Catalogue keys with no text in ``language`` (they render in English)."""
    check_language(language)
    return sorted(k for k, row in _catalogue().items() if not row[language])


def column_label(name: str, language: str = "en") -> str:
    """Reader's header of a column: its catalogue label (key ``col.<name>``), else the name.

    The label carries the column's unit, e.g. ``value_usd`` -> ``Value (US$)`` /
    ``Стоимость (долл. США)``. Columns neither in the catalogue nor in the registry keep their
    name (a computed column a notebook made up).
    """
    check_language(language)
    key = f"col.{name}"
    if has(key):
        return t(key, language)
    from .columns import COLUMNS

    col = COLUMNS.get(name)
    if col is None:
        return name
    label = name.replace("_", " ")
    return f"{label} ({col.unit})" if col.unit and col.unit not in label else label


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def _auto_decimals(value: float) -> int:
    a = abs(value)
    if a >= 1000 or a == 0:
        return 0
    if a >= 1:
        return 2
    return max(2, min(6, 2 - math.floor(math.log10(a))))  # ~3 significant digits


def format_number(value: float | int | None, language: str = "en", *,
                  decimals: int | None = None, strip_zeros: bool = True) -> str:
    """Format a number for reading.

    Parameters
    ----------
    value
        The number; ``None``/NaN -> ``"—"``.
    language
        ``"en"``: ``1,234,567.8``; ``"ru"``: ``1 234 567,8`` (no-break spaces).
    decimals
        Fixed decimals; ``None`` chooses by magnitude (0 from 1,000, at most 2 from 1, about
        3 significant digits below 1, trailing zeros dropped) and whole numbers get none.
    strip_zeros
        Drop trailing zeros of the fraction (``2.50`` -> ``2.5``) when ``decimals`` is None.
    """
    check_language(language)
    if value is None:
        return "—"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    auto = decimals is None
    if auto:
        decimals = 0 if v.is_integer() else _auto_decimals(v)
    text = f"{abs(v):.{decimals}f}"
    whole, _, frac = text.partition(".")
    if auto and strip_zeros:
        frac = frac.rstrip("0")
    thousands, point = ("," , ".") if language == "en" else (NBSP, ",")
    out = _group(whole, thousands) + (point + frac if frac else "")
    negative = v < 0 and any(c in "123456789" for c in text)
    return ("−" if language == "ru" else "-") + out if negative else out


def format_percent(value: float | None, language: str = "en", *, decimals: int = 1,
                   signed: bool = False) -> str:
    """``12.3 %`` / ``12,3 %`` (percent on the 0-100 scale); ``signed`` adds ``+``."""
    text = format_number(value, language, decimals=decimals)
    if text == "—":
        return text
    if text.endswith((".0", ",0")) and decimals == 1:
        text = text[:-2]
    if signed and value is not None and float(value) > 0:
        text = "+" + text
    return f"{text}{NBSP}%"


_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


def format_money(value: float | None, currency: str = "USD", language: str = "en", *,
                 decimals: int | None = None) -> str:
    """Money with a scale word: ``US$ 79.6 bn`` / ``79,6 млрд долл. США``; below 10 000 in full.

    Parameters
    ----------
    value
        Amount in units of ``currency``.
    currency
        ISO 4217 code (USD, RUB, BYN, EUR; others print their code).
    decimals
        Decimals of the scaled amount; ``None``: 1 (0 from 100 on, and for whole amounts).
    """
    check_language(language)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = float(value)
    scale_word = ""
    for factor, word in _SCALES:
        if abs(v) >= max(factor, 1e4):
            v, scale_word = v / factor, word
            break
    if decimals is None:
        decimals = 0 if (abs(v) >= 100 or v.is_integer()) else 1
    amount = format_number(v, language, decimals=decimals)
    cur = t(f"currency.{currency}", language) if has(f"currency.{currency}") else currency
    if scale_word:
        scale = t(f"scale.{scale_word}", language)
        amount = f"{amount}{NBSP}{scale}"
    if language == "en" and currency == "USD":
        return f"US${NBSP}{amount}"
    return f"{amount}{NBSP}{cur}"


def format_value(value: float | None, unit: str, language: str = "en") -> str:
    """Format a value in a facts-style ``unit`` (USD, RUB, BYN, EUR, percent, count, year, …)."""
    if unit in ("USD", "RUB", "BYN", "EUR"):
        return format_money(value, unit, language)
    if unit == "percent":
        return format_percent(value, language)
    if unit == "year":
        return "—" if value is None or value != value else str(int(value))
    text = format_number(value, language)
    if unit in ("count", "", None) or text == "—":
        return text
    label = t(f"unit.{unit}", language) if has(f"unit.{unit}") else unit
    return f"{text}{NBSP}{label}"


#: columns whose codes have catalogue names (``sector.<code>``, ``bloc.<code>``)
_CODED = {"sector": "sector", "sectors": "sector", "bloc": "bloc", "blocs": "bloc"}
#: column-name patterns and how their numbers print
_YEAR_COLS = {"year", "start_year", "end_year", "base_year", "fx_year", "relative_year"}


def format_cell(value: object, column: str, language: str = "en") -> str:
    """Format one table cell for reading, by the column's unit in the registry.

    Years print bare, US$ columns as whole dollars with separators, percent columns with one
    decimal, counts without decimals, p-values with three (``<0.001``), other floats by
    magnitude; lists are joined with commas; missing values are ``—``; sector and bloc codes
    print as their catalogue names outside English (``microelectronics`` -> ``микроэлектроника``).
    """
    import pandas as pd

    if hasattr(value, "tolist") and not isinstance(value, str | float | int):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return ", ".join(format_cell(x, column, language) for x in value) if value else "—"
    if value is None or (not isinstance(value, dict | str) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return t("bool.yes" if value else "bool.no", language)
    if isinstance(value, str):
        prefix = _CODED.get(column)
        if prefix and language != "en" and has(f"{prefix}.{value}"):
            return t(f"{prefix}.{value}", language)  # sector and bloc codes read in Russian
        return value
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    from .columns import COLUMNS

    unit = COLUMNS[column].unit if column in COLUMNS else ""
    if (not unit and float(value).is_integer() and abs(value) < 10_000
            and not column.endswith(("_usd", "_pct"))):
        return str(int(value))  # years and small counts in unit-less (mixed) columns
    if column in _YEAR_COLS or unit == "year":
        return str(int(value)) if float(value).is_integer() else format_number(value, language)
    if column == "p_value":
        return ("<" + format_number(0.001, language, decimals=3)) if value < 0.001 else \
            format_number(value, language, decimals=3)
    if unit == "USD" or column.endswith("_usd"):
        return format_number(value, language, decimals=0)
    if unit == "percent" or column.endswith("_pct"):
        return format_number(value, language, decimals=1)
    if unit == "count" or column.startswith("n_"):
        return format_number(value, language, decimals=0 if float(value).is_integer() else 1)
    return format_number(value, language)


def display_frame(frame: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """Frame of formatted strings with reader's headers (:func:`column_label`) for display.

    The numbers themselves are untouched in ``frame``; CSV exports use ``frame`` with its
    canonical column names (units in the names).
    """
    check_language(language)
    out = frame.copy()
    for col in out.columns:
        out[col] = out[col].map(lambda v, c=str(col): format_cell(v, c, language))
    out.columns = [column_label(str(c), language) for c in out.columns]
    return out
