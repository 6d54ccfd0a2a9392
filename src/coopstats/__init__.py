"""coopstats: reproducible statistics on technological-sovereignty cooperation.

Covers the EAEU, the CIS, the CSTO and the Union State of Russia and Belarus. Public
functions take and return tidy long DataFrames with the canonical column names of
:mod:`coopstats.columns`; nothing here reads files except :mod:`coopstats.sources`.

Where to start
--------------
=======================  ==============================================================
``coopstats.geo``        countries → ISO3 (``to_iso3``)
``coopstats.membership``  dated bloc membership (``members``, ``is_intra_bloc``)
``coopstats.hs``         HS codes: normalisation, code lists (``normalize_hs6``)
``coopstats.hs_revisions``  conversion between HS revisions, HS -> SITC (``convert_revision``)
``coopstats.hs_sectors``    sector taxonomy per revision (``sector_map``)
``coopstats.growth``     growth rates, CAGR, indices, contributions
``coopstats.trends``     trend growth and break tests with small-sample inference
``coopstats.localization``  intra-bloc shares, supplier concentration, substitution
``coopstats.dependency``    EC / GeoDep dependency criteria, persistence, sensitivity
``coopstats.priority``   RCA, ECI/PCI, complementarity, composite priority scores
``coopstats.events``     Russian press releases → events and figures
``coopstats.sources``    readers: BACI, Comtrade, WDI, facts; ingestion; demo panel
=======================  ==============================================================

The most used functions are re-exported here and imported lazily (``import coopstats`` stays
fast; ``coopstats.rca`` imports :mod:`coopstats.priority` on first use).
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coopstats")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from .errors import (  # noqa: E402
    CoopstatsError,
    DataFileError,
    InvalidParameterError,
    MissingDataError,
    UnmappedCodeError,
)

#: public name -> module that defines it
_LAZY = {
    "to_iso3": "geo",
    "members": "membership",
    "members_in_year": "membership",
    "is_intra_bloc": "membership",
    "sector_map": "hs_sectors",
    "normalize_hs6": "hs",
    "growth_rates": "growth",
    "period_growth": "growth",
    "log_linear_trend": "trends",
    "break_test": "trends",
    "intra_bloc_shares": "localization",
    "supplier_concentration": "localization",
    "dependency_flags": "dependency",
    "rca": "priority",
    "complexity": "priority",
    "priority_scores": "priority",
    "rank_stability": "priority",
    "read_facts": "sources.facts",
}

__all__ = [
    "__version__",
    "CoopstatsError",
    "DataFileError",
    "InvalidParameterError",
    "MissingDataError",
    "UnmappedCodeError",
    *_LAZY,
]


def __getattr__(name: str):
    """Import re-exported functions on first use (PEP 562)."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'coopstats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
