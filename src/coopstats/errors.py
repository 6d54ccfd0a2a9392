"""One error hierarchy for coopstats.

Every error is a :class:`CoopstatsError` and also the builtin it specialises, so callers can
catch either. Messages name the file, line, column and value involved and end with a hint.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "CoopstatsError",
    "DataFileError",
    "LimitExceededError",
    "ChecksumMismatchError",
    "UnmappedCodeError",
    "InvalidParameterError",
    "MissingDataError",
    "MissingDependencyError",
    "NotebookExecutionError",
    "ReportsFailedError",
    "OutputWriteError",
    "BuildLockedError",
    "ProjectRootError",
    "CoopstatsWarning",
    "format_location",
]


def format_location(
    path: str | Path | None = None,
    line: int | None = None,
    column: str | None = None,
    value: object = None,
) -> str:
    """Return ``"path:line: column 'c': value 'v'"`` with the parts that are known.

    Lines are 1-based with the header as line 1, so an editor can jump to them.
    """
    parts = []
    loc = str(path) if path is not None else ""
    if line is not None:
        loc = f"{loc}:{line}" if loc else f"line {line}"
    if loc:
        parts.append(loc)
    if column is not None:
        parts.append(f"column {column!r}")
    if value is not None:
        parts.append(f"value {str(value)!r}")
    return ": ".join(parts)


class CoopstatsError(Exception):
    """Base class for every error raised by coopstats."""


class DataFileError(CoopstatsError, ValueError):
    """A raw or processed file violates its contract.

    Parameters
    ----------
    message
        What is wrong.
    path, line, column, value
        Where (1-based line, header = line 1) and what was found.
    hint
        What the user can do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        self.value = value
        self.hint = hint
        self.message = message
        loc = format_location(path, line, column, value)
        text = f"{loc}: {message}" if loc else message
        if hint:
            text += f" Hint: {hint}"
        super().__init__(text)


class LimitExceededError(DataFileError):
    """A reader limit was reached (size, line length, rejected rows): the input is refused.

    Limits are parameters with documented defaults (e.g.
    :data:`coopstats.sources.baci.READ_LIMITS`); the message names the limit, the file and
    where it was hit, and how to raise the limit if the file is genuine.

    Attributes
    ----------
    limit : str
        Name of the limit parameter (``max_member_bytes``, ``max_line_bytes``, ...).
    allowed : object
        Its value.
    """

    def __init__(self, message: str, *, limit: str, allowed: object, **where) -> None:
        self.limit = limit
        self.allowed = allowed
        where.setdefault(
            "hint",
            f"if the file is genuine, raise the limit {limit}={allowed!r}; otherwise it is "
            "damaged or hostile: delete it and download it again",
        )
        super().__init__(f"{message} (limit {limit}={allowed!r})", **where)


class ChecksumMismatchError(DataFileError):
    """A processed file differs from the checksum its build recorded in ``manifest.json``."""


class UnmappedCodeError(CoopstatsError, KeyError):
    """Codes or names with no crosswalk entry.

    Lists every unresolved value (not just the first) and the crosswalk file to extend.
    """

    def __init__(
        self,
        values: Iterable[object],
        *,
        what: str = "code",
        crosswalk: str | Path | None = None,
        source: str | Path | None = None,
    ) -> None:
        self.values = sorted({str(v) for v in values})
        self.crosswalk = None if crosswalk is None else str(crosswalk)
        self.source = None if source is None else str(source)
        shown = ", ".join(repr(v) for v in self.values[:20])
        more = f" (and {len(self.values) - 20} more)" if len(self.values) > 20 else ""
        text = f"{len(self.values)} unresolved {what}(s): {shown}{more}."
        if self.source:
            text = f"{self.source}: {text}"
        if self.crosswalk:
            text += f" Add them to {self.crosswalk} (with a source) or fix the input."
        self.text = text
        super().__init__(text)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.text


class InvalidParameterError(CoopstatsError, ValueError):
    """A function or notebook parameter is unknown, out of range or not an allowed value."""

    def __init__(self, name: str, value: object, allowed: object = None, *, why: str = "") -> None:
        self.name = name
        self.value = value
        self.allowed = allowed
        self.why = why
        text = f"parameter {name!r}: invalid value {value!r}"
        if why:
            text += f" ({why})"
        if allowed is not None:
            text += f"; allowed: {allowed}"
        super().__init__(text)


class MissingDataError(CoopstatsError, FileNotFoundError):
    """An input file is absent; names the file wanted and where to put it."""

    def __init__(self, wanted: str, *, where: str | Path, how: str = "") -> None:
        self.wanted = wanted
        self.where = str(where)
        text = f"missing input {wanted!r}: expected at {self.where}."
        if how:
            text += f" {how}"
        super().__init__(text)


class MissingDependencyError(CoopstatsError, ImportError):
    """An optional dependency (an extra of the package) is not installed; names the install."""

    def __init__(self, package: str, *, extra: str, needed_for: str) -> None:
        self.package = package
        self.extra = extra
        text = (
            f"{needed_for} needs {package!r}, which is not installed; it comes with the "
            f"{extra!r} extra: pip install 'coopstats[{extra}]'"
        )
        super().__init__(text, name=package)


class NotebookExecutionError(CoopstatsError, RuntimeError):
    """A report notebook failed; names report, notebook, cell and parameters."""


class ReportsFailedError(NotebookExecutionError):
    """Some reports of a build failed; the others were built and the index marks the failures.

    Raised by ``coopstats report`` at the end of the build (so its exit code is non-zero).

    Attributes
    ----------
    failures : list of (report, language, error)
    built : list of str
        Reports built in the same run.
    """

    def __init__(self, failures: list[tuple[str, str, str]], *, built: list[str]) -> None:
        self.failures = list(failures)
        self.built = list(built)
        names = sorted({f"{name} ({lang})" for name, lang, _ in self.failures})
        text = (
            f"{len(self.failures)} report page(s) failed: {', '.join(names)}; "
            f"{len(self.built)} page(s) were built, and reports/index.html marks the failed "
            "ones with their error (their previous pages, if any, are kept). "
            f"First error: {self.failures[0][2]}"
        )
        super().__init__(text)


class OutputWriteError(CoopstatsError, OSError):
    """Writing an output failed (permissions, full disk, read-only file system).

    Names the path, the operating system's reason and what to do; previous outputs are kept.
    """

    def __init__(self, path: str | Path, exc: BaseException, *, hint: str = "") -> None:
        self.path = str(path)
        self.reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        self.errno_code = getattr(exc, "errno", None)
        text = f"{self.path}: cannot write ({type(exc).__name__}: {self.reason})."
        text += " " + (
            hint
            or "Check that the folder exists, is writable (chmod u+w) and that the disk has "
            "space; the previous outputs were left as they were."
        )
        super().__init__(text)

    def __str__(self) -> str:  # OSError would format (errno, strerror)
        return self.args[0]


class BuildLockedError(CoopstatsError, RuntimeError):
    """Another process holds the build lock of the same output folder."""


class ProjectRootError(CoopstatsError, FileNotFoundError):
    """A folder given as project root does not look like a coopstats project."""

    def __str__(self) -> str:  # FileNotFoundError would format (errno, strerror)
        return self.args[0]


class CoopstatsWarning(UserWarning):
    """Documented, expected conditions worth a user's attention."""
