"""Speed of the press-release reader: model load time and documents/s after load, one core.

Texts: the development set's own texts (tests/data/events_dev/texts, 1-2 KB of UTF-8 each)
plus the seed press releases cut to their first 2 KB when ../shared is present. The run is
pinned to one CPU (``sched_setaffinity``) and BLAS/OpenMP threads are limited to one before
numpy is imported.

- load: first :func:`coopstats.events.extract_text` call on a one-line text (natasha
  embeddings, NER and morphology models, pymorphy3, lexicons);
- cold pass: every text once, right after load (pymorphy3 lemma cache empty);
- warm passes: ``--repeat`` more passes over the same texts (lemma cache filled; a real
  corpus shares most of its vocabulary, so this is the steady state).

Run: ``.venv/bin/python benchmarks/events.py [--repeat 5] [--json OUT]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "events_dev" / "texts"
TARGET_DOCS_PER_S = 20.0


def texts(shared: Path) -> list[tuple[str, str]]:
    from coopstats.events.reader import read_document

    out = []
    for p in sorted(DEV.iterdir()):
        out.append((p.stem, read_document(p).text))
    seeds = shared / "seeds"
    if seeds.is_dir():
        for p in sorted(seeds.glob("*.txt")):
            raw = p.read_bytes()[:2048].decode("utf-8", errors="ignore")
            out.append((p.stem, raw))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    t0 = time.perf_counter()
    from coopstats.events import extract_text

    extract_text("11 ноября 2025 года в Минске прошла встреча.", doc="warmup")
    load_s = time.perf_counter() - t0

    docs = texts(args.shared)
    sizes = [len(t.encode("utf-8")) for _, t in docs]
    t1 = time.perf_counter()
    for doc, text in docs:
        extract_text(text, doc=doc)
    cold_s = time.perf_counter() - t1
    warm = []
    for _ in range(args.repeat):
        t2 = time.perf_counter()
        for doc, text in docs:
            extract_text(text, doc=doc)
        warm.append(time.perf_counter() - t2)
    result = {
        "python": platform.python_version(),
        "cpu_affinity": sorted(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else None,
        "documents": len(docs),
        "bytes_min": min(sizes),
        "bytes_median": statistics.median(sizes),
        "bytes_max": max(sizes),
        "load_s": round(load_s, 3),
        "cold_docs_per_s": round(len(docs) / cold_s, 1),
        "warm_docs_per_s": round(len(docs) / statistics.median(warm), 1),
        "target_docs_per_s": TARGET_DOCS_PER_S,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["cold_docs_per_s"] >= TARGET_DOCS_PER_S else 1


if __name__ == "__main__":
    sys.exit(main())
