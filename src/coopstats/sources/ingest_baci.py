"""Stream BACI releases into the processed trade tables (the BACI part of ``data build``).

:func:`ingest_baci` reads every release's flow files once, in chunks parsed by pyarrow
(:func:`coopstats.sources.baci.scan_flows`; no release is ever loaded into pandas), keeps the
bloc members' flows row by row (``trade.parquet``), sums every country's exports to the world
(``exports_by_country.parquet``) and the world's exports per product
(``world_totals.parquet``), and writes each release year to its partition files
(:mod:`coopstats.sources.store`). Codes are mapped to ISO3 through lookup tables built once
per release; rows are sorted by their key and written with fixed row groups
(:mod:`coopstats.sources.parquet`), so identical input gives byte-identical files.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..ledger import Cleaned, empty_ledger, root_relative, write_ledger
from ..schemas import EXPORTS, TRADE, WORLD
from .parquet import ParquetParts, typed, write_parquet
from .store import OUTPUTS, WORLD_SORT

__all__ = [
    "ingest_baci",
]


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
    parts: ParquetParts, att, year: int, release, *, by_product: bool = False
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
    parts: ParquetParts, att, year: int, release, *, by_product: bool = False
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
        parts = ParquetParts(path, columns)
        append(parts, att, year, release, by_product=True)
        parts.close()
    path = partition_path(out, "world_totals", release.dataset, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_parquet(typed(world, WORLD).sort_values("hs6_code", kind="stable"), path)


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
    extra_tables: Callable[[], tuple] | None = None,
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
        ISO3 codes whose flows are kept row by row
        (:func:`coopstats.sources.ingest.bloc_member_union`).
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
        Called after the BACI pass; returns ``(trade, exports, world)`` frames (or None)
        appended to the single-file tables after BACI's (the whole synthetic panel, as its
        own dataset, beside a partial extract).
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
    trade = ParquetParts(out / OUTPUTS["trade"], TRADE, no_statistics=("hs6_code",))
    exports = ParquetParts(
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

        trade.append(pa.Table.from_pandas(typed(extra_trade, TRADE), preserve_index=False))
    if extra_tables is not None:  # e.g. the synthetic panel beside a partial extract
        import pyarrow as pa

        more_trade, more_exports, more_world = extra_tables()
        if more_trade is not None and len(more_trade):
            trade.append(pa.Table.from_pandas(typed(more_trade, TRADE), preserve_index=False))
        if more_exports is not None and len(more_exports):
            exports.append(pa.Table.from_pandas(typed(more_exports, EXPORTS), preserve_index=False))
        if more_world is not None and len(more_world):
            world_parts.append(more_world)

    def write_world_and_ledger() -> None:
        world = (
            pd.concat(world_parts, ignore_index=True)
            if world_parts
            else pd.DataFrame(columns=WORLD)
        )
        write_parquet(
            typed(world, WORLD).sort_values(WORLD_SORT, kind="stable"),
            out / OUTPUTS["world_totals"],
        )
        ledger = pd.concat(ledgers, ignore_index=True) if ledgers else empty_ledger()
        cleaned = Cleaned(
            pd.DataFrame(), ledger, "baci", int(ledger.drop_duplicates(["file", "line"]).shape[0])
        )
        write_ledger(
            root_relative(cleaned, raw) if raw is not None else cleaned, out / "quarantine"
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
