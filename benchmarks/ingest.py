"""Benchmark: ingest a 10-million-row BACI year file with coopstats vs a plain-pandas baseline.

Usage::

    .venv/bin/python benchmarks/ingest.py [--rows 10000000] [--repeat 3] [--keep DIR]
    .venv/bin/python benchmarks/ingest.py --years 5 [--rows 10000000]   # multi-year release

**Multi-year release** (``--years N``): writes N yearly files of ``--rows`` SYNTHETIC rows each
(``BACI_HS17_Y2016_V202601.csv`` ..., real V202601 country and HS17 product codes, BACI's
layout), then runs ``ingest_baci`` (with the dataset/year partitions) in a fresh subprocess on
the first year alone and on all N years, and prints the time of every year, rows per second
and the peak resident memory of both runs. Targets from issue 11: peak memory that does not
grow with the number of years (< 1.5 GB) and time linear in rows.

Writes a BACI-format yearly file (``BACI_HS17_Y2020_V202201.csv``: header ``t,i,j,k,v,q``,
unique keys sorted by i, j, k as CEPII ships them, random SYNTHETIC values on the real
V202201 country and product codes) into a temporary folder, then runs, each in a fresh
subprocess so that peak memory is measured per contender (``ru_maxrss`` of the child):

* **coopstats**: ``coopstats.sources.ingest_baci.ingest_baci`` (the BACI part of ``coopstats data
  build``) on a raw folder holding that file and the real dictionaries. One streamed pass over
  the CSV (pyarrow) that validates every row (quarantine ledger), keeps the bloc members'
  flows, sums every country's exports per product, hashes the file; ISO3 mapping;
  deterministic Parquet. The whole ``build_processed`` (adding the facts table, WDI and the
  manifest) is timed too, for information.
* **pandas baseline**: ``pd.read_csv`` (``k`` as string, as CEPII advises), filter the bloc
  members' flows, group-by for exports per exporter-product and world totals per product,
  ``to_parquet`` the three tables. No validation, no ISO3 mapping.

Both contenders import their libraries before the clock starts. Wall time is the median of
``--repeat`` runs (alternating contenders), peak RSS the maximum. Targets from the issue:
coopstats at least 5x faster and at most 40 % of the baseline's peak memory on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

MEMBERS = ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR", "UZB"]

# Peak RSS of this process image: VmHWM (Linux). ru_maxrss is not used because Linux carries the
# parent's high-water mark across fork+exec, which would charge the generator's memory to a child.
_PEAK = r"""
def peak_rss_mb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

# coopstats, BACI ingestion only: the same job as the baseline (plus validation, ledger, ISO3
# mapping, checksums): coopstats.sources.ingest_baci.ingest_baci
_COOPSTATS = (
    _PEAK
    + r"""
import json, sys, time
from coopstats.sources import ingest, ingest_baci, baci  # imports before the clock
import coopstats.geo, pyarrow, pyarrow.csv, pyarrow.parquet, pandas
t0 = time.perf_counter()
members = ingest.bloc_member_union()
releases = baci.find_releases([sys.argv[1] + "/baci"])
stats = ingest_baci.ingest_baci(releases, sys.argv[2], members)
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "peak_rss_mb": peak_rss_mb(),
                  "trade_rows": stats["rows_trade"], "exports_rows": stats["rows_exports"]}))
"""
)

# coopstats, the whole `coopstats data build` (adds facts, WDI, manifest): for information
_COOPSTATS_BUILD = (
    _PEAK
    + r"""
import json, sys, time
from coopstats.sources import ingest, baci, facts, wdi  # imports before the clock
import coopstats.geo, pyarrow, pyarrow.csv, pyarrow.parquet, pandas
t0 = time.perf_counter()
result = ingest.build_processed(sys.argv[1], sys.argv[2])
wall = time.perf_counter() - t0
manifest = json.loads(result["manifest"].read_text())
print(json.dumps({"wall_s": wall, "peak_rss_mb": peak_rss_mb(),
                  "trade_rows": manifest["baci"]["rows_trade"],
                  "exports_rows": manifest["baci"]["rows_exports"]}))
"""
)

_BASELINE = (
    _PEAK
    + r"""
import json, sys, time
import pandas as pd, pyarrow, pyarrow.parquet
codes = json.loads(sys.argv[3])
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1], dtype={"k": str})
trade = df[df["i"].isin(codes) | df["j"].isin(codes)]
exports = df.groupby(["t", "i", "k"], as_index=False)["v"].sum()
world = exports.groupby(["t", "k"], as_index=False)["v"].sum()
trade.to_parquet(sys.argv[2] + "/trade.parquet", index=False)
exports.to_parquet(sys.argv[2] + "/exports.parquet", index=False)
world.to_parquet(sys.argv[2] + "/world.parquet", index=False)
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "peak_rss_mb": peak_rss_mb(),
                  "trade_rows": int(len(trade)), "exports_rows": int(len(exports))}))
"""
)


def _shared_baci() -> Path:
    env = os.environ.get("COOPSTATS_SHARED")
    for cand in ([Path(env) / "data" / "baci"] if env else []) + [
        ROOT / "data" / "raw" / "baci",
        ROOT.parent / "shared" / "data" / "baci",
    ]:
        if (cand / "country_codes_V202201.csv").is_file():
            return cand
    raise SystemExit("BACI V202201 dictionaries not found in data/raw/baci")


def _run(code: str, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"contender failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])

# multi-year: one streamed pass over a release of N yearly files (trade, exports and world
# totals, single files plus dataset/year partitions), time per file and peak RSS
_MULTI = (
    _PEAK
    + r"""
import json, sys, time
from coopstats.sources import ingest, ingest_baci, baci
import coopstats.geo, pyarrow, pyarrow.csv, pyarrow.parquet, pandas
members = ingest.bloc_member_union()
t0 = time.perf_counter()
releases = baci.find_releases([sys.argv[1]])
stats = ingest_baci.ingest_baci(releases, sys.argv[2], members)
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "peak_rss_mb": peak_rss_mb(), "timings": stats["timings"],
                  "trade_rows": stats["rows_trade"], "exports_rows": stats["rows_exports"]}))
"""
)


def multi_year(args) -> int:
    """Write a synthetic N-year release and ingest 1 year and N years; print time and memory."""
    from _baci_synth import write_baci_year

    from coopstats.sources.baci import read_country_codes, read_product_codes

    raw_baci = ROOT / "data" / "raw" / "baci"
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="coopstats-bench-"))
    full, first = tmp / "all" / "baci", tmp / "first" / "baci"
    full.mkdir(parents=True, exist_ok=True)
    first.mkdir(parents=True, exist_ok=True)
    dicts = ("country_codes_V202601.csv", "product_codes_HS17_V202601.csv")
    try:
        for name in dicts:
            for folder in (full, first):
                shutil.copyfile(raw_baci / name, folder / name)
        countries = read_country_codes(raw_baci / dicts[0])
        current = countries[
            ~countries["country_name"].str.contains(r"\.\.\.|nes", regex=True)
        ]["baci_code"].to_numpy()
        products = read_product_codes(raw_baci / dicts[1])["hs6_code"].to_numpy()
        years = list(range(2016, 2016 + args.years))
        size = 0
        for i, year in enumerate(years):
            flow = full / f"BACI_HS17_Y{year}_V202601.csv"
            if not flow.is_file():
                print(f"writing {args.rows:,} SYNTHETIC rows for {year} ...", flush=True)
                write_baci_year(
                    flow,
                    rows=args.rows,
                    year=year,
                    country_codes=current,
                    product_codes=products,
                    seed=20240101 + i,
                )
            size += flow.stat().st_size
        link = first / f"BACI_HS17_Y{years[0]}_V202601.csv"
        if not link.exists():
            link.symlink_to(full / link.name)
        results = {}
        for label, folder in (("1 year", first), (f"{args.years} years", full)):
            out = tmp / f"out-{label.replace(' ', '')}"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            results[label] = res = _run(_MULTI, str(folder), str(out))
            shutil.rmtree(out)
            print(
                f"  {label:>9}: {res['wall_s']:7.2f} s  peak RSS {res['peak_rss_mb']:7.1f} MB  "
                f"trade rows {res['trade_rows']:,}",
                flush=True,
            )
        many = results[f"{args.years} years"]
        print(
            f"\nBACI release: {args.years} yearly files of {args.rows:,} rows "
            f"({size / 2**20:.0f} MB of CSV); {os.cpu_count()} CPU(s); load average at the end "
            f"{os.getloadavg()[0]:.2f}"
        )
        print(f"{'year':>6} {'rows':>12} {'seconds':>9} {'rows/s':>12}")
        rates = []
        for t in many["timings"]:
            rates.append(t["rows_in"] / t["seconds"])
            print(f"{t['year']:>6} {t['rows_in']:>12,} {t['seconds']:9.2f} {rates[-1]:12,.0f}")
        spread = (max(rates) - min(rates)) / statistics.mean(rates)
        print(
            f"rows/s per year: mean {statistics.mean(rates):,.0f}, spread (max-min)/mean "
            f"{100 * spread:.1f} %  (time linear in rows: a constant rate)"
        )
        one = results["1 year"]["peak_rss_mb"]
        print(
            f"peak RSS: 1 year {one:.0f} MB, {args.years} years {many['peak_rss_mb']:.0f} MB "
            f"(ratio {many['peak_rss_mb'] / one:.2f}; target < 1536 MB and not growing with years)"
        )
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    from _baci_synth import write_baci_year

    from coopstats.sources.baci import (
        codes_for,
        open_release,
        read_country_codes,
        read_product_codes,
    )

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", default=None, help="keep the generated raw folder here")
    ap.add_argument(
        "--years", type=int, default=0, help="multi-year release of N years of --rows each"
    )
    args = ap.parse_args(argv)
    if args.years:
        return multi_year(args)

    dicts = _shared_baci()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="coopstats-bench-"))
    raw = tmp / "raw"
    (raw / "baci").mkdir(parents=True, exist_ok=True)
    (raw / "facts").mkdir(parents=True, exist_ok=True)
    try:
        for name in ("country_codes_V202201.csv", "product_codes_HS17_V202201.csv"):
            shutil.copyfile(dicts / name, raw / "baci" / name)
        shutil.copyfile(ROOT / "data" / "raw" / "facts" / "facts.csv", raw / "facts" / "facts.csv")
        countries = read_country_codes(raw / "baci" / "country_codes_V202201.csv")
        current = countries[
            ~countries["country_name"].str.startswith("Fmr")
            & ~countries["baci_code"].isin([58, 200, 530, 711, 891])
        ]["baci_code"].to_numpy()
        products = read_product_codes(raw / "baci" / "product_codes_HS17_V202201.csv")[
            "hs6_code"
        ].to_numpy()
        flow = raw / "baci" / "BACI_HS17_Y2020_V202201.csv"
        if not flow.is_file():
            print(
                f"writing {args.rows:,} rows (SYNTHETIC values, BACI format) to {flow} ...",
                flush=True,
            )
            write_baci_year(
                flow, rows=args.rows, year=2020, country_codes=current, product_codes=products
            )
        size_mb = flow.stat().st_size / 2**20
        codes = codes_for(MEMBERS, open_release(flow))
        names = ("coopstats", "pandas", "build")
        runs: dict[str, list[dict]] = {n: [] for n in names}
        for r in range(args.repeat):
            for name in names if r % 2 == 0 else tuple(reversed(names)):
                out = tmp / f"out-{name}-{r}"
                out.mkdir(exist_ok=True)
                if name == "coopstats":
                    res = _run(_COOPSTATS, str(raw), str(out))
                elif name == "build":
                    res = _run(_COOPSTATS_BUILD, str(raw), str(out))
                else:
                    res = _run(_BASELINE, str(flow), str(out), json.dumps(codes))
                runs[name].append(res)
                print(
                    f"  run {r + 1} {name:>9}: {res['wall_s']:6.2f} s  "
                    f"peak RSS {res['peak_rss_mb']:7.1f} MB",
                    flush=True,
                )
                shutil.rmtree(out)
        summary = {}
        for name, rs in runs.items():
            summary[name] = {
                "wall_s": statistics.median(x["wall_s"] for x in rs),
                "peak_rss_mb": max(x["peak_rss_mb"] for x in rs),
                "trade_rows": rs[0]["trade_rows"],
            }
        c, b = summary["coopstats"], summary["pandas"]
        speedup = b["wall_s"] / c["wall_s"]
        mem = c["peak_rss_mb"] / b["peak_rss_mb"]
        print(
            f"\nBACI year file: {args.rows:,} rows, {size_mb:.0f} MB; {os.cpu_count()} CPU(s); "
            f"load average at the end {os.getloadavg()[0]:.2f}; bloc rows kept: "
            f"coopstats {c['trade_rows']:,} (flows with 'nes' areas quarantined) / "
            f"pandas {b['trade_rows']:,}"
        )
        labels = {
            "coopstats": "coopstats (ingest_baci)",
            "pandas": "pandas baseline",
            "build": "coopstats data build (+facts, WDI, manifest)",
        }
        print(f"{'':>46} {'wall (median)':>14} {'peak RSS':>10}")
        for name in ("coopstats", "pandas", "build"):
            print(
                f"{labels[name]:>46} {summary[name]['wall_s']:13.2f}s "
                f"{summary[name]['peak_rss_mb']:8.1f}MB"
            )
        print(f"\nspeed-up (pandas time / coopstats time): {speedup:.2f}x   (target >= 5x)")
        print(f"memory ratio (coopstats / pandas peak): {100 * mem:.1f} %   (target <= 40 %)")
        print(
            f"whole build vs pandas: {b['wall_s'] / summary['build']['wall_s']:.2f}x, "
            f"{100 * summary['build']['peak_rss_mb'] / b['peak_rss_mb']:.1f} % memory"
        )
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
