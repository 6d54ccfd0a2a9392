"""Project paths and defaults.

Only the CLI, the Makefile and notebook parameters use these; library functions take paths
as arguments. Nothing here runs at import time beyond defining functions and constants.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "data_dir", "raw_dir", "processed_dir", "reports_dir", "shared_dir"]

ENV_ROOT = "COOPSTATS_ROOT"
ENV_SHARED = "COOPSTATS_SHARED"


def project_root(start: str | Path | None = None) -> Path:
    """Return the project root: ``$COOPSTATS_ROOT`` or the nearest parent with ``pyproject.toml``.

    Searches upward from ``start`` (default: the current directory), so it works from
    ``notebooks/`` as well as from the top level.
    """
    env = os.environ.get(ENV_ROOT)
    if env:
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "src" / "coopstats").is_dir():
            return candidate
    return here


def data_dir(root: str | Path | None = None) -> Path:
    """``<root>/data``."""
    return Path(root or project_root()) / "data"


def raw_dir(root: str | Path | None = None) -> Path:
    """``<root>/data/raw``: immutable inputs (shipped and downloaded)."""
    return data_dir(root) / "raw"


def processed_dir(root: str | Path | None = None) -> Path:
    """``<root>/data/processed``: rebuilt by code only, git-ignored."""
    return data_dir(root) / "processed"


def reports_dir(root: str | Path | None = None) -> Path:
    """``<root>/reports``: rendered HTML."""
    return Path(root or project_root()) / "reports"


def shared_dir(root: str | Path | None = None) -> Path:
    """``$COOPSTATS_SHARED`` or ``<root>/../shared`` (development material, may be absent)."""
    env = os.environ.get(ENV_SHARED)
    if env:
        return Path(env).resolve()
    return (Path(root or project_root()) / ".." / "shared").resolve()
