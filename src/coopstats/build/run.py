"""``build``: every report definition executed (cached) and rendered; ``coopstats report``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InvalidParameterError, NotebookExecutionError
from ..params import validate_params
from ..provenance import code_fingerprint, data_fingerprint, is_synthetic, relative_path
from ..sources.processed import ensure_processed
from .definitions import ReportDefinition, load_definitions
from .execute import KERNEL_NAME, clean_outputs, execute, prepare, provenance_record
from .index import write_index
from .render import (
    RENDERERS,
    build_stamp,
    render_html,
    render_quarto,
    require_quarto,
    write_if_changed,
)

__all__ = ["ReportResult", "progress", "build", "register", "cli_report"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportResult:
    """Outcome of one report in :func:`build`."""

    name: str
    notebook: str
    status: Literal["cached", "executed"]
    html: Path
    seconds: float
    synthetic: bool
    record: dict


def progress(message: str) -> None:
    """Print a progress line to stderr (above any progress bar) and log it."""
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)
    logger.info(message)


def build(
    root: str | Path,
    *,
    only: Sequence[str] | None = None,
    renderer: Literal["nbconvert", "quarto"] = "nbconvert",
    force: bool = False,
    variant: Literal["full", "ci"] = "full",
    timeout: int = 900,
    stamp: str | None = None,
) -> list[ReportResult]:
    """Build the reports of ``root`` into ``<root>/reports`` and write ``reports/index.html``.

    Parameters
    ----------
    root
        Project root (with ``notebooks/``, ``reports/definitions/``, ``data/``).
    only
        Names of the reports to build (default: all definitions).
    renderer
        ``"nbconvert"`` (default) or ``"quarto"`` (needs the ``quarto`` CLI on PATH).
    force
        Execute even when the cache has a matching record.
    variant
        ``"ci"`` uses each definition's smallest parameters (tests and smoke runs).
    timeout
        Seconds a single cell may run.
    stamp
        The build stamp (default :func:`build_stamp`).

    Returns
    -------
    list of ReportResult
        One per built report, in definition order, saying ``cached`` or ``executed``.

    Raises
    ------
    InvalidParameterError
        Unknown report name, renderer, or invalid parameters in a definition.
    NotebookExecutionError
        A notebook failed (report, notebook, cell index, parameters in the message); reports
        built before it in this run are kept and the index lists them.
    """
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = Path(root).resolve()
    if renderer not in RENDERERS:
        raise InvalidParameterError("renderer", renderer, list(RENDERERS))
    if variant not in ("full", "ci"):
        raise InvalidParameterError("variant", variant, ["full", "ci"])
    if renderer == "quarto":
        require_quarto()
    definitions = load_definitions(root)
    names = [d.name for d in definitions]
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise InvalidParameterError("only", unknown[0], names, why="no such report definition")
        definitions = [d for d in definitions if d.name in set(only)]
    stamp = stamp or build_stamp()
    if any(p.startswith("data/processed") for d in definitions for p in d.inputs):
        ensure_processed(root, progress=progress)
    cache = get_cache(root / ".build" / "cache")
    code_fp = code_fingerprint()
    out_dir = root / "reports"
    results: list[ReportResult] = []
    from tqdm import tqdm

    bar = tqdm(
        total=len(definitions),
        desc="reports",
        unit="report",
        file=sys.stderr,
        disable=None,
        leave=False,
    )
    try:
        for i, d in enumerate(definitions, 1):
            t0 = time.perf_counter()
            params = d.parameters_for(variant)
            inputs = [root / p for p in d.inputs]
            full = {
                **validate_params(d.notebook, params).as_dict(),
                **params,
                "data_fingerprint": data_fingerprint(inputs, root=root),
                "code_fingerprint": code_fp,
            }
            validate_params(d.notebook, full)
            injected = {k: v for k, v in full.items() if k in params or k.endswith("_fingerprint")}
            nb = prepare(d, root, injected)
            bar.set_postfix_str(d.name)
            status: Literal["cached", "executed"]
            record = None
            if not force:
                try:
                    _, merged = cache.merge_match_into_notebook(nb)
                    status = "cached"
                    nb = clean_outputs(merged)
                    record = provenance_record(nb)
                except KeyError:
                    pass
            if record is None:
                progress(
                    f"[{i}/{len(definitions)}] {d.name}: running notebooks/{d.notebook} "
                    f"on kernel {KERNEL_NAME} ..."
                )
                html_out = out_dir / f"{d.name}.html"
                try:
                    nb, _secs = execute(nb, d, root, full, timeout)
                except NotebookExecutionError:
                    html_out.unlink(missing_ok=True)  # never leave a stale page for a failed report
                    raise
                record = provenance_record(nb)
                if record is None:
                    raise NotebookExecutionError(
                        f"report {d.name!r}: notebooks/{d.notebook} shows no provenance block; "
                        "display `coopstats.provenance.show_provenance(params, inputs)` in it"
                    )
                cache.cache_notebook_bundle(
                    CacheBundleIn(nb, f"{d.name}:{d.notebook}", data={"report": d.name}),
                    check_validity=True,
                    overwrite=True,
                )
                status = "executed"
            synthetic = bool(record.get("synthetic")) or any(
                is_synthetic(p)
                for p in inputs
                if relative_path(p, root).startswith("data/processed")
            )
            nbformat.write(nb, _mkparent(root / ".build" / "executed" / f"{d.name}.ipynb"))
            shown = {k: v for k, v in full.items() if not k.endswith("_fingerprint")}
            if renderer == "quarto":
                page = render_quarto(nb, d, root, shown, synthetic=synthetic, stamp=stamp)
            else:
                page = render_html(nb, d, shown, synthetic=synthetic, stamp=stamp)
            html_path = out_dir / f"{d.name}.html"
            write_if_changed(html_path, page)
            secs = time.perf_counter() - t0
            result = ReportResult(
                d.name,
                d.notebook,
                status,
                html_path,
                secs,
                synthetic,
                {**record, "parameters": shown},
            )
            write_if_changed(
                root / ".build" / "reports" / f"{d.name}.json",
                json.dumps(_sidecar(d, result), indent=1, ensure_ascii=False, sort_keys=True),
            )
            results.append(result)
            progress(
                f"[{i}/{len(definitions)}] {d.name} ({d.notebook}): {status} in {secs:.1f} s "
                f"-> reports/{d.name}.html"
            )
            bar.update(1)
    finally:
        bar.close()
        write_index(root, stamp=stamp)
    return results


def _mkparent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _sidecar(d: ReportDefinition, r: ReportResult) -> dict:
    return {
        "name": d.name,
        "title": d.title,
        "notebook": d.notebook,
        "description": d.description,
        "parameters": r.record.get("parameters", {}),
        "inputs": r.record.get("inputs", []),
        "synthetic": r.synthetic,
        "html": f"{d.name}.html",
    }


# CLI
# --------------------------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``coopstats report``."""
    p = sub.add_parser(
        "report", help="execute the report notebooks (cached) and render reports/*.html"
    )
    p.add_argument(
        "--root", default=None, help="project root (default: found from the current directory)"
    )
    p.add_argument(
        "--only",
        action="append",
        default=None,
        metavar="NAME",
        help="build only this report (repeatable); names are reports/definitions/*.yaml stems",
    )
    p.add_argument(
        "--renderer",
        choices=RENDERERS,
        default="nbconvert",
        help="nbconvert (default) or quarto (needs the quarto CLI on PATH)",
    )
    p.add_argument("--force", action="store_true", help="re-execute even when the cache matches")
    p.add_argument(
        "--variant",
        choices=("full", "ci"),
        default="full",
        help="ci = each definition's smallest parameter set",
    )
    p.set_defaults(func=cli_report)


def cli_report(args: argparse.Namespace) -> int:
    """Run :func:`build` from parsed arguments; print a one-line summary."""
    from ..config import project_root

    root = Path(args.root).resolve() if args.root else project_root()
    results = build(
        root, only=args.only, renderer=args.renderer, force=args.force, variant=args.variant
    )
    executed = sum(r.status == "executed" for r in results)
    progress(
        f"{len(results)} report(s): {executed} executed, {len(results) - executed} from cache; "
        f"open {root / 'reports' / 'index.html'}"
    )
    return 0
