"""Processed data are byte-identical in two clones of the repository at different paths.

``data/processed`` is built from the project's own ``data/raw`` (no network) in two clone
folders whose paths differ in name and depth; every file (parquet tables, ledgers in
``quarantine/``, ``manifest.json``) must have the same bytes. A path of the clone written into
any output (an absolute raw path in a ledger, say) makes them differ.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coopstats.sources.ingest import build_processed

ROOT = Path(__file__).resolve().parents[1]


def _clone(dst: Path) -> Path:
    shutil.copytree(
        ROOT / "data" / "raw",
        dst / "data" / "raw",
        ignore=shutil.ignore_patterns("downloads", ".ipynb_checkpoints"),
    )
    return dst


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_processed_data_are_identical_across_clone_directories(tmp_path):
    a = _clone(tmp_path / "clone-a")
    b = _clone(tmp_path / "elsewhere" / "second clone")
    build_processed(a / "data" / "raw", a / "data" / "processed")
    build_processed(b / "data" / "raw", b / "data" / "processed")
    fa, fb = _files(a / "data" / "processed"), _files(b / "data" / "processed")
    assert sorted(fa) == sorted(fb)
    assert {"manifest.json", "quarantine/wdi.csv", "trade.parquet"} <= set(fa)
    differ = [name for name in fa if fa[name] != fb[name]]
    assert differ == []
    for name, data in fa.items():  # and no clone path is written anywhere
        assert str(tmp_path).encode() not in data, name
    # the WDI ledger names the raw file from the project root
    wdi = (a / "data" / "processed" / "quarantine" / "wdi.csv").read_text(encoding="utf-8")
    assert ",data/raw/wdi/" in wdi
