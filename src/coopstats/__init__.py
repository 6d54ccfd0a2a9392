"""coopstats: reproducible statistics on technological-sovereignty cooperation.

Covers the EAEU, the CIS, the CSTO and the Union State of Russia and Belarus. Public
functions take and return tidy long DataFrames with the canonical column names of
:mod:`coopstats.columns`; nothing here reads files except :mod:`coopstats.sources`.
"""

from __future__ import annotations

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

__all__ = [
    "__version__",
    "CoopstatsError",
    "DataFileError",
    "InvalidParameterError",
    "MissingDataError",
    "UnmappedCodeError",
]
