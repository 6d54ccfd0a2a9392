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

from ..errors import InvalidParameterError, NotebookExecutionError, ReportsFailedError
from ..outputs import write_exports
from ..params import validate_params
from ..provenance import code_fingerprint, data_fingerprint, is_synthetic, relative_path
from ..sources.processed import ensure_processed
from . import publish
from .definitions import ReportDefinition, read_definitions
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

__all__ = ["ReportResult", "progress", "build", "failure_path", "register", "cli_report"]

logger = logging.getLogger(__name__)

#: languages ``coopstats report`` renders every report in (``--language`` narrows it)
DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "ru")
#: whether pages are printed to PDF (``--no-pdf`` turns it off)
DEFAULT_PDF = True


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
    languages: Sequence[str] | None = None,
    pdf: bool | None = None,
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
    languages
        Languages each report is rendered in (default :data:`DEFAULT_LANGUAGES`, ``en`` and
        ``ru``): one page per language in ``reports/<name>/<language>/`` with its figures,
        tables, PDF and CITATION (:mod:`coopstats.build.publish`).
    pdf
        Print each page to PDF with headless Chromium (default :data:`DEFAULT_PDF`); skipped,
        with a note on the page, when Chromium is not installed.

    Returns
    -------
    list of ReportResult
        One per built report and language, in definition order, saying ``cached`` or
        ``executed``.

    Raises
    ------
    InvalidParameterError
        Unknown report name or renderer.
    ReportsFailedError
        At the end, when definitions could not be read or validated (recorded like a failed
        notebook, under the file's name) or notebooks failed (a
        :class:`NotebookExecutionError`; each failure's report, notebook, cell index and
        parameters in the message). The other reports were
        built; each failure is recorded (:func:`failure_path`), its previous page kept, and
        the index marks it FAILED with its error.
    """
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = Path(root).resolve()
    from ..text import check_language

    languages = [check_language(lang) for lang in (languages or DEFAULT_LANGUAGES)]
    pdf = DEFAULT_PDF if pdf is None else pdf
    if renderer not in RENDERERS:
        raise InvalidParameterError("renderer", renderer, list(RENDERERS))
    if variant not in ("full", "ci"):
        raise InvalidParameterError("variant", variant, ["full", "ci"])
    if renderer == "quarto":
        require_quarto()
    # a definition that fails to read or validate is recorded as a failed report; the others
    # still build (its error reaches the index and the final ReportsFailedError)
    definitions, broken = read_definitions(root)
    names = sorted([d.name for d in definitions] + [name for name, _ in broken])
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise InvalidParameterError("only", unknown[0], names, why="no such report definition")
        definitions = [d for d in definitions if d.name in set(only)]
        broken = [(name, exc) for name, exc in broken if name in set(only)]
    stamp = stamp or build_stamp()
    if any(p.startswith("data/processed") for d in definitions for p in d.inputs):
        ensure_processed(root, progress=progress)
    cache = get_cache(root / ".build" / "cache")
    code_fp = code_fingerprint()
    results: list[ReportResult] = []
    failures: list[tuple[str, str, str]] = []  # (report, language, error)
    for name, exc in broken:
        for language in languages:
            kept = (publish.page_dir(root, name, language) / "index.html").is_file()
            stub = ReportDefinition(name=name, title=name, notebook="", parameters={}, inputs=())
            _record_failure(root, stub, language, exc, kept=kept)
            failures.append((name, language, str(exc)))
            progress(f"{name} ({language}): FAILED: its definition: {exc}")
    from tqdm import tqdm

    jobs = [(d, lang) for d in definitions for lang in languages]
    bar = tqdm(
        total=len(jobs),
        desc="reports",
        unit="report",
        file=sys.stderr,
        disable=None,
        leave=False,
    )
    try:
        for i, (d, language) in enumerate(jobs, 1):
            t0 = time.perf_counter()
            params = {**d.parameters_for(variant), "language": language}
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
            nb, _, untranslated = publish.translate_markdown(
                nb, root / "notebooks" / d.notebook, language
            )
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
                    f"[{i}/{len(jobs)}] {d.name} ({language}): running notebooks/{d.notebook} "
                    f"on kernel {KERNEL_NAME} ..."
                )
                html_out = publish.page_dir(root, d.name, language) / "index.html"
                try:
                    nb, _secs = execute(nb, d, root, full, timeout)
                    record = provenance_record(nb)
                    if record is None:
                        raise NotebookExecutionError(
                            f"report {d.name!r}: notebooks/{d.notebook} shows no provenance "
                            "block; display `coopstats.provenance.show_provenance(params, "
                            "inputs)` in it"
                        )
                except NotebookExecutionError as exc:
                    # recorded; the other reports still build, this report's previous page
                    # (if any) is kept and the index marks it failed with this error
                    _record_failure(root, d, language, exc, kept=html_out.is_file())
                    failures.append((d.name, language, str(exc)))
                    progress(f"[{i}/{len(jobs)}] {d.name} ({language}): FAILED: {exc}")
                    bar.update(1)
                    continue
                cache.cache_notebook_bundle(
                    CacheBundleIn(
                        nb, f"{d.name}:{language}:{d.notebook}",
                        data={"report": d.name, "language": language},
                    ),
                    check_validity=True,
                    overwrite=True,
                )
                status = "executed"
            synthetic = bool(record.get("synthetic")) or any(
                is_synthetic(p)
                for p in inputs
                if relative_path(p, root).startswith("data/processed")
            )
            nbformat.write(
                nb, _mkparent(root / ".build" / "executed" / f"{d.name}.{language}.ipynb")
            )
            folder = publish.page_dir(root, d.name, language)
            manifest = write_exports(nb, folder)
            pdf_path = folder / f"{d.name}.pdf"
            downloads = publish.downloads_html(
                folder, d.name, manifest, language, pdf=pdf and publish.chromium() is not None
            )
            shown = {k: v for k, v in full.items() if not k.endswith("_fingerprint")}
            if renderer == "quarto":
                page = render_quarto(
                    nb, d, root, shown, synthetic=synthetic, stamp=stamp,
                    language=language, extra_header=downloads,
                )
            else:
                page = render_html(
                    nb, d, shown, synthetic=synthetic, stamp=stamp,
                    language=language, extra_header=downloads,
                )
            html_path = folder / "index.html"
            changed = not html_path.is_file() or html_path.read_text(encoding="utf-8") != page
            write_if_changed(html_path, page)
            if not pdf:
                pdf_path.unlink(missing_ok=True)
            elif changed or not pdf_path.is_file():
                publish.print_pdf(html_path, pdf_path, stamp=stamp)
            write_if_changed(
                folder / "CITATION",
                publish.citation_text(
                    name=d.name, title=publish.report_title(d, language), language=language,
                    record=record, synthetic=synthetic, stamp=stamp,
                ),
            )
            publish.write_landing(root, d.name, d.title, list(languages))
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
            side = _sidecar(d, result)
            side.update(
                language=language,
                html=publish.page_href(d.name, language),
                outputs=manifest,
                pdf=pdf_path.is_file(),
                untranslated_cells=untranslated,
            )
            write_if_changed(
                root / ".build" / "reports" / f"{d.name}.{language}.json",
                json.dumps(side, indent=1, ensure_ascii=False, sort_keys=True),
            )
            failure_path(root, d.name, language).unlink(missing_ok=True)
            results.append(result)
            progress(
                f"[{i}/{len(jobs)}] {d.name} ({d.notebook}, {language}): {status} in "
                f"{secs:.1f} s -> reports/{publish.page_href(d.name, language)}"
            )
            bar.update(1)
    finally:
        bar.close()
        write_index(root, stamp=stamp)
    if failures:
        raise ReportsFailedError(failures, built=[r.name for r in results])
    return results


def failure_path(root: Path, name: str, language: str) -> Path:
    """Where :func:`build` records that report ``name`` failed in ``language``."""
    return Path(root) / ".build" / "reports" / f"{name}.{language}.failed.json"


def _record_failure(
    root: Path, d: ReportDefinition, language: str, exc: Exception, *, kept: bool
) -> None:
    """Write the failure record the index shows (report, error, where the notebook is)."""
    record = {
        "name": d.name,
        "title": d.title,
        "notebook": d.notebook,
        "language": language,
        "error": str(exc),
        "previous_page_kept": kept,
        "failed_notebook": f".build/failed/{d.name}.ipynb" if d.notebook else "",
    }
    path = _mkparent(failure_path(root, d.name, language))
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True), "utf-8")


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
        "--language",
        action="append",
        default=None,
        choices=DEFAULT_LANGUAGES,
        help="render only this language (repeatable; default: all of en, ru)",
    )
    p.add_argument("--no-pdf", action="store_true", help="do not print the pages to PDF")
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
        root,
        only=args.only,
        renderer=args.renderer,
        force=args.force,
        variant=args.variant,
        languages=args.language,
        pdf=not args.no_pdf,
    )
    executed = sum(r.status == "executed" for r in results)
    progress(
        f"{len(results)} report(s): {executed} executed, {len(results) - executed} from cache; "
        f"open {root / 'reports' / 'index.html'}"
    )
    return 0
