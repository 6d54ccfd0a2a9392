"""Shared fixtures; ``shared_dir`` is ../shared, or a skip (a failure under REQUIRE_SHARED)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    env = os.environ.get("COOPSTATS_SHARED")
    return Path(env).resolve() if env else (ROOT / ".." / "shared").resolve()


@pytest.fixture(name="shared_dir", scope="session")
def fixture_shared_dir() -> Path:
    """The ../shared folder beside the project; skip with a reason when it is absent."""
    path = _shared()
    if not (path / "README.md").is_file():
        if os.environ.get("COOPSTATS_REQUIRE_SHARED") == "1":
            pytest.fail(f"COOPSTATS_REQUIRE_SHARED=1 but {path} is missing")
        pytest.skip(
            f"{path} is absent (a user's clone has no ../shared); "
            "CI sets COOPSTATS_REQUIRE_SHARED=1"
        )
    return path


@pytest.fixture(name="root", scope="session")
def fixture_root() -> Path:
    """The project root."""
    return ROOT
