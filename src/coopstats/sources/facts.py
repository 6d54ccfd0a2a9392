"""The cited facts table (``data/raw/facts/facts.csv``): read, validate, quarantine.

Figures from official statements, one row per figure with its citation. Values keep their
stated unit and currency; nothing is converted here (see :func:`coopstats.growth` helpers and
:func:`coopstats.sources.facts.series` for assembling time series).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..ledger import Cleaned, chain, reject_rows, validate_rows
from ..schemas import FACTS, facts_schema
from ._text import read_csv_strict

__all__ = ["read_facts", "FACTS_UNITS", "is_outcome"]

#: Units the facts table may use.
FACTS_UNITS = ("USD", "RUB", "BYN", "EUR", "percent", "count", "year")

_NON_OUTCOME_SUFFIXES = ("_target", "_plan", "_forecast")


def read_facts(path: str | Path) -> Cleaned:
    """Read and validate the facts table.

    Rows failing a check (unknown sector or bloc, malformed ISO3, non-numeric value, unit
    outside :data:`FACTS_UNITS`, a monetary unit without matching currency, duplicate
    ``fact_id``) are quarantined with the reason; the rest are returned.

    Parameters
    ----------
    path
        ``facts.csv`` in the layout of ``data/raw/facts/README.md``.

    Returns
    -------
    Cleaned
        ``kept`` has the columns :data:`coopstats.schemas.FACTS` (``value`` float64, the
        rest string), indexed by source line; ``ledger`` lists rejected rows.
    """
    path = Path(path)
    raw = read_csv_strict(path, required=FACTS)[FACTS]
    unit_ok = reject_rows(
        raw, ~raw["unit"].isin(FACTS_UNITS).fillna(False),
        step="facts", file=path, rule="unit_vocabulary", column="unit",
        reason=f"unit must be one of {list(FACTS_UNITS)}",
    )
    money = unit_ok.kept["unit"].isin(["USD", "RUB", "BYN", "EUR"])
    cur_bad = money & (unit_ok.kept["currency"].fillna("") != unit_ok.kept["unit"])
    cur_ok = reject_rows(
        unit_ok.kept, cur_bad, step="facts", file=path, rule="currency_matches_unit", column="currency",
        reason="a monetary value needs currency equal to its unit (no implicit conversion)",
    )
    valid = validate_rows(cur_ok.kept, facts_schema(coerce=True), step="facts", file=path)
    return chain(unit_ok, cur_ok, valid)


def is_outcome(metric: pd.Series) -> pd.Series:
    """True where a metric is an observed outcome (not ``_target``, ``_plan``, ``_forecast``)."""
    return ~metric.str.endswith(_NON_OUTCOME_SUFFIXES)
