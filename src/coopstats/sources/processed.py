"""Reading ``data/processed`` and the facts table from a notebook, and keeping them fresh.

:func:`load_processed` reads one processed table, :func:`load_facts` the validated facts table;
:func:`require_rows` and :func:`sector_map_for` frame a selection; :func:`ensure_processed`
rebuilds ``data/processed`` from ``data/raw`` when it is missing or stale.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..errors import ChecksumMismatchError, DataFileError, InvalidParameterError, MissingDataError
from ..schemas import SCHEMAS, validate_frame

__all__ = [
    "how_to_get",
    "load_facts",
    "load_processed",
    "verify_processed",
    "require_rows",
    "sector_map_for",
    "SectorTrade",
    "load_sector_trade",
    "ensure_processed",
]

logger = logging.getLogger(__name__)


def how_to_get(rel: str) -> str:
    """One sentence saying how to obtain the project input at root-relative path ``rel``."""
    if rel.startswith("data/processed"):
        return "Run `coopstats data build --root .` (or `make report`, which builds it)."
    if rel.startswith("data/raw/facts"):
        return "It ships with the repository; restore it with `git checkout -- data/raw/facts`."
    return "See data/raw/README.md for where each input comes from."


def load_facts(path: str | Path) -> pd.DataFrame:
    """Return the validated facts table (:func:`coopstats.sources.facts.read_facts`).

    Rows keep their source line as index (what :func:`coopstats.sources.facts.series` tracks).

    Raises
    ------
    DataFileError
        When any row is quarantined: a report must not silently drop a cited figure. Run
        ``coopstats facts check PATH --quarantine DIR`` to see the ledger.
    """
    from .facts import read_facts

    path = Path(path)
    if not path.is_file():
        raise MissingDataError(str(path), where=path.resolve(), how=how_to_get("data/raw/facts"))
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
    ChecksumMismatchError
        The file differs from what its build recorded (:func:`verify_processed`).
    DataFileError
        The rows read do not match the table's schema (:func:`coopstats.schemas.validate_frame`;
        ``trade``, ``exports_by_country``, ``world_totals``, ``facts``, ``indicators``).
    """
    processed_dir = Path(processed_dir)
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise InvalidParameterError("name", name, why="a processed table name such as 'trade'")
    path = processed_dir / f"{name}.parquet"
    if not path.is_file():
        raise MissingDataError(
            f"{name}.parquet", where=path.resolve(), how=how_to_get("data/processed")
        )
    verify_processed(path)
    frame = pd.read_parquet(path, columns=list(columns) if columns else None, filters=filters)
    if name in SCHEMAS:
        validate_frame(name, frame, path=path)
    return frame


#: (path, size, mtime_ns) -> manifest digest already verified in this process.
_VERIFIED: dict[tuple[str, int, int], str] = {}


def verify_processed(path: str | Path) -> None:
    """Check a processed file against the SHA-256 and size its build wrote to the manifest.

    ``<folder>/manifest.json`` (written last by ``coopstats data build``) lists every output
    with ``sha256`` and ``bytes``; a file that is truncated, overwritten or left from another
    build differs and is refused before anything reads it. A file is hashed once per process
    while its size and modification time stay the same.

    Raises
    ------
    MissingDataError
        The folder has no manifest.
    ChecksumMismatchError
        The file is not in the manifest, or its size or SHA-256 differ (names both digests).
    """
    import json

    from .fetch import file_sha256

    path = Path(path)
    manifest_path = path.parent / "manifest.json"
    if not manifest_path.is_file():
        raise MissingDataError(
            "manifest.json", where=manifest_path.resolve(), how=how_to_get("data/processed")
        )
    try:
        outputs = json.loads(manifest_path.read_text(encoding="utf-8"))["outputs"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(
            f"not a valid build manifest ({type(exc).__name__}: {exc})",
            path=manifest_path,
            hint="rebuild with `coopstats data build --root .`",
        ) from None
    rebuild = (
        "the processed data are damaged or stale: rebuild with `coopstats data build --root .`"
    )
    meta = outputs.get(path.name)
    if not isinstance(meta, dict) or "sha256" not in meta:
        raise ChecksumMismatchError(
            f"the file is not listed in {manifest_path.name}", path=path, hint=rebuild
        )
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if _VERIFIED.get(key) == meta["sha256"]:
        return
    if "bytes" in meta and st.st_size != int(meta["bytes"]):
        raise ChecksumMismatchError(
            f"the file has {st.st_size} bytes, its build wrote {meta['bytes']} (truncated?)",
            path=path,
            hint=rebuild,
        )
    digest = file_sha256(path)
    if digest != meta["sha256"]:
        raise ChecksumMismatchError(
            f"SHA-256 {digest[:12]}... differs from {meta['sha256'][:12]}... recorded in "
            f"{manifest_path.name}",
            path=path,
            hint=rebuild,
        )
    _VERIFIED[key] = digest


def require_rows(frame: pd.DataFrame, *, what: str, where: str | Path) -> pd.DataFrame:
    """Return ``frame`` unchanged, or raise :class:`MissingDataError` when it has no rows.

    Notebooks use it right after selecting the data they analyse, so an empty selection
    (a pair of countries that never trade the products, a window outside the data) fails with
    a message naming what was wanted instead of an obscure error further down.
    """
    if frame.empty:
        raise MissingDataError(
            what, where=where, how="the selection is empty; check the parameters against the data"
        )
    return frame


def sector_map_for(trade: pd.DataFrame | str | Path, sectors: Sequence[str]) -> pd.DataFrame:
    """``hs6_code, sector`` rows of ``sectors`` in the HS revision of ``trade``.

    Uses :func:`coopstats.hs_sectors.sector_map` (coopstats taxonomy) for the single ``hs_revision``
    found in ``trade``: a trade frame, or a processed-data folder whose ``trade.parquet`` is
    inspected (only its ``hs_revision`` column is read), so the codes can filter the read.

    Raises
    ------
    InvalidParameterError
        ``trade`` mixes HS revisions or a sector has no codes in that revision.
    """
    from .. import hs_sectors

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
    smap = hs_sectors.sector_map(revision=revisions[0])
    smap = smap[smap["sector"].isin(list(sectors))].reset_index(drop=True)
    missing = sorted(set(sectors) - set(smap["sector"]))
    if missing:
        raise InvalidParameterError(
            "sectors",
            missing,
            sorted(set(hs_sectors.sector_map(revision=revisions[0])["sector"])),
            why=f"no HS6 codes for them in {revisions[0]}",
        )
    return smap


def _tree_state(folder: Path) -> list[str]:
    out = []
    if folder.is_dir():
        for p in sorted(folder.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                st = p.stat()
                out.append(f"{p.relative_to(folder).as_posix()}\t{st.st_size}\t{st.st_mtime_ns}")
    return out


def ensure_processed(root: str | Path, *, progress: Callable[[str], None] | None = None) -> bool:
    """Build ``data/processed`` from ``data/raw`` when it is missing or stale; True when built.

    Stale means ``data/raw/`` (names, sizes, modification times) or the coopstats code changed
    since the last build (state in ``.build/processed.state``). The build is deterministic, so a
    spurious rebuild rewrites identical bytes and no report re-runs. ``progress`` receives
    the progress lines (default: this module's logger at INFO).
    """
    from ..provenance import code_fingerprint

    progress = progress or logger.info
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
        from .ingest import build_processed
    except ModuleNotFoundError as exc:  # pragma: no cover - until the ingest module lands
        raise MissingDataError(
            "coopstats.sources.ingest",
            where=processed,
            how=f"the processed-data builder is not available ({exc})",
        ) from None
    progress("building data/processed from data/raw (state changed) ...")
    t0 = time.perf_counter()
    build_processed(raw, processed, wait=True)  # a concurrent `data build` is waited for
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(state)
    progress(f"data/processed built in {time.perf_counter() - t0:.1f} s")
    return True


class SectorTrade(NamedTuple):
    """What a sector report reads from ``data/processed`` (:func:`load_sector_trade`)."""

    sector_map: pd.DataFrame  #: ``hs6_code, sector`` of the sectors in the data's HS revision
    trade: pd.DataFrame  #: bilateral trade rows of those codes and years
    world: pd.DataFrame  #: every country's exports of those codes and years
    source: str  #: source line for tables and figures (datasets named)
    synthetic: bool  #: whether the trade data are the synthetic demonstration panel


def load_sector_trade(
    processed_dir: str | Path, sectors: Sequence[str], start_year: int, end_year: int
) -> SectorTrade:
    """Read the trade and world exports of ``sectors`` in ``start_year..end_year``.

    The loading preamble of the sector reports (localization, priority): the sector map in
    the HS revision of ``trade.parquet`` (:func:`sector_map_for`), then ``trade`` and
    ``exports_by_country`` filtered to its codes and the years while they are read
    (:func:`load_processed`, validated by the schemas).

    Returns
    -------
    SectorTrade
        ``sector_map, trade, world, source, synthetic`` (unpacks in this order).

    Raises
    ------
    MissingDataError, ChecksumMismatchError, DataFileError, InvalidParameterError
        As :func:`load_processed` and :func:`sector_map_for`.
    """
    from ..provenance import is_synthetic

    sector_map = sector_map_for(processed_dir, sectors)
    rows = [
        ("hs6_code", "in", sorted(set(sector_map["hs6_code"]))),
        ("year", ">=", int(start_year)),
        ("year", "<=", int(end_year)),
    ]
    trade = load_processed("trade", processed_dir=processed_dir, filters=rows)
    world = load_processed("exports_by_country", processed_dir=processed_dir, filters=rows)
    datasets = ", ".join(sorted(map(str, trade["dataset"].unique())))
    source = f"{datasets} via coopstats (data/processed)"
    synthetic = is_synthetic(Path(processed_dir) / "trade.parquet")
    return SectorTrade(sector_map, trade, world, source, synthetic)
