"""Trade data beside officially stated figures of one flow, year by year and by source.

Where a declaration-based dataset stops (a reporting blackout such as Belarus-Russia in CEPII
BACI from 2022), official statements of the two governments are often the only figures.
:func:`trade_beside_official` puts the trade-data values of one flow and the full-year USD
figures of the facts table (:func:`coopstats.sources.facts.series`) in one long frame, with
each year's status (trade data, official, blackout, no flow, outside the data);
:func:`blackout_span` gives the years a chart shades. The sentences that read such a frame
are in :mod:`coopstats.coverage_text` (``trade_beside_official_statement``).

Split from :mod:`coopstats.coverage` (the known-blackout table it checks years against).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from .checks import TRADE_COLUMNS, iso3_codes, require_trade_frame
from .coverage import known_pair_blackouts
from .errors import InvalidParameterError

__all__ = ["trade_beside_official", "blackout_span"]

_SIDE_COLUMNS = [
    "year",
    "sector",
    "value_usd",
    "source",
    "fact_id",
    "trade_basis",
    "caveats",
    "status",
]


def trade_beside_official(
    trade: pd.DataFrame | None,
    facts: pd.DataFrame,
    *,
    country_iso3: str,
    partner_iso3: str,
    start_year: int,
    end_year: int,
    measure: Literal["exports", "turnover"] = "exports",
    sectors: Sequence[str] = ("total",),
    data_years: Iterable[int] | None = None,
    known: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Trade-data values and officially stated figures of one flow, side by side, by source.

    ``measure="exports"``: ``country_iso3`` -> ``partner_iso3`` per sector (the trade frame
    needs a ``sector`` column, e.g. after merging a sector map; ``"total"`` sums all its
    rows); facts metric ``exports``. ``measure="turnover"``: both directions summed, facts
    metric ``trade_turnover`` in either order. Facts are full-year USD figures
    (:func:`coopstats.sources.facts.series`), one line per stated trade basis.

    A year of the window in which the trade data hold no flow gets a row with a missing
    value and ``status`` ``"blackout"`` when a known pair blackout
    (:func:`coopstats.coverage.known_blackouts`) covers it, ``"no flow"`` otherwise, or
    ``"outside the data"`` when the year is not among ``data_years`` (the years the dataset
    covers; default: the years of ``trade``). ``trade=None`` gives the official figures only.

    Returns
    -------
    pandas.DataFrame
        ``year, sector, value_usd, source, fact_id, trade_basis, caveats, status, series``
        (``sector: source``, one line of a chart), sorted by sector, source and year.
        ``source`` is the dataset (e.g. ``BACI_HS92_V202601``) or
        ``official statements (facts table, <basis>)``.
    """
    from .sources.facts import series as facts_series

    if measure not in ("exports", "turnover"):
        raise InvalidParameterError("measure", measure, ["exports", "turnover"])
    tr = require_trade_frame(pd.DataFrame(columns=list(TRADE_COLUMNS)) if trade is None else trade)
    tr = tr.astype({"year": "int64"})
    a, b = (
        iso3_codes("country_iso3", [country_iso3])[0],
        iso3_codes("partner_iso3", [partner_iso3])[0],
    )
    window = list(range(int(start_year), int(end_year) + 1))
    if measure == "exports":
        pair = tr[(tr["exporter_iso3"] == a) & (tr["importer_iso3"] == b)]
    else:
        pair = tr[
            ((tr["exporter_iso3"] == a) & (tr["importer_iso3"] == b))
            | ((tr["exporter_iso3"] == b) & (tr["importer_iso3"] == a))
        ]
    pair = pair[pair["year"].isin(window)]
    years_in_data = sorted(
        int(y) for y in (tr["year"].unique() if data_years is None else data_years)
    )
    listed = known_pair_blackouts(a, b, known=known)

    def blackout(year: int) -> bool:
        return any(
            int(k.year_from) <= year and (pd.isna(k.year_to) or year <= int(k.year_to))
            for k in listed.itertuples(index=False)
        )

    label = ", ".join(sorted(map(str, tr["dataset"].unique()))) if "dataset" in tr.columns else ""
    label = label or "trade data"
    rows = []
    for sector in sectors:
        part = (
            pair
            if sector == "total" or "sector" not in pair.columns
            else pair[pair["sector"] == sector]
        )
        if sector != "total" and "sector" not in pair.columns:
            raise InvalidParameterError(
                "trade",
                "no sector column",
                "a frame merged with a sector map",
                why=f"sector {sector!r} was asked for",
            )
        per = part.groupby("year")["value_usd"].sum()
        for y in window if trade is not None else []:
            if y in per.index and per[y] > 0:
                rows.append((y, sector, float(per[y]), label, None, "goods", "", "trade data"))
            else:
                status = (
                    "outside the data"
                    if y not in years_in_data
                    else "blackout"
                    if blackout(y)
                    else "no flow"
                )
                rows.append((y, sector, np.nan, label, None, "goods", "", status))
        metric = "exports" if measure == "exports" else "trade_turnover"
        select = dict(
            metric=metric,
            reporter=a,
            partner=b,
            sector=sector,
            unit="USD",
            unordered_pair=measure == "turnover",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # partial years go to the series' ledger
            if _pair_facts(facts, metric, a, b, sector, measure).empty:
                parts = []  # no statement about this flow in the facts table
            elif _single_basis(facts, metric, a, b, sector, measure):
                parts = [facts_series(facts, **select).kept]
            else:
                parts = [
                    facts_series(facts, **select, basis=basis).kept
                    for basis in ("goods", "goods_and_services")
                ]
        for kept in parts:
            for r in kept[kept["year"].isin(window)].itertuples(index=False):
                rows.append(
                    (
                        int(r.year),
                        sector,
                        float(r.value),
                        f"official statements (facts table, {r.trade_basis})",
                        r.fact_id,
                        r.trade_basis,
                        r.caveats if isinstance(r.caveats, str) else "",
                        "official",
                    )
                )
    out = pd.DataFrame(rows, columns=_SIDE_COLUMNS)
    out = out.drop_duplicates(["year", "sector", "source", "fact_id"])
    out["series"] = out["sector"] + ": " + out["source"]
    return out.sort_values(["sector", "source", "year"], kind="mergesort").reset_index(drop=True)


def _pair_facts(facts, metric, a, b, sector, measure) -> pd.DataFrame:
    """USD facts rows of ``metric`` for the pair (either order for turnover) and sector."""
    f = facts[(facts["metric"] == metric) & (facts["sector"] == sector) & (facts["unit"] == "USD")]
    pair = (f["reporter_iso3"] == a) & (f["partner_iso3"] == b)
    if measure == "turnover":
        pair |= (f["reporter_iso3"] == b) & (f["partner_iso3"] == a)
    return f[pair]


def _single_basis(facts, metric, a, b, sector, measure) -> bool:
    """Whether the selected facts rows state one trade basis (or none): no split needed."""
    from .sources.facts import trade_basis

    f = _pair_facts(facts, metric, a, b, sector, measure)
    if f.empty:
        return True
    bases = set(trade_basis(f["note"])) - {"unstated"}
    return len(bases) <= 1


def blackout_span(side: pd.DataFrame) -> tuple[int, int] | None:
    """First and last year marked ``blackout`` in a :func:`trade_beside_official` frame, or None.

    What :func:`coopstats.plots.line_by_year` shades with its ``span`` argument.
    """
    years = side.loc[side["status"] == "blackout", "year"]
    return (int(years.min()), int(years.max())) if len(years) else None
