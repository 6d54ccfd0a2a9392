"""Notebook views of extracted events: timeline, country x sector matrix, figures vs facts."""

from __future__ import annotations

import pandas as pd

from ..columns import BLOCS, SECTORS
from ..errors import InvalidParameterError

__all__ = ["timeline", "country_sector_matrix", "link_figures_to_facts"]


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidParameterError(
            name,
            f"frame with columns {list(frame.columns)}",
            f"a frame with {columns}",
            why=f"missing {missing}",
        )


def timeline(events: pd.DataFrame) -> pd.DataFrame:
    """Events in date order, one row per event and bloc (tidy, for a dated strip plot).

    Parameters
    ----------
    events
        The events frame (:attr:`ExtractionResult.events`).

    Returns
    -------
    pandas.DataFrame
        ``event_date`` (ISO string), ``event_id``, ``bloc`` (<NA> for an event of no bloc),
        ``countries``, ``sectors``, ``source``; sorted by date then id, undated events last
        (their date is unknown, not guessed).
    """
    _require(
        events, ["event_id", "event_date", "blocs", "countries", "sectors", "source"], "events"
    )
    rows = []
    for r in events.itertuples(index=False):
        blocs = list(r.blocs) or [pd.NA]
        for bloc in blocs:
            rows.append(
                {
                    "event_date": r.event_date,
                    "event_id": r.event_id,
                    "bloc": bloc,
                    "countries": list(r.countries),
                    "sectors": list(r.sectors),
                    "source": r.source,
                }
            )
    out = pd.DataFrame(
        rows, columns=["event_date", "event_id", "bloc", "countries", "sectors", "source"]
    )
    out = out.astype(
        {"event_date": "string", "event_id": "string", "bloc": "string", "source": "string"}
    )
    order = {b: i for i, b in enumerate(BLOCS)}
    out["_undated"] = out["event_date"].isna()
    out["_bloc"] = out["bloc"].map(order).fillna(len(order))
    out = out.sort_values(["_undated", "event_date", "event_id", "_bloc"], kind="stable")
    return out.drop(columns=["_undated", "_bloc"]).reset_index(drop=True)


def country_sector_matrix(events: pd.DataFrame) -> pd.DataFrame:
    r"""Count the events naming each country together with each sector.

    .. math:: M_{c,s} = \#\{e : c \in \mathrm{countries}_e \wedge s \in \mathrm{sectors}_e\}

    Parameters
    ----------
    events
        The events frame.

    Returns
    -------
    pandas.DataFrame
        Wide int64 matrix: index ``country_iso3`` (sorted), one column per sector of
        :data:`coopstats.columns.SECTORS` that occurs, in vocabulary order.
    """
    _require(events, ["countries", "sectors"], "events")
    pairs = [(c, s) for r in events.itertuples(index=False) for c in r.countries for s in r.sectors]
    if not pairs:
        return pd.DataFrame(index=pd.Index([], name="country_iso3", dtype="string"), dtype="int64")
    long = pd.DataFrame(pairs, columns=["country_iso3", "sector"])
    wide = long.groupby(["country_iso3", "sector"]).size().unstack("sector", fill_value=0)
    wide = wide[[s for s in SECTORS if s in wide.columns]].sort_index().astype("int64")
    wide.columns.name = "sector"
    return wide


def link_figures_to_facts(
    figures: pd.DataFrame, facts: pd.DataFrame, *, rtol: float = 0.005, same_period: bool = False
) -> pd.DataFrame:
    r"""Match figures stated in press releases to rows of the cited facts table.

    A figure matches a fact when the units are equal and

    .. math:: |v_{figure} - v_{fact}| \le \mathrm{rtol} \cdot |v_{fact}|

    (exact equality for a zero fact), and, with ``same_period=True``, when both periods are
    stated and equal. Several facts can match one figure (a count of 5 is common); all are
    listed, closest first.

    Parameters
    ----------
    figures
        The figures frame (``event_id, value, unit, what, period``).
    facts
        The facts table (``fact_id, metric, value, unit, period, source_url`` at least).
    rtol
        Relative tolerance (default 0.5 %: rounding of "192 миллиона" against 191.8 mn).
    same_period
        Also require equal stated periods.

    Returns
    -------
    pandas.DataFrame
        ``event_id, value, unit, what, period`` of the figure, then ``fact_id, metric,
        source_url`` of the matched fact; one row per match, sorted by event, figure order and
        closeness.
    """
    _require(figures, ["event_id", "value", "unit", "what", "period"], "figures")
    _require(facts, ["fact_id", "metric", "value", "unit", "period", "source_url"], "facts")
    if not (isinstance(rtol, (int, float)) and 0 <= rtol < 1):
        raise InvalidParameterError("rtol", rtol, "a number in [0, 1)")
    if not isinstance(same_period, bool):
        raise InvalidParameterError("same_period", same_period, [True, False])
    cols = ["event_id", "value", "unit", "what", "period", "fact_id", "metric", "source_url"]
    fig = figures.reset_index(drop=True).assign(_fig=lambda f: range(len(f)))
    fct = facts[["fact_id", "metric", "value", "unit", "period", "source_url"]].rename(
        columns={"value": "_fact_value", "period": "_fact_period"}
    )
    fct = fct.assign(
        _fact_value=pd.to_numeric(fct["_fact_value"], errors="raise").astype("float64")
    )
    merged = fig.merge(fct, on="unit", how="inner")
    diff = (merged["value"].astype("float64") - merged["_fact_value"]).abs()
    ok = diff <= rtol * merged["_fact_value"].abs()
    if same_period:
        ok &= merged["period"].notna() & (
            merged["period"].astype("string") == merged["_fact_period"].astype("string")
        )
    out = merged[ok.fillna(False)].assign(_diff=diff[ok.fillna(False)])
    out = out.sort_values(["event_id", "_fig", "_diff", "fact_id"], kind="stable")
    return out[cols].drop_duplicates().reset_index(drop=True)
