"""Benchmark the report cache: cold build, warm build, build after one input file changed.

Copies the project's notebooks, report definitions and data/raw into a temporary folder, then

1. cold: empty cache (processed data are built first, as on a fresh clone, and timed apart);
2. warm: nothing changed (target: <= 10 % of the cold time; no report executes);
3. touched: ``touch`` one input (mtime only: nothing may re-run), then a real content change
   of one input file (only the reports that declare it may re-run).

Prints the times, ratios and which reports executed. Usage::

    .venv/bin/python benchmarks/report_cache.py [--variant full|ci] [--file PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _copy_project(dst: Path) -> None:
    for sub in ("notebooks", "reports/definitions", "examples/press_releases"):
        if (ROOT / sub).is_dir():
            shutil.copytree(ROOT / sub, dst / sub)
    shutil.copytree(
        ROOT / "data" / "raw",
        dst / "data" / "raw",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
    )


def _timed_build(root: Path, variant: str) -> tuple[float, dict[str, str]]:
    from coopstats.build import build

    t0 = time.perf_counter()
    results = build(root, variant=variant, stamp="benchmark")
    return time.perf_counter() - t0, {r.name: r.status for r in results}


def _change(path: Path) -> None:
    """Change the file's content in a way that keeps it valid (a trailing newline)."""
    if path.suffix not in (".csv", ".txt"):
        raise SystemExit(f"do not know how to change {path} validly; pick a .csv/.txt input")
    path.write_bytes(path.read_bytes() + b"\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", choices=("full", "ci"), default="full")
    ap.add_argument(
        "--file",
        default="data/raw/facts/facts.csv",
        help="input file (relative to the project root) to touch and then change",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary project")
    ap.add_argument("--exclude", action="append", default=[], metavar="NAME",
                    help="leave this report definition out of the copy (repeatable)")
    args = ap.parse_args(argv)

    from coopstats import provenance
    from coopstats.build import load_definitions
    from coopstats.build import run as build_run
    from coopstats.sources.processed import ensure_processed

    # The library code is fixed for the whole benchmark (other people may be editing the
    # working tree meanwhile; a real code change re-runs every report by design).
    code_fp = provenance.code_fingerprint()
    provenance.code_fingerprint = build_run.code_fingerprint = lambda: code_fp
    tmp = Path(tempfile.mkdtemp(prefix="coopstats-bench-"))
    root = tmp / "project"
    try:
        _copy_project(root)
        for name in args.exclude:
            (root / "reports" / "definitions" / f"{name}.yaml").unlink()
        defs = load_definitions(root)
        readers = sorted(
            d.name
            for d in defs
            if any(args.file == p or args.file.startswith(p.rstrip("/") + "/") for p in d.inputs)
        )
        t0 = time.perf_counter()
        if any(p.startswith("data/processed") for d in defs for p in d.inputs):
            ensure_processed(root)
        t_processed = time.perf_counter() - t0
        cold, s_cold = _timed_build(root, args.variant)
        warm, s_warm = _timed_build(root, args.variant)
        target = root / args.file
        st = target.stat()
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5 * 10**9))
        touched, s_touched = _timed_build(root, args.variant)
        _change(target)
        changed, s_changed = _timed_build(root, args.variant)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {root}")

    def executed(s: dict[str, str]) -> list[str]:
        return sorted(k for k, v in s.items() if v == "executed")

    n = len(s_cold)
    print(
        f"reports: {n} ({args.variant} variant); "
        f"processed-data build before the cold run: {t_processed:.1f} s"
    )
    print(f"cold    (empty cache)          {cold:7.2f} s  executed {len(executed(s_cold))}/{n}")
    print(
        f"warm    (nothing changed)      {warm:7.2f} s  executed {len(executed(s_warm))}/{n}"
        f"  ratio warm/cold = {warm / cold:.3f} (target <= 0.10)"
    )
    print(
        f"touched (mtime of {args.file})  {touched:7.2f} s  executed {executed(s_touched)}"
        f"  ratio = {touched / cold:.3f}"
    )
    print(
        f"changed (content of {args.file}) {changed:7.2f} s  executed {executed(s_changed)}"
        f"  ratio = {changed / cold:.3f}"
    )
    print(f"reports declaring {args.file}: {readers}")
    ok = (
        not executed(s_warm)
        and not executed(s_touched)
        and executed(s_changed) == readers
        and warm <= 0.10 * cold
    )
    print("RESULT:", "ok" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
