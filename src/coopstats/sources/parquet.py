"""Deterministic Parquet writing for ``data/processed``: zstd, fixed row groups, no timestamps.

Identical input gives byte-identical files: rows are written as the caller sorted them, row
groups have a fixed size (:data:`ROW_GROUP_SIZE`), no pandas, Arrow-schema or time metadata
is stored, text columns are dictionary-encoded and only the usual filter keys get min/max
statistics. :class:`ParquetParts` appends sorted chunks to one file while a release streams
(the memory of a build does not grow with its size); :func:`write_frame_partitions` writes a
canonical frame to the hive partitions of :mod:`coopstats.sources.store`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..schemas import EXPORTS, TRADE, WORLD

__all__ = [
    "write_parquet",
    "write_frame_partitions",
    "ROW_GROUP_SIZE",
    "ParquetParts",
    "typed",
]


#: Rows per Parquet row group (fixed so that files are byte-identical run to run).
ROW_GROUP_SIZE = 262_144


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


class ParquetParts:
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
        """Add a pyarrow Table (cast to the schema); full row groups are written at once."""
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
        """Write the last, partial row group (an empty file for no rows); return the path."""
        writer = self._open()
        if self.pending_rows:
            writer.write_table(self._pa.concat_tables(self.pending), row_group_size=ROW_GROUP_SIZE)
        elif self.rows == 0:
            writer.write_table(self.schema.empty_table())
        writer.close()
        self.pending = []
        return self.path


def write_frame_partitions(out: str | Path, table: str, frame: pd.DataFrame) -> list[Path]:
    """Write a canonical frame (one or several datasets and years) to its partition files.

    Sorted by ``hs6_code`` then the table's key within each file (see
    :mod:`coopstats.sources.store`); returns the files written.
    """
    from .store import partition_path

    columns = {"trade": TRADE, "exports_by_country": EXPORTS, "world_totals": WORLD}[table]
    sort = {
        "trade": ["hs6_code", "exporter_iso3", "importer_iso3"],
        "exports_by_country": ["hs6_code", "exporter_iso3"],
        "world_totals": ["hs6_code"],
    }[table]
    written = []
    for (dataset, year), part in frame.groupby(["dataset", "year"], sort=True):
        path = partition_path(out, table, str(dataset), int(year))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(typed(part, columns).sort_values(sort, kind="stable"), path)
        written.append(path)
    return written


def typed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return ``frame[columns]`` cast to the registry's dtypes (:mod:`coopstats.columns`)."""
    from ..columns import COLUMNS

    return frame[columns].astype({c: COLUMNS[c].dtype for c in columns})
