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
:func:`coopstats.sources.baci.scan_flows`), by :mod:`coopstats.sources.ingest_baci`;
no release is ever loaded into pandas. Output is byte-identical for identical input: rows are
sorted by their key, row groups have a fixed size, and no timestamp is written anywhere
(:mod:`coopstats.sources.parquet`; file names and row orders in :mod:`coopstats.sources.store`).

Concurrency and crashes: a build holds an exclusive ``fcntl`` lock on
``<parent>/.<processed>.lock`` (a second concurrent build fails at once with
:class:`~coopstats.errors.BuildLockedError` naming the holder's pid, or waits with
``wait=True``). Outputs are written into a fresh folder beside ``data/processed`` and swapped
in with one atomic ``renameat2(RENAME_EXCHANGE)`` (two renames where the system lacks it, with
recovery of the previous folder by the next build), so a crash at any moment leaves the
previous outputs intact (:mod:`coopstats.sources.swap`). A failed write (permissions, full
disk) raises :class:`~coopstats.errors.OutputWriteError` naming the path.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from .. import schemas
from ..columns import BLOCS
from ..errors import (
    CoopstatsError,
    DataFileError,
    MissingDataError,
    OutputWriteError,
    ProjectRootError,
)
from ..ledger import Cleaned, empty_ledger, relative_path, root_relative, write_ledger
from ..schemas import TRADE
from .fetch import file_sha256
from .ingest_baci import ingest_baci
from .parquet import typed, write_frame_partitions, write_parquet
from .store import EXPORTS_SORT, OUTPUTS, TRADE_SORT, WORLD_SORT
from .swap import build_lock, recover, swap_in

__all__ = [
    "build_processed",
    "source_summary",
    "cli_build",
    "bloc_member_union",
]

logger = logging.getLogger(__name__)


#: Folders of ``raw/`` searched for BACI release zips and yearly CSVs (``coopstats data fetch``
#: puts zips into ``downloads/baci/``; yearly CSVs may also be dropped beside the dictionaries).
BACI_LOCATIONS = ("downloads/baci", "downloads", "baci")

#: Blocs whose members' flows are kept row by row.
MEMBER_BLOCS = BLOCS  # the one bloc list (coopstats.columns)

EXPORTS = schemas.EXPORTS  # columns of exports_by_country.parquet
WORLD = schemas.WORLD  # columns of world_totals.parquet


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def bloc_member_union(blocs: Iterable[str] = MEMBER_BLOCS) -> list[str]:
    """Return the ISO3 codes that were ever full members of any of ``blocs``.

    From :func:`coopstats.membership.membership` (role ``member``; observers and associates
    excluded).
    """
    from ..membership import membership

    m = membership()
    sel = m[m["bloc"].isin(list(blocs)) & (m["role"] == "member")]
    return sorted(set(sel["country_iso3"].astype(str)))


# --------------------------------------------------------------------------------------------
# BACI
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# synthetic fallback
# --------------------------------------------------------------------------------------------


def _synthetic_tables(raw: Path, members: list[str]):
    """Return the synthetic panel's trade (members' flows), exports and world totals."""
    from .synthetic import DEMO_DATASET, demo_panel

    panel = demo_panel(dictionaries=raw / "baci", wdi=raw / "wdi")
    rows_panel = len(panel)
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
        "rows_trade": len(trade),
        "rows_exports": len(exports),
    }
    return trade, exports, world, stats


def _ingest_synthetic(raw: Path, out: Path, members: list[str]) -> dict:
    trade, exports, world, stats = _synthetic_tables(raw, members)
    write_parquet(typed(trade, TRADE), out / OUTPUTS["trade"])
    write_parquet(
        typed(exports, EXPORTS).sort_values(EXPORTS_SORT, kind="stable"),
        out / OUTPUTS["exports_by_country"],
    )
    write_parquet(
        typed(world, WORLD).sort_values(WORLD_SORT, kind="stable"), out / OUTPUTS["world_totals"]
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
    write_parquet(typed(trade, TRADE), out / OUTPUTS["trade"])
    write_parquet(
        typed(pd.DataFrame(columns=EXPORTS), EXPORTS), out / OUTPUTS["exports_by_country"]
    )
    write_parquet(typed(pd.DataFrame(columns=WORLD), WORLD), out / OUTPUTS["world_totals"])


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
    write_ledger(root_relative(cleaned, raw), out / "quarantine")
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
        by = sorted({relative_path(covered[i], raw) for i in inds if i in covered})
        if by and inds <= set(covered):
            superseded.append({"file": relative_path(p, raw), "superseded_by": by})
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
    write_parquet(typed(frame, INDICATORS), out / OUTPUTS["indicators"])
    write_ledger(root_relative(merged, raw), out / "quarantine")
    return {
        "files": [relative_path(f, raw) for f in files],
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
        recover(final)
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
                "path": relative_path(path, raw),
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
                write_ledger(root_relative(ct_ledger, raw), work / "quarantine")
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

                def synthetic_rest():
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
        print(f"{key:>20}: {relative_path(path, root)}")
    return 0


def source_summary(manifest: dict, processed: str | Path, *, root: str | Path) -> list[str]:
    """One line per source of a build: rows read, kept, quarantined and the ledger's path.

    ``read = kept + quarantined`` for every source (the ledger lists each quarantined row with
    file, line, column, value and rule). Paths are relative to ``root``.
    """
    processed, root = Path(processed), Path(root)

    def ledger(step: str) -> str:
        return relative_path(processed / "quarantine" / f"{step}.csv", root)

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
