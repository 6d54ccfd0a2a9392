"""Partitioned processed trade data: one Parquet file per table, dataset and year.

``coopstats data build`` writes, beside the single-file tables (``trade.parquet`` ...), a
hive-partitioned copy of the trade tables::

    data/processed/<table>/dataset=<dataset>/year=<year>/part-0.parquet

for ``table`` in :data:`PARTITIONED` (``trade``, ``exports_by_country``, ``world_totals``).
Each file holds the canonical columns (``dataset`` and ``year`` included, so a single file
says what it is) sorted by ``hs6_code`` first, with Parquet min/max statistics on
``hs6_code``: a reader of a few products skips the other row groups, a reader of some years
or datasets never opens the other files. Files are written one year at a time while the
build streams a release, so the memory of the build does not grow with the number of years.

Every partition file is listed in the build's ``manifest.json`` (``outputs``, by its path
relative to the processed folder) with its SHA-256 and size; :func:`read_partitioned` checks
the files it reads against it.

Datasets are kept apart: the real BACI extract (``BACI_HS17_V202601``) and the synthetic
demonstration panel (``SYNTHETIC_DEMO``) are different partitions, so a report reading only
real data reads only real files (:func:`coopstats.provenance.is_synthetic` of such a file is
False).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from ..errors import ChecksumMismatchError, InvalidParameterError, MissingDataError

__all__ = [
    "PARTITIONED",
    "partition_path",
    "partition_files",
    "partition_outputs",
    "partition_datasets",
    "read_partitioned",
    "OUTPUTS",
    "TRADE_SORT",
    "EXPORTS_SORT",
    "WORLD_SORT",
]

#: Tables written as partitions by ``coopstats data build``.
PARTITIONED = ("trade", "exports_by_country", "world_totals")

#: Output files of ``data/processed`` by key of
#: :func:`coopstats.sources.ingest.build_processed`'s result.
OUTPUTS = {
    "trade": "trade.parquet",
    "exports_by_country": "exports_by_country.parquet",
    "world_totals": "world_totals.parquet",
    "facts": "facts.parquet",
    "indicators": "indicators.parquet",
    "manifest": "manifest.json",
}
#: Row order of the single-file tables (byte-identical output for identical input).
TRADE_SORT = ["dataset", "year", "exporter_iso3", "importer_iso3", "hs6_code"]
EXPORTS_SORT = ["dataset", "year", "exporter_iso3", "hs6_code"]
WORLD_SORT = ["dataset", "year", "hs6_code"]

_PART = "part-0.parquet"
_DATASET_DIR = re.compile(r"dataset=([A-Za-z0-9_.\-]+)")
_YEAR_DIR = re.compile(r"year=(\d{4})")


def partition_path(root: str | Path, table: str, dataset: str, year: int) -> Path:
    """``<root>/<table>/dataset=<dataset>/year=<year>/part-0.parquet``."""
    if table not in PARTITIONED:
        raise InvalidParameterError("table", table, list(PARTITIONED))
    if not _DATASET_DIR.fullmatch(f"dataset={dataset}"):
        raise InvalidParameterError("dataset", dataset, why="letters, digits, _ . - only")
    return Path(root) / table / f"dataset={dataset}" / f"year={int(year)}" / _PART


def partition_files(
    root: str | Path,
    table: str,
    *,
    datasets: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> list[Path]:
    """Partition files of ``table`` under ``root``, optionally of some datasets and years only.

    Only the folder names are read (no file is opened).
    """
    if table not in PARTITIONED:
        raise InvalidParameterError("table", table, list(PARTITIONED))
    base = Path(root) / table
    if not base.is_dir():
        return []
    want_d = None if datasets is None else {str(d) for d in datasets}
    want_y = None if years is None else {int(y) for y in years}
    out = []
    for ddir in sorted(base.iterdir()):
        m = _DATASET_DIR.fullmatch(ddir.name)
        if not m or (want_d is not None and m.group(1) not in want_d):
            continue
        for ydir in sorted(ddir.iterdir()):
            y = _YEAR_DIR.fullmatch(ydir.name)
            if not y or (want_y is not None and int(y.group(1)) not in want_y):
                continue
            if (ydir / _PART).is_file():
                out.append(ydir / _PART)
    return out


def partition_datasets(root: str | Path, table: str = "trade") -> dict[str, list[int]]:
    """``{dataset: [years]}`` of the partitions of ``table`` (from folder names only)."""
    out: dict[str, list[int]] = {}
    for f in partition_files(root, table):
        d = _DATASET_DIR.fullmatch(f.parent.parent.name).group(1)
        out.setdefault(d, []).append(int(_YEAR_DIR.fullmatch(f.parent.name).group(1)))
    return out


def partition_outputs(root: str | Path, hasher) -> dict[str, dict]:
    """Manifest entries ``{relative path: {sha256, bytes}}`` of every partition file."""
    root = Path(root)
    out = {}
    for table in PARTITIONED:
        for f in partition_files(root, table):
            out[f.relative_to(root).as_posix()] = {
                "sha256": hasher(f),
                "bytes": f.stat().st_size,
            }
    return out


_VERIFIED: dict[tuple[str, int, int], str] = {}


def _verify(path: Path, root: Path, manifest: dict) -> None:
    from .fetch import file_sha256

    rel = path.relative_to(root).as_posix()
    meta = manifest.get("outputs", {}).get(rel)
    rebuild = "rebuild with `coopstats data build --root .`"
    if not isinstance(meta, dict) or "sha256" not in meta:
        raise ChecksumMismatchError(
            "the partition is not listed in manifest.json (left from another build?)",
            path=path,
            hint=rebuild,
        )
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if _VERIFIED.get(key) == meta["sha256"]:
        return
    if st.st_size != int(meta.get("bytes", st.st_size)):
        raise ChecksumMismatchError(
            f"the file has {st.st_size} bytes, its build wrote {meta['bytes']}",
            path=path,
            hint=rebuild,
        )
    digest = file_sha256(path)
    if digest != meta["sha256"]:
        raise ChecksumMismatchError(
            f"SHA-256 {digest[:12]}... differs from {meta['sha256'][:12]}... in manifest.json",
            path=path,
            hint=rebuild,
        )
    _VERIFIED[key] = digest


def read_partitioned(
    table: str,
    processed_dir: str | Path,
    *,
    datasets: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    hs6_codes: Iterable[str] | None = None,
    columns: Sequence[str] | None = None,
    filters: list[tuple] | None = None,
    verify: bool = True,
) -> pd.DataFrame:
    """Read a partitioned processed table: only the files of ``datasets`` and ``years``.

    Parameters
    ----------
    table : {"trade", "exports_by_country", "world_totals"}
    processed_dir : path
        ``data/processed``.
    datasets, years : optional
        Select partitions by folder name (other files are not opened).
    hs6_codes : optional
        Keep these products; row groups without them are skipped (files are sorted by code).
    columns, filters
        Passed to pyarrow (``filters`` in the :func:`pandas.read_parquet` form).
    verify : bool
        Check each file read against the SHA-256 in ``manifest.json`` first.

    Returns
    -------
    pandas.DataFrame
        The canonical columns with their :mod:`coopstats.columns` dtypes, sorted by the
        partition order (dataset, year) then as stored.

    Raises
    ------
    MissingDataError
        No partition matches (says which datasets and years exist).
    ChecksumMismatchError
        A file differs from what its build recorded.
    """
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from ..columns import COLUMNS

    root = Path(processed_dir)
    files = partition_files(root, table, datasets=datasets, years=years)
    if not files:
        have = partition_datasets(root, table) if (root / table).is_dir() else {}
        raise MissingDataError(
            f"{table} partitions"
            + (f" of {sorted(datasets)}" if datasets is not None else "")
            + (f" for {sorted(int(y) for y in years)}" if years is not None else ""),
            where=(root / table).resolve(),
            how=f"present: {have or 'none'}; run `coopstats data build --root .`",
        )
    if verify:
        mpath = root / "manifest.json"
        if not mpath.is_file():
            raise MissingDataError(
                "manifest.json", where=mpath.resolve(), how="run `coopstats data build --root .`"
            )
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        for f in files:
            _verify(f, root, manifest)
    expr = None
    if filters:
        expr = pq.filters_to_expression(filters)
    if hs6_codes is not None:
        codes = ds.field("hs6_code").isin(sorted({str(c) for c in hs6_codes}))
        expr = codes if expr is None else expr & codes
    dataset = ds.dataset([str(f) for f in files], format="parquet")
    tbl = dataset.to_table(columns=list(columns) if columns else None, filter=expr)
    frame = tbl.to_pandas()
    types = {c: COLUMNS[c].dtype for c in frame.columns if c in COLUMNS}
    return frame.astype(types).reset_index(drop=True)
