"""Rebuild ``data/processed/`` from ``data/raw/``: deterministic Parquet, ledgers, manifest.

``build_processed(raw_dir, processed_dir)`` writes

=============================  ================================================================
``trade.parquet``              canonical trade (:data:`coopstats.schemas.TRADE`): every flow of a
                               bloc member (as exporter or importer) with any partner; members =
                               the union over time of EAEU, CIS, CSTO, Union State and Customs
                               Union members in :func:`coopstats.geo.membership`
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
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import MissingDataError
from ..ledger import Cleaned, empty_ledger, write_ledger
from ..schemas import TRADE
from .fetch import file_sha256

__all__ = [
    "build_processed",
    "ingest_baci",
    "cli_build",
    "bloc_member_union",
    "write_parquet",
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
MEMBER_BLOCS = ("EAEU", "CIS", "CSTO", "UNION_STATE", "CUSTOMS_UNION")

EXPORTS = ["year", "exporter_iso3", "hs6_code", "hs_revision", "value_usd", "dataset"]
WORLD = ["year", "hs6_code", "hs_revision", "value_usd", "dataset"]
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

    From :func:`coopstats.geo.membership` (role ``member``; observers and associates excluded).
    """
    from ..geo import membership

    m = membership()
    sel = m[m["bloc"].isin(list(blocs)) & (m["role"] == "member")]
    return sorted(set(sel["country_iso3"].astype(str)))


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


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


def _append_trade(parts: _ParquetParts, att, year: int, release) -> None:
    """Append the canonical trade rows of an :class:`~coopstats.sources.baci.Attributed` scan.

    Sorted by exporter, importer and HS6 code.
    """
    import pyarrow as pa

    dictionary, lut = _ranks(att.iso3)
    hs6 = pa.array(release.products["hs6_code"].to_numpy(dtype=object), type=pa.string())
    er = lut[att.kept_column("i")]
    ir = lut[att.kept_column("j")]
    kx = att.kept_column("k_index")
    n_c, n_p = len(dictionary), len(release.products)
    # one integer key; the rows arrive sorted by BACI code, so the stable sort mostly merges runs
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


def _append_exports(parts: _ParquetParts, att, year: int, release) -> None:
    """Append the ``EXPORTS`` rows of an attributed scan, sorted by exporter and HS6 code."""
    import pyarrow as pa

    dictionary, lut = _ranks(att.iso3)
    hs6 = pa.array(release.products["hs6_code"].to_numpy(dtype=object), type=pa.string())
    er = lut[att.exports_column("i")]
    kx = att.exports_column("k_index")
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


def ingest_baci(
    releases,
    out: str | Path,
    members: list[str],
    *,
    progress: bool = False,
    extra_trade: pd.DataFrame | None = None,
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

    Returns
    -------
    dict
        Row counts per file and in total, SHA-256 of each flow file, exporters left out of
        ``exports_by_country`` for lack of an ISO3.
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
    }
    from concurrent.futures import ThreadPoolExecutor

    bar = _progress_bar(releases, progress)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coopstats-exports")
    try:
        for rel in releases:
            keep = codes_for(members, rel)
            for flow in rel.flows:
                scan = scan_flows(
                    flow, rel, keep=keep, progress=bar.update if bar is not None else None
                )
                att = attribute(scan, rel)
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
                world_parts.append(
                    pd.DataFrame(
                        {
                            "year": np.int64(flow.year),
                            "hs6_code": rel.products["hs6_code"].to_numpy()[nz],
                            "hs_revision": rel.revision,
                            "value_usd": world[nz],
                            "dataset": rel.dataset,
                        }
                    )
                )
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
                del att, scan  # free the year's arrays before the next file
    finally:
        pool.shutdown()
        if bar is not None:
            bar.close()
    if extra_trade is not None and len(extra_trade):  # Comtrade rows after BACI's
        import pyarrow as pa

        trade.append(pa.Table.from_pandas(_typed(extra_trade, TRADE), preserve_index=False))

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
        write_ledger(
            Cleaned(
                pd.DataFrame(),
                ledger,
                "baci",
                int(ledger.drop_duplicates(["file", "line"]).shape[0]),
            ),
            out / "quarantine",
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


def _ingest_synthetic(raw: Path, out: Path, members: list[str]) -> dict:
    from .synthetic import DEMO_DATASET, demo_panel

    panel = demo_panel(dictionaries=raw / "baci", wdi=raw / "wdi")
    is_member = panel["exporter_iso3"].isin(members) | panel["importer_iso3"].isin(members)
    trade = panel[is_member].sort_values(TRADE_SORT, kind="stable")
    write_parquet(_typed(trade, TRADE), out / OUTPUTS["trade"])
    exports = (
        panel.groupby(["dataset", "year", "exporter_iso3", "hs6_code", "hs_revision"], sort=True)[
            "value_usd"
        ]
        .sum()
        .reset_index()
    )
    write_parquet(
        _typed(exports, EXPORTS).sort_values(EXPORTS_SORT, kind="stable"),
        out / OUTPUTS["exports_by_country"],
    )
    world = (
        exports.groupby(["dataset", "year", "hs6_code", "hs_revision"], sort=True)["value_usd"]
        .sum()
        .reset_index()
    )
    write_parquet(
        _typed(world, WORLD).sort_values(WORLD_SORT, kind="stable"), out / OUTPUTS["world_totals"]
    )
    write_ledger(Cleaned(pd.DataFrame(), empty_ledger(), "baci", 0), out / "quarantine")
    return {
        "dataset": DEMO_DATASET,
        "rows_panel": len(panel),
        "rows_trade": len(trade),
        "rows_exports": len(exports),
    }


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
    write_ledger(cleaned, out / "quarantine")
    return {
        "rows_in": cleaned.rows_in,
        "rows_kept": cleaned.rows_kept,
        "rows_rejected": cleaned.rows_rejected,
    }


def _ingest_indicators(raw: Path, out: Path) -> dict | None:
    files = sorted((raw / "wdi").glob("*.csv")) if (raw / "wdi").is_dir() else []
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
    write_ledger(merged, out / "quarantine")
    return {
        "files": [f.name for f in files],
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
    """
    from .. import __version__
    from .baci import find_releases

    raw = Path(raw_dir)
    final = Path(processed_dir)
    final.mkdir(parents=True, exist_ok=True)
    work = final / ".build-tmp"
    if work.exists():
        shutil.rmtree(work)
    (work / "quarantine").mkdir(parents=True)
    try:
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
                write_ledger(ct_ledger, work / "quarantine")
                manifest["comtrade"] = ct_stats
                inputs.extend(entry(f, "comtrade") for f in comtrade_files)
            if releases:
                stats = ingest_baci(releases, work, members, progress=progress, extra_trade=extra)
                datasets = [r.dataset for r in releases]
                if extra is not None:
                    datasets += manifest["comtrade"]["datasets"]
                manifest.update(synthetic=False, datasets=datasets, baci=stats)
                streamed = {(f["container"], f["file"]): f["sha256"] for f in stats["files"]}
                for c in sorted({f.path for r in releases for f in r.flows}):
                    digest = (
                        zip_digests[c].result() if c in zip_digests else streamed[(c.name, c.name)]
                    )
                    inputs.append(entry(c, "baci_flows", digest))
                for r in releases:
                    inputs.extend(
                        entry(Path(src), "baci_dictionary")
                        for src in r.dictionary_sources
                        if "!" not in src
                    )
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
            inputs.extend(entry(raw / "wdi" / name, "wdi") for name in ind["files"])
        manifest["inputs"] = sorted(inputs, key=lambda d: d["path"])
        outputs = {}
        for key, name in OUTPUTS.items():
            p = work / name
            if key != "manifest" and p.is_file():
                outputs[name] = {"sha256": file_sha256(p), "bytes": p.stat().st_size}
        manifest["outputs"] = outputs
        (work / OUTPUTS["manifest"]).write_text(
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        # replace the previous build only now that everything succeeded
        for name in OUTPUTS.values():
            old = final / name
            if old.exists():
                old.unlink()
        if (final / "quarantine").exists():
            shutil.rmtree(final / "quarantine")
        result: dict[str, Path] = {}
        for key, name in OUTPUTS.items():
            if (work / name).exists():
                result[key] = Path(shutil.move(str(work / name), str(final / name)))
        result["quarantine"] = Path(
            shutil.move(str(work / "quarantine"), str(final / "quarantine"))
        )
        return result
    finally:
        if work.exists():
            shutil.rmtree(work)


def cli_build(args: argparse.Namespace) -> int:
    """``coopstats data build [--root ROOT]``: rebuild ``data/processed`` and print a summary."""
    from ..config import processed_dir, project_root, raw_dir

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    root = Path(args.root) if getattr(args, "root", None) else project_root()
    result = build_processed(raw_dir(root), processed_dir(root), progress=True)
    manifest = json.loads(result["manifest"].read_text(encoding="utf-8"))
    if manifest.get("synthetic"):
        print(
            "SYNTHETIC DEMONSTRATION DATA: no BACI release found in data/raw/downloads/baci; "
            "run `make data` for the real trade tables"
        )
    for key, path in sorted(result.items()):
        print(f"{key:>20}: {path}")
    return 0
