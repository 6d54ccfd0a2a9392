"""Sub-commands about data: ``coopstats data fetch|build`` and ``coopstats facts check``.

The work is done in :mod:`coopstats.sources.fetch` (downloads) and
:mod:`coopstats.sources.ingest` (raw -> ``data/processed``); this module only parses arguments.
"""

from __future__ import annotations

import argparse

__all__ = ["register"]

_ROOT_HELP = "project root (default: found from the current directory)"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the data sub-commands."""
    data = sub.add_parser("data", help="download upstream data and build data/processed")
    dsub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    fetch = dsub.add_parser("fetch", help="download registered upstream files (needs network)")
    fetch.add_argument("--root", default=None, help=_ROOT_HELP)
    fetch.add_argument(
        "--only", action="append", default=None, help="registry entry to fetch (repeatable)"
    )
    fetch.add_argument(
        "--pin",
        action="store_true",
        help="trust files without a pinned SHA-256 on first use; record the hash in "
        "data/raw/downloads.lock.json",
    )
    fetch.set_defaults(func=_data_fetch)
    build = dsub.add_parser("build", help="rebuild data/processed from data/raw (deterministic)")
    build.add_argument("--root", default=None, help=_ROOT_HELP)
    build.add_argument(
        "--wait",
        action="store_true",
        help="if another build of the same folder is running, wait for it instead of failing",
    )
    build.set_defaults(func=_data_build)

    facts = sub.add_parser("facts", help="check the cited facts table")
    fsub = facts.add_subparsers(dest="facts_command", metavar="ACTION", required=True)
    check = fsub.add_parser("check", help="validate facts.csv and write its quarantine ledger")
    check.add_argument("path", help="facts.csv")
    check.add_argument("--quarantine", default=None, help="directory for the ledger CSV")
    check.set_defaults(func=_facts_check)


def _facts_check(args: argparse.Namespace) -> int:
    from ..ledger import write_ledger
    from .facts import read_facts

    cleaned = read_facts(args.path)
    print(
        f"{args.path}: {cleaned.rows_in} rows in, {cleaned.rows_kept} kept, "
        f"{cleaned.rows_rejected} rejected"
    )
    if args.quarantine:
        print(f"ledger: {write_ledger(cleaned, args.quarantine)}")
    return 0 if cleaned.rows_rejected == 0 else 1


def _data_fetch(args: argparse.Namespace) -> int:
    from .fetch import cli_fetch

    return cli_fetch(args)


def _data_build(args: argparse.Namespace) -> int:
    from .ingest import cli_build

    return cli_build(args)
