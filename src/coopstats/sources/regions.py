"""Reader of the regional cooperation records (``data/raw/regions/regional_cooperation.csv``).

Sub-national actors — a region's government, its plants, academies and forums — and their
foreign partners, one row per region x partner x sector link as stated in a cited source. The
layout is described in ``data/raw/regions/README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..columns import ISO3_REGEX, SECTORS
from ..ledger import Cleaned, reject_rows
from ._text import read_csv_strict

__all__ = ["REGIONAL_COLUMNS", "ACTOR_KINDS", "read_regional_cooperation"]

REGIONAL_COLUMNS = [
    "record_id", "region", "region_code", "country_iso3", "partner_iso3", "sector", "actor",
    "actor_kind", "partner_actor", "partner_actor_kind", "activity", "period", "event_id",
    "fact_ids", "note", "source_title", "source_url",
]
#: kinds of actors a record may name
ACTOR_KINDS = ("regional_government", "national_government", "plant", "academy", "forum",
               "university", "company")


def read_regional_cooperation(path: str | Path, *, fact_ids: set[str] | None = None) -> Cleaned:
    """Read and validate the regional cooperation records.

    Rows are rejected into the ledger (file, line, column, value, reason) when: a required
    cell is blank (record_id, region, region_code, country_iso3, partner_iso3, sector, actor,
    actor_kind, source_url); an ISO3 code is malformed; ``region_code`` is not ISO 3166-2
    shaped (``RU-NVS``); the sector is outside :data:`coopstats.columns.SECTORS`; an actor kind
    is outside :data:`ACTOR_KINDS`; ``record_id`` repeats; a fact id is not in ``fact_ids``
    (when given).

    Parameters
    ----------
    path
        ``regional_cooperation.csv``.
    fact_ids
        Known fact ids (e.g. ``set(read_facts(...).kept["fact_id"])``) to check links against.

    Returns
    -------
    Cleaned
        ``kept``: the columns of :data:`REGIONAL_COLUMNS` as strings, indexed by source line;
        ``ledger``: rejected rows. Rows in = kept + rejected.
    """
    path = Path(path)
    raw = read_csv_strict(path, required=REGIONAL_COLUMNS)[REGIONAL_COLUMNS]
    checks: list[tuple[str, str, pd.Series, str]] = []
    for col in ("record_id", "region", "region_code", "country_iso3", "partner_iso3", "sector",
                "actor", "actor_kind", "source_url"):
        checks.append((col, "required", raw[col].isna(), f"{col} is required"))
    iso = re.compile(ISO3_REGEX)
    for col in ("country_iso3", "partner_iso3"):
        bad = raw[col].notna() & ~raw[col].fillna("").map(lambda v: bool(iso.match(v)))
        checks.append((col, "iso3", bad, "an ISO 3166 alpha-3 code such as BLR"))
    bad = raw["region_code"].notna() & ~raw["region_code"].fillna("").str.fullmatch(
        r"[A-Z]{2}-[A-Z0-9]{1,3}")
    checks.append(("region_code", "iso3166_2", bad, "an ISO 3166-2 code such as RU-NVS"))
    bad = raw["sector"].notna() & ~raw["sector"].isin(SECTORS)
    checks.append(("sector", "sector_vocabulary", bad, f"sector must be one of {list(SECTORS)}"))
    for col in ("actor_kind", "partner_actor_kind"):
        bad = raw[col].notna() & ~raw[col].isin(ACTOR_KINDS)
        checks.append((col, "actor_kind", bad, f"{col} must be one of {list(ACTOR_KINDS)}"))
    checks.append(("record_id", "duplicate", raw["record_id"].notna()
                   & raw["record_id"].duplicated(keep=False), "record_id must be unique"))
    if fact_ids is not None:
        unknown = raw["fact_ids"].fillna("").map(
            lambda s: any(f and f not in fact_ids for f in (x.strip() for x in s.split(";"))))
        checks.append(("fact_ids", "unknown_fact", unknown, "fact id not in the facts table"))
    kept = raw
    ledgers = []
    for col, rule, mask, reason in checks:
        out = reject_rows(kept, mask.reindex(kept.index).fillna(False).astype(bool),
                          step="regions", file=path, rule=rule, reason=reason, column=col)
        kept = out.kept
        ledgers.append(out.ledger)
    ledger = pd.concat(ledgers, ignore_index=True)
    return Cleaned(kept=kept, ledger=ledger, step="regions", rows_in=len(raw))
