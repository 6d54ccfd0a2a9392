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


@pytest.fixture(name="hs92_release_processed", scope="session")
def fixture_hs92_release_processed(tmp_path_factory) -> Path:
    """``data/processed`` built from a small HS92 V202601 release, 2015-2024, CEPII's layout.

    The release (``coopstats.sources.testing.write_baci_release``: real V202601 country
    dictionary and HS92 product list, SYNTHETIC flow values for the bloc members and ten large
    partners in every coopstats-sector and CHPL product) is written to
    ``<tmp>/data/raw/downloads/baci/BACI_HS92_V202601.zip`` beside the shipped facts table,
    then built with ``coopstats data build``. Returns the processed folder (its parent's
    parent is a project root). One build per test session.
    """
    import shutil

    from coopstats.sources import ingest, testing

    project = tmp_path_factory.mktemp("hs92_release")
    raw = project / "data" / "raw"
    (raw / "facts").mkdir(parents=True)
    shutil.copyfile(ROOT / "data" / "raw" / "facts" / "facts.csv", raw / "facts" / "facts.csv")
    shutil.copytree(ROOT / "data" / "raw" / "wdi", raw / "wdi")  # indicators (population)
    testing.write_baci_release(
        raw / "downloads" / "baci", dictionaries=ROOT / "data" / "raw" / "baci"
    )
    ingest.build_processed(raw, project / "data" / "processed")
    return project / "data" / "processed"


@pytest.fixture(autouse=True)
def _english_page_language():
    """Each test starts with the default page language: a parameters object built with
    ``language="ru"`` sets it for the rest of the process (as a notebook's page wants)."""
    from coopstats.text import set_page_language

    set_page_language("en")
    yield
    set_page_language("en")
