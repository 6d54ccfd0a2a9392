"""Report definitions: ``reports/definitions/<name>.yaml`` read and validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import CoopstatsError, DataFileError, InvalidParameterError, MissingDataError
from ..params import validate_params
from ..sources._text import load_yaml

__all__ = ["ReportDefinition", "load_definitions", "read_definitions"]


@dataclass(frozen=True)
class ReportDefinition:
    """One report: which notebook, with which parameters, reading which input files.

    Read from ``reports/definitions/<name>.yaml``::

        title: Union State microelectronics and machine tools
        notebook: 02_growth.ipynb
        description: One paragraph shown in the index.
        parameters: {bloc: UNION_STATE, sectors: [microelectronics, machine_tools]}
        inputs: [data/processed/trade.parquet, data/processed/manifest.json]
        ci: {parameters: {start_year: 2020}}   # smallest variant, used by the tests
        order: 20                              # position in the index (default 100)

    ``inputs`` are paths relative to the project root; their SHA-256 enter the cache key, and
    the notebook's provenance must list exactly these files. ``notebook`` must name a file
    inside ``notebooks/`` and every input a path inside the project (absolute paths and
    ``..`` leaving the tree are refused: a definition must not run or publish outside files).
    A key given twice in the YAML is an error (never "the last one wins").
    """

    name: str
    title: str
    notebook: str
    parameters: dict[str, Any]
    inputs: tuple[str, ...]
    description: str = ""
    ci_parameters: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    order: int = 100

    def parameters_for(self, variant: Literal["full", "ci"] = "full") -> dict[str, Any]:
        """Return the parameters of the ``full`` report or of its smallest ``ci`` variant."""
        if variant == "ci":
            return {**self.parameters, **self.ci_parameters}
        return dict(self.parameters)


_DEF_KEYS = {"title", "notebook", "description", "parameters", "inputs", "ci", "order"}


def _read_definition(path: Path, root: Path) -> ReportDefinition:
    raw = load_yaml(path, hint="check indentation and quoting")
    if not isinstance(raw, dict):
        raise DataFileError(
            "a report definition must be a mapping", path=path, hint="see reports/README.md"
        )
    unknown = sorted(set(raw) - _DEF_KEYS)
    if unknown:
        raise DataFileError(
            f"unknown key(s) {unknown}",
            path=path,
            column=unknown[0],
            hint=f"allowed keys: {sorted(_DEF_KEYS)}",
        )
    for key in ("title", "notebook", "inputs"):
        if not raw.get(key):
            raise DataFileError(
                f"missing key {key!r}", path=path, column=key, hint="see reports/README.md"
            )
    notebooks = (root / "notebooks").resolve()
    nb = (notebooks / str(raw["notebook"])).resolve()
    if Path(str(raw["notebook"])).is_absolute() or not nb.is_relative_to(notebooks):
        raise DataFileError(
            "the notebook must be inside the project's notebooks/ folder",
            path=path,
            column="notebook",
            value=raw["notebook"],
            hint="name a notebook relative to notebooks/, e.g. 02_growth.ipynb",
        )
    if not nb.is_file():
        raise DataFileError(
            "notebook not found",
            path=path,
            column="notebook",
            value=raw["notebook"],
            hint=f"expected {nb}",
        )
    inputs = raw["inputs"]
    if not isinstance(inputs, list) or not all(isinstance(p, str) for p in inputs):
        raise DataFileError(
            "inputs must be a list of paths relative to the project root",
            path=path,
            column="inputs",
            value=inputs,
        )
    for item in inputs:
        inside = (root / item).resolve().is_relative_to(root)
        if Path(item).is_absolute() or not inside:
            raise DataFileError(
                "inputs must be paths inside the project, relative to its root",
                path=path,
                column="inputs",
                value=item,
                hint="write e.g. data/processed/trade.parquet (no absolute path, no '..')",
            )
    params = raw.get("parameters") or {}
    ci = raw.get("ci") or {}
    ci_params = ci.get("parameters") or {} if isinstance(ci, dict) else None
    if not isinstance(params, dict) or not isinstance(ci_params, dict):
        raise DataFileError(
            "parameters and ci.parameters must be mappings", path=path, column="parameters"
        )
    for key in ("data_fingerprint", "code_fingerprint"):
        if key in params or key in ci_params:
            raise DataFileError(
                f"{key} is set by `coopstats report`, not by a definition", path=path, column=key
            )
    definition = ReportDefinition(
        name=path.stem,
        title=str(raw["title"]),
        notebook=str(raw["notebook"]),
        parameters=params,
        inputs=tuple(inputs),
        description=str(raw.get("description") or "").strip(),
        ci_parameters=ci_params,
        path=str(path.relative_to(root)),
        order=_order(raw.get("order", 100), path),
    )
    for variant in ("full", "ci"):
        try:
            validate_params(definition.notebook, definition.parameters_for(variant))
        except InvalidParameterError as exc:
            where = f"{path.relative_to(root)}, {variant} variant"
            reason = getattr(exc, "why", "")
            raise InvalidParameterError(
                exc.name, exc.value, exc.allowed, why=f"{reason}; {where}" if reason else where
            ) from None
    return definition


def _order(value: object, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataFileError("order must be an integer", path=path, column="order", value=value)
    return value


def load_definitions(root: str | Path) -> list[ReportDefinition]:
    """Read and validate every ``reports/definitions/*.yaml``, sorted by ``order`` then name."""
    definitions, broken = read_definitions(root)
    if broken:
        raise broken[0][1]
    return definitions


def read_definitions(
    root: str | Path,
) -> tuple[list[ReportDefinition], list[tuple[str, CoopstatsError]]]:
    """Read every definition, keeping the ones that fail apart instead of stopping.

    Returns
    -------
    tuple
        ``(definitions, broken)``: the valid definitions sorted by ``order`` then name, and
        ``(name, error)`` for each ``reports/definitions/<name>.yaml`` that failed to read or
        validate (:func:`coopstats.build.run.build` records them as failed reports and builds
        the others).

    Raises
    ------
    MissingDataError
        The folder holds no ``*.yaml``.
    """
    root = Path(root).resolve()
    folder = root / "reports" / "definitions"
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise MissingDataError(
            "report definitions (*.yaml)", where=folder, how="see reports/README.md"
        )
    definitions: list[ReportDefinition] = []
    broken: list[tuple[str, CoopstatsError]] = []
    for path in paths:
        try:
            definitions.append(_read_definition(path, root))
        except CoopstatsError as exc:
            broken.append((path.stem, exc))
    return sorted(definitions, key=lambda d: (d.order, d.name)), broken
