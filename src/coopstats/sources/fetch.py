"""Download the registered upstream files (``coopstats data fetch``, ``make data``).

The registry (``coopstats/data/registry.yaml``) lists each upstream file with its URL,
version, licence, target path and - when it is known - its SHA-256. Downloads go through
:mod:`pooch` into ``data/raw/downloads/`` (git-ignored) with a tqdm progress bar.

Guarantees
----------
* **Checksummed.** A file is accepted only when its SHA-256 equals the pinned one: the
  registry's ``sha256`` or, for entries not pinned there, the hash recorded in the lock file
  ``data/raw/downloads.lock.json`` on first use. Entries with no hash anywhere are refused
  unless the user opts into trust on first use (``pin=True``; on the command line
  ``COOPSTATS_FETCH_PIN=1``, or ``--pin`` once the CLI parser offers it), which records the
  hash, size, URL and retrieval time.
* **No partial file passes.** pooch streams into a temporary file and moves it to the target
  only after the hash check; a mismatch deletes it.
* **Resumable.** Files already present and verified are skipped, so re-running continues
  with the next missing file; an interrupted download keeps its bytes in ``<target>.part``
  and the next run asks the server for the rest (HTTP ``Range``), falling back to a full
  download when the server does not support ranges. The hash check covers the joined file.
* **Offline fails at once.** Before any download the host is probed with a short TCP
  connect (DNS included, bounded by ``connect_timeout``); when it cannot be reached a
  :class:`~coopstats.errors.MissingDataError` names the file, the URL and the path where
  to put a copy by hand.
* **Safe extraction.** :func:`safe_extract` refuses zip members with absolute paths, ``..``
  components, drive letters, symlinks or a total size above a limit, naming the member.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import socket
import stat
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from ..errors import DataFileError, InvalidParameterError, MissingDataError
from ._text import load_yaml, parse_json

__all__ = [
    "Entry",
    "FetchResult",
    "LOCK_FILE",
    "PIN_ENV",
    "REGISTRY_ENV",
    "load_registry",
    "read_lock",
    "write_lock",
    "file_sha256",
    "check_reachable",
    "fetch_entry",
    "fetch",
    "safe_extract",
    "cli_fetch",
]

logger = logging.getLogger(__name__)

#: Lock file (relative to ``data/raw``) where trust-on-first-use hashes are recorded.
LOCK_FILE = "downloads.lock.json"
#: Environment variable that enables trust on first use (``1``), like ``--pin``.
PIN_ENV = "COOPSTATS_FETCH_PIN"
#: Environment variable naming another registry file for ``coopstats data fetch``.
REGISTRY_ENV = "COOPSTATS_FETCH_REGISTRY"

_FIELDS = (
    "name",
    "provider",
    "dataset",
    "version",
    "url",
    "sha256",
    "size_bytes",
    "licence",
    "target",
    "extract",
    "default",
    "citation",
    "note",
)
_HEX64 = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Entry:
    """One registered upstream file (see the header of ``registry.yaml`` for the fields)."""

    name: str
    provider: str
    dataset: str
    version: str
    url: str
    sha256: str | None
    size_bytes: int | None
    licence: str
    target: str
    extract: bool
    default: bool
    citation: str
    note: str

    @property
    def filename(self) -> str:
        """The target's file name."""
        return PurePosixPath(self.target).name

    def target_path(self, raw_dir: str | Path) -> Path:
        """Absolute target under ``raw_dir`` (``data/raw``)."""
        return Path(raw_dir) / PurePosixPath(self.target)

    def extract_dir(self, raw_dir: str | Path) -> Path:
        """Folder a zip entry is extracted into: the target without its ``.zip`` suffix."""
        path = self.target_path(raw_dir)
        return path.with_name(
            path.name[:-4] if path.name.lower().endswith(".zip") else path.name + ".d"
        )


@dataclass(frozen=True)
class FetchResult:
    """Outcome of one entry: ``status`` is ``present``, ``downloaded`` or ``pinned``."""

    name: str
    path: Path
    sha256: str
    size_bytes: int
    status: str
    extracted: tuple[Path, ...] = ()


# ----------------------------------------------------------------------------- registry
def _registry_default() -> Path:
    return Path(str(resources.files("coopstats") / "data" / "registry.yaml"))


def load_registry(path: str | Path | None = None) -> list[Entry]:
    """Read and check the download registry.

    Parameters
    ----------
    path
        A registry YAML file; default: the one shipped in ``coopstats/data/registry.yaml``.

    Returns
    -------
    list of Entry
        In file order.

    Raises
    ------
    DataFileError
        Naming the registry file, the entry and the field that is missing or malformed
        (a ``sha256`` must be 64 lower-case hex digits or null; targets must stay inside
        ``data/raw``; names must be unique).
    """
    path = Path(path) if path is not None else _registry_default()
    doc = load_yaml(path, hint="fix the YAML syntax of the registry")
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise DataFileError("the registry needs a top-level 'entries' list", path=path, line=1)
    entries, seen = [], set()
    for i, raw in enumerate(doc["entries"]):
        where = f"entry {i + 1}"
        if not isinstance(raw, dict):
            raise DataFileError(f"{where} is not a mapping", path=path)
        missing = [f for f in _FIELDS if f not in raw]
        if missing:
            raise DataFileError(
                f"{where} ({raw.get('name')!r}) lacks field(s) {missing}",
                path=path,
                column=missing[0],
                hint=f"every entry has the fields {list(_FIELDS)}",
            )
        empty = [
            f
            for f in _FIELDS
            if f not in ("sha256", "size_bytes", "extract", "default")
            and (raw[f] is None or str(raw[f]).strip() == "")
        ]
        if empty:
            raise DataFileError(
                f"{where} ({raw.get('name')!r}): field {empty[0]!r} must not be empty",
                path=path,
                column=empty[0],
                hint="only sha256 and size_bytes may be null",
            )
        sha = raw["sha256"]
        if sha is not None and not (isinstance(sha, str) and len(sha) == 64 and set(sha) <= _HEX64):
            raise DataFileError(
                f"{where} ({raw['name']!r}): sha256 must be 64 lower-case hex digits or null",
                path=path,
                column="sha256",
                value=sha,
            )
        target = PurePosixPath(str(raw["target"]))
        if target.is_absolute() or ".." in target.parts or not str(target).startswith("downloads/"):
            raise DataFileError(
                f"{where} ({raw['name']!r}): target must be a relative path under downloads/",
                path=path,
                column="target",
                value=raw["target"],
            )
        if raw["name"] in seen:
            raise DataFileError(
                f"duplicate entry name {raw['name']!r}", path=path, column="name", value=raw["name"]
            )
        seen.add(raw["name"])
        size = raw["size_bytes"]
        entries.append(
            Entry(
                name=str(raw["name"]),
                provider=str(raw["provider"]),
                dataset=str(raw["dataset"]),
                version=str(raw["version"]),
                url=str(raw["url"]),
                sha256=sha,
                size_bytes=None if size is None else int(size),
                licence=str(raw["licence"]),
                target=str(target),
                extract=bool(raw["extract"]),
                default=bool(raw["default"]),
                citation=str(raw["citation"]).strip(),
                note=str(raw["note"]).strip(),
            )
        )
    return entries


# ----------------------------------------------------------------------------- lock file
def read_lock(path: str | Path) -> dict[str, dict]:
    """Return ``{entry name: {sha256, size_bytes, url, retrieved_utc}}``; ``{}`` if absent."""
    path = Path(path)
    if not path.is_file():
        return {}
    doc = parse_json(
        path.read_text(encoding="utf-8"),
        path,
        hint="restore the lock file from version control or delete it and re-pin",
    )
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, dict):
        raise DataFileError("the lock file needs a 'files' object", path=path, line=1)
    return files


def write_lock(path: str | Path, files: dict[str, dict]) -> Path:
    """Write the lock file deterministically (sorted keys, trailing newline)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "about": "SHA-256 of upstream files accepted on first use "
        "(COOPSTATS_FETCH_PIN=1 coopstats data fetch). "
        "Commit this file to pin your snapshot.",
        "files": {k: files[k] for k in sorted(files)},
    }
    path.write_text(
        json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


def file_sha256(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


# ----------------------------------------------------------------------------- network
def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidParameterError("url", url, "an http(s) URL", why="cannot download from it")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def check_reachable(url: str, *, timeout: float = 5.0) -> str | None:
    """Probe the URL's host with one TCP connect; return ``None`` if it answers, else why not.

    Name resolution runs in a daemon thread, so the whole probe (DNS + connect) is bounded
    by ``timeout`` seconds even where the resolver itself would hang. When a proxy is
    configured for the URL (``HTTPS_PROXY`` etc., honoured by requests), the proxy is probed.
    """
    import urllib.request

    host, port = _host_port(url)
    proxy = urllib.request.getproxies().get(urlsplit(url).scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        host, port = _host_port(proxy if "://" in proxy else f"http://{proxy}")
    outcome: list[str | None] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                outcome.append(None)
        except OSError as exc:
            outcome.append(f"{type(exc).__name__}: {exc}")

    worker = threading.Thread(target=probe, name=f"coopstats-probe-{host}", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return f"no answer from {host}:{port} within {timeout:g} s"
    return outcome[0]


class _ResumingDownloader:
    """pooch downloader that keeps an interrupted download in ``part`` and resumes it.

    pooch calls it with a temporary output path; the bytes are streamed to ``part`` (with an
    HTTP ``Range`` request when ``part`` already holds a prefix), then moved to the output,
    which pooch hashes before moving it to the target.
    """

    def __init__(
        self, part: Path, *, connect_timeout: float, read_timeout: float, progressbar: bool
    ) -> None:
        self.part = part
        self.timeout = (connect_timeout, read_timeout)
        self.progressbar = progressbar

    def __call__(self, url: str, output_file, pooch=None, check_only: bool = False) -> bool | None:  # noqa: ARG002
        import requests
        from tqdm.auto import tqdm

        if check_only:
            with requests.head(url, timeout=self.timeout, allow_redirects=True) as r:
                return r.status_code == 200
        self.part.parent.mkdir(parents=True, exist_ok=True)
        offset = self.part.stat().st_size if self.part.exists() else 0
        headers = {"User-Agent": "coopstats (+https://pypi.org/project/pooch/)"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        with requests.get(url, headers=headers, stream=True, timeout=self.timeout) as r:
            if offset and r.status_code == 416:  # the part file already holds every byte
                logger.info("%s: server reports the partial file complete", self.part.name)
            else:
                if offset and r.status_code == 206:
                    mode = "ab"
                    logger.info("%s: resuming at byte %d", self.part.name, offset)
                else:
                    r.raise_for_status()
                    mode, offset = "wb", 0
                length = r.headers.get("Content-Length")
                total = None if length is None else offset + int(length)
                with (
                    open(self.part, mode) as fh,
                    tqdm(
                        total=total,
                        initial=offset,
                        unit="B",
                        unit_scale=True,
                        unit_divisor=1024,
                        desc=self.part.name[:-5],
                        disable=not self.progressbar,
                        leave=True,
                    ) as bar,
                ):
                    for block in r.iter_content(chunk_size=1 << 20):
                        fh.write(block)
                        bar.update(len(block))
        os.replace(self.part, output_file)
        return None


# ----------------------------------------------------------------------------- extraction
def safe_extract(
    zip_path: str | Path,
    dest: str | Path,
    *,
    max_total_bytes: int = 50 * 1024**3,
) -> list[Path]:
    """Extract a zip archive into ``dest``, refusing anything that could escape it.

    Every member name is checked before anything is written: absolute paths, ``..``
    components, Windows drive letters or backslashes, symbolic links, and a declared total
    uncompressed size above ``max_total_bytes`` (zip bombs) raise
    :class:`~coopstats.errors.DataFileError` naming the archive and the member.

    Parameters
    ----------
    zip_path
        The archive.
    dest
        Folder to extract into (created if needed).
    max_total_bytes
        Upper bound on the sum of the members' declared uncompressed sizes.

    Returns
    -------
    list of Path
        The extracted files, in archive order.
    """
    zip_path, dest = Path(zip_path), Path(dest)
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise DataFileError(
            f"not a zip archive ({exc})",
            path=zip_path,
            hint="the download may be truncated or an HTML error page; delete it and fetch again",
        ) from None
    with archive:
        infos = archive.infolist()
        root = dest.resolve()
        plan: list[tuple[zipfile.ZipInfo, Path]] = []
        total = 0
        for info in infos:
            name = info.filename
            pure = PurePosixPath(name)
            mode = info.external_attr >> 16
            why = None
            if name.startswith(("/", "\\")) or pure.is_absolute():
                why = "an absolute path"
            elif "\\" in name or (len(name) > 1 and name[1] == ":"):
                why = "a Windows path (backslash or drive letter)"
            elif ".." in pure.parts:
                why = "a '..' component (path traversal)"
            elif stat.S_ISLNK(mode):
                why = "a symbolic link"
            else:
                out = (root / pure).resolve()
                if out != root and root not in out.parents:
                    why = f"a path that resolves outside {root}"
            if why:
                raise DataFileError(
                    f"refusing to extract member with {why}",
                    path=zip_path,
                    value=name,
                    hint="the archive is malformed or malicious; obtain it again from the provider",
                )
            total += info.file_size
            if total > max_total_bytes:
                raise DataFileError(
                    f"members declare more than {max_total_bytes} bytes uncompressed",
                    path=zip_path,
                    value=name,
                    hint="raise max_total_bytes if the archive is genuine",
                )
            plan.append((info, root / pure))
        written = []
        for info, out in plan:
            if info.is_dir():
                out.mkdir(parents=True, exist_ok=True)
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(out, "wb") as dst:
                for block in iter(lambda: src.read(1 << 20), b""):
                    dst.write(block)
            written.append(out)
    return written


# ----------------------------------------------------------------------------- fetching
def _pin_command(entry: Entry) -> str:
    return f"`{PIN_ENV}=1 coopstats data fetch --only {entry.name}`"


def _manual_hint(entry: Entry, target: Path) -> str:
    return (
        f"Download {entry.url} by hand (licence: {entry.licence}) and save it as {target}, "
        f"then run {_pin_command(entry)} to check it and record its SHA-256."
    )


def _pinned_hash(entry: Entry, lock: dict[str, dict], lock_path: Path) -> str | None:
    locked = lock.get(entry.name, {}).get("sha256")
    if entry.sha256 and locked and locked != entry.sha256:
        raise DataFileError(
            f"entry {entry.name!r}: the lock file records sha256 {locked} but the registry pins "
            f"{entry.sha256}",
            path=lock_path,
            column=entry.name,
            value=locked,
            hint="the registry wins; remove the entry from the lock file if the registry is right",
        )
    return entry.sha256 or locked


def fetch_entry(
    entry: Entry,
    raw_dir: str | Path,
    *,
    lock: dict[str, dict],
    lock_path: str | Path,
    pin: bool = False,
    connect_timeout: float = 5.0,
    read_timeout: float = 60.0,
    progressbar: bool = True,
) -> FetchResult:
    """Make sure one registered file is present at its target with the pinned SHA-256.

    Order of checks (no network is touched when the file is already there):

    1. The target exists: hash it. With a pinned hash it must match (else
       :class:`~coopstats.errors.DataFileError`); without one it is accepted only with
       ``pin=True``, which records it in ``lock``.
    2. The target is missing: probe the host (bounded by ``connect_timeout``); when it cannot
       be reached raise :class:`~coopstats.errors.MissingDataError` naming file, URL and
       target. Without a pinned hash and without ``pin`` the download is refused (same
       error, explaining the policy).
    3. Download with :func:`pooch.retrieve` (hash-checked, resumable, progress bar).
    4. Extract zip entries with :func:`safe_extract` when ``entry.extract``.

    Parameters
    ----------
    entry
        From :func:`load_registry`.
    raw_dir
        The project's ``data/raw``.
    lock, lock_path
        Lock-file content (updated in place on pinning) and its path (for messages).
    pin
        Trust on first use for entries without a pinned hash.
    connect_timeout, read_timeout
        Seconds for the reachability probe / TCP connect and for each read.
    progressbar
        Show tqdm's progress bar.

    Returns
    -------
    FetchResult
    """
    import pooch

    target = entry.target_path(raw_dir)
    lock_path = Path(lock_path)
    expected = _pinned_hash(entry, lock, lock_path)
    status = "present"
    if not target.is_file():
        reason = check_reachable(entry.url, timeout=connect_timeout)
        if reason is not None:
            raise MissingDataError(
                entry.filename,
                where=target,
                how=f"Cannot reach {urlsplit(entry.url).hostname} to download it ({reason}); "
                f"coopstats works offline only with files already in place. "
                + _manual_hint(entry, target),
            )
        if expected is None and not pin:
            raise MissingDataError(
                entry.filename,
                where=target,
                how="No SHA-256 is pinned for this entry (see the policy in "
                "coopstats/data/registry.yaml), "
                f"so it will not be downloaded unverified. Run {_pin_command(entry)} "
                f"to trust it on first use and record its hash in {lock_path}.",
            )
        part = target.with_name(target.name + ".part")
        downloader = _ResumingDownloader(
            part,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            progressbar=progressbar,
        )
        logger.info("downloading %s from %s", entry.filename, entry.url)
        try:
            pooch.retrieve(
                entry.url,
                known_hash=None if expected is None else f"sha256:{expected}",
                fname=target.name,
                path=target.parent,
                downloader=downloader,
                progressbar=False,
            )
        except ValueError as exc:  # pooch's hash mismatch; the temporary file is already deleted
            part.unlink(missing_ok=True)
            raise DataFileError(
                f"download of {entry.url} does not match the pinned SHA-256 ({exc})",
                path=target,
                hint="the upstream file changed or the transfer was corrupted; nothing was kept. "
                "If the provider published a new version, update the registry entry.",
            ) from None
        except OSError as exc:  # requests' errors are OSErrors
            raise MissingDataError(
                entry.filename,
                where=target,
                how=f"The download failed ({type(exc).__name__}: {exc}); bytes received so far "
                "are kept in "
                f"{part} and the next run resumes. " + _manual_hint(entry, target),
            ) from None
        status = "downloaded"
    digest = file_sha256(target)
    size = target.stat().st_size
    if expected is not None and digest != expected:
        raise DataFileError(
            f"SHA-256 {digest} does not match the pinned {expected}",
            path=target,
            hint=f"the file is not the registered {entry.dataset} {entry.version}; delete it and "
            "fetch again, "
            "or replace it by the registered file",
        )
    if expected is None:
        if not pin:
            raise DataFileError(
                "file present but no SHA-256 is pinned for it, so it cannot be verified",
                path=target,
                hint=f"check where it came from, then run {_pin_command(entry)} to record its "
                f"hash in {lock_path}",
            )
        lock[entry.name] = {
            "sha256": digest,
            "size_bytes": size,
            "url": entry.url,
            "version": entry.version,
            "retrieved_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        status = "pinned"
        logger.warning(
            "%s: trusted on first use, sha256 %s recorded in %s", entry.filename, digest, lock_path
        )
    if entry.size_bytes is not None and size != entry.size_bytes:
        raise DataFileError(
            f"size {size} bytes differs from the registered {entry.size_bytes}", path=target
        )
    extracted: tuple[Path, ...] = ()
    if entry.extract:
        extracted = tuple(safe_extract(target, entry.extract_dir(raw_dir)))
    return FetchResult(entry.name, target, digest, size, status, extracted)


def fetch(
    raw_dir: str | Path,
    *,
    names: Sequence[str] | None = None,
    pin: bool = False,
    registry: str | Path | None = None,
    connect_timeout: float = 5.0,
    progressbar: bool = True,
) -> list[FetchResult]:
    """Fetch the registry's default entries (or ``names``) into ``raw_dir``.

    Parameters
    ----------
    raw_dir
        The project's ``data/raw``; the lock file is ``raw_dir / LOCK_FILE``.
    names
        Entry names to fetch (any entry, default or not); ``None`` means every default entry.
    pin
        Trust on first use (see the module docstring).
    registry
        Registry YAML; default the shipped one.
    connect_timeout
        Seconds allowed for reaching each host.
    progressbar
        Show download progress.

    Returns
    -------
    list of FetchResult
        One per entry, in registry order. The lock file is written after every pinned entry,
        so an interruption loses nothing already verified.

    Raises
    ------
    InvalidParameterError
        For an unknown entry name (the message lists the registered ones).
    MissingDataError, DataFileError
        From :func:`fetch_entry`; the first failing entry stops the run.
    """
    raw_dir = Path(raw_dir)
    entries = load_registry(registry)
    known = [e.name for e in entries]
    if names:
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InvalidParameterError(
                "only",
                unknown if len(unknown) > 1 else unknown[0],
                known,
                why="not in the download registry",
            )
        chosen = [e for e in entries if e.name in set(names)]
    else:
        chosen = [e for e in entries if e.default]
    lock_path = raw_dir / LOCK_FILE
    lock = read_lock(lock_path)
    results = []
    for entry in chosen:
        result = fetch_entry(
            entry,
            raw_dir,
            lock=lock,
            lock_path=lock_path,
            pin=pin,
            connect_timeout=connect_timeout,
            progressbar=progressbar,
        )
        if result.status == "pinned":
            write_lock(lock_path, lock)
        results.append(result)
    return results


def _as_bool_env(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def cli_fetch(args: argparse.Namespace) -> int:
    """Run ``coopstats data fetch`` (``args.root``, ``args.only``; optional ``args.pin``).

    ``COOPSTATS_FETCH_PIN=1`` enables trust on first use and ``COOPSTATS_FETCH_REGISTRY``
    points at another registry file (a private mirror, or tests).

    Logs one line per file (status, path, SHA-256) and returns 0; errors propagate as
    :class:`~coopstats.errors.CoopstatsError`, which the CLI prints on one line with exit code 2.
    """
    from ..config import project_root, raw_dir

    root = Path(args.root) if getattr(args, "root", None) else project_root()
    pin = bool(getattr(args, "pin", False)) or _as_bool_env(os.environ.get(PIN_ENV))
    registry = getattr(args, "registry", None) or os.environ.get(REGISTRY_ENV) or None
    results = fetch(raw_dir(root), names=getattr(args, "only", None), pin=pin, registry=registry)
    for r in results:  # command output (this function is the CLI command, not library code)
        print(f"{r.status:<10} {r.path}  sha256={r.sha256}")
    if not results:
        print("nothing to fetch: no default entries in the registry")
    return 0
