"""The cited facts table (``data/raw/facts/facts.csv``): read, validate, quarantine.

Figures from official statements, one row per figure with its citation. Values keep their
stated unit and currency; :func:`read_facts` converts nothing. Currency conversion is explicit
(:func:`to_usd`, with a stated rate table, recording the rate used), and :func:`series`
assembles annual time series while refusing to mix units, goods-only with goods-and-services
figures, or partial-year periods silently.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import CoopstatsWarning, InvalidParameterError
from ..ledger import Cleaned, chain, empty_ledger, reject_rows, validate_rows
from ..schemas import FACTS, facts_schema
from ._text import read_csv_strict

__all__ = [
    "read_facts",
    "FACTS_UNITS",
    "MONEY_UNITS",
    "MAX_ABS_VALUE",
    "period_is_valid",
    "is_outcome",
    "PERIOD_KINDS",
    "period_kind",
    "trade_basis",
    "caveats",
    "CURRENCY_COUNTRY",
    "to_usd",
    "SERIES_COLUMNS",
    "series",
    "facts_between",
]

#: Units the facts table may use.
FACTS_UNITS = ("USD", "RUB", "BYN", "EUR", "percent", "count", "year")
#: Monetary units: amounts in them are never negative (a fall is stated as a growth rate).
MONEY_UNITS = ("USD", "RUB", "BYN", "EUR")
#: Default plausibility bound of ``|value|``: 1e15 (a quadrillion; the largest real figure,
#: a budget in roubles, is of the order of 1e13).
MAX_ABS_VALUE = 1e15

_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_POINT = r"\d{4}(?:Q[1-4]|-\d{2}(?:-\d{2})?)?"


def _point_bounds(text: str) -> tuple[str, str] | None:
    """First and last day (ISO) of ``YYYY``, ``YYYYQn``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    import calendar
    import datetime as dt
    import re

    try:
        if re.fullmatch(r"\d{4}", text):
            return f"{text}-01-01", f"{text}-12-31"
        if m := re.fullmatch(r"(\d{4})Q([1-4])", text):
            y, q = int(m.group(1)), int(m.group(2))
            last = calendar.monthrange(y, 3 * q)[1]
            return f"{y}-{3 * q - 2:02d}-01", f"{y}-{3 * q:02d}-{last:02d}"
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            y, mo = int(m.group(1)), int(m.group(2))
            last = calendar.monthrange(y, mo)[1]  # raises for month 13
            return f"{y}-{mo:02d}-01", f"{y}-{mo:02d}-{last:02d}"
        if re.fullmatch(_DATE, text):
            return (dt.date.fromisoformat(text).isoformat(),) * 2
    except (ValueError, calendar.IllegalMonthError):
        return None
    return None


def period_is_valid(period: pd.Series) -> pd.Series:
    """Tell which ``period`` values are real periods of the facts table's forms.

    Forms: ``YYYY``, ``YYYYQ1``-``YYYYQ4``, ``YYYY-MM`` (a real month), ``YYYY-MM-DD`` (a
    real calendar date), and ranges ``A..B`` of two such points with ``A`` not after ``B``;
    missing is valid (undated). ``2024-13-45``, ``2024Q5`` or ``2025..2024`` are not.

    Returns
    -------
    pandas.Series of bool
    """

    def ok(value: object) -> bool:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return True
        text = str(value).strip()
        if text == "":
            return True
        parts = text.split("..")
        if len(parts) > 2:
            return False
        bounds = [_point_bounds(p) for p in parts]
        if any(b is None for b in bounds):
            return False
        return bounds[0][0] <= bounds[-1][1]

    return pd.Series([ok(v) for v in period], index=period.index, dtype=bool)


def _iso_date_ok(value: object) -> bool:
    import datetime as dt
    import re

    if value is None or value is pd.NA:
        return True
    text = str(value)
    if not re.fullmatch(_DATE, text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _known_iso3(codes: pd.Series) -> pd.Series:
    """Tell where a code is missing or an ISO 3166 alpha-3 code :mod:`coopstats.geo` knows."""
    from .. import geo
    from ..errors import UnmappedCodeError

    known: dict[str, bool] = {}
    for code in sorted({str(c) for c in codes.dropna()}):
        try:
            known[code] = geo.to_iso3([code]) == [code]
        except UnmappedCodeError:
            known[code] = False
    return codes.map(lambda c: True if c is pd.NA or c is None else known[str(c)]).astype(bool)

_NON_OUTCOME_SUFFIXES = ("_target", "_plan", "_forecast")


def read_facts(path: str | Path, *, max_abs_value: float = MAX_ABS_VALUE) -> Cleaned:
    """Read and validate the facts table.

    Rows failing a check are quarantined with file, line, column, the cell as written and the
    reason; the rest are returned. Checks: unit in :data:`FACTS_UNITS`; a monetary unit with
    the same currency; ``period`` a real period (:func:`period_is_valid`); ``source_date`` an
    ISO date ``YYYY-MM-DD`` that exists (``11.12.2020`` is rejected, never reinterpreted);
    ``reporter_iso3`` / ``partner_iso3`` ISO 3166 alpha-3 codes known to
    :mod:`coopstats.geo`; ``value`` a finite number with ``|value| <= max_abs_value`` and, in a
    monetary unit, not negative; then the schema (sector, bloc, duplicate ``fact_id``, ...).

    Parameters
    ----------
    path
        ``facts.csv`` in the layout of ``data/raw/facts/README.md``.
    max_abs_value
        Plausibility bound of ``|value|`` (default :data:`MAX_ABS_VALUE` = 1e15).

    Returns
    -------
    Cleaned
        ``kept`` has the columns :data:`coopstats.schemas.FACTS` (``value`` float64, the
        rest string), indexed by source line; ``ledger`` lists rejected rows.
    """
    path = Path(path)
    raw = read_csv_strict(path, required=FACTS)[FACTS]
    unit_ok = reject_rows(
        raw,
        ~raw["unit"].isin(FACTS_UNITS).fillna(False),
        step="facts",
        file=path,
        rule="unit_vocabulary",
        column="unit",
        reason=f"unit must be one of {list(FACTS_UNITS)}",
    )
    money = unit_ok.kept["unit"].isin(["USD", "RUB", "BYN", "EUR"])
    cur_bad = money & (unit_ok.kept["currency"].fillna("") != unit_ok.kept["unit"])
    cur_ok = reject_rows(
        unit_ok.kept,
        cur_bad,
        step="facts",
        file=path,
        rule="currency_matches_unit",
        column="currency",
        reason="a monetary value needs currency equal to its unit (no implicit conversion)",
    )
    steps = [unit_ok, cur_ok]
    frame = cur_ok.kept
    number = pd.to_numeric(frame["value"], errors="coerce")
    money = frame["unit"].isin(MONEY_UNITS).fillna(False).astype(bool)
    rules = [
        (
            "period_valid",
            "period",
            lambda f: ~period_is_valid(f["period"]),
            "period must be YYYY, YYYYQ1-4, YYYY-MM, YYYY-MM-DD (a real date) or A..B with "
            "A not after B",
        ),
        (
            "source_date_iso",
            "source_date",
            lambda f: ~f["source_date"].map(_iso_date_ok).astype(bool),
            "source_date must be an existing ISO date YYYY-MM-DD (write 2020-12-11, not "
            "11.12.2020)",
        ),
        (
            "reporter_known_iso3",
            "reporter_iso3",
            lambda f: ~_known_iso3(f["reporter_iso3"]),
            "reporter_iso3 is not an ISO 3166 alpha-3 code known to coopstats.geo",
        ),
        (
            "partner_known_iso3",
            "partner_iso3",
            lambda f: ~_known_iso3(f["partner_iso3"]),
            "partner_iso3 is not an ISO 3166 alpha-3 code known to coopstats.geo",
        ),
        (
            "value_plausible",
            "value",
            lambda f: f["value"].notna()
            & ~(number.reindex(f.index).abs() <= max_abs_value).fillna(False),
            f"value must be a finite number with |value| <= {max_abs_value:g}",
        ),
        (
            "amount_nonnegative",
            "value",
            lambda f: money.reindex(f.index) & (number.reindex(f.index) < 0).fillna(False),
            f"a monetary amount ({', '.join(MONEY_UNITS)}) cannot be negative; state a fall "
            "as a growth rate in percent",
        ),
    ]
    for rule, column, test, reason in rules:
        mask = pd.Series(test(frame), index=frame.index).fillna(False).astype(bool)
        step = reject_rows(
            frame, mask, step="facts", file=path, rule=rule, column=column, reason=reason
        )
        steps.append(step)
        frame = step.kept
    valid = validate_rows(frame, facts_schema(coerce=True), step="facts", file=path)
    return chain(*steps, valid)


def is_outcome(metric: pd.Series) -> pd.Series:
    """Return True where a metric is an outcome (not ``_target``, ``_plan``, ``_forecast``)."""
    return ~metric.str.endswith(_NON_OUTCOME_SUFFIXES)


# ============================================================================= periods, bases
#: Kinds of ``period`` values in the facts table.
PERIOD_KINDS = ("annual", "partial_year", "multi_year", "undated")

_ANNUAL = r"^\d{4}$"
_MULTI_YEAR = r"^\d{4}\.\.\d{4}$"


def period_kind(period: pd.Series) -> pd.Series:
    """Classify ``period`` values of the facts table.

    Kinds: ``annual`` (``2024``), ``partial_year`` (``2024Q1``, ``2024-01..2024-09``,
    ``2025-03``, ``2024-08-27..2024-08-30``), ``multi_year`` (``2015..2022``) or ``undated``
    (empty).

    Raises
    ------
    InvalidParameterError
        For a value in none of these forms (the facts README defines the forms).
    """
    text = period.astype("string").str.strip()
    kind = pd.Series(pd.NA, index=period.index, dtype="string")
    kind[text.isna() | (text == "")] = "undated"
    kind[text.str.fullmatch(_ANNUAL).fillna(False)] = "annual"
    kind[text.str.fullmatch(_MULTI_YEAR).fillna(False)] = "multi_year"
    partial = text.str.fullmatch(
        r"\d{4}(Q[1-4]|-\d{2}(-\d{2})?)(\.\.\d{4}(Q[1-4]|-\d{2}(-\d{2})?))?"
    ).fillna(False)
    kind[partial] = "partial_year"
    unknown = text[kind.isna()]
    if not unknown.empty:
        raise InvalidParameterError(
            "period",
            sorted(set(unknown)),
            "YYYY, YYYYQn, YYYY-MM[..YYYY-MM], YYYY..YYYY",
            why="not a period form of the facts table",
        )
    return kind


_BASIS_BOTH = r"goods[ -]and[ -]services|goods plus services|goods & services"


def trade_basis(note: pd.Series) -> pd.Series:
    """Classify what a trade figure covers from its ``note`` (data-driven, no per-row overrides).

    Rule: ``goods_and_services`` when the note says the basis is goods plus services, or its
    first clause (up to the first ``;``, the part describing the figure itself) says "goods and
    services"; ``goods`` when that first clause says "goods"; otherwise ``unstated``. Later
    clauses often quote *other* figures ("...; the Belarusian goods-and-services figure is 53 bn")
    and are ignored, except an explicit "the basis is ... goods plus services".

    Returns
    -------
    pandas.Series of str
        ``goods``, ``goods_and_services`` or ``unstated``.
    """
    text = note.astype("string").fillna("").str.lower()
    first = text.str.split(";", n=1).str[0]
    explicit = text.str.contains(rf"basis is (?:probably )?(?:{_BASIS_BOTH})", regex=True)
    both = explicit | first.str.contains(_BASIS_BOTH, regex=True)
    goods = first.str.contains(r"\bgoods\b", regex=True)
    out = np.where(both, "goods_and_services", np.where(goods, "goods", "unstated"))
    return pd.Series(out, index=note.index, dtype="string")


_CAVEATS = {
    "lower_bound": r"lower bound",
    "upper_bound": r"upper bound",
    "approximate": r"\bapproximat|\babout\b|\balmost\b|\baround\b",
    "inferred_year": r"\binferred\b",
    "mirror": r"\bmirror\b",
}


def caveats(note: pd.Series) -> pd.Series:
    """Flag the caveats a fact's ``note`` states, comma-separated ("" when none).

    Flags: lower_bound, upper_bound, approximate ("about", "almost", "around"), inferred_year,
    mirror (the partner's mirror statistics).
    """
    text = note.astype("string").fillna("").str.lower()
    flags = {k: text.str.contains(p, regex=True).to_numpy(dtype=bool) for k, p in _CAVEATS.items()}
    joined = [",".join(k for k in _CAVEATS if flags[k][i]) for i in range(len(text))]
    return pd.Series(joined, index=note.index, dtype="string")


# ============================================================================= currency
#: Currency -> country whose ``PA.NUS.FCRF`` (LCU per US$) converts it.
CURRENCY_COUNTRY = {
    "RUB": "RUS",
    "BYN": "BLR",
    "KZT": "KAZ",
    "AMD": "ARM",
    "KGS": "KGZ",
    "TJS": "TJK",
    "UZS": "UZB",
}


def to_usd(
    frame: pd.DataFrame,
    rates: pd.DataFrame,
    *,
    rate_indicator: str = "PA.NUS.FCRF",
    on_missing: Literal["raise", "keep"] = "raise",
) -> pd.DataFrame:
    """Convert monetary facts in national currency to US dollars with a stated rate table.

    ``value [USD] = value_stated / fx_lcu_per_usd`` where ``fx_lcu_per_usd`` is the annual
    average rate (local currency units per US dollar) of the currency's country in the
    fact's year (``PA.NUS.FCRF``: official exchange rate, period average; World Bank WDI).
    Only annual periods are converted: a partial-year or multi-year figure has no matching
    annual average, so it is never converted silently.

    Parameters
    ----------
    frame
        Facts (columns ``value, unit, currency, period`` at least, e.g. ``read_facts(...).kept``).
    rates
        Indicators frame (``year, country_iso3, indicator, value, unit, dataset``), e.g.
        ``read_wdi("data/raw/wdi/PA.NUS.FCRF.csv").kept`` or a longer WDI series.
    rate_indicator
        Indicator holding LCU per US$.
    on_missing
        ``"raise"`` (default): any row in a convertible currency without a rate (no annual
        period, no rate for that country-year, or a currency with no rate country such as EUR)
        raises, listing the rows. ``"keep"``: such rows stay in their currency with empty
        ``fx_*`` columns.

    Returns
    -------
    pandas.DataFrame
        ``frame`` with converted rows set to ``unit = currency = "USD"`` and ``value`` in USD,
        plus ``value_stated, currency_stated, fx_lcu_per_usd, fx_year, fx_dataset`` recording
        what was used (empty for rows not converted). USD and non-monetary rows are unchanged.

    Notes
    -----
    WDI expresses Belarus's rate in the current unit (BYN, after the 2016 redenomination of
    10,000 BYR = 1 BYN) for all years, so pre-2016 figures stated in old roubles need
    rescaling first.

    References
    ----------
    World Bank, WDI indicator PA.NUS.FCRF, https://data.worldbank.org/indicator/PA.NUS.FCRF
    """
    if on_missing not in ("raise", "keep"):
        raise InvalidParameterError("on_missing", on_missing, ["raise", "keep"])
    need = ["value", "unit", "currency", "period"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InvalidParameterError("frame", missing, need, why="missing columns")
    table = rates[rates["indicator"] == rate_indicator]
    if table.empty:
        raise InvalidParameterError(
            "rates",
            sorted(set(rates.get("indicator", []))),
            [rate_indicator],
            why=f"the rate table has no {rate_indicator} rows",
        )
    dup = table.duplicated(["country_iso3", "year"], keep=False)
    if dup.any():
        raise InvalidParameterError(
            "rates",
            table.loc[dup, ["country_iso3", "year"]].values.tolist()[:10],
            None,
            why="several rates for the same country-year (pass one dataset)",
        )
    lookup = table.set_index(["country_iso3", "year"])
    out = frame.copy()
    foreign = sorted(
        {u for u in FACTS_UNITS if len(u) == 3 and u.isupper() and u != "USD"}
        | set(CURRENCY_COUNTRY)
    )
    money = out["unit"].isin(foreign) & (out["unit"] == out["currency"])
    kind = period_kind(out["period"])
    year = pd.to_numeric(out["period"].where(kind == "annual"), errors="coerce").astype("Int64")
    country = out["currency"].map(CURRENCY_COUNTRY)
    keys = list(zip(country, year, strict=True))
    rate = pd.Series(
        [
            lookup["value"].get(k, np.nan) if pd.notna(k[0]) and pd.notna(k[1]) else np.nan
            for k in keys
        ],
        index=out.index,
        dtype="float64",
    )
    source = pd.Series(
        [
            lookup["dataset"].get(k, pd.NA) if pd.notna(k[0]) and pd.notna(k[1]) else pd.NA
            for k in keys
        ],
        index=out.index,
        dtype="string",
    )
    ok = money & rate.notna() & (rate > 0)
    failing = money & ~ok
    if failing.any() and on_missing == "raise":
        why = []
        for idx in out.index[failing][:10]:
            r = out.loc[idx]
            if kind[idx] != "annual":
                cause = f"period {r['period']!r} is {kind[idx]}, not one year"
            elif pd.isna(country[idx]):
                cause = f"no rate country for {r['currency']}"
            else:
                cause = f"no {rate_indicator} for {country[idx]} {year[idx]}"
            why.append(f"{r.get('fact_id', idx)}: {cause}")
        raise InvalidParameterError(
            "rates",
            f"{int(failing.sum())} row(s) cannot be converted",
            None,
            why="; ".join(why)
            + (" ..." if failing.sum() > 10 else "")
            + ". Pass a rate table covering these years, select annual rows, or "
            "on_missing='keep'",
        )
    out["value_stated"] = np.where(ok, out["value"], np.nan)
    out["currency_stated"] = out["currency"].where(ok).astype("string")
    out["fx_lcu_per_usd"] = rate.where(ok)
    out["fx_year"] = year.where(ok).astype("Int64")
    out["fx_dataset"] = (source + f" {rate_indicator}").where(ok).astype("string")
    out.loc[ok, "value"] = out.loc[ok, "value"] / rate[ok]
    out.loc[ok, "unit"] = "USD"
    out.loc[ok, "currency"] = "USD"
    return out


# ============================================================================= series
SERIES_COLUMNS = [
    "year",
    "value",
    "unit",
    "currency",
    "trade_basis",
    "caveats",
    "fact_id",
    "metric",
    "reporter_iso3",
    "partner_iso3",
    "bloc",
    "sector",
    "period",
    "source_url",
]


def series(
    facts: pd.DataFrame,
    *,
    metric: str,
    reporter: str | None = None,
    partner: str | None = None,
    bloc: str | None = None,
    sector: str | None = None,
    unit: str | None = None,
    basis: Literal["goods", "goods_and_services"] | None = None,
    unordered_pair: bool = False,
) -> Cleaned:
    """Assemble an annual time series from the facts table, refusing silent mixing.

    Rows are selected by ``metric`` and, when given, ``reporter``, ``partner``, ``bloc``,
    ``sector`` and ``unit`` (``""`` selects rows where the field is empty; ``None`` does not
    filter). With ``unordered_pair`` the reporter/partner pair matches in either order (for
    bilateral turnover, where the reporter is whichever side was quoted).

    Then, never silently:

    * partial-year, multi-year and undated rows are set aside with a ledger entry each (and a
      :class:`~coopstats.errors.CoopstatsWarning`): they are not comparable with full years;
    * mixing units raises (pass ``unit``; convert RUB/BYN first with :func:`to_usd`);
    * mixing a goods-only and a goods-and-services basis (read from the notes by
      :func:`trade_basis`) raises unless ``basis`` picks one, in which case rows of the other
      basis go to the ledger; rows with an unstated basis are kept and flagged;
    * two remaining rows for one year raise, naming the fact ids (no keep-first).

    Parameters
    ----------
    facts
        ``read_facts(...).kept`` (optionally after :func:`to_usd`).
    metric, reporter, partner, bloc, sector, unit
        Selection.
    basis
        ``"goods"`` or ``"goods_and_services"`` to resolve a mixed selection.
    unordered_pair
        Match ``{reporter, partner}`` in either order.

    Returns
    -------
    Cleaned
        ``kept``: one row per year, columns :data:`SERIES_COLUMNS`, sorted by year, indexed by
        the facts file line; ``ledger``: selected rows set aside, with the reason.
    """
    if basis not in (None, "goods", "goods_and_services"):
        raise InvalidParameterError("basis", basis, [None, "goods", "goods_and_services"])
    if not facts.index.is_unique:
        raise InvalidParameterError(
            "facts",
            "index with repeated labels",
            "an index unique per row (source line)",
            why="rows are tracked by their source line",
        )
    if metric not in set(facts["metric"]):
        raise InvalidParameterError(
            "metric", metric, sorted(set(facts["metric"]))[:40], why="not in the facts table"
        )
    sel = facts["metric"] == metric
    for col, want in (("bloc", bloc), ("sector", sector), ("unit", unit)):
        if want is not None:
            sel &= facts[col].fillna("") == want
    rep, par = facts["reporter_iso3"].fillna(""), facts["partner_iso3"].fillna("")
    direct = pd.Series(True, index=facts.index)
    if reporter is not None:
        direct &= rep == reporter
    if partner is not None:
        direct &= par == partner
    if unordered_pair:
        if reporter is None or partner is None:
            raise InvalidParameterError(
                "unordered_pair", True, None, why="needs both reporter and partner"
            )
        direct |= (rep == partner) & (par == reporter)
    chosen = facts[sel & direct].copy()
    if chosen.empty:
        raise InvalidParameterError("metric", metric, None, why="no fact matches the selection")
    units = sorted(set(chosen["unit"]))
    if len(units) > 1:
        raise InvalidParameterError(
            "unit",
            unit,
            units,
            why=f"the selection of {metric!r} mixes units; pick one "
            "(convert RUB/BYN with to_usd first)",
        )
    chosen["trade_basis"] = trade_basis(chosen["note"])
    chosen["caveats"] = caveats(chosen["note"])
    file = "facts"
    kind = period_kind(chosen["period"])
    steps = []
    rows_in = len(chosen)
    for k in ("partial_year", "multi_year", "undated"):
        step = reject_rows(
            chosen,
            kind.reindex(chosen.index) == k,
            step="facts_series",
            file=file,
            rule=f"period_{k}",
            column="period",
            reason=f"{k.replace('_', ' ')} period: not comparable with full-year values",
        )
        steps.append(step)
        chosen = step.kept
    if chosen.empty:
        raise InvalidParameterError(
            "metric", metric, None, why="no full-year fact matches the selection"
        )
    explicit = set(chosen["trade_basis"]) - {"unstated"}
    if len(explicit) > 1 and basis is None:
        ids = chosen.groupby("trade_basis")["fact_id"].apply(lambda s: ", ".join(s)).to_dict()
        raise InvalidParameterError(
            "basis",
            None,
            ["goods", "goods_and_services"],
            why=f"the selection mixes goods-only and goods-and-services figures ({ids})",
        )
    if basis is not None:
        other = (chosen["trade_basis"] != basis) & (chosen["trade_basis"] != "unstated")
        step = reject_rows(
            chosen,
            other,
            step="facts_series",
            file=file,
            rule="basis_differs",
            column="note",
            reason=f"trade basis differs from the requested {basis!r}",
        )
        steps.append(step)
        chosen = step.kept
    chosen = chosen.copy()
    chosen["year"] = pd.to_numeric(chosen["period"]).astype("int64")
    dup = chosen["year"].duplicated(keep=False)
    if dup.any():
        clash = chosen.loc[dup, ["year", "fact_id", "reporter_iso3", "value", "trade_basis"]]
        text = "; ".join(
            f"{r.year}: {r.fact_id} (reporter {r.reporter_iso3}, {r.value:g}, {r.trade_basis})"
            for r in clash.itertuples()
        )
        raise InvalidParameterError(
            "reporter",
            reporter,
            None,
            why=f"several figures for one year ({text}); narrow the "
            "selection "
            "(reporter=, basis=) or pick one source explicitly",
        )
    is_mirror = chosen["caveats"].str.contains("mirror").fillna(False).astype(bool)
    if is_mirror.any() and not is_mirror.all():
        warnings.warn(
            f"series {metric!r} mixes partners' mirror statistics "
            f"({', '.join(chosen.loc[is_mirror, 'fact_id'])}) "
            "with the reporter's own figures",
            CoopstatsWarning,
            stacklevel=2,
        )
    ledger = pd.concat([s.ledger for s in steps], ignore_index=True) if steps else empty_ledger()
    if not ledger.empty:
        warnings.warn(
            f"series {metric!r}: {ledger['line'].nunique()} fact(s) set aside "
            f"({', '.join(sorted(set(ledger['rule'])))}); see the returned ledger",
            CoopstatsWarning,
            stacklevel=2,
        )
    kept = chosen.sort_values("year", kind="stable")[SERIES_COLUMNS]
    return Cleaned(kept, ledger, "facts_series", rows_in).check()


def facts_between(
    facts: pd.DataFrame,
    countries: list[str] | tuple[str, ...],
    sectors: list[str] | tuple[str, ...],
) -> pd.DataFrame:
    """Return the facts about trade among ``countries`` in ``sectors`` (both sides in the list).

    A row is kept when its ``sector`` is one of ``sectors`` and both ``reporter_iso3`` and
    ``partner_iso3`` are among ``countries`` (so a pair's statements in either direction, and a
    country's statements about itself when it is listed, are kept). Rows keep their order and
    index.

    Raises
    ------
    InvalidParameterError
        When ``facts`` lacks one of ``sector, reporter_iso3, partner_iso3``.
    """
    need = ["sector", "reporter_iso3", "partner_iso3"]
    missing = [c for c in need if c not in facts.columns]
    if missing:
        raise InvalidParameterError(
            "facts",
            f"columns {list(facts.columns)}",
            f"a facts frame with {need}",
            why=f"missing column(s) {missing}",
        )
    countries, sectors = list(countries), list(sectors)
    keep = (
        facts["sector"].isin(sectors)
        & facts["reporter_iso3"].isin(countries)
        & facts["partner_iso3"].isin(countries)
    )
    return facts[keep]
