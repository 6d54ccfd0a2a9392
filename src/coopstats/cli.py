"""``coopstats`` command line.

Sub-commands are registered by the modules that own them; each such module defines
``register(subparsers)`` which adds its parser and sets ``func`` (called with the parsed
arguments, returning an exit code). Heavy imports stay inside the command functions so that
``coopstats --help`` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from . import __version__
from .errors import CoopstatsError

__all__ = ["main", "build_parser"]

#: Modules that contribute sub-commands, in help order.
COMMAND_MODULES = (
    "coopstats.sources.cli",  # data fetch / data build / facts check
    "coopstats.build",  # report
    "coopstats.events",  # events extract
)


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="coopstats",
        description="Statistics on technological-sovereignty cooperation in Eurasian blocs.",
    )
    parser.add_argument("--version", action="version", version=f"coopstats {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress at INFO level")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a module not written yet; anything else raises
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (errors print one clear line, exit 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        return int(args.func(args) or 0)
    except CoopstatsError as exc:
        print(f"coopstats {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file-system error no reader turned into a CoopstatsError
        print(
            f"coopstats {args.command}: error: {exc.filename or 'a file'}: "
            f"{exc.strerror or exc} ({type(exc).__name__}). Check that the path exists, is "
            "readable (inputs) or writable (outputs) and that the disk has space.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
