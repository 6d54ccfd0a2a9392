"""Build faults (issue 13): lock, atomic swap, failed writes, --root typos, summary, WDI JSON.

Each test builds a small project of its own under ``tmp_path`` (real V202201 dictionaries,
a few BACI rows, the shipped facts table) and never touches the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coopstats import cli
from coopstats.errors import BuildLockedError, LimitExceededError, OutputWriteError
from coopstats.sources import baci, ingest, swap

HEADER = "t,i,j,k,v,q\n"
ROWS = [
    "2020,112,643,854231,1500.25,12.5",
    "2020,156,643,854231,2000,",
    "2020,643,112,854231,3.5,0.2",
    "2020,643,842,854231,0,1",  # v = 0: quarantined
]
DICTS = ("country_codes_V202201.csv", "product_codes_HS17_V202201.csv")


def make_project(tmp: Path, root: Path, *, wdi: bool = False) -> Path:
    """``tmp/proj`` with data/raw holding one BACI year, the dictionaries and facts."""
    project = tmp / "proj"
    raw = project / "data" / "raw"
    (raw / "baci").mkdir(parents=True)
    (raw / "facts").mkdir()
    (raw / "downloads" / "baci").mkdir(parents=True)
    for f in DICTS:
        shutil.copyfile(root / "data" / "raw" / "baci" / f, raw / "baci" / f)
    shutil.copyfile(root / "data" / "raw" / "facts" / "facts.csv", raw / "facts" / "facts.csv")
    (raw / "downloads" / "BACI_HS17_Y2020_V202201.csv").write_text(HEADER + "\n".join(ROWS) + "\n")
    if wdi:
        shutil.copytree(root / "data" / "raw" / "wdi", raw / "wdi")
    return project


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build(project: Path, **kw) -> dict[str, Path]:
    return ingest.build_processed(project / "data" / "raw", project / "data" / "processed", **kw)


# --------------------------------------------------------------------------------------------
# lock
# --------------------------------------------------------------------------------------------

_HOLD = """
import sys
from coopstats.sources.swap import build_lock
with build_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_second_build_fails_clearly_while_another_holds_the_lock(
    tmp_path: Path, root: Path
) -> None:
    project = make_project(tmp_path, root)
    processed = project / "data" / "processed"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(processed)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildLockedError) as err:
            _build(project)
        assert f"pid {holder.pid}" in str(err.value) and str(processed) in str(err.value)
        assert not processed.exists()  # nothing was written
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0
    assert _build(project)["trade"].is_file()  # the lock went with the process


def test_two_concurrent_builds_never_crash(tmp_path: Path, root: Path) -> None:
    """Two `coopstats data build` processes: each succeeds or says another build runs."""
    project = make_project(tmp_path, root)
    cmd = [sys.executable, "-m", "coopstats", "data", "build", "--root", str(project)]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for code, err in results:
        assert code == 0 or (code == 2 and "another `coopstats data build`" in err), err
        assert "Traceback" not in err
    assert any(code == 0 for code, _ in results)
    manifest = json.loads((project / "data" / "processed" / "manifest.json").read_text())
    for name, meta in manifest["outputs"].items():
        assert _sha(project / "data" / "processed" / name) == meta["sha256"]


# --------------------------------------------------------------------------------------------
# atomic swap
# --------------------------------------------------------------------------------------------


def test_swap_is_one_exchange_and_keeps_untracked_files(tmp_path: Path, root: Path) -> None:
    project = make_project(tmp_path, root)
    processed = project / "data" / "processed"
    _build(project)
    (processed / ".gitkeep").write_text("")
    inode = processed.stat().st_ino
    _build(project)
    assert processed.stat().st_ino != inode  # a new folder was swapped in
    assert (processed / ".gitkeep").is_file()
    leftovers = [p.name for p in processed.parent.iterdir() if p.name.startswith(".processed")]
    assert leftovers == [".processed.lock"]


def test_crash_during_swap_leaves_previous_outputs(
    tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an atomic exchange, a crash between the two renames is recovered."""
    project = make_project(tmp_path, root)
    processed = project / "data" / "processed"
    _build(project)
    before = {p.name: _sha(p) for p in processed.glob("*.parquet")}
    (project / "data" / "raw" / "downloads" / "BACI_HS17_Y2020_V202201.csv").write_text(
        HEADER + "\n".join(ROWS[:2]) + "\n"
    )
    monkeypatch.setattr(swap, "_exchange", lambda a, b: False)
    real_rename = os.rename

    def crash_on_second(src, dst):
        if Path(src).name.startswith(".processed-build-"):
            raise KeyboardInterrupt("killed during the swap")
        return real_rename(src, dst)

    monkeypatch.setattr(swap.os, "rename", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        _build(project)
    monkeypatch.setattr(swap.os, "rename", real_rename)
    old = processed.parent / ".processed.old"
    assert not processed.exists() and old.is_dir()  # the crash hit between the renames
    assert {p.name: _sha(p) for p in old.glob("*.parquet")} == before
    swap.recover(processed)  # what the next build does first
    assert {p.name: _sha(p) for p in processed.glob("*.parquet")} == before
    _build(project)  # and the next build then completes
    assert not old.exists()


# --------------------------------------------------------------------------------------------
# failed writes, --root typos, summary
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "where"),
    [
        (PermissionError(13, "Permission denied"), "write_parquet"),
        (OSError(28, "No space left on device"), "write_ledger"),
    ],
)
def test_failed_write_is_a_clear_error(
    tmp_path: Path,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    exc: OSError,
    where: str,
) -> None:
    project = make_project(tmp_path, root)
    first = _build(project)
    before = _sha(first["trade"])

    def fail(obj, path, *a, **k):
        raise type(exc)(exc.errno, exc.strerror, str(path))

    monkeypatch.setattr(ingest, where, fail)
    with pytest.raises(OutputWriteError) as err:
        _build(project)
    assert exc.strerror in str(err.value) and "previous outputs" in str(err.value)
    assert _sha(first["trade"]) == before
    code = cli.main(["data", "build", "--root", str(project)])
    out = capsys.readouterr()
    assert code == 2 and "cannot write" in out.err and "Traceback" not in out.err


def test_root_typo_is_refused_and_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    typo = tmp_path / "projcet"
    assert cli.main(["data", "build", "--root", str(typo)]) == 2
    err = capsys.readouterr().err
    assert "does not look like a coopstats project" in err and str(typo) in err
    assert not typo.exists()


def test_build_prints_one_line_per_source(
    tmp_path: Path, root: Path, capsys: pytest.CaptureFixture
) -> None:
    project = make_project(tmp_path, root, wdi=True)
    assert cli.main(["data", "build", "--root", str(project)]) == 0
    out = capsys.readouterr().out.splitlines()
    baci_line = next(line for line in out if line.startswith("baci:"))
    assert baci_line.startswith("baci: 4 rows read, 3 kept (")
    assert baci_line.endswith("1 quarantined; ledger data/processed/quarantine/baci.csv")
    facts_line = next(line for line in out if line.startswith("facts:"))
    assert facts_line.endswith("ledger data/processed/quarantine/facts.csv")
    assert any(line.startswith("wdi: ") for line in out)


def test_blank_line_flood_fails_the_build_and_keeps_outputs(tmp_path: Path, root: Path) -> None:
    project = make_project(tmp_path, root)
    first = _build(project)
    before = _sha(first["trade"])
    raw = project / "data" / "raw"
    (raw / "downloads" / "BACI_HS17_Y2020_V202201.csv").unlink()
    with zipfile.ZipFile(raw / "downloads" / "baci" / "BACI_HS17_V202201.zip", "w") as zf:
        zf.writestr("BACI_HS17_Y2020_V202201.csv", HEADER + "\n" * 50_000)
        for f in DICTS:
            zf.write(raw / "baci" / f, f)
    with pytest.raises(LimitExceededError):
        _build(project, limits=baci.ReadLimits(max_rejected_rows=100))
    assert _sha(first["trade"]) == before


# --------------------------------------------------------------------------------------------
# WDI answers downloaded by `make data`
# --------------------------------------------------------------------------------------------


def test_downloaded_wdi_json_is_read_and_supersedes_the_extract(tmp_path: Path, root: Path) -> None:
    project = make_project(tmp_path, root, wdi=True)
    raw = project / "data" / "raw"
    records = [
        {
            "indicator": {"id": "SP.POP.TOTL", "value": "Population, total"},
            "country": {"id": "RU", "value": "Russian Federation"},
            "countryiso3code": iso,
            "date": str(year),
            "value": value,
            "unit": "",
            "obs_status": "",
            "decimal": 0,
        }
        for iso, year, value in [
            ("RUS", 2019, 144.4e6),
            ("RUS", 2020, 144.1e6),
            ("BLR", 2020, 9.4e6),
        ]
    ]
    meta = {"page": 1, "pages": 1, "per_page": 20000, "total": len(records)}
    (raw / "downloads" / "wdi").mkdir(parents=True)
    (raw / "downloads" / "wdi" / "SP.POP.TOTL_2000-2025.json").write_text(
        json.dumps([meta, records])
    )
    out = _build(project)
    import pandas as pd

    ind = pd.read_parquet(out["indicators"])
    pop = ind[ind["indicator"] == "SP.POP.TOTL"]
    assert sorted(zip(pop["country_iso3"], pop["year"], strict=True)) == [
        ("BLR", 2020),
        ("RUS", 2019),
        ("RUS", 2020),
    ]
    manifest = json.loads(out["manifest"].read_text())
    assert "downloads/wdi/SP.POP.TOTL_2000-2025.json" in manifest["indicators"]["files"]
    assert manifest["indicators"]["superseded"] == [
        {
            "file": "wdi/SP.POP.TOTL.csv",
            "superseded_by": ["downloads/wdi/SP.POP.TOTL_2000-2025.json"],
        }
    ]
    assert "wdi/PA.NUS.FCRF.csv" in manifest["indicators"]["files"]  # not superseded


# --------------------------------------------------------------------------------------------
# processed files verified against the manifest before a report reads them
# --------------------------------------------------------------------------------------------


def test_truncated_processed_file_is_refused(tmp_path: Path, root: Path) -> None:
    from coopstats.errors import ChecksumMismatchError
    from coopstats.sources.processed import load_processed

    project = make_project(tmp_path, root)
    out = _build(project)
    processed = out["trade"].parent
    assert len(load_processed("trade", processed_dir=processed)) == 3
    data = out["trade"].read_bytes()
    out["trade"].write_bytes(data[: len(data) // 2])
    with pytest.raises(ChecksumMismatchError, match="truncated") as err:
        load_processed("trade", processed_dir=processed)
    assert str(out["trade"]) in str(err.value) and "coopstats data build" in str(err.value)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    out["trade"].write_bytes(bytes(flipped))  # same size, other bytes
    with pytest.raises(ChecksumMismatchError, match="SHA-256"):
        load_processed("trade", processed_dir=processed)


def test_cli_reports_a_file_system_error_without_traceback(
    tmp_path: Path, root: Path, capsys: pytest.CaptureFixture
) -> None:
    blocker = tmp_path / "ledgers"
    blocker.write_text("a file where a folder is wanted")
    facts = root / "data" / "raw" / "facts" / "facts.csv"
    code = cli.main(["facts", "check", str(facts), "--quarantine", str(blocker)])
    err = capsys.readouterr().err
    assert code == 2 and str(blocker) in err and "FileExistsError" in err
    assert "Traceback" not in err


_KILL_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from coopstats.sources import ingest, swap
swap._exchange = lambda a, b: False  # the two-rename fallback
real = os.rename
def rename(src, dst):
    if Path(src).name.startswith(".processed-build-"):
        os.kill(os.getpid(), signal.SIGKILL)  # kill -9 between the two renames
    return real(src, dst)
swap.os.rename = rename
ingest.build_processed(sys.argv[1], sys.argv[2])
"""


def test_kill_9_during_the_swap_is_recovered_by_the_next_build(tmp_path: Path, root: Path) -> None:
    project = make_project(tmp_path, root)
    raw, processed = project / "data" / "raw", project / "data" / "processed"
    _build(project)
    manifest = json.loads((processed / "manifest.json").read_text())
    (raw / "downloads" / "BACI_HS17_Y2020_V202201.csv").write_text(
        HEADER + "\n".join(ROWS[:2]) + "\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", _KILL_BETWEEN_RENAMES, str(raw), str(processed)],
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == -9
    assert not processed.exists() and (processed.parent / ".processed.old").is_dir()
    assert list(processed.parent.glob(".processed-build-*"))  # the killed build's folder
    swap.recover(processed)  # the first thing the next build does
    for name, meta in manifest["outputs"].items():  # the previous outputs, byte for byte
        assert _sha(processed / name) == meta["sha256"]
    assert not list(processed.parent.glob(".processed-build-*"))
