"""``coopstats events extract DIR [-o OUT.jsonl] [--publication-date DATE|CSV]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register", "cli_extract", "limit_threads", "THREAD_VARIABLES"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``coopstats events extract`` to the command line."""
    events = sub.add_parser(
        "events",
        help="cooperation events from Russian press releases",
        description="Turn Russian press releases into event records.",
    )
    esub = events.add_subparsers(dest="events_command", metavar="SUBCOMMAND")
    ext = esub.add_parser(
        "extract",
        help="extract one JSON record per .txt/.html file",
        description="Read the .txt/.html/.htm files of DIR and write one JSON object per line "
        "(doc, event_date, countries, blocs, sectors, organizations, figures). Files "
        "that cannot be read are reported on stderr and counted; the others go on.",
    )
    ext.add_argument("dir", type=Path, help="folder of press releases (or one file)")
    ext.add_argument(
        "-o", "--output", type=Path, default=None, help="JSON Lines file (default: stdout)"
    )
    ext.add_argument(
        "--publication-date",
        default=None,
        metavar="DATE|CSV",
        help="publication date YYYY-MM-DD of every file, or a CSV with columns "
        "doc,publication_date (gives the year of dates written without one)",
    )
    ext.add_argument("--max-chars", type=int, default=None, help="longest accepted text per file")
    ext.add_argument(
        "--strict", action="store_true", help="exit with status 1 when any file failed"
    )
    ext.set_defaults(func=cli_extract)
    events.set_defaults(func=lambda args: (events.print_help(), 1)[1])


#: Environment variables that cap the thread pools of BLAS/OpenMP libraries (numpy under natasha).
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "BLIS_NUM_THREADS",
)


def limit_threads(n: int = 1) -> None:
    """Cap BLAS/OpenMP thread pools at ``n`` (unless the user set them).

    The taggers multiply small matrices, one sentence at a time: extra threads only contend
    (on a shared machine they slowed the reader down). Environment variables act on
    libraries not loaded yet; pools already loaded are capped through threadpoolctl.
    """
    import os
    import sys

    for var in THREAD_VARIABLES:
        os.environ.setdefault(var, str(n))
    if "numpy" in sys.modules:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - threadpoolctl ships with scipy/sklearn stacks
            return
        threadpool_limits(n)


def cli_extract(args: argparse.Namespace) -> int:
    """Run ``coopstats events extract``; return 0 (1 with ``--strict`` when a file failed).

    Thread pools are capped at one thread first (:func:`limit_threads`).
    """
    limit_threads(1)
    from .extract import extract_events
    from .reader import DEFAULT_MAX_CHARS

    result = extract_events(
        args.dir,
        publication_dates=args.publication_date,
        max_chars=args.max_chars or DEFAULT_MAX_CHARS,
        progress=sys.stderr.isatty(),
    )
    text = result.to_jsonl()
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for row in result.errors.itertuples(index=False):
        print(f"coopstats events extract: skipped: {row.error}", file=sys.stderr)
    n_ok, n_bad = len(result.records), len(result.errors)
    where = f" to {args.output}" if args.output else ""
    print(
        f"coopstats events extract: {n_ok + n_bad} file(s): "
        f"{n_ok} extracted{where}, {n_bad} failed",
        file=sys.stderr,
    )
    return 1 if (args.strict and n_bad) else 0
