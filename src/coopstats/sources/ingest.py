"""Rebuild ``data/processed/`` from ``data/raw/``: deterministic Parquet, ledgers, manifest.

``build_processed(raw_dir, processed_dir)`` writes

=============================  ================================================================
``trade.parquet``              canonical trade (:data:`coopstats.schemas.TRADE`): every flow of a
                               bloc member (as exporter or importer) with any partner; members =
                               the union over time of EAEU, CIS, CSTO, Union State and Customs
                               Union members in :func:`coopstats.membership.membership`
``exports_by_country.parquet`` ``year, exporter_iso3, hs6_code, hs_revision, value_usd, dataset``:
                               every country's exports to the world (sum over importers), what
                               RCA, ECI and world concentration need
``world_totals.parquet``       ``year, hs6_code, hs_revision, value_usd, dataset``: world exports
                               per product and year (sum over exporters, incl. areas without ISO3)
``facts.parquet``              the validated facts table (``sources.facts.read_facts``)
``indicators.parquet``         WDI indicators (``sources.wdi.read_wdi`` of ``raw/wdi/*.csv``)
``quarantine/<step>.csv``      every rejected row with file, line, column, value and rule
``manifest.json``              inputs with SHA-256, datasets, row counts, output checksums and
                               ``synthetic: true|false``
=============================  ================================================================

UN Comtrade answers (``raw/downloads/comtrade/`` or ``raw/comtrade/``: API JSON, CSV, bulk
files) are read with :mod:`coopstats.sources.comtrade` (reported or mirror per flow) and their
bloc members' flows appended to ``trade.parquet`` under their own ``dataset``.

Raw layout: ``raw/baci/`` (the shipped dictionaries; yearly CSVs may be dropped here),
``raw/downloads/baci/`` (release zips fetched by ``coopstats data fetch``; ``raw/downloads/``
is searched too), ``raw/facts/facts.csv``, ``raw/wdi/*.csv``. When neither a BACI release
nor a Comtrade file is present the trade tables come from
:func:`coopstats.sources.synthetic.demo_panel` and the manifest says ``synthetic: true``.

Large flow files are read once, in chunks parsed by pyarrow (see
:func:`coopstats.sources.baci.scan_flows`);
no release is ever loaded into pandas. Output is byte-identical for identical input: rows are
sorted by their key, row groups have a fixed size, and no timestamp is written anywhere.

Concurrency and crashes: a build holds an exclusive ``fcntl`` lock on
``<parent>/.<processed>.lock`` (a second concurrent build fails at once with
:class:`~coopstats.errors.BuildLockedError` naming the holder's pid, or waits with
``wait=True``). Outputs are written into a fresh folder beside ``data/processed`` and swapped
in with one atomic ``renameat2(RENAME_EXCHANGE)`` (two renames where the system lacks it, with
recovery of the previous folder by the next build), so a crash at any moment leaves the
previous outputs intact. A failed write (permissions, full disk) raises
:class:`~coopstats.errors.OutputWriteError` naming the path.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schemas
from ..columns import BLOCS
from ..errors import (
    BuildLockedError,
    CoopstatsError,
    DataFileError,
    MissingDataError,
    OutputWriteError,
    ProjectRootError,
)
from ..ledger import Cleaned, empty_ledger, write_ledger
from ..schemas import TRADE
from .fetch import file_sha256

__all__ = [
    "build_processed",
    "build_lock",
    "swap_in",
    "source_summary",
    "ingest_baci",
    "cli_build",
    "bloc_member_union",
    "write_parquet",
    "write_frame_partitions",
    "OUTPUTS",
    "ROW_GROUP_SIZE",
]

logger = logging.getLogger(__name__)

#: Rows per Parquet row group (fixed so that files are byte-identical run to run).
ROW_GROUP_SIZE = 262_144

#: Folders of ``raw/`` searched for BACI release zips and yearly CSVs (``coopstats data fetch``
#: puts zips into ``downloads/baci/``; yearly CSVs may also be dropped beside the dictionaries).
BACI_LOCATIONS = ("downloads/baci", "downloads", "baci")

#: Blocs whose members' flows are kept row by row.
MEMBER_BLOCS = BLOCS  # the one bloc list (coopstats.columns)

EXPORTS = schemas.EXPORTS  # columns of exports_by_country.parquet
WORLD = schemas.WORLD  # columns of world_totals.parquet
TRADE_SORT = ["dataset", "year", "exporter_iso3", "importer_iso3", "hs6_code"]
EXPORTS_SORT = ["dataset", "year", "exporter_iso3", "hs6_code"]
WORLD_SORT = ["dataset", "year", "hs6_code"]

#: Output file names by key of :func:`build_processed`'s result.
OUTPUTS = {
    "trade": "trade.parquet",
    "exports_by_country": "exports_by_country.parquet",
    "world_totals": "world_totals.parquet",
    "facts": "facts.parquet",
    "indicators": "indicators.parquet",
    "manifest": "manifest.json",
}


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _arrow_schema(columns: list[str], *, dictionary: bool = False):
    """Arrow schema of canonical ``columns``; text as dictionary<int32, string> when asked.

    Dictionary arrays are written to Parquet as dictionary pages directly (no re-encoding);
    files are written without the Arrow schema, so readers get plain strings back.
    """
    import pyarrow as pa

    from ..columns import COLUMNS

    text = pa.dictionary(pa.int32(), pa.string()) if dictionary else pa.string()
    types = {"int64": pa.int64(), "float64": pa.float64(), "string": text, "bool": pa.bool_()}
    return pa.schema(
        [pa.field(c, types[COLUMNS[c].dtype], nullable=COLUMNS[c].nullable) for c in columns]
    )


def write_parquet(table, path: str | Path, *, row_group_size: int = ROW_GROUP_SIZE) -> Path:
    """Write a pyarrow Table or DataFrame deterministically.

    zstd, fixed row groups, no pandas or time metadata.

    The caller sorts the rows; this function writes them as given.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    table = table.replace_schema_metadata(None)
    path = Path(path)
    pq.write_table(table, path, row_group_size=row_group_size, **_parquet_options(table.schema))
    return path


#: Text columns that get Parquet min/max statistics (the usual filter keys).
_STATS_COLUMNS = frozenset(
    {"exporter_iso3", "importer_iso3", "country_iso3", "hs6_code", "dataset", "fact_id"}
)


def _parquet_options(schema, *, no_statistics: Iterable[str] = ()) -> dict:
    """Return writer options: zstd, dictionary encoding for text only, statistics, no timestamps.

    ``no_statistics`` names columns whose min/max would be useless for skipping row groups
    (e.g. ``hs6_code`` in a file sorted by exporter first, where every row group spans almost
    every code); string statistics are the costliest part of writing such a file.
    """
    import pyarrow as pa

    text = [
        f.name
        for f in schema
        if pa.types.is_string(f.type)
        or pa.types.is_large_string(f.type)
        or pa.types.is_dictionary(f.type)
    ]
    return {
        "compression": "zstd",
        "compression_level": 1,
        "use_dictionary": text,
        # min/max statistics let readers skip row groups (filters on year, countries, HS6);
        # they are not computed for the other text columns, where they cost time for nothing
        "write_statistics": [
            f.name
            for f in schema
            if f.name not in no_statistics
            and (
                f.name in _STATS_COLUMNS
                or not (pa.types.is_string(f.type) or pa.types.is_dictionary(f.type))
            )
        ],
        "store_schema": False,
    }


class _ParquetParts:
    """Append sorted chunks to one Parquet file with fixed-size row groups."""

    def __init__(
        self, path: Path, columns: list[str], *, no_statistics: Iterable[str] = ()
    ) -> None:
        import pyarrow as pa

        self.path = path
        self.no_statistics = tuple(no_statistics)
        self.schema = _arrow_schema(columns, dictionary=True)
        self.pending: list = []
        self.pending_rows = 0
        self.rows = 0
        self._writer = None
        self._pa = pa

    def _open(self):
        import pyarrow.parquet as pq

        if self._writer is None:
            self._writer = pq.ParquetWriter(
                self.path,
                self.schema,
                **_parquet_options(self.schema, no_statistics=self.no_statistics),
            )
        return self._writer

    def append(self, table) -> None:
        table = table.select(self.schema.names).cast(self.schema)
        self.pending.append(table)
        self.pending_rows += table.num_rows
        self.rows += table.num_rows
        while self.pending_rows >= ROW_GROUP_SIZE:
            merged = self._pa.concat_tables(self.pending)
            self._open().write_table(merged.slice(0, ROW_GROUP_SIZE), row_group_size=ROW_GROUP_SIZE)
            rest = merged.slice(ROW_GROUP_SIZE)
            self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> Path:
        writer = self._open()
        if self.pending_rows:
            writer.write_table(self._pa.concat_tables(self.pending), row_group_size=ROW_GROUP_SIZE)
        elif self.rows == 0:
            writer.write_table(self.schema.empty_table())
        writer.close()
        self.pending = []
        return self.path


def bloc_member_union(blocs: Iterable[str] = MEMBER_BLOCS) -> list[str]:
    """Return the ISO3 codes that were ever full members of any of ``blocs``.

    From :func:`coopstats.membership.membership` (role ``member``; observers and associates
    excluded).
    """
    from ..membership import membership

    m = membership()
    sel = m[m["bloc"].isin(list(blocs)) & (m["role"] == "member")]
    return sorted(set(sel["country_iso3"].astype(str)))


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _root_relative(cleaned: Cleaned, raw: Path) -> Cleaned:
    """Return ``cleaned`` with its ledger's absolute file paths relative to the project root.

    The root is the folder holding ``data/raw`` (or ``raw``'s parent in another layout), so
    ``data/raw/wdi/X.csv`` is written the same in every clone: processed data are
    byte-identical wherever the repository lives.
    """
    root = raw.parent.parent if raw.parent.name == "data" else raw.parent
    ledger = cleaned.ledger.copy()
    ledger["file"] = [
        _rel(Path(f), root) if isinstance(f, str) and Path(f).is_absolute() else f
        for f in ledger["file"]
    ]
    return dataclasses.replace(cleaned, ledger=ledger)


# --------------------------------------------------------------------------------------------
# BACI
# --------------------------------------------------------------------------------------------


def _ranks(iso3: dict[int, str]):
    """Sorted ISO3 names (as a pyarrow array) and a BACI code -> rank lookup table."""
    import pyarrow as pa

    names = sorted(set(iso3.values()))
    rank = {iso: r for r, iso in enumerate(names)}
    lut = np.full(1000, -1, dtype=np.int32)
    for code, iso in iso3.items():
        lut[code] = rank[iso]
    return pa.array(names, type=pa.string()), lut


def _take(dictionary, indices: np.ndarray):
    """Strings ``dictionary[indices]`` as a dictionary array (no string copies)."""
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), dictionary)


def _constant(value: str, n: int):
    import pyarrow as pa

    return _take(pa.array([value], pa.string()), np.zeros(n, dtype=np.int32))


#: Rows converted to Arrow at a time (bounds the memory of the conversion).
_CHUNK = 262_144


def _append_trade(
    parts: _ParquetParts, att, year: int, release, *, by_product: bool = False
) -> None:
    """Append the canonical trade rows of an :class:`~coopstats.sources.baci.Attributed` scan.

    Sorted by exporter, importer and HS6 code (``by_product``: by HS6 code first, the order
    of the partition files, whose row groups then each span a few products).
    """
    import pyarrow as pa

    dictionary, lut = _ranks(att.iso3)
    hs6 = pa.array(release.products["hs6_code"].to_numpy(dtype=object), type=pa.string())
    er = lut[att.kept_column("i")]
    ir = lut[att.kept_column("j")]
    kx = att.kept_column("k_index")
    n_c, n_p = len(dictionary), len(release.products)
    # one integer key; the rows arrive sorted by BACI code, so the stable sort mostly merges runs
    if by_product:
        order = np.argsort((kx.astype(np.int64) * n_c + er) * n_c + ir, kind="stable")
    else:
        order = np.argsort((er.astype(np.int64) * n_c + ir) * n_p + kx, kind="stable")
    usd, q = att.kept_column("value_usd"), att.kept_column("q")
    for start in range(0, max(len(order), 1), _CHUNK):
        o = order[start : start + _CHUNK]
        n = len(o)
        parts.append(
            pa.table(
                {
                    "year": pa.array(np.full(n, year, dtype=np.int64)),
                    "exporter_iso3": _take(dictionary, er[o]),
                    "importer_iso3": _take(dictionary, ir[o]),
                    "hs6_code": _take(hs6, kx[o].astype(np.int32)),
                    "hs_revision": _constant(release.revision, n),
                    "value_usd": pa.array(usd[o]),
                    "quantity_t": pa.array(q[o], from_pandas=True),
                    "flow_basis": _constant("reconciled", n),
                    "dataset": _constant(release.dataset, n),
                }
            )
        )


def _append_exports(
    parts: _ParquetParts, att, year: int, release, *, by_product: bool = False
) -> None:
    """Append the ``EXPORTS`` rows of an attributed scan, sorted by exporter and HS6 code.

    ``by_product``: sorted by HS6 code, then exporter (partition files).
    """
    import pyarrow as pa

    dictionary, lut = _ranks(att.iso3)
    hs6 = pa.array(release.products["hs6_code"].to_numpy(dtype=object), type=pa.string())
    er = lut[att.exports_column("i")]
    kx = att.exports_column("k_index")
    if by_product:
        order = np.argsort(kx.astype(np.int64) * (int(lut.max(initial=0)) + 1) + er, kind="stable")
    else:
        order = np.argsort(er.astype(np.int64) * len(release.products) + kx, kind="stable")
    usd = att.exports_column("value_usd")
    for start in range(0, max(len(order), 1), _CHUNK):
        o = order[start : start + _CHUNK]
        n = len(o)
        parts.append(
            pa.table(
                {
                    "year": pa.array(np.full(n, year, dtype=np.int64)),
                    "exporter_iso3": _take(dictionary, er[o]),
                    "hs6_code": _take(hs6, kx[o].astype(np.int32)),
                    "hs_revision": _constant(release.revision, n),
                    "value_usd": pa.array(usd[o]),
                    "dataset": _constant(release.dataset, n),
                }
            )
        )


def _write_partitions(out: Path, att, year: int, release, world: pd.DataFrame) -> None:
    """Write one release year to its partition files (trade, exports, world totals)."""
    from .store import partition_path

    for table, columns, append in (
        ("trade", TRADE, _append_trade),
        ("exports_by_country", EXPORTS, _append_exports),
    ):
        path = partition_path(out, table, release.dataset, year)
        path.parent.mkdir(parents=True, exist_ok=True)
        parts = _ParquetParts(path, columns)
        append(parts, att, year, release, by_product=True)
        parts.close()
    path = partition_path(out, "world_totals", release.dataset, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_parquet(_typed(world, WORLD).sort_values("hs6_code", kind="stable"), path)


def write_frame_partitions(out: str | Path, table: str, frame: pd.DataFrame) -> list[Path]:
    """Write a canonical frame (one or several datasets and years) to its partition files.

    Sorted by ``hs6_code`` then the table's key within each file (see
    :mod:`coopstats.sources.store`); returns the files written.
    """
    from .store import partition_path

    columns = {"trade": TRADE, "exports_by_country": EXPORTS, "world_totals": WORLD}[table]
    sort = {"trade": ["hs6_code", "exporter_iso3", "importer_iso3"],
            "exports_by_country": ["hs6_code", "exporter_iso3"],
            "world_totals": ["hs6_code"]}[table]
    written = []
    for (dataset, year), part in frame.groupby(["dataset", "year"], sort=True):
        path = partition_path(out, table, str(dataset), int(year))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(_typed(part, columns).sort_values(sort, kind="stable"), path)
        written.append(path)
    return written


def ingest_baci(
    releases,
    out: str | Path,
    members: list[str],
    *,
    progress: bool = False,
    extra_trade: pd.DataFrame | None = None,
    limits=None,
    partitions: bool = True,
    union: Iterable[str] | None = None,
    extra_tables: Callable[[set], tuple] | None = None,
    raw: Path | None = None,
) -> dict:
    """Stream every release's flow files once; write trade, exports and world totals.

    The BACI part of :func:`build_processed`, usable on its own.

    Parameters
    ----------
    releases : list of coopstats.sources.baci.Release
        From :func:`coopstats.sources.baci.find_releases`.
    out : path
        Folder receiving ``trade.parquet``, ``exports_by_country.parquet``,
        ``world_totals.parquet`` and ``quarantine/baci.csv``.
    members : list of str
        ISO3 codes whose flows are kept row by row (:func:`bloc_member_union`).
    progress : bool
        tqdm bar over the bytes of the flow files.
    extra_trade : pandas.DataFrame, optional
        Canonical trade rows appended after BACI's (Comtrade).
    limits : coopstats.sources.baci.ReadLimits, optional
        Reader limits (default :data:`coopstats.sources.baci.READ_LIMITS`).
    partitions : bool
        Also write every release year to its partition files
        (:mod:`coopstats.sources.store`: ``<out>/<table>/dataset=<d>/year=<y>/part-0.parquet``),
        one year at a time.
    union : iterable of str, optional
        Datasets whose rows go into the single-file tables (default: every release); the
        others are written to their partitions only (e.g. an extract beside a full release).
    extra_tables : callable, optional
        Called after the BACI pass with the set of ``(year, hs_revision, hs6_code)`` the
        releases covered;
        returns ``(trade, exports, world)`` frames (or None) appended to the single-file tables
        after BACI's (the synthetic panel for what a partial extract does not cover).
    raw : path, optional
        The raw-data folder: ledger file paths are written relative to its project root.

    Returns
    -------
    dict
        Row counts per file and in total, SHA-256 of each flow file, exporters left out of
        ``exports_by_country`` for lack of an ISO3, ``covered`` (years and product counts per
        dataset).
    """
    from .baci import attribute, codes_for, scan_flows

    out = Path(out)
    (out / "quarantine").mkdir(parents=True, exist_ok=True)

    # both files are sorted by exporter first: hs6_code min/max per row group would span
    # nearly every code and let no reader skip anything (world_totals keeps them)
    trade = _ParquetParts(out / OUTPUTS["trade"], TRADE, no_statistics=("hs6_code",))
    exports = _ParquetParts(
        out / OUTPUTS["exports_by_country"], EXPORTS, no_statistics=("hs6_code",)
    )
    world_parts: list[pd.DataFrame] = []
    ledgers: list[pd.DataFrame] = []
    stats = {
        "rows_in": 0,
        "rows_rejected": 0,
        "rows_kept": 0,
        "files": [],
        "excluded_exporters": [],
        "covered": {},
        "timings": [],
    }
    in_union = None if union is None else set(union)
    covered: set = set()
    from concurrent.futures import ThreadPoolExecutor

    bar = _progress_bar(releases, progress)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coopstats-exports")
    try:
        for rel in releases:
            keep = codes_for(members, rel)
            for flow in rel.flows:
                started = time.perf_counter()
                scan = scan_flows(
                    flow,
                    rel,
                    keep=keep,
                    progress=bar.update if bar is not None else None,
                    limits=limits,
                )
                att = attribute(scan, rel)
                united = in_union is None or rel.dataset in in_union
                if united:
                    # exports are converted and written beside the trade rows (pyarrow and the
                    # numpy sort release the GIL); the two files are independent
                    pending = pool.submit(_append_exports, exports, att, flow.year, rel)
                    _append_trade(trade, att, flow.year, rel)
                    pending.result()
                # world exports per product, incl. exporters without ISO3 ('nes' areas)
                world = np.bincount(
                    scan.exports["k_index"].to_numpy(),
                    weights=scan.exports["value_usd"].to_numpy(),
                    minlength=len(rel.products),
                )
                nz = np.flatnonzero(world)
                world_year = pd.DataFrame(
                    {
                        "year": np.int64(flow.year),
                        "hs6_code": rel.products["hs6_code"].to_numpy()[nz],
                        "hs_revision": rel.revision,
                        "value_usd": world[nz],
                        "dataset": rel.dataset,
                    }
                )
                if united:
                    world_parts.append(world_year)
                    covered.update(
                        (flow.year, rel.revision, c) for c in world_year["hs6_code"]
                    )
                if partitions:
                    _write_partitions(out, att, flow.year, rel, world_year)
                stats["covered"].setdefault(rel.dataset, {})[str(flow.year)] = len(world_year)
                for code, value in zip(att.excluded["i"], att.excluded["value_usd"], strict=True):
                    stats["excluded_exporters"].append(
                        {
                            "dataset": rel.dataset,
                            "year": flow.year,
                            "baci_code": int(code),
                            "value_usd": float(value),
                            "why": "no ISO3 country in coopstats.geo; "
                            "in world_totals, not in exports_by_country",
                        }
                    )
                ledgers.append(att.ledger)
                n_unmapped = att.rows_rejected
                n_kept = len(att.kept_rows) if att.kept_rows is not None else len(att.source_kept)
                ledgers.append(scan.ledger)
                stats["rows_in"] += scan.rows_in
                stats["rows_rejected"] += scan.rows_rejected + n_unmapped
                stats["rows_kept"] += n_kept
                stats["files"].append(
                    {
                        "file": flow.member or flow.path.name,
                        "container": flow.path.name,
                        "dataset": rel.dataset,
                        "year": flow.year,
                        "sha256": scan.sha256,
                        "rows_in": scan.rows_in,
                        "rows_rejected": scan.rows_rejected + n_unmapped,
                        "rows_bloc": n_kept,
                    }
                )
                # wall time per file: for benchmarks; build_processed leaves it out of the
                # manifest (outputs stay byte-identical run to run)
                stats["timings"].append(
                    {
                        "dataset": rel.dataset,
                        "year": flow.year,
                        "rows_in": scan.rows_in,
                        "seconds": time.perf_counter() - started,
                    }
                )
                del att, scan  # free the year's arrays before the next file
    finally:
        pool.shutdown()
        if bar is not None:
            bar.close()
    if extra_trade is not None and len(extra_trade):  # Comtrade rows after BACI's
        import pyarrow as pa

        trade.append(pa.Table.from_pandas(_typed(extra_trade, TRADE), preserve_index=False))
    if extra_tables is not None:  # e.g. the synthetic panel where an extract has no data
        import pyarrow as pa

        more_trade, more_exports, more_world = extra_tables(covered)
        if more_trade is not None and len(more_trade):
            trade.append(pa.Table.from_pandas(_typed(more_trade, TRADE), preserve_index=False))
        if more_exports is not None and len(more_exports):
            exports.append(
                pa.Table.from_pandas(_typed(more_exports, EXPORTS), preserve_index=False)
            )
        if more_world is not None and len(more_world):
            world_parts.append(more_world)

    def write_world_and_ledger() -> None:
        world = (
            pd.concat(world_parts, ignore_index=True)
            if world_parts
            else pd.DataFrame(columns=WORLD)
        )
        write_parquet(
            _typed(world, WORLD).sort_values(WORLD_SORT, kind="stable"),
            out / OUTPUTS["world_totals"],
        )
        ledger = pd.concat(ledgers, ignore_index=True) if ledgers else empty_ledger()
        cleaned = Cleaned(
            pd.DataFrame(), ledger, "baci", int(ledger.drop_duplicates(["file", "line"]).shape[0])
        )
        write_ledger(
            _root_relative(cleaned, raw) if raw is not None else cleaned, out / "quarantine"
        )

    # the last row groups of the three files are written side by side (pyarrow's writer and
    # compression release the GIL)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="coopstats-write") as writers:
        side = [writers.submit(exports.close), writers.submit(write_world_and_ledger)]
        trade.close()
        for job in side:
            job.result()
    stats["rows_trade"] = trade.rows
    stats["rows_exports"] = exports.rows
    return stats


def _progress_bar(releases, progress: bool):
    if not progress:
        return None
    from tqdm.auto import tqdm

    total = 0
    for rel in releases:
        for f in rel.flows:
            if f.member is None:
                total += f.path.stat().st_size
            else:
                import zipfile

                with zipfile.ZipFile(f.path) as zf:
                    total += zf.getinfo(f.member).file_size
    return tqdm(total=total, unit="B", unit_scale=True, desc="BACI", leave=False)


def _typed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    from ..columns import COLUMNS

    return frame[columns].astype({c: COLUMNS[c].dtype for c in columns})


# --------------------------------------------------------------------------------------------
# synthetic fallback
# --------------------------------------------------------------------------------------------


def _synthetic_tables(raw: Path, members: list[str], exclude: set | frozenset = frozenset()):
    """Return the synthetic panel's trade (members' flows), exports and world totals.

    ``exclude``: ``(year, hs_revision, hs6_code)`` that real data cover; the panel's rows for
    them are dropped, so no product-year holds both real and synthetic values.
    """
    from .synthetic import DEMO_DATASET, demo_panel

    panel = demo_panel(dictionaries=raw / "baci", wdi=raw / "wdi")
    rows_panel = len(panel)
    dropped = 0
    mixed: list[str] = []
    if exclude:
        key = pd.MultiIndex.from_arrays(
            [panel["year"].astype("int64"), panel["hs_revision"].astype(str),
             panel["hs6_code"].astype(str)]
        )
        real = key.isin(list(exclude))
        dropped = int(real.sum())
        panel = panel[~real]
        # products whose series mix real years and synthetic years (flagged in the manifest)
        mixed = sorted(set(panel["hs6_code"].astype(str)) & {c for _, _, c in exclude})
    is_member = panel["exporter_iso3"].isin(members) | panel["importer_iso3"].isin(members)
    trade = panel[is_member].sort_values(TRADE_SORT, kind="stable")
    exports = (
        panel.groupby(["dataset", "year", "exporter_iso3", "hs6_code", "hs_revision"], sort=True)[
            "value_usd"
        ]
        .sum()
        .reset_index()
    )
    world = (
        exports.groupby(["dataset", "year", "hs6_code", "hs_revision"], sort=True)["value_usd"]
        .sum()
        .reset_index()
    )
    stats = {
        "dataset": DEMO_DATASET,
        "rows_panel": rows_panel,
        "rows_dropped_real_data_cover": dropped,
        "products_real_in_some_years_synthetic_in_others": mixed,
        "rows_trade": len(trade),
        "rows_exports": len(exports),
    }
    return trade, exports, world, stats


def _ingest_synthetic(raw: Path, out: Path, members: list[str]) -> dict:
    trade, exports, world, stats = _synthetic_tables(raw, members)
    write_parquet(_typed(trade, TRADE), out / OUTPUTS["trade"])
    write_parquet(
        _typed(exports, EXPORTS).sort_values(EXPORTS_SORT, kind="stable"),
        out / OUTPUTS["exports_by_country"],
    )
    write_parquet(
        _typed(world, WORLD).sort_values(WORLD_SORT, kind="stable"), out / OUTPUTS["world_totals"]
    )
    for table, frame in (
        ("trade", trade),
        ("exports_by_country", exports),
        ("world_totals", world),
    ):
        write_frame_partitions(out, table, frame)
    write_ledger(Cleaned(pd.DataFrame(), empty_ledger(), "baci", 0), out / "quarantine")
    return stats


# --------------------------------------------------------------------------------------------
# UN Comtrade
# --------------------------------------------------------------------------------------------

#: Folders of ``raw/`` searched for Comtrade API answers, CSV downloads and bulk files.
COMTRADE_LOCATIONS = ("downloads/comtrade", "comtrade")
_COMTRADE_SUFFIXES = (".json", ".csv", ".txt", ".gz")


def _comtrade_files(raw: Path) -> list[Path]:
    files: list[Path] = []
    for loc in COMTRADE_LOCATIONS:
        folder = raw / loc
        if folder.is_dir():
            files.extend(
                p for p in sorted(folder.iterdir()) if p.name.lower().endswith(_COMTRADE_SUFFIXES)
            )
    return files


def _comtrade_trade(files: list[Path], members: list[str]) -> tuple[pd.DataFrame, Cleaned, dict]:
    """Turn every file's declarations into one reported-or-mirror value per flow (bloc only)."""
    from .comtrade import read_comtrade_records, to_trade

    records = [read_comtrade_records(f) for f in files]
    declared = pd.concat([r.kept for r in records])
    flows = to_trade(declared, file="comtrade declarations")
    trade = flows.kept
    is_member = trade["exporter_iso3"].isin(members) | trade["importer_iso3"].isin(members)
    trade = trade[is_member].sort_values(TRADE_SORT, kind="stable").reset_index(drop=True)
    ledger = pd.concat([*(r.ledger for r in records), flows.ledger], ignore_index=True)
    cleaned = Cleaned(
        pd.DataFrame(), ledger, "comtrade", int(ledger.drop_duplicates(["file", "line"]).shape[0])
    )
    stats = {
        "files": [f.name for f in files],
        "declarations_in": sum(r.rows_in for r in records),
        "declarations_rejected": sum(r.rows_rejected for r in records),
        "flows": len(flows.kept),
        "flows_bloc": len(trade),
        "flow_basis": {
            k: int(v) for k, v in trade["flow_basis"].value_counts().sort_index().items()
        },
        "datasets": sorted(set(trade["dataset"].astype(str))),
    }
    return trade, cleaned, stats


def _write_comtrade_only(trade: pd.DataFrame, out: Path) -> None:
    write_parquet(_typed(trade, TRADE), out / OUTPUTS["trade"])
    write_parquet(
        _typed(pd.DataFrame(columns=EXPORTS), EXPORTS), out / OUTPUTS["exports_by_country"]
    )
    write_parquet(_typed(pd.DataFrame(columns=WORLD), WORLD), out / OUTPUTS["world_totals"])


# --------------------------------------------------------------------------------------------
# facts and indicators
# --------------------------------------------------------------------------------------------


def _ingest_facts(raw: Path, out: Path) -> dict:
    from .facts import read_facts

    path = raw / "facts" / "facts.csv"
    if not path.is_file():
        raise MissingDataError(
            "facts.csv",
            where=path.parent,
            how="it ships with the repository (git checkout data/raw/facts)",
        )
    cleaned = read_facts(path)
    facts = cleaned.kept.sort_values("fact_id", kind="stable").reset_index(drop=True)
    write_parquet(facts, out / OUTPUTS["facts"])
    write_ledger(_root_relative(cleaned, raw), out / "quarantine")
    return {
        "rows_in": cleaned.rows_in,
        "rows_kept": cleaned.rows_kept,
        "rows_rejected": cleaned.rows_rejected,
    }


#: Folders of ``raw/`` with WDI files: API answers fetched by ``coopstats data fetch``
#: (``downloads/wdi/*.json``) and the shipped extracts (``wdi/*.csv``).
WDI_LOCATIONS = (("downloads/wdi", "*.json"), ("wdi", "*.csv"), ("wdi", "*.json"))


def _wdi_files(raw: Path) -> tuple[list[Path], list[dict]]:
    """WDI files to read, and the shipped extracts superseded by a downloaded API answer.

    A downloaded API answer (a full series) supersedes the shipped extract of the same
    indicator (its most recent value only); both are never read together, since they would
    give the same (year, country, indicator) twice. Which file was used is in the manifest.
    """
    from .wdi import read_wdi

    found = []
    for folder, pattern in WDI_LOCATIONS:
        if (raw / folder).is_dir():
            found.extend(sorted((raw / folder).glob(pattern)))
    answers = [p for p in found if p.suffix.lower() == ".json"]
    covered: dict[str, Path] = {}
    for p in answers:
        for ind in sorted(set(read_wdi(p).kept["indicator"].astype(str))):
            covered.setdefault(ind, p)
    files, superseded = list(answers), []
    for p in found:
        if p.suffix.lower() != ".csv":
            continue
        header = p.read_text(encoding="utf-8-sig").split("\n", 1)[0].strip().split(",")
        inds = {c[:-2] for c in header if c.endswith(":T")} or {p.stem}
        by = sorted({_rel(covered[i], raw) for i in inds if i in covered})
        if by and inds <= set(covered):
            superseded.append({"file": _rel(p, raw), "superseded_by": by})
            logger.info("%s: superseded by the downloaded %s", p, ", ".join(by))
        else:
            files.append(p)
    return files, superseded


def _ingest_indicators(raw: Path, out: Path) -> dict | None:
    files, superseded = _wdi_files(raw)
    if not files:
        return None
    from ..schemas import INDICATORS, INDICATORS_KEY
    from .wdi import read_wdi

    cleaned_all = [read_wdi(f) for f in files]
    frame = pd.concat([c.kept for c in cleaned_all], ignore_index=True)[INDICATORS]
    merged = Cleaned(
        frame,
        pd.concat([c.ledger for c in cleaned_all], ignore_index=True),
        "wdi",
        sum(c.rows_in for c in cleaned_all),
    ).check()
    frame = frame.sort_values(INDICATORS_KEY, kind="stable")
    write_parquet(_typed(frame, INDICATORS), out / OUTPUTS["indicators"])
    write_ledger(_root_relative(merged, raw), out / "quarantine")
    return {
        "files": [_rel(f, raw) for f in files],
        "superseded": superseded,
        "rows_in": merged.rows_in,
        "rows_kept": len(frame),
        "rows_rejected": sum(c.rows_rejected for c in cleaned_all),
    }


# --------------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------------


def build_processed(
    raw_dir: str | Path,
    processed_dir: str | Path,
    *,
    progress: bool = False,
    hasher: Callable[[Path], str] = file_sha256,
    limits=None,
    wait: bool = False,
) -> dict[str, Path]:
    """Rebuild the processed tables from the raw inputs (deterministic).

    Parameters
    ----------
    raw_dir : path
        ``data/raw`` (see the module docstring for the layout).
    processed_dir : path
        ``data/processed``; its previous outputs are replaced only when the build succeeds.
    progress : bool
        Show a tqdm progress bar over the bytes of the BACI flow files.
    limits : coopstats.sources.baci.ReadLimits, optional
        Limits of the BACI reader (default :data:`coopstats.sources.baci.READ_LIMITS`).
    wait : bool
        When another build holds the lock: wait for it (True) or fail at once (False).

    Returns
    -------
    dict of str to Path
        ``trade``, ``exports_by_country``, ``world_totals``, ``facts``, ``indicators`` (when
        WDI files are present), ``quarantine`` (folder) and ``manifest``.

    Raises
    ------
    MissingDataError
        ``raw/facts/facts.csv`` or a dictionary of a present BACI release is missing.
    DataFileError, UnmappedCodeError
        A raw file is malformed (names file, line and column).
    BuildLockedError
        Another build of the same folder is running (``wait=False``).
    OutputWriteError
        An output could not be written (the previous outputs are left as they were).
    """
    from .. import __version__
    from .baci import find_releases

    raw = Path(raw_dir)
    final = Path(processed_dir)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputWriteError(final.parent, exc) from None
    lock = build_lock(final, wait=wait)
    lock.__enter__()
    work = final  # replaced below; the finally clause never removes ``final``
    try:
        _recover(final)
        work = Path(tempfile.mkdtemp(prefix=f".{final.name}-build-", dir=final.parent))
        (work / "quarantine").mkdir()
        from concurrent.futures import ThreadPoolExecutor

        facts_csv = raw / "facts" / "facts.csv"
        if not facts_csv.is_file():  # fail before the long BACI pass
            raise MissingDataError(
                "facts.csv",
                where=facts_csv.parent,
                how="it ships with the repository (git checkout data/raw/facts)",
            )
        members = bloc_member_union()
        releases = find_releases([raw / d for d in BACI_LOCATIONS], dictionaries=raw / "baci")
        manifest: dict = {
            "coopstats_version": __version__,
            "bloc_members": members,
            "member_blocs": list(MEMBER_BLOCS),
        }
        inputs: list[dict] = []

        def entry(path: Path, role: str, digest: str | None = None) -> dict:
            return {
                "path": _rel(path, raw),
                "sha256": digest or hasher(path),
                "bytes": path.stat().st_size,
                "role": role,
            }

        # facts, indicators and checksums of zips run beside the (parse-bound) BACI pass
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="coopstats-build") as pool:
            side = pool.submit(lambda: (_ingest_facts(raw, work), _ingest_indicators(raw, work)))
            zips = sorted({f.path for r in releases for f in r.flows if f.member is not None})
            zip_digests = {z: pool.submit(hasher, z) for z in zips}
            comtrade_files = _comtrade_files(raw)
            extra = None
            if comtrade_files:
                extra, ct_ledger, ct_stats = _comtrade_trade(comtrade_files, members)
                write_ledger(_root_relative(ct_ledger, raw), work / "quarantine")
                manifest["comtrade"] = ct_stats
                inputs.extend(entry(f, "comtrade") for f in comtrade_files)
            if releases:
                # full releases feed the single-file tables; partial extracts (e.g. the real
                # 30-material extract shipped in raw/baci) do when no full release is present,
                # with the whole synthetic panel beside them as its own dataset: pages analyse one
                # dataset at a time, so the demonstration keeps every product-year (a panel with
                # holes where the extract has real rows would distort the demonstration)
                full = [r for r in releases if r.extract is None]
                union = sorted({r.dataset for r in (full or releases)})
                synthetic_stats: dict = {}

                def synthetic_rest(covered: set):  # noqa: ARG001 - see the comment above
                    trade_s, exports_s, world_s, st = _synthetic_tables(raw, members)
                    synthetic_stats.update(st)
                    for table, frame in (
                        ("trade", trade_s),
                        ("exports_by_country", exports_s),
                        ("world_totals", world_s),
                    ):
                        write_frame_partitions(work, table, frame)
                    return trade_s, exports_s, world_s

                stats = ingest_baci(
                    releases,
                    work,
                    members,
                    progress=progress,
                    extra_trade=extra,
                    union=union,
                    extra_tables=None if full else synthetic_rest,
                    raw=raw,
                )
                stats.pop("timings", None)
                datasets = list(union)
                if extra is not None:
                    datasets += manifest["comtrade"]["datasets"]
                manifest.update(synthetic=False, datasets=datasets, baci=stats)
                manifest["real_datasets"] = sorted({r.dataset for r in releases})
                manifest["extracts"] = [
                    {
                        "dataset": r.dataset,
                        "tag": r.extract,
                        "years": [f.year for f in r.flows],
                        "products_per_year": stats["covered"].get(r.dataset, {}),
                        "in_single_file_tables": r.dataset in union,
                    }
                    for r in releases
                    if r.extract is not None
                ]
                if synthetic_stats:
                    from .synthetic import DEMO_LABEL

                    manifest.update(
                        synthetic=True,
                        label=DEMO_LABEL,
                        synthetic_panel=synthetic_stats,
                        synthetic_datasets=[synthetic_stats["dataset"]],
                        datasets=[*datasets, synthetic_stats["dataset"]],
                        note="trade.parquet, exports_by_country.parquet and world_totals.parquet "
                        f"hold the real {', '.join(union)} rows (a partial extract) and "
                        "SYNTHETIC DEMONSTRATION DATA for every other product and year; the "
                        "partitions under trade/, exports_by_country/ and world_totals/ keep "
                        "them apart (dataset=...)",
                    )
                streamed = {(f["container"], f["file"]): f["sha256"] for f in stats["files"]}
                for c in sorted({f.path for r in releases for f in r.flows}):
                    digest = (
                        zip_digests[c].result() if c in zip_digests else streamed[(c.name, c.name)]
                    )
                    inputs.append(entry(c, "baci_flows", digest))
                for src in sorted(
                    {s for r in releases for s in r.dictionary_sources if "!" not in s}
                ):
                    inputs.append(entry(Path(src), "baci_dictionary"))
            elif extra is not None:
                _write_comtrade_only(extra, work)
                manifest.update(
                    synthetic=False,
                    datasets=manifest["comtrade"]["datasets"],
                    note="no BACI release: trade.parquet holds the Comtrade flows only; "
                    "exports_by_country and world_totals are empty (a partial Comtrade "
                    "extract does not give every country's exports)",
                )
                logger.warning("no BACI release: exports_by_country.parquet is empty")
            else:
                from .synthetic import DEMO_LABEL

                stats = _ingest_synthetic(raw, work, members)
                manifest.update(
                    synthetic=True,
                    label=DEMO_LABEL,
                    datasets=[stats["dataset"]],
                    synthetic_panel=stats,
                )
                dicts = sorted((raw / "baci").glob("*.csv")) if (raw / "baci").is_dir() else []
                inputs.extend(entry(p, "baci_dictionary") for p in dicts)
                logger.warning(
                    "no BACI release in %s: trade tables are SYNTHETIC DEMONSTRATION DATA",
                    raw / "downloads" / "baci",
                )
            facts, ind = side.result()
        manifest["facts"] = facts
        inputs.append(entry(raw / "facts" / "facts.csv", "facts"))
        if ind is not None:
            manifest["indicators"] = ind
            inputs.extend(entry(raw / name, "wdi") for name in ind["files"])
        manifest["inputs"] = sorted(inputs, key=lambda d: d["path"])
        outputs = {}
        for key, name in OUTPUTS.items():
            p = work / name
            if key != "manifest" and p.is_file():
                outputs[name] = {"sha256": file_sha256(p), "bytes": p.stat().st_size}
        from .store import partition_datasets, partition_outputs

        outputs.update(partition_outputs(work, file_sha256))
        manifest["partitions"] = {
            t: {d: sorted(ys) for d, ys in partition_datasets(work, t).items()}
            for t in ("trade", "exports_by_country", "world_totals")
        }
        manifest["outputs"] = outputs
        (work / OUTPUTS["manifest"]).write_text(
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        # replace the previous build only now that everything succeeded, in one rename
        _carry_over(final, work)
        swap_in(work, final)
        result: dict[str, Path] = {
            key: final / name for key, name in OUTPUTS.items() if (final / name).exists()
        }
        result["quarantine"] = final / "quarantine"
        return result
    except CoopstatsError:
        raise
    except OSError as exc:
        raise _os_error(exc, raw, final) from None
    finally:
        try:
            if work != final and work.exists():
                shutil.rmtree(work, ignore_errors=True)
        finally:
            lock.__exit__(None, None, None)


# --------------------------------------------------------------------------------------------
# lock, atomic swap, errors
# --------------------------------------------------------------------------------------------


class build_lock:  # noqa: N801 - used like a function: ``with build_lock(folder): ...``
    """Exclusive ``fcntl`` lock of a processed-data folder, held for a whole build.

    The lock file is ``<parent>/.<name>.lock`` (beside the folder, so it survives the swap);
    it holds the pid of the holder. The file is never deleted (deleting a lock file others
    may have opened breaks the lock); the lock itself goes with the process, also on a crash.

    Parameters
    ----------
    folder : path
        ``data/processed``.
    wait : bool
        Block until the lock is free (True) or raise at once (False, default).

    Raises
    ------
    BuildLockedError
        ``wait=False`` and another process holds the lock; names its pid and the lock file.
    """

    def __init__(self, folder: str | Path, *, wait: bool = False) -> None:
        folder = Path(folder)
        self.folder = folder
        self.path = folder.parent / f".{folder.name}.lock"
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> build_lock:
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputWriteError(
                self.path, exc, hint="the build lock file must be writable"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise BuildLockedError(
                f"{self.folder}: another `coopstats data build` (pid {holder}) is rebuilding "
                f"this folder (lock {self.path}). Wait for it to finish, then run the build "
                "again; its outputs will be complete when it ends"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc_info) -> None:
        import fcntl

        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _old_dir(final: Path) -> Path:
    return final.parent / f".{final.name}.old"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux ``renameat2(RENAME_EXCHANGE)``; False if unsupported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # the system or file system cannot exchange: use two renames
    raise OSError(err, os.strerror(err), str(b))


def swap_in(work: str | Path, final: str | Path) -> None:
    """Replace the folder ``final`` by ``work`` so that a crash leaves one of them whole.

    With ``renameat2(RENAME_EXCHANGE)`` the two folders trade places in one atomic step and
    ``work`` then holds the previous outputs, which are deleted. Without it the previous
    folder is first renamed to ``.<name>.old`` and then ``work`` to ``final``; a crash between
    the two leaves the previous outputs whole in ``.<name>.old``, and the next build (or
    :func:`_recover`) puts them back before doing anything else.
    """
    work, final = Path(work), Path(final)
    if not final.exists():
        os.rename(work, final)
        return
    if _exchange(work, final):
        shutil.rmtree(work, ignore_errors=True)
        return
    old = _old_dir(final)
    if old.exists():
        shutil.rmtree(old)
    os.rename(final, old)
    os.rename(work, final)
    shutil.rmtree(old, ignore_errors=True)


def _recover(final: Path) -> None:
    """Undo what a crashed build left: restore ``.<name>.old``, delete stale build folders."""
    old = _old_dir(final)
    if old.exists():
        if final.exists():
            shutil.rmtree(old)
        else:
            logger.warning("restoring %s from %s (a previous build crashed)", final, old)
            os.rename(old, final)
    for stale in final.parent.glob(f".{final.name}-build-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _carry_over(final: Path, work: Path) -> None:
    """Copy files of ``final`` that the build does not produce (e.g. ``.gitkeep``) into ``work``."""
    if not final.is_dir():
        return
    produced = set(OUTPUTS.values()) | {"quarantine", "trade", "exports_by_country", "world_totals"}
    for entry in final.iterdir():
        if entry.name in produced or (work / entry.name).exists():
            continue
        if entry.is_dir():
            shutil.copytree(entry, work / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, work / entry.name, follow_symlinks=False)


def _os_error(exc: OSError, raw: Path, final: Path) -> CoopstatsError:
    """Return a clear error for an OSError of a build: reading an input or writing an output."""
    name = exc.filename
    if name is not None:
        try:
            Path(name).resolve().relative_to(raw.resolve())
        except ValueError:
            pass
        else:
            return DataFileError(
                f"cannot read the file ({type(exc).__name__}: {exc.strerror or exc})",
                path=name,
                hint="check that it exists and is readable",
            )
    return OutputWriteError(
        name or final,
        exc,
        hint=f"the build writes beside and then into {final}: check that this folder and its "
        "parent are writable (chmod u+w) and that the disk has space; the previous outputs "
        "were left as they were",
    )


def cli_build(args: argparse.Namespace) -> int:
    """``coopstats data build [--root ROOT]``: rebuild ``data/processed`` and print a summary."""
    from ..config import processed_dir, project_root, raw_dir

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    root = Path(args.root) if getattr(args, "root", None) else project_root()
    if not raw_dir(root).is_dir():  # a typo must not create <typo>/data/processed
        raise ProjectRootError(
            f"{root} does not look like a coopstats project: it has no data/raw folder. "
            "Pass --root the project folder (the one with pyproject.toml and data/raw), or "
            "run the command from inside the project"
        )
    result = build_processed(
        raw_dir(root), processed_dir(root), progress=True, wait=bool(getattr(args, "wait", False))
    )
    manifest = json.loads(result["manifest"].read_text(encoding="utf-8"))
    if manifest.get("synthetic"):
        print(
            "SYNTHETIC DEMONSTRATION DATA: no BACI release found in data/raw/downloads/baci; "
            "run `make data` for the real trade tables"
        )
    for line in source_summary(manifest, processed_dir(root), root=root):
        print(line)
    for key, path in sorted(result.items()):
        print(f"{key:>20}: {_rel(path, root)}")
    return 0


def source_summary(manifest: dict, processed: str | Path, *, root: str | Path) -> list[str]:
    """One line per source of a build: rows read, kept, quarantined and the ledger's path.

    ``read = kept + quarantined`` for every source (the ledger lists each quarantined row with
    file, line, column, value and rule). Paths are relative to ``root``.
    """
    processed, root = Path(processed), Path(root)

    def ledger(step: str) -> str:
        return _rel(processed / "quarantine" / f"{step}.csv", root)

    lines = []
    if "baci" in manifest:
        b = manifest["baci"]
        lines.append(
            f"baci: {b['rows_in']} rows read, {b['rows_in'] - b['rows_rejected']} kept "
            f"({b['rows_kept']} bloc rows in trade.parquet), {b['rows_rejected']} quarantined; "
            f"ledger {ledger('baci')}"
        )
    elif manifest.get("synthetic"):
        s = manifest.get("synthetic_panel", {})
        lines.append(
            f"baci: no release: SYNTHETIC panel of {s.get('rows_panel', 0)} rows, 0 rows read, "
            f"0 quarantined; ledger {ledger('baci')}"
        )
    if "comtrade" in manifest:
        c = manifest["comtrade"]
        lines.append(
            f"comtrade: {c['declarations_in']} rows read, "
            f"{c['declarations_in'] - c['declarations_rejected']} kept, "
            f"{c['declarations_rejected']} quarantined; ledger {ledger('comtrade')}"
        )
    if "facts" in manifest:
        f = manifest["facts"]
        lines.append(
            f"facts: {f['rows_in']} rows read, {f['rows_kept']} kept, {f['rows_rejected']} "
            f"quarantined; ledger {ledger('facts')}"
        )
    if "indicators" in manifest:
        w = manifest["indicators"]
        rows_in = w.get("rows_in", w["rows_kept"] + w["rows_rejected"])
        lines.append(
            f"wdi: {rows_in} rows read, {w['rows_kept']} kept, {w['rows_rejected']} "
            f"quarantined; ledger {ledger('wdi')}"
        )
    return lines
