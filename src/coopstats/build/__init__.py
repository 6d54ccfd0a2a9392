"""Building the reports: definitions, cached execution, HTML rendering and the index.

``coopstats report`` (``make report``) turns every definition in ``reports/definitions/*.yaml``
into ``reports/<name>.html`` and writes ``reports/index.html``:

1. **Processed data.** When a report reads ``data/processed/`` and that folder is missing or
   older than ``data/raw/`` or the coopstats code,
   :func:`coopstats.sources.processed.ensure_processed` rebuilds it with
   :func:`coopstats.sources.ingest.build_processed` (deterministic, so unchanged inputs give
   byte-identical files and nothing downstream re-runs).
2. **Parameters.** The definition's parameters are checked by
   :func:`coopstats.params.validate_params` against the notebook's params dataclass
   (:data:`coopstats.params.NOTEBOOK_PARAMS`): an unknown name or a bad value is an
   :class:`~coopstats.errors.InvalidParameterError` (papermill alone only warns). Two
   fingerprints are added: ``data_fingerprint`` (SHA-256 over the declared input files) and
   ``code_fingerprint`` (SHA-256 over the coopstats package). papermill's prepare step
   (:func:`papermill.parameterize.parameterize_notebook`) injects them after the cell tagged
   ``parameters``.
3. **Execution through jupyter-cache.** The prepared notebook is normalised (cell metadata
   reduced to ``tags``, deterministic cell ids, kernelspec ``coopstats``) and looked up in the
   jupyter-cache under ``.build/cache``. jupyter-cache hashes code cells and the kernelspec;
   because the fingerprints sit in the injected code cell, its key covers notebook code,
   parameters, input data and library code. A hit re-uses the stored outputs; a miss executes on
   the kernel ``coopstats`` and stores the result. Markdown is not hashed: prose edits re-render
   without re-running.
4. **HTML.** nbconvert's ``lab`` template with all code hidden (``exclude_input``), figures
   embedded as data URIs and no external scripts; a red ``SYNTHETIC DEMONSTRATION DATA`` banner
   when any input comes from the demonstration panel; exactly one volatile line, the build
   stamp (``SOURCE_DATE_EPOCH`` pins it). Quarto renders instead with ``--renderer quarto`` when
   its CLI is on PATH.

A failing notebook does not stop the build: its error (report, notebook, cell index and
parameters) is recorded in ``.build/reports/<report>.<language>.failed.json``, the partially
executed notebook is kept in ``.build/failed/<report>.ipynb``, its previous page (if any) is
kept, the remaining reports are built, and ``reports/index.html`` marks the report FAILED with
its error. At the end the build raises :class:`~coopstats.errors.ReportsFailedError` (a
:class:`~coopstats.errors.NotebookExecutionError`), so ``coopstats report`` exits non-zero.

Modules: :mod:`.definitions` (``reports/definitions/*.yaml``), :mod:`.execute` (papermill +
jupyter-cache), :mod:`.render` (nbconvert / Quarto HTML), :mod:`.index` (``reports/index.html``),
:mod:`.run` (:func:`build` and the ``coopstats report`` command). Notebook-side helpers live in
:mod:`coopstats.params`, :mod:`coopstats.provenance`, :mod:`coopstats.tables` and
:mod:`coopstats.sources.processed`.
"""

from __future__ import annotations

from .definitions import ReportDefinition, load_definitions, read_definitions
from .execute import KERNEL_NAME
from .index import write_index
from .render import RENDERERS, STAMP_CLASS, build_stamp, render_html
from .run import ReportResult, build, cli_report, register

__all__ = [
    "KERNEL_NAME",
    "RENDERERS",
    "STAMP_CLASS",
    "ReportDefinition",
    "load_definitions",
    "read_definitions",
    "ReportResult",
    "build",
    "build_stamp",
    "render_html",
    "write_index",
    "register",
    "cli_report",
]
