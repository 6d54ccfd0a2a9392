"""Executing a report notebook: papermill parameters, normalisation, jupyter-cache execution."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ..errors import NotebookExecutionError
from ..provenance import PROVENANCE_MIME
from .definitions import ReportDefinition
from .sanitize import warnings_to_notes

__all__ = ["KERNEL_NAME", "prepare", "clean_outputs", "execute", "provenance_record"]

#: The Jupyter kernel every report runs on (``make setup`` installs it with ``--sys-prefix``).
KERNEL_NAME = "coopstats"


def _kernelspec() -> dict:
    return {"name": KERNEL_NAME, "display_name": "Python (coopstats)", "language": "python"}


def prepare(definition: ReportDefinition, root: Path, params: dict):
    """Return the definition's notebook with ``params`` injected by papermill, normalised."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    path = root / "notebooks" / definition.notebook
    nb = load_notebook_node(str(path))
    nb.metadata["kernelspec"] = _kernelspec()
    nb = parameterize_notebook(
        nb,
        params,
        kernel_name=KERNEL_NAME,
        language="python",
        comment="Parameters injected by `coopstats report`",
    )
    return _normalise(nb, definition)


def _normalise(nb, definition: ReportDefinition):
    """Drop volatile metadata; deterministic ids; only ``tags`` kept in cell metadata."""
    import nbformat

    nb = nbformat.v4.upgrade(nb)
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    meta = {
        "kernelspec": _kernelspec(),
        "language_info": {"name": "python"},
        "coopstats": {"report": definition.name, "notebook": definition.notebook},
    }
    papermill = nb.metadata.get("papermill", {})
    if "parameters" in papermill:
        meta["papermill"] = {"parameters": papermill["parameters"]}
    nb.metadata = nbformat.from_dict(meta)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:03d}"
        tags = cell.metadata.get("tags")
        cell.metadata = nbformat.from_dict({"tags": list(tags)} if tags else {})
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if "attachments" in cell and not cell["attachments"]:
            del cell["attachments"]
    return nb


def clean_outputs(nb):
    """Remove volatile fields from executed outputs (execution timing, widget state)."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for out in cell.get("outputs", []):
            out.get("metadata", {}).pop("execution", None)
    return nb


def _error_cell(nb) -> tuple[int | None, int | None, str]:
    """(index in the executed notebook, index in the source notebook, "Ename: value")."""
    injected = [
        i for i, c in enumerate(nb.cells) if "injected-parameters" in c.metadata.get("tags", [])
    ]
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                source_index = i - 1 if injected and i > injected[0] else i
                return i, source_index, f"{out.get('ename')}: {out.get('evalue')}"
    return None, None, ""


def execute(nb, definition: ReportDefinition, root: Path, params: dict, timeout: int):
    """Run ``nb`` on the ``coopstats`` kernel; return (executed notebook, seconds).

    Raises
    ------
    NotebookExecutionError
        Naming report, notebook, cell and parameters; the partial notebook is kept in
        ``.build/failed/<report>.ipynb``.
    """
    from jupyter_cache.executors.utils import single_nb_execution
    from jupyter_client.kernelspec import NoSuchKernel

    from ..outputs import EXPORTS_ENV

    # EXPORTS_ENV: figures and tables carry their SVG/PDF/PNG/CSV (coopstats.outputs)
    with _env(COOPSTATS_ROOT=str(root), PYTHONHASHSEED="0", MPLBACKEND=None, **{EXPORTS_ENV: "1"}):
        try:
            result = single_nb_execution(
                nb,
                cwd=str(root / "notebooks"),
                timeout=timeout,
                allow_errors=False,
                meta_override=False,
                kernel_name=KERNEL_NAME,
                # ipykernel 7 warns on every start that local TCP is unencrypted; keep errors
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
        except NoSuchKernel:
            raise NotebookExecutionError(
                f"report {definition.name!r}: the Jupyter kernel {KERNEL_NAME!r} is not installed; "
                "run `make setup` (it runs "
                f"`python -m ipykernel install --sys-prefix --name {KERNEL_NAME}`)"
            ) from None
    if result.err is not None:
        failed = root / ".build" / "failed" / f"{definition.name}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        import nbformat

        nbformat.write(result.nb, failed)
        index, source_index, what = _error_cell(result.nb)
        if not what:
            lines = str(result.err).strip().splitlines()
            what = f"{type(result.err).__name__}: {lines[-1] if lines else ''}"
        first_line = ""
        if index is not None:
            first_line = next(
                (ln for ln in result.nb.cells[index].source.splitlines() if ln.strip()), ""
            )
        where = (
            f"cell {source_index} (0-based; cell {index} of the executed notebook, "
            f"starting {first_line.strip()!r})"
            if index is not None
            else "an unknown cell"
        )
        shown = {k: v for k, v in params.items() if not k.endswith("_fingerprint")}
        raise NotebookExecutionError(
            f"report {definition.name!r} failed in notebook notebooks/{definition.notebook}, "
            f"{where}: {what}; parameters {json.dumps(shown, ensure_ascii=False)}; "
            f"partially executed notebook kept at {failed.relative_to(root)}; "
            f"definition {definition.path}"
        )
    # no warning, log line or local path reaches a page: stderr becomes an escaped note
    return clean_outputs(warnings_to_notes(result.nb)), result.time


def _set_env(values: Mapping[str, str | None]) -> None:
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@contextmanager
def _env(**values: str | None) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    try:
        _set_env(values)
        yield
    finally:
        _set_env(old)


def provenance_record(nb) -> dict | None:
    """Return the record of the provenance block displayed in ``nb``, or None."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if PROVENANCE_MIME in data:
                return dict(data[PROVENANCE_MIME])
    return None
