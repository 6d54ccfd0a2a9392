"""Provenance of a report: fingerprints of inputs and code, input vintage, git state.

Used on both sides of a notebook: ``coopstats report`` puts :func:`data_fingerprint` and
:func:`code_fingerprint` into the cache key and the injected parameters; the notebook displays
:func:`show_provenance` once, whose machine-readable record (:data:`PROVENANCE_MIME`) the
build checks and copies into the index.
"""

from __future__ import annotations

import hashlib
import html
import json
import platform
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataFileError, MissingDataError
from .params import ReportParams
from .sources._text import parse_json
from .sources.fetch import file_sha256
from .sources.processed import how_to_get
from .sources.synthetic import DEMO_DATASET, DEMO_LABEL

__all__ = [
    "SYNTHETIC_BANNER",
    "SYNTHETIC_DATASET",
    "PROVENANCE_MIME",
    "sha256_file",
    "relative_path",
    "input_files",
    "data_fingerprint",
    "code_fingerprint",
    "is_synthetic",
    "input_vintage",
    "provenance",
    "show_provenance",
]

#: Banner text on every page that uses the synthetic demonstration panel (defined once, in
#: :mod:`coopstats.sources.synthetic`).
SYNTHETIC_BANNER = DEMO_LABEL
#: MIME type of the machine-readable provenance output a notebook must display.
PROVENANCE_MIME = "application/vnd.coopstats.provenance+json"
#: Dataset label of the synthetic panel (``coopstats.sources.synthetic.demo_panel``).
SYNTHETIC_DATASET = DEMO_DATASET

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


def relative_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` in POSIX form, or absolute when outside it."""
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
            raise MissingDataError(str(p), where=path, how=how_to_get(str(p).lstrip("./")))
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
    lines = [f"{relative_path(path, root)}\t{sha256_file(path)}\n" for path in input_files(inputs)]
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
                path=", ".join(relative_path(p, root) for p in paths),
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
            is_synthetic(p) if relative_path(p, root).startswith("data/processed") else False
        )
        vintage = input_vintage(p)
        detail = (
            f"{vintage}; SYNTHETIC"
            if flagged and vintage
            else ("SYNTHETIC" if flagged else vintage)
        )
        rows.append(("inputs", relative_path(p, root), sha256_file(p), detail))
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
        from .text import LANGUAGES
        from .text import t as tr

        e = html.escape
        rec = self._record()
        lang = rec["parameters"].get("language", "en")
        lang = lang if lang in LANGUAGES else "en"
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
            f"<p class='coopstats-synthetic'>{e(tr('banner.synthetic', lang))}: "
            f"{e(tr('provenance.synthetic_note', lang))}</p>"
            if rec["synthetic"]
            else ""
        )
        return (
            "<section id='provenance' class='coopstats-provenance'>"
            f"<h2>{e(tr('page.provenance', lang))}</h2>"
            + banner
            + f"<h3>{e(tr('page.parameters', lang))}</h3><table>"
            + params
            + "</table>"
            f"<h3>{e(tr('provenance.software', lang))}</h3><table>" + soft + "</table>"
            f"<h3>{e(tr('provenance.inputs', lang))}</h3><table><tr>"
            f"<th>{e(tr('provenance.file', lang))}</th><th>SHA-256</th>"
            f"<th>{e(tr('provenance.vintage', lang))}</th></tr>"
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
