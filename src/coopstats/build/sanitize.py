"""Keep warnings, tracebacks and local paths off report pages.

An executed notebook can carry text a reader must never see raw: a Python warning printed to
stderr (with the file path of the library that raised it), a log line, an absolute path of
the machine that built the page. :func:`warnings_to_notes` turns every stderr stream of an
executed notebook into a short, escaped note ("The computation reported: ...") with local
paths removed, and scrubs paths from the remaining text outputs; :func:`find_leaks` lists
what would still leak from a rendered page (used by the tests and the parameter grid).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

__all__ = ["WARNING_NOTE_CLASS", "scrub_paths", "warnings_to_notes", "find_leaks"]

#: CSS class of a note made from a captured warning or log line.
WARNING_NOTE_CLASS = "coopstats-warning-note"

_PREFIXES = r"(?:root|home|tmp|usr|opt|work|var|private|Users|mnt|srv|nix|etc|run|build|data)"
#: an absolute POSIX path with a known top folder, or a Windows drive path
_PATH = re.compile(
    r"(?<![\w:/+.\-])(?:/" + _PREFIXES + r"(?:/[^\s'\"<>():,;]*)+|[A-Za-z]:\\[^\s'\"<>]+)"
)
_WARNING_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+): (?P<category>[A-Za-z_][\w.]*(?:Warning|Error)): "
    r"(?P<message>.*)$"
)


def scrub_paths(text: str) -> str:
    """Replace absolute local paths in ``text`` by their last component, marked as elided.

    URLs (``https://host/a/b``) and relative paths (``../data/processed``) are kept.

    Examples
    --------
    >>> scrub_paths("read /work/main/data/processed/trade.parquet, see https://eaeunion.org/x")
    'read …/trade.parquet, see https://eaeunion.org/x'
    """
    return _PATH.sub(lambda m: "…/" + re.split(r"[/\\]", m.group(0).rstrip("/\\"))[-1], text)


def _messages(stderr: str) -> list[str]:
    """Warnings and log lines of a stderr stream as short messages (source lines dropped)."""
    out: list[str] = []
    skip_source = False
    for line in stderr.splitlines():
        m = _WARNING_LINE.match(line.strip())
        if m:
            kind = m.group("category").rsplit(".", 1)[-1]
            out.append(f"{m.group('message').strip()} ({kind})")
            skip_source = True
            continue
        if skip_source and line.startswith((" ", "\t")):
            continue  # the source line Python prints under a warning
        skip_source = False
        if line.strip():
            out.append(line.strip())
    return [scrub_paths(m) for m in out]


def _note_output(messages: list[str]) -> dict:
    import nbformat

    items = "".join(f"<li>{html.escape(m)}</li>" for m in messages)
    body = (
        f"<div class='coopstats-note {WARNING_NOTE_CLASS}' role='note'>"
        "<p>Note: the computation reported the following; the figures above and below are "
        f"shown as computed.</p><ul>{items}</ul></div>"
    )
    return nbformat.v4.new_output(
        "display_data",
        data={"text/html": body, "text/plain": "Note: " + "; ".join(messages)},
    )


def _scrub_output(out) -> None:
    if out.get("output_type") == "stream":
        out["text"] = scrub_paths(out.get("text", ""))
    elif out.get("output_type") == "error":
        out["evalue"] = scrub_paths(str(out.get("evalue", "")))
        out["traceback"] = [scrub_paths(str(t)) for t in out.get("traceback", [])]
    data = out.get("data", {})
    for mime in ("text/plain", "text/markdown"):
        if mime in data:
            data[mime] = scrub_paths(
                "".join(data[mime]) if isinstance(data[mime], list) else data[mime]
            )
    if "text/html" in data:
        text = (
            "".join(data["text/html"]) if isinstance(data["text/html"], list) else data["text/html"]
        )
        if "base64," not in text:  # never touch embedded images
            data["text/html"] = scrub_paths(text)


def warnings_to_notes(nb):
    """Turn stderr streams into escaped notes and scrub local paths from every output.

    Parameters
    ----------
    nb
        An executed notebook (``nbformat.NotebookNode``); changed in place and returned.

    Returns
    -------
    nbformat.NotebookNode
        The same notebook; ``nb.metadata["coopstats"]["captured_warnings"]`` lists the
        messages turned into notes (empty when there were none).
    """
    captured: list[str] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        new = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                msgs = _messages(out.get("text", ""))
                if msgs:
                    captured.extend(msgs)
                    new.append(_note_output(msgs))
                continue
            _scrub_output(out)
            new.append(out)
        cell["outputs"] = new
    meta = nb.metadata.setdefault("coopstats", {})
    meta["captured_warnings"] = captured
    return nb


_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \"", re.M)
_RAW_WARNING = re.compile(r"\b\w+Warning: ")


def find_leaks(page: str, *, root: str | Path | None = None) -> list[str]:
    """List what a rendered page shows that it must not.

    That is: notes made from warnings, raw warning text, tracebacks and local paths (the
    build's ``root`` or any absolute local path).

    Returns
    -------
    list of str
        One description per kind of leak found (empty when the page is clean).
    """
    found = []
    if WARNING_NOTE_CLASS in page:
        found.append("a captured warning (note) is on the page")
    if _RAW_WARNING.search(page):
        found.append(f"raw warning text: {_RAW_WARNING.search(page).group(0)!r}")
    if _TRACEBACK.search(page):
        found.append("a traceback")
    if root is not None and str(root) in page:
        found.append(f"the build root {root}")
    text = re.sub(r"base64,[A-Za-z0-9+/=]+", "", page)
    m = _PATH.search(text)
    if m:
        found.append(f"a local path {m.group(0)!r}")
    return found
