"""Shared checks of the canonical frames the analyses take (trade, sector maps, series).

One home for the checks growth, localization, priority and the other analyses apply to their
inputs, so every analysis refuses the same bad input with the same message. Nothing is ever
repaired: missing columns or values, negative values, duplicated keys, frames mixing bases and
sector maps mixing HS revisions raise :class:`~coopstats.errors.InvalidParameterError` naming
the parameter, what was found and what is allowed.

Column names come from the registry :mod:`coopstats.columns` (:data:`TRADE_COLUMNS` is checked
against it on import).

>>> import pandas as pd
>>> trade = pd.DataFrame({"year": [2020], "exporter_iso3": ["BLR"], "importer_iso3": ["RUS"],
...                       "hs6_code": ["854231"], "value_usd": [5.0]})
>>> list(require_trade(trade).columns)
['year', 'exporter_iso3', 'importer_iso3', 'hs6_code', 'value_usd']
>>> try:
...     require_nonnegative(trade.assign(value_usd=-1.0), "value_usd", name="trade")
... except InvalidParameterError as exc:
...     print(exc.name, "|", exc.value)
trade | negative 'value_usd' at index [0]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .columns import column
from .errors import InvalidParameterError

__all__ = [
    "BASIS_COLUMNS",
    "FLOW_BASES",
    "TRADE_COLUMNS",
    "check_number",
    "iso3_codes",
    "require_columns",
    "require_no_nan",
    "require_nonnegative",
    "require_unique",
    "require_single_basis",
    "require_flow_bases",
    "require_trade",
    "require_trade_frame",
    "validate_literal",
    "sector_pairs",
]

#: The five columns of a bilateral trade frame (registered in :mod:`coopstats.columns`).
TRADE_COLUMNS = tuple(
    column(c).name for c in ("year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd")
)

#: Columns that qualify what a value means; a single series must hold one value of each.
BASIS_COLUMNS = ("dataset", "flow_basis", "unit", "currency", "price_basis", "trade_basis")

#: Flow bases a trade row can have (``coopstats.columns``: reported, mirror, reconciled).
FLOW_BASES: tuple[str, ...] = tuple(column("flow_basis").checks["isin"])


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, name: str) -> None:
    """Refuse a non-frame or a frame without every one of ``columns`` (parameter ``name``)."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidParameterError(name, type(frame).__name__, "a pandas DataFrame")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidParameterError(
            name,
            f"columns {list(frame.columns)}",
            f"a frame with columns {list(columns)}",
            why=f"missing column(s) {missing}",
        )


def require_no_nan(frame: pd.DataFrame, columns: Iterable[str], *, name: str) -> None:
    """Refuse missing values in ``columns``, naming the first rows (nothing is filled)."""
    for c in columns:
        bad = frame[c].isna()
        if bad.any():
            rows = list(frame.index[bad][:10])
            raise InvalidParameterError(
                name,
                f"{int(bad.sum())} missing value(s) in column {c!r} at index {rows}",
                "complete values",
                why="coopstats does not fill missing values; drop or fix these rows explicitly",
            )


def require_nonnegative(frame: pd.DataFrame, column: str, *, name: str) -> None:
    """Refuse negative values in ``column``, naming the first rows."""
    bad = frame[column] < 0
    if bad.any():
        rows = list(frame.index[bad][:10])
        raise InvalidParameterError(
            name,
            f"negative {column!r} at index {rows}",
            f"{column} >= 0",
        )


def require_unique(frame: pd.DataFrame, key: Sequence[str], *, name: str) -> None:
    """Refuse duplicated ``key`` rows (duplicates are never resolved by keeping one)."""
    dup = frame.duplicated(list(key), keep=False)
    if dup.any():
        shown = frame.loc[dup, list(key)].head(10).to_dict("records")
        raise InvalidParameterError(
            name,
            f"{int(dup.sum())} rows with a duplicated key {list(key)}, e.g. {shown}",
            f"one row per {list(key)}",
            why="duplicates are never resolved by keeping one of them",
        )


def require_single_basis(
    frame: pd.DataFrame, *, name: str, columns: Sequence[str] = BASIS_COLUMNS
) -> None:
    """Refuse frames that mix datasets, units, currencies or trade bases in one series."""
    for c in columns:
        if c in frame.columns:
            values = frame[c].dropna().unique()
            if len(values) > 1 or (len(values) == 1 and frame[c].isna().any()):
                found = sorted(map(str, values)) + (["<missing>"] if frame[c].isna().any() else [])
                raise InvalidParameterError(
                    name,
                    f"column {c!r} mixes {found}",
                    f"a single value of {c!r}",
                    why="values stated on different bases are never added or compared silently; "
                    "filter the frame to one basis first",
                )


def require_flow_bases(frame: pd.DataFrame, *, name: str) -> None:
    """Accept ``reported``, ``mirror`` and ``reconciled`` rows together, one dataset per basis.

    A frame may mix flow bases (Russia's 2022 imports from partners' declarations beside
    reported flows, BACI's reconciled flows beside Comtrade mirror flows for a later year),
    but each basis must come from a single dataset, and a frame without ``flow_basis`` from a
    single dataset. Unknown or missing bases are refused.
    """
    if "flow_basis" not in frame.columns:
        require_single_basis(frame, name=name, columns=("dataset",))
        return
    _require_known_bases(frame, name=name)
    basis = frame["flow_basis"]
    if "dataset" in frame.columns:
        for b, part in frame.groupby(basis.astype(str), sort=True):
            require_single_basis(part, name=f"{name} ({b} flows)", columns=("dataset",))


def require_trade(
    trade: pd.DataFrame, *, name: str = "trade", cif_fob_ratio: float | None = None
) -> pd.DataFrame:
    """Validate a bilateral trade frame and return its canonical columns.

    Returns ``year, exporter_iso3, importer_iso3, hs6_code, value_usd`` (``year`` int64),
    plus ``mirror_value_usd`` (the value of ``mirror`` rows, else 0) when the frame has a
    ``flow_basis`` column. Reported, mirror and reconciled flows may be mixed (one dataset
    per basis, :func:`require_flow_bases`). With ``cif_fob_ratio`` (e.g.
    :data:`coopstats.valuation.DEFAULT_CIF_FOB_RATIO`, 1.10) CIF-valued rows (``valuation``
    column, see :func:`coopstats.valuation.with_valuation`) are divided by it first.
    Refuses missing columns or values, negative values, unknown flow bases, duplicated
    ``year, exporter, importer, product`` keys (one flow, one value: a reported and a mirror
    value of the same flow are never added) and an empty frame.
    """
    cols = ["year", "exporter_iso3", "importer_iso3", "hs6_code", "value_usd"]
    require_columns(trade, cols, name=name)
    require_no_nan(trade, cols, name=name)
    require_nonnegative(trade, "value_usd", name=name)
    require_flow_bases(trade, name=name)
    require_unique(trade, cols[:4], name=name)
    if trade.empty:
        raise InvalidParameterError(name, "an empty frame", "a trade frame with rows")
    from . import valuation  # valuation builds on these checks: imported when used

    if cif_fob_ratio is not None:
        trade = valuation.cif_to_fob(trade, ratio=cif_fob_ratio)
    out = trade[cols].astype({"year": "int64"})
    if "flow_basis" in trade.columns:
        out["mirror_value_usd"] = valuation.mirror_value_usd(trade)
    return out


def _require_known_bases(frame: pd.DataFrame, *, name: str) -> None:
    """Refuse ``flow_basis`` values outside :data:`FLOW_BASES`, and missing ones."""
    basis = frame["flow_basis"]
    unknown = sorted(set(basis.dropna().astype(str)) - set(FLOW_BASES))
    if unknown or basis.isna().any():
        raise InvalidParameterError(
            f"{name}.flow_basis",
            unknown + (["<missing>"] if basis.isna().any() else []),
            list(FLOW_BASES),
        )


def require_trade_frame(
    trade: object,
    *,
    name: str = "trade",
    columns: Sequence[str] = TRADE_COLUMNS,
    allow_empty: bool = True,
) -> pd.DataFrame:
    """Refuse anything but a complete bilateral trade frame; return it unchanged.

    The frame must have every one of ``columns`` (default :data:`TRADE_COLUMNS`), no
    missing value in them, ``value_usd >= 0``, rows (unless ``allow_empty``) and, when it has
    a ``flow_basis`` column, only :data:`FLOW_BASES` there. Unlike :func:`require_trade` it
    neither selects columns nor refuses duplicated keys or mixed datasets: callers that sum
    a frame as it is (coverage tables, gravity panels) add the checks they need.

    Raises
    ------
    InvalidParameterError
        Naming ``name``, what was found and what is allowed.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": [2020], "exporter_iso3": ["BLR"], "importer_iso3": ["RUS"],
    ...                   "value_usd": [5.0]})
    >>> len(require_trade_frame(t, columns=["year", "exporter_iso3", "importer_iso3",
    ...                                     "value_usd"]))
    1
    """
    columns = list(columns)
    require_columns(trade, columns, name=name)
    if trade.empty and not allow_empty:
        raise InvalidParameterError(name, "an empty frame", "a trade frame with rows")
    require_no_nan(trade, columns, name=name)
    require_nonnegative(trade, "value_usd", name=name)
    if "flow_basis" in trade.columns:
        _require_known_bases(trade, name=name)
    return trade


def check_number(name: str, value: object, lo: float) -> float:
    """Return ``value`` as float if it is a finite real number ``>= lo`` (not a bool), else raise.

    >>> check_number("ratio", 1.1, 1.0)
    1.1
    """
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or value < lo:
        raise InvalidParameterError(name, value, f"a finite number >= {lo}")
    return float(value)


def iso3_codes(name: str, countries: Iterable[str] | str | None) -> list[str] | None:
    """Return ``countries`` as sorted distinct ISO3 codes (``None`` stays ``None``), else raise.

    A single code may be given as a string. Codes must be three upper-case letters.

    >>> iso3_codes("countries", ["RUS", "BLR", "RUS"])
    ['BLR', 'RUS']
    """
    if countries is None:
        return None
    if isinstance(countries, str):
        countries = [countries]
    out = sorted(set(countries))
    bad = [c for c in out if not (isinstance(c, str) and len(c) == 3 and c.isupper())]
    if bad:
        raise InvalidParameterError(name, bad, "ISO 3166 alpha-3 codes, e.g. ['BLR', 'RUS']")
    return out


def validate_literal(name: str, value: object, allowed: Sequence[object]) -> None:
    """Refuse a parameter ``value`` that is not one of ``allowed``."""
    if value not in allowed:
        raise InvalidParameterError(name, value, list(allowed))


def sector_pairs(sector_map: pd.DataFrame, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Validate a sector map and return its distinct ``hs6_code, sector`` pairs.

    A map mixing HS revisions or taxonomies (e.g. the full
    :func:`coopstats.hs_sectors.sector_table`) is refused, and so is a map whose revision
    differs from the trade frame's.
    """
    require_columns(sector_map, ("hs6_code", "sector"), name="sector_map")
    require_no_nan(sector_map, ("hs6_code", "sector"), name="sector_map")
    for c in ("hs_revision", "taxonomy"):
        if c in sector_map.columns and sector_map[c].nunique(dropna=False) > 1:
            raise InvalidParameterError(
                "sector_map",
                f"column {c!r} mixes {sorted(map(str, sector_map[c].unique()))}",
                f"one {c}, e.g. "
                "coopstats.hs_sectors.sector_map(revision='HS17', taxonomy='coopstats')",
            )
    if (
        frame is not None
        and "hs_revision" in frame.columns
        and "hs_revision" in sector_map.columns
        and len(sector_map)
    ):
        have = sorted(map(str, frame["hs_revision"].dropna().unique()))
        want = sorted(map(str, sector_map["hs_revision"].unique()))
        if have and have != want:
            raise InvalidParameterError(
                "sector_map",
                f"hs_revision {want}",
                f"the trade frame's revision {have}",
                why="codes of different HS revisions do not match one to one; "
                "convert with coopstats.hs_revisions.concordance() first",
            )
    return sector_map[["hs6_code", "sector"]].drop_duplicates()
