"""Reports: validated notebook parameters, provenance, cached execution, HTML and the index.

``coopstats report`` (``make report``) turns every definition in ``reports/definitions/*.yaml``
into ``reports/<name>.html`` and writes ``reports/index.html``:

1. **Processed data.** When a report reads ``data/processed/`` and that folder is missing or
   older than ``data/raw/`` or the coopstats code, :func:`ensure_processed` rebuilds it with
   :func:`coopstats.sources.ingest.build_processed` (deterministic, so unchanged inputs give
   byte-identical files and nothing downstream re-runs).
2. **Parameters.** The definition's parameters are checked by :func:`validate_params` against
   the notebook's params dataclass (:data:`NOTEBOOK_PARAMS`): an unknown name or a bad value is
   an :class:`~coopstats.errors.InvalidParameterError` (papermill alone only warns). Two
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

A failing notebook stops the build with a :class:`~coopstats.errors.NotebookExecutionError`
naming the report, notebook, cell index and parameters; the partially executed notebook is
kept in ``.build/failed/<report>.ipynb``. Reports built before stay valid.

Notebook-side helpers: the params dataclasses, :func:`load_facts`, :func:`load_processed`,
:func:`show_provenance` / :func:`provenance`, :func:`table`, :func:`is_synthetic`.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import html
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

import pandas as pd

from .columns import BLOCS, ISO3_REGEX, SECTORS
from .errors import (
    CoopstatsError,
    DataFileError,
    InvalidParameterError,
    MissingDataError,
    NotebookExecutionError,
)
from .sources._text import load_yaml, parse_json
from .sources.fetch import file_sha256

__all__ = [
    "KERNEL_NAME",
    "SYNTHETIC_BANNER",
    "RENDERERS",
    "ReportParams",
    "FactsOverviewParams",
    "EventsParams",
    "GrowthParams",
    "LocalizationParams",
    "PriorityParams",
    "NOTEBOOK_PARAMS",
    "validate_params",
    "ReportDefinition",
    "load_definitions",
    "sha256_file",
    "data_fingerprint",
    "input_files",
    "code_fingerprint",
    "input_vintage",
    "is_synthetic",
    "load_facts",
    "load_processed",
    "sector_map_for",
    "require_rows",
    "provenance",
    "show_provenance",
    "table",
    "ensure_processed",
    "ReportResult",
    "build",
    "register",
]

logger = logging.getLogger(__name__)

#: The Jupyter kernel every report runs on (``make setup`` installs it with ``--sys-prefix``).
KERNEL_NAME = "coopstats"
#: Banner text on every page that uses the synthetic demonstration panel.
SYNTHETIC_BANNER = "SYNTHETIC DEMONSTRATION DATA"
#: Renderers of ``coopstats report --renderer``.
RENDERERS = ("nbconvert", "quarto")
#: MIME type of the machine-readable provenance output a notebook must display.
PROVENANCE_MIME = "application/vnd.coopstats.provenance+json"
#: Marker of the one volatile line in every rendered page.
STAMP_CLASS = "coopstats-build-stamp"
#: Dataset label of the synthetic panel (``coopstats.sources.synthetic.demo_panel``).
SYNTHETIC_DATASET = "SYNTHETIC_DEMO"

_ISO3 = re.compile(ISO3_REGEX)
_YEAR_MIN, _YEAR_MAX = 1988, 2100


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


def _type_ok(value: object, hint: object) -> bool:
    origin = typing.get_origin(hint)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint in (str, bool):
        return isinstance(value, hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_type_ok(v, item) for v in value)
    if origin is dict:
        key, item = typing.get_args(hint)
        return isinstance(value, dict) and all(
            _type_ok(k, key) and _type_ok(v, item) for k, v in value.items()
        )
    if origin is Literal:
        return value in typing.get_args(hint)
    raise TypeError(f"unsupported parameter annotation {hint!r}")  # a coopstats bug


def _type_name(hint: object) -> str:
    if typing.get_origin(hint) is Literal:
        return f"one of {list(typing.get_args(hint))}"
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


@dataclass(frozen=True)
class ReportParams:
    """Base of the notebook parameter sets; validates types and shared names on creation.

    Subclasses declare one field per name of the notebook's ``parameters`` cell, with the
    same defaults (``tests/test_notebooks.py`` checks this). Shared names get the same checks
    everywhere: ``bloc`` in :data:`coopstats.columns.BLOCS`; ``sector``/``sectors`` in
    :data:`coopstats.columns.SECTORS`; ``*_iso3`` ISO 3166 alpha-3; ``start_year <= end_year``
    within 1988-2100; ``*_share`` and ``hhi*_threshold`` in [0, 1], other ``*_threshold``
    >= 0; fingerprints are 64 hex digits or
    empty (a run by hand outside ``coopstats report``).

    Raises
    ------
    InvalidParameterError
        Naming the parameter, the value and what is allowed.
    """

    notebook: ClassVar[str] = ""

    data_fingerprint: str = ""  # SHA-256 over the input files, set by `coopstats report`
    code_fingerprint: str = ""  # SHA-256 over the coopstats package, set by `coopstats report`

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not _type_ok(value, hints[f.name]):
                raise InvalidParameterError(
                    f.name,
                    value,
                    why=f"expected {_type_name(hints[f.name])} in notebook {self.notebook}",
                )
            self._check_named(f.name, value)
        start, end = getattr(self, "start_year", None), getattr(self, "end_year", None)
        if start is not None and end is not None and start > end:
            raise InvalidParameterError(
                "start_year", start, why=f"must not be after end_year={end}"
            )
        self._check()

    def _check_named(self, name: str, value: object) -> None:
        if name.endswith("_fingerprint"):
            if value and not re.fullmatch(r"[0-9a-f]{64}", str(value)):
                raise InvalidParameterError(name, value, why="a SHA-256 hex digest or empty")
        elif name == "bloc":
            if value not in BLOCS:
                raise InvalidParameterError(name, value, list(BLOCS))
        elif name in ("sector", "sectors"):
            bad = [v for v in ([value] if isinstance(value, str) else value) if v not in SECTORS]
            if bad:
                raise InvalidParameterError(name, bad if len(bad) > 1 else bad[0], list(SECTORS))
            if name == "sectors" and (not value or len(set(value)) != len(value)):
                raise InvalidParameterError(name, value, why="a non-empty list without repeats")
        elif name.endswith("_iso3"):
            if not _ISO3.match(str(value)):
                raise InvalidParameterError(
                    name, value, why="an ISO 3166 alpha-3 code such as 'BLR'"
                )
        elif name.endswith("_year"):
            if not _YEAR_MIN <= int(value) <= _YEAR_MAX:
                raise InvalidParameterError(name, value, why=f"a year in {_YEAR_MIN}..{_YEAR_MAX}")
        elif name.endswith("_share") or (name.startswith("hhi") and name.endswith("_threshold")):
            if not 0 <= float(value) <= 1:
                raise InvalidParameterError(name, value, why="a share in [0, 1]")
        elif name.endswith("_threshold"):
            if not float(value) >= 0:
                raise InvalidParameterError(name, value, why="a non-negative number")

    def _check(self) -> None:
        """Notebook-specific checks; subclasses override."""

    def as_dict(self) -> dict[str, Any]:
        """Parameter values in field order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class FactsOverviewParams(ReportParams):
    """Parameters of ``notebooks/00_facts_overview.ipynb`` (mutual trade from the facts table)."""

    notebook: ClassVar[str] = "00_facts_overview.ipynb"

    bloc: str = "EAEU"
    metric: str = "mutual_trade_turnover"
    currency: Literal["USD", "RUB"] = "USD"
    start_year: int = 2015
    end_year: int = 2024
    facts_path: str = "../data/raw/facts/facts.csv"

    def _check(self) -> None:
        if not re.fullmatch(r"[a-z0-9_]+", self.metric):
            raise InvalidParameterError(
                "metric", self.metric, why="a snake_case metric of facts.csv"
            )


@dataclass(frozen=True)
class EventsParams(ReportParams):
    """Parameters of ``notebooks/01_cooperation_events.ipynb`` (press releases -> events)."""

    notebook: ClassVar[str] = "01_cooperation_events.ipynb"

    texts_dir: str = "../tests/data/events_dev/texts"
    demo_texts: bool = True
    events_path: str = ""
    facts_path: str = "../data/raw/facts/facts.csv"
    link_rtol: float = 0.005
    link_same_period: bool = True

    def _check(self) -> None:
        if not 0 <= self.link_rtol < 0.1:
            raise InvalidParameterError(
                "link_rtol", self.link_rtol, why="a relative tolerance in [0, 0.1)"
            )


@dataclass(frozen=True)
class GrowthParams(ReportParams):
    """Parameters of ``notebooks/02_growth.ipynb`` (growth of intra-bloc trade by sector)."""

    notebook: ClassVar[str] = "02_growth.ipynb"

    bloc: str = "EAEU"
    sectors: list[str] = field(default_factory=lambda: ["microelectronics", "machine_tools"])
    exporter_iso3: str = "BLR"
    importer_iso3: str = "RUS"
    start_year: int = 2015
    end_year: int = 2024
    break_year: int = 2022
    processed_dir: str = "../data/processed"
    facts_path: str = "../data/raw/facts/facts.csv"

    def _check(self) -> None:
        if not self.start_year < self.break_year <= self.end_year:
            raise InvalidParameterError(
                "break_year",
                self.break_year,
                why=f"must lie after start_year={self.start_year} "
                f"and not after end_year={self.end_year}",
            )


@dataclass(frozen=True)
class LocalizationParams(ReportParams):
    """Parameters of ``notebooks/03_localization.ipynb`` (bloc self-reliance and dependence)."""

    notebook: ClassVar[str] = "03_localization.ipynb"

    bloc: str = "EAEU"
    sectors: list[str] = field(default_factory=lambda: ["microelectronics", "machine_tools"])
    start_year: int = 2015
    end_year: int = 2024
    hhi_imports_threshold: float = 0.4
    hhi_world_threshold: float = 0.4
    ratio_threshold: float = 1.0
    top_suppliers: int = 8
    processed_dir: str = "../data/processed"

    def _check(self) -> None:
        if not 1 <= self.top_suppliers <= 50:
            raise InvalidParameterError("top_suppliers", self.top_suppliers, why="between 1 and 50")


@dataclass(frozen=True)
class PriorityParams(ReportParams):
    """Parameters of ``notebooks/04_sector_priority.ipynb`` (composite sector priority)."""

    notebook: ClassVar[str] = "04_sector_priority.ipynb"

    #: Indicators the notebook computes per sector (keys allowed in ``weights``).
    INDICATORS: ClassVar[tuple[str, ...]] = (
        "intra_bloc_share_pct",
        "intra_bloc_cagr_pct",
        "extra_bloc_hhi",
        "dependent_share_pct",
    )

    bloc: str = "EAEU"
    sectors: list[str] = field(
        default_factory=lambda: [
            "microelectronics",
            "machine_tools",
            "advanced_materials",
            "optics",
            "uav",
        ]
    )
    start_year: int = 2015
    end_year: int = 2024
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "intra_bloc_share_pct": 1.0,
            "intra_bloc_cagr_pct": 1.0,
            "extra_bloc_hhi": 1.0,
            "dependent_share_pct": 1.0,
        }
    )
    method: Literal["zscore", "minmax", "rank"] = "zscore"
    top_k: int = 2
    stability_draws: int = 500
    seed: int = 20240101
    processed_dir: str = "../data/processed"

    def _check(self) -> None:
        unknown = sorted(set(self.weights) - set(self.INDICATORS))
        if unknown:
            raise InvalidParameterError(
                "weights", unknown, list(self.INDICATORS), why="unknown indicator"
            )
        if (
            not self.weights
            or any(w < 0 for w in self.weights.values())
            or sum(self.weights.values()) <= 0
        ):
            raise InvalidParameterError(
                "weights", self.weights, why="non-negative weights with a positive sum"
            )
        if len(self.sectors) < 2:
            raise InvalidParameterError("sectors", self.sectors, why="at least two sectors to rank")
        if not 1 <= self.top_k <= len(self.sectors):
            raise InvalidParameterError(
                "top_k", self.top_k, why=f"between 1 and the {len(self.sectors)} sectors"
            )
        if not 1 <= self.stability_draws <= 10_000:
            raise InvalidParameterError(
                "stability_draws", self.stability_draws, why="between 1 and 10000"
            )
        if self.end_year - self.start_year < 1:
            raise InvalidParameterError(
                "end_year", self.end_year, why="at least one year after start_year"
            )


#: Notebook file name -> its params dataclass.
NOTEBOOK_PARAMS: dict[str, type[ReportParams]] = {
    cls.notebook: cls
    for cls in (FactsOverviewParams, EventsParams, GrowthParams, LocalizationParams, PriorityParams)
}


def _params_class(notebook: str | Path) -> type[ReportParams]:
    name = Path(notebook).name
    if not name.endswith(".ipynb"):
        name += ".ipynb"
    try:
        return NOTEBOOK_PARAMS[name]
    except KeyError:
        raise InvalidParameterError(
            "notebook",
            str(notebook),
            sorted(NOTEBOOK_PARAMS),
            why="no params dataclass is registered for it in coopstats.report.NOTEBOOK_PARAMS",
        ) from None


def validate_params(notebook: str | Path, params: Mapping[str, Any]) -> ReportParams:
    """Check ``params`` for ``notebook``; return the validated params object.

    Parameters
    ----------
    notebook
        Notebook file name (``"02_growth.ipynb"`` or ``"02_growth"``; folders are ignored).
    params
        Parameter values; omitted names take the notebook's defaults.

    Raises
    ------
    InvalidParameterError
        For a name the notebook does not declare (papermill would only warn and inject it
        anyway) or a value of the wrong type or out of range.
    """
    cls = _params_class(notebook)
    names = [f.name for f in dataclasses.fields(cls)]
    for key, value in params.items():
        if key not in names:
            raise InvalidParameterError(
                key, value, names, why=f"unknown parameter of notebook {cls.notebook}"
            )
    return cls(**dict(params))


# --------------------------------------------------------------------------------------------
# Definitions
# --------------------------------------------------------------------------------------------


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
    the notebook's provenance must list exactly these files.
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
    nb = root / "notebooks" / raw["notebook"]
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
            raise InvalidParameterError(
                exc.name, exc.value, exc.allowed, why=f"{path.relative_to(root)}, {variant} variant"
            ) from None
    return definition


def _order(value: object, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataFileError("order must be an integer", path=path, column="order", value=value)
    return value


def load_definitions(root: str | Path) -> list[ReportDefinition]:
    """Read and validate every ``reports/definitions/*.yaml``, sorted by ``order`` then name."""
    root = Path(root).resolve()
    folder = root / "reports" / "definitions"
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise MissingDataError(
            "report definitions (*.yaml)", where=folder, how="see reports/README.md"
        )
    definitions = [_read_definition(p, root) for p in paths]
    return sorted(definitions, key=lambda d: (d.order, d.name))


# --------------------------------------------------------------------------------------------
# Fingerprints, inputs and provenance (used inside the notebooks too)
# --------------------------------------------------------------------------------------------

_SHA_MEMO: dict[tuple[str, int, int], str] = {}
_DATASETS_MEMO: dict[tuple[str, int, int], list[str]] = {}


def _file_key(path: Path) -> tuple[str, int, int]:
    """Memo key of a file's contents: resolved path, size and modification time."""
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes (memoised on path, size and mtime)."""
    path = Path(path)
    key = _file_key(path)
    if key not in _SHA_MEMO:
        _SHA_MEMO[key] = file_sha256(path)
    return _SHA_MEMO[key]


def _project_root() -> Path:
    from .config import project_root

    return project_root()


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def input_files(inputs: Iterable[str | Path]) -> list[Path]:
    """Absolute paths of the input files; a folder stands for every file under it (sorted).

    Relative paths are taken from the current directory (``notebooks/`` inside a report).
    Hidden files and ``__pycache__`` are skipped.

    Raises
    ------
    MissingDataError
        When an input does not exist or a folder holds no file.
    """
    out: list[Path] = []
    for p in inputs:
        path = Path(p)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if path.is_dir():
            files = sorted(
                f
                for f in path.rglob("*")
                if f.is_file()
                and not any(
                    part.startswith(".") or part == "__pycache__"
                    for part in f.relative_to(path).parts
                )
            )
            if not files:
                raise MissingDataError(f"files in {p}", where=path, how="the folder is empty")
            out.extend(files)
        elif path.is_file():
            out.append(path)
        else:
            raise MissingDataError(str(p), where=path, how=_how_to_get(str(p).lstrip("./")))
    return out


def data_fingerprint(inputs: Iterable[str | Path], *, root: str | Path | None = None) -> str:
    r"""SHA-256 over ``"<path relative to root>\t<sha256>\n"`` lines of the input files.

    Lines are sorted by path; a folder counts as every file under it (:func:`input_files`).

    Raises
    ------
    MissingDataError
        When an input does not exist.
    """
    root = Path(root) if root is not None else _project_root()
    lines = [f"{_rel(path, root)}\t{sha256_file(path)}\n" for path in input_files(inputs)]
    return hashlib.sha256("".join(sorted(lines)).encode()).hexdigest()


def code_fingerprint() -> str:
    """SHA-256 over the coopstats package files (code and shipped reference data).

    In the cache key so that a fix in an analysis module re-runs the reports.
    """
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            h.update(f"{path.relative_to(package).as_posix()}\t{sha256_file(path)}\n".encode())
    return h.hexdigest()


def _how_to_get(rel: str) -> str:
    if rel.startswith("data/processed"):
        return "Run `coopstats data build --root .` (or `make report`, which builds it)."
    if rel.startswith("data/raw/facts"):
        return "It ships with the repository; restore it with `git checkout -- data/raw/facts`."
    return "See data/raw/README.md for where each input comes from."


def _manifest(processed_dir: Path) -> dict | None:
    path = processed_dir / "manifest.json"
    if not path.is_file():
        return None
    return parse_json(
        path.read_text(encoding="utf-8"), path, hint="rebuild with `coopstats data build --root .`"
    )


def is_synthetic(path: str | Path) -> bool:
    """Return True when ``path`` is synthetic demonstration data.

    A parquet file is synthetic when any row's ``dataset`` starts with ``SYNTHETIC_DEMO``
    (the data say so themselves, so no other file has to be read); a processed-data folder is
    synthetic when its ``manifest.json`` says ``synthetic: true``. Anything else is not.
    """
    path = Path(path)
    if path.is_dir():
        manifest = _manifest(path)
        return bool(manifest and manifest.get("synthetic"))
    if path.is_file() and path.suffix == ".parquet":
        return any(d.startswith(SYNTHETIC_DATASET) for d in _parquet_datasets(path))
    return False


def _parquet_datasets(path: Path) -> list[str]:
    """Distinct ``dataset`` values of a parquet file (memoised: provenance asks twice)."""
    import pyarrow.parquet as pq

    key = _file_key(path)
    if key not in _DATASETS_MEMO:
        if "dataset" not in pq.read_schema(path).names:
            _DATASETS_MEMO[key] = []
        else:
            col = pq.read_table(path, columns=["dataset"]).column("dataset").unique()
            _DATASETS_MEMO[key] = sorted({str(v) for v in col.to_pylist() if v is not None})
    return list(_DATASETS_MEMO[key])


def input_vintage(path: str | Path) -> str:
    """Return a short statement of an input file's vintage.

    * parquet with a ``dataset`` column: the datasets in it (e.g. ``BACI_HS17_V202201``);
    * a facts table (``source_date`` column): the range of source dates;
    * ``manifest.json``: the coopstats version and whether the data are synthetic;
    * anything else: ``""`` (the SHA-256 identifies it).
    """
    path = Path(path)
    if path.suffix == ".parquet":
        datasets = _parquet_datasets(path)
        if datasets:
            return ", ".join(datasets)
        import pyarrow.parquet as pq

        if "source_date" in pq.read_schema(path).names:
            dates = pq.read_table(path, columns=["source_date"]).column("source_date").to_pylist()
            return _date_range(dates)
        return ""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig") as fh:
            header = fh.readline()
        if "source_date" in header.split(","):
            dates = pd.read_csv(path, usecols=["source_date"], dtype="string")[
                "source_date"
            ].tolist()
            return _date_range(dates)
        return ""
    if path.name == "manifest.json":
        m = _manifest(path.parent) or {}
        kind = "synthetic demonstration panel" if m.get("synthetic") else "upstream data"
        version = m.get("coopstats_version") or m.get("version") or "?"
        return f"processed by coopstats {version} from {kind}"
    return ""


def _date_range(dates: Sequence[object]) -> str:
    known = sorted(str(d) for d in dates if d is not None and not pd.isna(d) and str(d))
    if not known:
        return "source dates not stated"
    return f"sources dated {known[0]} to {known[-1]}"


def _git_state(root: Path) -> tuple[str, str]:
    git = shutil.which("git")
    if git is None:
        return "unknown (git not installed)", "unknown"

    def run(*args: str) -> str:
        return subprocess.run(
            [git, "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=20
        ).stdout

    try:
        commit = run("rev-parse", "HEAD").strip()
        status = run("status", "--porcelain")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return "unknown (not a git checkout)", "unknown"
    return commit, "yes" if status.strip() else "no"


def provenance(
    params: ReportParams | Mapping[str, Any],
    inputs: Sequence[str | Path],
    *,
    root: str | Path | None = None,
    synthetic_inputs: Sequence[str | Path] = (),
) -> pd.DataFrame:
    """Provenance of a report as a tidy frame.

    Parameters
    ----------
    params
        The validated params object (or a mapping) of the notebook.
    inputs
        Every file the notebook reads (paths relative to the notebook's folder or absolute).
    root
        Project root for relative paths and git; default :func:`coopstats.config.project_root`.
    synthetic_inputs
        Inputs (files or folders, as in ``inputs``) that are synthetic demonstration data,
        e.g. invented example texts; processed data are detected from ``manifest.json``.

    Returns
    -------
    pandas.DataFrame
        Columns ``section`` (``parameters``, ``software``, ``inputs``), ``name``, ``value``,
        ``detail``. Input rows have the root-relative path as ``name``, the SHA-256 as
        ``value`` and the vintage (plus ``synthetic``) as ``detail``.

    Raises
    ------
    DataFileError
        When ``params.data_fingerprint`` is set (a ``coopstats report`` build) and differs from
        the fingerprint of ``inputs``: the notebook reads other files than its definition
        declares, or an input changed during the build.
    """
    import numpy as np

    from . import __version__

    root = Path(root) if root is not None else _project_root()
    values = params.as_dict() if isinstance(params, ReportParams) else dict(params)
    paths = input_files(inputs)
    demo = set(input_files(synthetic_inputs)) if synthetic_inputs else set()
    declared = values.get("data_fingerprint") or ""
    if declared:
        actual = data_fingerprint(paths, root=root)
        if actual != declared:
            raise DataFileError(
                "the files this notebook reads do not match its report definition's inputs "
                f"(fingerprint {actual[:12]} != {declared[:12]})",
                path=", ".join(_rel(p, root) for p in paths),
                hint="list exactly these files under `inputs:` in the report definition",
            )
    rows = [
        ("parameters", k, json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v, "")
        for k, v in values.items()
    ]
    commit, dirty = _git_state(root)
    rows += [
        ("software", "coopstats", __version__, ""),
        ("software", "git commit", commit, f"uncommitted changes: {dirty}"),
        ("software", "python", platform.python_version(), platform.python_implementation()),
        ("software", "pandas", pd.__version__, ""),
        ("software", "numpy", np.__version__, ""),
    ]
    for p in paths:
        flagged = p in demo or (
            is_synthetic(p) if _rel(p, root).startswith("data/processed") else False
        )
        vintage = input_vintage(p)
        detail = (
            f"{vintage}; SYNTHETIC"
            if flagged and vintage
            else ("SYNTHETIC" if flagged else vintage)
        )
        rows.append(("inputs", _rel(p, root), sha256_file(p), detail))
    return pd.DataFrame(rows, columns=["section", "name", "value", "detail"])


class _Provenance:
    """Display object of :func:`show_provenance` (HTML, text and a JSON record for the build)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    @property
    def synthetic(self) -> bool:
        inputs = self.frame[self.frame["section"] == "inputs"]
        return bool(inputs["detail"].str.endswith("SYNTHETIC").any())

    def _record(self) -> dict:
        f = self.frame
        sec = {s: f[f["section"] == s] for s in ("parameters", "software", "inputs")}
        return {
            "parameters": dict(
                zip(sec["parameters"]["name"], sec["parameters"]["value"], strict=True)
            ),
            "software": {
                n: (v if not d else f"{v} ({d})")
                for n, v, d in sec["software"][["name", "value", "detail"]].itertuples(index=False)
            },
            "inputs": [
                {"path": n, "sha256": v, "vintage": d}
                for n, v, d in sec["inputs"][["name", "value", "detail"]].itertuples(index=False)
            ],
            "synthetic": self.synthetic,
        }

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {
            "text/html": self._html(),
            "text/plain": self.frame.to_string(index=False),
            PROVENANCE_MIME: self._record(),
        }

    def _html(self) -> str:
        e = html.escape
        rec = self._record()
        params = "".join(
            f"<tr><th>{e(k)}</th><td><code>{e(v)}</code></td></tr>"
            for k, v in rec["parameters"].items()
        )
        soft = "".join(
            f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rec["software"].items()
        )
        inputs = "".join(
            f"<tr><td><code>{e(i['path'])}</code></td>"
            f"<td><code class='sha'>{e(i['sha256'])}</code></td>"
            f"<td>{e(i['vintage'])}</td></tr>"
            for i in rec["inputs"]
        )
        banner = (
            f"<p class='coopstats-synthetic'>{SYNTHETIC_BANNER}: inputs marked SYNTHETIC below are "
            "invented or simulated; do not cite these results as real.</p>"
            if rec["synthetic"]
            else ""
        )
        return (
            "<section id='provenance' class='coopstats-provenance'><h2>Provenance</h2>"
            + banner
            + "<h3>Parameters</h3><table>"
            + params
            + "</table>"
            "<h3>Software</h3><table>" + soft + "</table>"
            "<h3>Input files</h3><table><tr><th>file</th><th>SHA-256</th><th>vintage</th></tr>"
            + inputs
            + "</table></section>"
        )


def show_provenance(
    params: ReportParams | Mapping[str, Any],
    inputs: Sequence[str | Path],
    *,
    root: str | Path | None = None,
    synthetic_inputs: Sequence[str | Path] = (),
) -> _Provenance:
    """Return the provenance block to display in a notebook (see :func:`provenance`).

    Every report notebook shows it once; ``coopstats report`` refuses a notebook without it.
    """
    return _Provenance(provenance(params, inputs, root=root, synthetic_inputs=synthetic_inputs))


def load_facts(path: str | Path) -> pd.DataFrame:
    """Return the validated facts table (:func:`coopstats.sources.facts.read_facts`).

    Rows keep their source line as index (what :func:`coopstats.sources.facts.series` tracks).

    Raises
    ------
    DataFileError
        When any row is quarantined: a report must not silently drop a cited figure. Run
        ``coopstats facts check PATH --quarantine DIR`` to see the ledger.
    """
    from .sources.facts import read_facts

    path = Path(path)
    if not path.is_file():
        raise MissingDataError(str(path), where=path.resolve(), how=_how_to_get("data/raw/facts"))
    cleaned = read_facts(path).check()
    if cleaned.rows_rejected:
        first = cleaned.ledger.iloc[0]
        raise DataFileError(
            f"{cleaned.rows_rejected} row(s) fail validation; first: {first['reason']}",
            path=path,
            line=None if pd.isna(first["line"]) else int(first["line"]),
            column=first["column"],
            hint=f"run `coopstats facts check {path} --quarantine .build`",
        )
    return cleaned.kept


def load_processed(
    name: str,
    *,
    processed_dir: str | Path,
    columns: Sequence[str] | None = None,
    filters: list[tuple] | None = None,
) -> pd.DataFrame:
    """Read ``<processed_dir>/<name>.parquet`` (written by ``coopstats data build``).

    Parameters
    ----------
    name
        Table name: ``trade``, ``exports_by_country``, ``facts``, ``indicators`` ...
    processed_dir
        The processed-data folder (``"../data/processed"`` from a notebook).
    columns, filters
        Passed to :func:`pandas.read_parquet` (pyarrow), e.g.
        ``filters=[("exporter_iso3", "==", "BLR")]`` to read one exporter's rows only.

    Raises
    ------
    MissingDataError
        The table is absent (with the command that builds it).
    """
    processed_dir = Path(processed_dir)
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise InvalidParameterError("name", name, why="a processed table name such as 'trade'")
    path = processed_dir / f"{name}.parquet"
    if not path.is_file():
        raise MissingDataError(
            f"{name}.parquet", where=path.resolve(), how=_how_to_get("data/processed")
        )
    return pd.read_parquet(path, columns=list(columns) if columns else None, filters=filters)


def require_rows(frame: pd.DataFrame, *, what: str, where: str | Path) -> pd.DataFrame:
    """Return ``frame`` unchanged, or raise :class:`MissingDataError` when it has no rows.

    Notebooks use it right after selecting the data they analyse, so an empty selection
    (a pair of countries that never trade the products, a window outside the data) fails with
    a message naming what was wanted instead of an obscure error further down.
    """
    if frame.empty:
        raise MissingDataError(what, where=where,
                               how="the selection is empty; check the parameters against the data")
    return frame


def sector_map_for(trade: pd.DataFrame | str | Path, sectors: Sequence[str]) -> pd.DataFrame:
    """``hs6_code, sector`` rows of ``sectors`` in the HS revision of ``trade``.

    Uses :func:`coopstats.hs.sector_map` (coopstats taxonomy) for the single ``hs_revision``
    found in ``trade``: a trade frame, or a processed-data folder whose ``trade.parquet`` is
    inspected (only its ``hs_revision`` column is read), so the codes can filter the read.

    Raises
    ------
    InvalidParameterError
        ``trade`` mixes HS revisions or a sector has no codes in that revision.
    """
    from . import hs

    if isinstance(trade, str | Path):
        column = load_processed("trade", processed_dir=trade, columns=["hs_revision"])[
            "hs_revision"
        ]
    else:
        column = trade["hs_revision"]
    revisions = sorted(pd.unique(column).tolist())
    if len(revisions) != 1:
        raise InvalidParameterError(
            "trade", f"hs_revision values {revisions}", why="one HS revision per analysis"
        )
    smap = hs.sector_map(revision=revisions[0])
    smap = smap[smap["sector"].isin(list(sectors))].reset_index(drop=True)
    missing = sorted(set(sectors) - set(smap["sector"]))
    if missing:
        raise InvalidParameterError(
            "sectors",
            missing,
            sorted(set(hs.sector_map(revision=revisions[0])["sector"])),
            why=f"no HS6 codes for them in {revisions[0]}",
        )
    return smap


class _Table:
    def __init__(self, frame: pd.DataFrame, caption: str, source: str, float_format: str) -> None:
        self.frame, self.caption, self.source, self.float_format = (
            frame,
            caption,
            source,
            float_format,
        )

    def _cell(self, v: object) -> str:
        if hasattr(v, "tolist") and not isinstance(v, str | float | int):
            v = v.tolist()  # numpy arrays from parquet list columns
        if isinstance(v, list | tuple):
            return ", ".join(self._cell(x) for x in v) if len(v) else "—"
        if v is None or (not isinstance(v, dict) and pd.isna(v)):
            return "—"
        if isinstance(v, float):
            if v.is_integer() and abs(v) < 10_000:  # years and counts in mixed columns
                return str(int(v))
            text = format(v, self.float_format)
            negative_zero = text.startswith("-") and not any(c in "123456789" for c in text)
            return text[1:] if negative_zero else text
        return str(v)

    def _repr_html_(self) -> str:
        if self.frame.empty:
            body = "<p class='coopstats-empty'>(no rows)</p>"
        else:
            frame = self.frame.apply(lambda col: col.map(self._cell))
            frame.columns = [str(c) for c in frame.columns]  # drop a pivot's columns name
            body = frame.to_html(
                index=False, border=0, render_links=True, escape=True, classes="coopstats-table"
            )
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        src = (
            f"<p class='coopstats-source'>Source: {html.escape(self.source)}</p>"
            if self.source
            else ""
        )
        return f"<figure class='coopstats-table'>{cap}{body}{src}</figure>"

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}\nSource: {self.source}"


def table(
    frame: pd.DataFrame, *, source: str, caption: str = "", float_format: str = ",.1f"
) -> _Table:
    """Display ``frame`` as a report table with a caption and its source (no index; URLs linked).

    Deterministic HTML (no random element ids, unlike a pandas ``Styler``).
    """
    if not isinstance(source, str) or not source.strip():
        raise InvalidParameterError("source", source, why="every table must name its source")
    return _Table(frame, caption, source.strip(), float_format)


# --------------------------------------------------------------------------------------------
# Processed data
# --------------------------------------------------------------------------------------------


def _tree_state(folder: Path) -> list[str]:
    out = []
    if folder.is_dir():
        for p in sorted(folder.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                st = p.stat()
                out.append(f"{p.relative_to(folder).as_posix()}\t{st.st_size}\t{st.st_mtime_ns}")
    return out


def ensure_processed(root: str | Path) -> bool:
    """Build ``data/processed`` from ``data/raw`` when it is missing or stale; True when built.

    Stale means ``data/raw/`` (names, sizes, modification times) or the coopstats code changed
    since the last build (state in ``.build/processed.state``). The build is deterministic, so a
    spurious rebuild rewrites identical bytes and no report re-runs.
    """
    root = Path(root).resolve()
    raw, processed = root / "data" / "raw", root / "data" / "processed"
    state_file = root / ".build" / "processed.state"
    state = "\n".join([f"code\t{code_fingerprint()}", *_tree_state(raw)])
    if (
        (processed / "manifest.json").is_file()
        and state_file.is_file()
        and state_file.read_text() == state
    ):
        return False
    try:
        from .sources.ingest import build_processed
    except ModuleNotFoundError as exc:  # pragma: no cover - until the ingest module lands
        raise MissingDataError(
            "coopstats.sources.ingest",
            where=processed,
            how=f"the processed-data builder is not available ({exc})",
        ) from None
    _progress("building data/processed from data/raw (state changed) ...")
    t0 = time.perf_counter()
    build_processed(raw, processed)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(state)
    _progress(f"data/processed built in {time.perf_counter() - t0:.1f} s")
    return True


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------


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


def _progress(message: str) -> None:
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)
    logger.info(message)


def build_stamp() -> str:
    """Return the build stamp: UTC now, or ``SOURCE_DATE_EPOCH`` when set (reproducible)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch else datetime.now(tz=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _kernelspec() -> dict:
    return {"name": KERNEL_NAME, "display_name": "Python (coopstats)", "language": "python"}


def _prepare(definition: ReportDefinition, root: Path, params: dict):
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


def _clean_outputs(nb):
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


def _execute(nb, definition: ReportDefinition, root: Path, params: dict, timeout: int):
    from jupyter_cache.executors.utils import single_nb_execution
    from jupyter_client.kernelspec import NoSuchKernel

    with _env(COOPSTATS_ROOT=str(root), PYTHONHASHSEED="0", MPLBACKEND=None):
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
    return _clean_outputs(result.nb), result.time


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


def _provenance_record(nb) -> dict | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if PROVENANCE_MIME in data:
                return dict(data[PROVENANCE_MIME])
    return None


_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style>
COOPSTATS_CSS
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<header class="coopstats-header">
{{ resources.coopstats_header }}
</header>
<main>
{%- endblock body_header -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="
{{- ((output | get_metadata('alt', 'image/png')) or 'Figure (no description)') | escape_html }}">
</div>
{% endblock data_png %}
{% block body_footer %}
</main>
<footer class="coopstats-footer">
{{ resources.coopstats_footer }}
</footer>
</body>
{% endblock body_footer %}
"""

_CSS = """
body { max-width: 1100px; margin: 0 auto; padding: 0 1.2rem 2rem; }
.coopstats-header, .coopstats-footer {
  font-family: var(--jp-content-font-family, system-ui, sans-serif); }
.coopstats-header .report-title { font-size: 1.05rem; font-weight: bold; margin: .4rem 0 .2rem; }
.coopstats-banner { background: #b00020; color: #fff; font-weight: bold; text-align: center;
  padding: .6rem; letter-spacing: .08em; font-size: 1.1rem; margin: 0 -1.2rem 1rem; }
.coopstats-header nav { font-size: .9rem; margin: .6rem 0; }
.coopstats-header .definition { color: #444; font-size: .9rem; }
.coopstats-provenance { border: 1px solid #ccc; background: #f7f7f7; padding: .4rem 1rem;
  font-size: .85rem; }
.jp-RenderedHTMLCommon section.coopstats-provenance table { border-collapse: collapse;
  margin: 0 0 .6rem 0; table-layout: auto; }
.jp-RenderedHTMLCommon section.coopstats-provenance th,
.jp-RenderedHTMLCommon section.coopstats-provenance td {
  text-align: left; padding: 2px 10px 2px 0; vertical-align: top; border: none; }
.coopstats-provenance code.sha { font-size: .75rem; }
.coopstats-synthetic { color: #b00020; font-weight: bold; }
figure.coopstats-table { margin: .5rem 0 1rem; }
figure.coopstats-table figcaption { font-weight: bold; margin-bottom: .3rem; }
.coopstats-source { color: #555; font-size: .8rem; margin-top: .2rem; }
.jp-RenderedHTMLCommon table.coopstats-table { border-collapse: collapse; font-size: .85rem;
  table-layout: auto; margin: 0; }
.jp-RenderedHTMLCommon table.coopstats-table th, .jp-RenderedHTMLCommon table.coopstats-table td {
  padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top;
  max-width: 28rem; }
.jp-RenderedHTMLCommon table.coopstats-table td.num { text-align: right; }
.coopstats-footer { color: #666; font-size: .8rem; border-top: 1px solid #ddd; margin-top: 2rem;
  padding-top: .5rem; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
"""


def _stamp_line(stamp: str) -> str:
    return f'<p class="{STAMP_CLASS}">Built {html.escape(stamp)}</p>'


def _banner(synthetic: bool, text: str = SYNTHETIC_BANNER) -> str:
    if not synthetic:
        return ""
    return f'<div class="coopstats-banner" role="alert">{html.escape(text)}</div>'


def _header(definition: ReportDefinition, params: dict, synthetic: bool) -> str:
    e = html.escape
    shown = ", ".join(
        f"{k}={json.dumps(v, ensure_ascii=False)}"
        for k, v in params.items()
        if not k.endswith("_fingerprint")
    )
    return (
        _banner(synthetic)
        + '<nav><a href="index.html">&larr; all reports</a></nav>'
        + f'<p class="report-title">{e(definition.title)}</p>'
        + f'<p class="definition">Report <code>{e(definition.name)}</code> from '
        f"<code>notebooks/{e(definition.notebook)}</code> with {e(shown) or 'default parameters'} "
        f"(definition <code>{e(definition.path)}</code>). Code is hidden; the provenance block "
        "lists parameters, software and input files with SHA-256.</p>"
    )


def _footer(stamp: str) -> str:
    from . import __version__

    return (
        f"<p>coopstats {html.escape(__version__)} &middot; rendered with nbconvert from the "
        "jupyter-cache record of this notebook.</p>\n" + _stamp_line(stamp)
    )


def render_html(
    nb, definition: ReportDefinition, params: dict, *, synthetic: bool, stamp: str
) -> str:
    """Render an executed notebook to a self-contained HTML page with code hidden."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        extra_loaders=[
            DictLoader({"coopstats_report.html.j2": _TEMPLATE.replace("COOPSTATS_CSS", _CSS)})
        ],
        template_file="coopstats_report.html.j2",
    )
    resources = {
        "metadata": {"name": definition.title},
        "coopstats_header": _header(definition, params, synthetic),
        "coopstats_footer": _footer(stamp),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    if 'id="provenance"' not in body and "id='provenance'" not in body:
        raise NotebookExecutionError(
            f"report {definition.name!r}: notebooks/{definition.notebook} "
            "shows no provenance block; "
            "display `report.show_provenance(params, inputs)` in it"
        )
    return body


def _require_quarto() -> str:
    quarto = shutil.which("quarto")
    if quarto is None:
        raise InvalidParameterError(
            "renderer",
            "quarto",
            list(RENDERERS),
            why="the `quarto` CLI is not on PATH; install it from "
            "https://quarto.org/docs/get-started/ "
            "or use --renderer nbconvert (the default)",
        )
    return quarto


def _render_quarto(
    nb, definition: ReportDefinition, root: Path, params: dict, *, synthetic: bool, stamp: str
) -> str:
    import nbformat

    quarto = _require_quarto()
    work = root / ".build" / "quarto"
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"{definition.name}.ipynb"
    nb = nbformat.from_dict(json.loads(nbformat.writes(nb)))
    nb.cells.insert(
        0,
        nbformat.v4.new_raw_cell(
            "---\n" + f"title: {json.dumps(definition.title, ensure_ascii=False)}\n"
            "echo: false\nexecute:\n  enabled: false\n"
            "format:\n  html:\n    embed-resources: true\n---"
        ),
    )
    nbformat.write(nb, src)
    proc = subprocess.run(
        [quarto, "render", src.name, "--to", "html", "--no-execute"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    out = work / f"{definition.name}.html"
    if proc.returncode != 0 or not out.is_file():
        raise CoopstatsError(
            f"report {definition.name!r}: `quarto render` failed (exit {proc.returncode}): "
            f"{(proc.stderr or proc.stdout).strip()[-800:]}"
        )
    page = out.read_text(encoding="utf-8")
    head = f"{_header(definition, params, synthetic)}"
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + head, page, count=1)
    page = page.replace(
        "</body>", f'<footer class="coopstats-footer">{_footer(stamp)}</footer></body>', 1
    )
    return page


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


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
        _require_quarto()
    definitions = load_definitions(root)
    names = [d.name for d in definitions]
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise InvalidParameterError("only", unknown[0], names, why="no such report definition")
        definitions = [d for d in definitions if d.name in set(only)]
    stamp = stamp or build_stamp()
    if any(p.startswith("data/processed") for d in definitions for p in d.inputs):
        ensure_processed(root)
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
            nb = _prepare(d, root, injected)
            bar.set_postfix_str(d.name)
            status: Literal["cached", "executed"]
            record = None
            if not force:
                try:
                    _, merged = cache.merge_match_into_notebook(nb)
                    status = "cached"
                    nb = _clean_outputs(merged)
                    record = _provenance_record(nb)
                except KeyError:
                    pass
            if record is None:
                _progress(
                    f"[{i}/{len(definitions)}] {d.name}: running notebooks/{d.notebook} "
                    f"on kernel {KERNEL_NAME} ..."
                )
                html_out = out_dir / f"{d.name}.html"
                try:
                    nb, _secs = _execute(nb, d, root, full, timeout)
                except NotebookExecutionError:
                    html_out.unlink(missing_ok=True)  # never leave a stale page for a failed report
                    raise
                record = _provenance_record(nb)
                if record is None:
                    raise NotebookExecutionError(
                        f"report {d.name!r}: notebooks/{d.notebook} shows no provenance block; "
                        "display `report.show_provenance(params, inputs)` in it"
                    )
                cache.cache_notebook_bundle(
                    CacheBundleIn(nb, f"{d.name}:{d.notebook}", data={"report": d.name}),
                    check_validity=True,
                    overwrite=True,
                )
                status = "executed"
            synthetic = bool(record.get("synthetic")) or any(
                is_synthetic(p) for p in inputs if _rel(p, root).startswith("data/processed")
            )
            nbformat.write(nb, _mkparent(root / ".build" / "executed" / f"{d.name}.ipynb"))
            shown = {k: v for k, v in full.items() if not k.endswith("_fingerprint")}
            if renderer == "quarto":
                page = _render_quarto(nb, d, root, shown, synthetic=synthetic, stamp=stamp)
            else:
                page = render_html(nb, d, shown, synthetic=synthetic, stamp=stamp)
            html_path = out_dir / f"{d.name}.html"
            _write_if_changed(html_path, page)
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
            _write_if_changed(
                root / ".build" / "reports" / f"{d.name}.json",
                json.dumps(_sidecar(d, result), indent=1, ensure_ascii=False, sort_keys=True),
            )
            results.append(result)
            _progress(
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


def _vintage_lines(inputs: list[dict]) -> list[tuple[str, str]]:
    """One line per input file, or per folder when more than three files share it."""
    by_dir: dict[str, list[dict]] = {}
    for i in inputs:
        by_dir.setdefault(i["path"].rsplit("/", 1)[0] if "/" in i["path"] else "", []).append(i)
    lines = []
    for folder, items in by_dir.items():
        if len(items) > 3:
            kinds = sorted({i["vintage"] for i in items if i["vintage"]})
            lines.append((f"{folder}/ ({len(items)} files)", "; ".join(kinds) or "see the report"))
        else:
            lines += [(i["path"], i["vintage"] or f"sha256 {i['sha256'][:12]}") for i in items]
    return lines


def write_index(root: str | Path, *, stamp: str | None = None) -> Path:
    """Write ``reports/index.html`` listing every defined report that has been built.

    Each entry: title (linked), description, notebook, parameters, data vintage, and the
    synthetic banner where the report uses the demonstration panel. Definitions without a
    built page are listed as "not built yet".
    """
    root = Path(root).resolve()
    e = html.escape
    stamp = stamp or build_stamp()
    try:
        definitions = load_definitions(root)
    except MissingDataError:
        definitions = []
    items = []
    any_synthetic = False
    for d in definitions:
        side = root / ".build" / "reports" / f"{d.name}.json"
        page = root / "reports" / f"{d.name}.html"
        if not (side.is_file() and page.is_file()):
            items.append(
                f'<li class="report missing"><h2>{e(d.title)}</h2><p>not built yet '
                f"(<code>coopstats report --only {e(d.name)}</code>)</p></li>"
            )
            continue
        info = json.loads(side.read_text(encoding="utf-8"))
        any_synthetic |= bool(info["synthetic"])
        params = "".join(
            f"<li><code>{e(k)}</code> = <code>{e(str(v))}</code></li>"
            for k, v in info["parameters"].items()
        )
        vintage = "".join(
            f"<li><code>{e(path)}</code>: {e(text)}</li>"
            for path, text in _vintage_lines(info["inputs"])
        )
        flag = f'<p class="coopstats-synthetic">{SYNTHETIC_BANNER}</p>' if info["synthetic"] else ""
        items.append(
            f'<li class="report"><h2><a href="{e(info["html"])}">{e(info["title"])}</a></h2>{flag}'
            f'<p>{e(info["description"])}</p>'
            f'<p class="meta">notebook <code>notebooks/{e(info["notebook"])}</code></p>'
            f"<details><summary>parameters</summary><ul>{params}</ul></details>"
            f'<p class="meta">data vintage:</p><ul class="vintage">{vintage}</ul></li>'
        )
    from . import __version__

    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>coopstats reports</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 960px;
  margin: 0 auto; padding: 0 1.2rem 2rem; color: #222; }}
.coopstats-banner {{ background: #b00020; color: #fff; font-weight: bold; text-align: center;
  padding: .6rem; letter-spacing: .08em; }}
.coopstats-synthetic {{ color: #b00020; font-weight: bold; margin: .2rem 0; }}
ul.reports {{ list-style: none; padding: 0; }}
li.report {{ border-bottom: 1px solid #ddd; padding: .6rem 0; }}
li.report h2 {{ font-size: 1.15rem; margin: .2rem 0; }}
.meta {{ color: #555; font-size: .85rem; margin: .2rem 0; }}
ul.vintage {{ font-size: .85rem; color: #444; margin-top: 0; }}
footer {{ color: #666; font-size: .8rem; border-top: 1px solid #ddd; margin-top: 2rem;
  padding-top: .5rem; }}
</style>
</head>
<body>
{_banner(any_synthetic, f"Reports marked below use {SYNTHETIC_BANNER}")}
<h1>coopstats reports</h1>
<p>Technological-sovereignty cooperation in the EAEU, the CIS, the CSTO and the Union State.
Each report is a notebook executed with the parameters shown; code is hidden, and every report
ends with a provenance block (parameters, software, input files with SHA-256).</p>
<ul class="reports">
{chr(10).join(items)}
</ul>
<footer>
<p>coopstats {e(__version__)} &middot; rebuild with <code>make report</code></p>
{_stamp_line(stamp)}
</footer>
</body>
</html>
"""
    path = root / "reports" / "index.html"
    _write_if_changed(path, page)
    return path


# --------------------------------------------------------------------------------------------
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
    from .config import project_root

    root = Path(args.root).resolve() if args.root else project_root()
    results = build(
        root, only=args.only, renderer=args.renderer, force=args.force, variant=args.variant
    )
    executed = sum(r.status == "executed" for r in results)
    _progress(
        f"{len(results)} report(s): {executed} executed, {len(results) - executed} from cache; "
        f"open {root / 'reports' / 'index.html'}"
    )
    return 0
