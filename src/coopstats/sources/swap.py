"""The build lock and the atomic swap of ``data/processed``: a crash leaves whole outputs.

A build holds an exclusive ``fcntl`` lock on ``<parent>/.<processed>.lock``
(:class:`build_lock`; a second concurrent build fails at once with
:class:`~coopstats.errors.BuildLockedError` naming the holder's pid, or waits with
``wait=True``). Outputs are written into a fresh folder beside ``data/processed`` and swapped
in by :func:`swap_in` with one atomic ``renameat2(RENAME_EXCHANGE)`` (two renames where the
system lacks it); :func:`recover`, run first by the next build, restores the previous folder
after a crash between the two renames and deletes stale build folders.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path

from ..errors import BuildLockedError, OutputWriteError

__all__ = [
    "build_lock",
    "swap_in",
    "recover",
]

logger = logging.getLogger(__name__)


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
    :func:`recover`) puts them back before doing anything else.
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


def recover(final: Path) -> None:
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
