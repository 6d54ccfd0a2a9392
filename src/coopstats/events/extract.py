"""Press releases -> one event record each, plus the tidy events and figures frames.

The record of a document (one JSON object per line in ``coopstats events extract``)::

    {"doc": "<file stem>", "event_date": "YYYY-MM-DD" | null,
     "event_date_start": "YYYY-MM-DD" | null, "event_date_end": "YYYY-MM-DD" | null,
     "countries": ["BLR", ...], "blocs": ["UNION_STATE", ...], "sectors": ["microelectronics"],
     "organizations": ["Парламентское Собрание Союза Беларуси и России", ...],
     "organization_details": [{"name": "...", "type": "intergovernmental", "country": null}],
     "figures": [{"value": 192000000, "unit": "USD", "qualifier": null, "what": "экспорт",
                  "period": "2024"}, ...],
     "body_found": true, "warnings": []}

Fields and their rules:

countries, sectors
    See :mod:`coopstats.events.subjects`.
blocs
    From ``events_blocs.csv`` (ЕАЭС, СНГ, ОДКБ, Союзное государство ...) and from the bloc of
    each organisation found (ЕЭК -> EAEU). In :data:`coopstats.columns.BLOCS` order.
organizations, organization_details
    See :mod:`coopstats.events.organizations` (``type`` is one of
    :data:`coopstats.events.organizations.ORG_TYPES`; ``country`` the ISO3 of its state).
event_date, event_date_start, event_date_end, figures
    See :mod:`coopstats.events.dates` and :mod:`coopstats.events.figures`. ``event_date`` is
    the day of a one-day event (null for a span of days, as before); a span ("8–11 июля 2024")
    sets ``event_date_start`` and ``event_date_end``; a one-day event sets both to that day.
body_found, warnings
    Whether an article body was found in the page (:mod:`coopstats.events.body`); a page of
    nothing but clutter gives an empty record with ``body_found: false``. ``warnings`` lists
    such problems (no body, text not in Russian); each is also logged. A text mostly not in
    Cyrillic script gives an empty record with the warning; a Cyrillic text in another
    language (Ukrainian, Belarusian, Kazakh) is read, with the warning.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..columns import BLOCS
from ..errors import CoopstatsError, DataFileError, InvalidParameterError, MissingDataError
from .body import russian_script
from .dates import event_dates
from .figures import find_figures
from .lexicon import bloc_matcher
from .nlp import analyse
from .organizations import find_organizations
from .reader import (
    DEFAULT_MAX_CHARS,
    SUFFIXES,
    body_warnings,
    html_to_text,
    looks_like_html,
    read_document,
    split_text,
)
from .subjects import body_name_tokens, find_countries, find_sectors

__all__ = [
    "ExtractionResult",
    "extract_text",
    "extract_events",
    "read_publication_dates",
    "RECORD_KEYS",
    "LEGACY_KEYS",
    "WHAT_NOT_STATED",
]

log = logging.getLogger(__name__)

#: Keys of an event record, in output order.
RECORD_KEYS = (
    "doc",
    "event_date",
    "event_date_start",
    "event_date_end",
    "countries",
    "blocs",
    "sectors",
    "organizations",
    "organization_details",
    "figures",
    "body_found",
    "warnings",
)
#: Keys of records written before the reader knew spans, organisation types and bodies.
LEGACY_KEYS = ("doc", "event_date", "countries", "blocs", "sectors", "organizations", "figures")
#: ``what`` of a figure whose text names nothing it measures (the figures frame needs a value).
WHAT_NOT_STATED = "не указано"


def _parse_date(value: object, name: str) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidParameterError(
            name, value, "an ISO date YYYY-MM-DD or None", why="not a date"
        ) from None


def _empty_record(doc: str, warnings: Iterable[str]) -> dict:
    return {
        "doc": doc,
        "event_date": None,
        "event_date_start": None,
        "event_date_end": None,
        "countries": [],
        "blocs": [],
        "sectors": [],
        "organizations": [],
        "organization_details": [],
        "figures": [],
        "body_found": False,
        "warnings": list(warnings),
    }


def _record(
    doc: str,
    text: str,
    publication_date: dt.date | None,
    *,
    body_found: bool = True,
    warnings: Iterable[str] = (),
) -> dict:
    warnings = list(warnings)
    for w in warnings:
        log.warning("%s: %s", doc, w)
    if not body_found:
        return _empty_record(doc, warnings)
    if not russian_script(text):
        # a text in another script (English ...): the Russian rules would only read its digits
        # as figures; the record stays empty, with the language warning
        return {**_empty_record(doc, warnings), "body_found": True}
    an = analyse(text)
    country_hits, countries = find_countries(an)
    blocs = {h.entry.payload["bloc"] for h in bloc_matcher().find(an.tokens)}
    orgs, org_blocs, org_name_tokens = find_organizations(
        an, country_hits=country_hits, blocs=blocs
    )
    blocs |= org_blocs
    figures = [f.record() for f in find_figures(an, publication_date=publication_date)]
    for f in figures:
        if not f["what"]:
            f["what"] = WHAT_NOT_STATED
    when = event_dates(an, publication_date=publication_date)
    return {
        "doc": doc,
        "event_date": when.day,
        "event_date_start": when.start,
        "event_date_end": when.end,
        "countries": countries,
        "blocs": [b for b in BLOCS if b in blocs],
        "sectors": find_sectors(an, body_name_tokens(an) | org_name_tokens),
        "organizations": [o.name for o in orgs],
        "organization_details": [o.record() for o in orgs],
        "figures": figures,
        "body_found": True,
        "warnings": warnings,
    }


def extract_text(
    text: str,
    *,
    doc: str,
    publication_date: str | dt.date | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> dict:
    """Extract the event record of one press release given as text.

    Page clutter is removed first (photo credits, "more news" blocks; a leading ``date
    YYYY-MM-DD`` line or a "16:00 03.10.2025" time stamp is read as the publication date
    when ``publication_date`` is None).

    Parameters
    ----------
    text
        The press release: plain text, or an HTML page (its article is extracted first,
        as for ``.html`` files).
    doc
        Id of the document (the file stem), the record's ``doc``.
    publication_date
        ISO date of publication; gives the year of dates written without one.
    max_chars
        Longest accepted text.

    Returns
    -------
    dict
        The record: keys :data:`RECORD_KEYS` (see the module docstring for each field).

    Raises
    ------
    InvalidParameterError
        Empty or too long ``text``, empty ``doc``, or a ``publication_date`` that is not a date.

    Examples
    --------
    >>> rec = extract_text("11 ноября 2025 года в Минске состоялось заседание по сотрудничеству "
    ...                    "России и Беларуси в области станкостроения.", doc="demo")
    >>> rec["event_date"], rec["countries"], rec["sectors"]
    ('2025-11-11', ['BLR', 'RUS'], ['machine_tools'])
    """
    if not isinstance(doc, str) or not doc.strip():
        raise InvalidParameterError("doc", doc, "a non-empty string (the file stem)")
    if not isinstance(text, str):
        raise InvalidParameterError("text", type(text).__name__, "str")
    pub = _parse_date(publication_date, "publication_date")
    if not text.strip():
        raise InvalidParameterError("text", text[:40], "a non-empty press release", why="no text")
    pub_meta = None
    if looks_like_html(text):
        text, pub_meta = html_to_text(text)
    body = split_text(text)
    if pub_meta and not body.publication_date:
        body.publication_date = pub_meta
    if len(body.text) > max_chars:
        raise InvalidParameterError(
            "text",
            f"<{len(body.text)} characters>",
            f"at most max_chars={max_chars}",
            why="too long for a press release; split it or raise max_chars",
        )
    if pub is None and body.publication_date:
        pub = _parse_date(body.publication_date, "publication_date")
    return _record(doc, body.text, pub, body_found=body.body_found, warnings=body_warnings(body))


@dataclass(frozen=True)
class ExtractionResult:
    """Records of the documents read, and the files that could not be read.

    Attributes
    ----------
    records : list of dict
        One record per document read (keys :data:`RECORD_KEYS`), in file-name order.
    errors : pandas.DataFrame
        One row per failed file: ``file, line, error, hint``.
    documents : pandas.DataFrame
        One row per file seen: ``doc, source, status (ok|error), encoding, format, chars,
        publication_date``; ``len(documents) == len(records) + len(errors)``.
    """

    records: list
    errors: pd.DataFrame
    documents: pd.DataFrame = field(repr=False)

    @functools.cached_property
    def events(self) -> pd.DataFrame:
        """Events frame: ``event_id, event_date, countries, blocs, sectors, organizations, source``.

        One row per document; list columns hold Python lists; ``source`` is the file name.
        Validated with :func:`coopstats.schemas.events_schema`.
        """
        from ..schemas import EVENTS, events_schema

        src = (
            dict(zip(self.documents["doc"], self.documents["source"], strict=True))
            if len(self.documents)
            else {}
        )
        rows = [
            {
                "event_id": r["doc"],
                "event_date": r["event_date"],
                "countries": list(r["countries"]),
                "blocs": list(r["blocs"]),
                "sectors": list(r["sectors"]),
                "organizations": list(r["organizations"]),
                "source": src.get(r["doc"], r["doc"]),
            }
            for r in self.records
        ]
        frame = pd.DataFrame(rows, columns=EVENTS)
        frame = frame.astype({"event_id": "string", "event_date": "string", "source": "string"})
        return events_schema().validate(frame)

    @functools.cached_property
    def figures(self) -> pd.DataFrame:
        """Figures frame: ``event_id, value (float), unit, what, period`` (one row per figure).

        Validated with :func:`coopstats.schemas.figures_schema`.
        """
        from ..schemas import FIGURES, figures_schema

        rows = [{"event_id": r["doc"], **f} for r in self.records for f in r["figures"]]
        frame = pd.DataFrame(rows, columns=FIGURES)
        frame = frame.astype(
            {
                "event_id": "string",
                "value": "float64",
                "unit": "string",
                "what": "string",
                "period": "string",
            }
        )
        return figures_schema().validate(frame)

    def to_jsonl(self) -> str:
        """Return the records as JSON Lines (one object per line, keys in record order)."""
        return "".join(
            json.dumps({k: r[k] for k in RECORD_KEYS}, ensure_ascii=False) + "\n"
            for r in self.records
        )


def _files(paths_or_dir: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths_or_dir, (str, Path)):
        root = Path(paths_or_dir)
        if root.is_dir():
            files = sorted(
                p for p in root.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
            )
            others = sorted(
                p.name for p in root.iterdir() if p.is_file() and p.suffix.lower() not in SUFFIXES
            )
            if others:
                log.info(
                    "skipping %d file(s) that are not %s: %s",
                    len(others),
                    "/".join(SUFFIXES),
                    others[:5],
                )
            if not files:
                raise MissingDataError(
                    f"press releases ({'/'.join(SUFFIXES)})",
                    where=root,
                    how="put the .txt or .html files in that folder",
                )
            return files
        if not root.exists():
            raise MissingDataError(
                str(root.name), where=root, how="pass a folder or a list of files"
            )
        return [root]
    return [Path(p) for p in paths_or_dir]


def read_publication_dates(path: str | Path) -> dict[str, str | None]:
    """Read a ``doc,publication_date`` CSV (one row per file stem) into ``{doc: date}``.

    Raises
    ------
    DataFileError
        Missing columns, a repeated doc, or a date that is not ``YYYY-MM-DD`` (naming the line).
    """
    import csv

    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"doc", "publication_date"} <= set(reader.fieldnames):
            raise DataFileError(
                f"columns {reader.fieldnames}",
                path=path,
                line=1,
                hint="the CSV needs the columns doc,publication_date",
            )
        out: dict[str, str | None] = {}
        for line, row in enumerate(reader, start=2):
            doc, value = (row["doc"] or "").strip(), (row["publication_date"] or "").strip() or None
            if doc in out:
                raise DataFileError(
                    "doc repeated",
                    path=path,
                    line=line,
                    column="doc",
                    value=doc,
                    hint="give one publication date per file stem",
                )
            if value is not None:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    raise DataFileError(
                        "not a date",
                        path=path,
                        line=line,
                        column="publication_date",
                        value=value,
                        hint="write dates as YYYY-MM-DD",
                    ) from None
            out[doc] = value
    return out


def _publication_dates(value: object) -> object:
    """Normalise a single date, ``{doc: date}`` or the path of a ``doc,publication_date`` CSV."""
    if isinstance(value, (str, Path)) and not isinstance(value, dt.date):
        text = str(value).strip()
        try:
            dt.date.fromisoformat(text)
            return text
        except ValueError:
            pass
        if Path(text).suffix.lower() == ".csv" or Path(text).is_file():
            if not Path(text).is_file():
                raise MissingDataError(
                    Path(text).name,
                    where=Path(text),
                    how="pass an ISO date or an existing doc,publication_date CSV",
                )
            return read_publication_dates(text)
    return value


def _publication_for(doc: str, publication_dates: object) -> dt.date | None:
    if publication_dates is None:
        return None
    if isinstance(publication_dates, Mapping):
        return _parse_date(publication_dates.get(doc), "publication_dates")
    return _parse_date(publication_dates, "publication_dates")


def extract_events(
    paths_or_dir: str | Path | Iterable[str | Path],
    *,
    publication_dates: Mapping[str, str] | str | Path | dt.date | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    progress: bool = False,
) -> ExtractionResult:
    """Read press releases (``.txt``/``.html``/``.htm``) and extract one event record each.

    A file that cannot be read (empty, binary, undecodable, too long, no text after markup)
    is reported in ``errors`` and counted in ``documents``; the other files go on.

    Parameters
    ----------
    paths_or_dir
        A folder (its ``.txt``/``.html``/``.htm`` files, sorted by name) or file paths.
    publication_dates
        One ISO date for every file, ``{doc: date}`` per file stem, or the path of a
        ``doc,publication_date`` CSV (:func:`read_publication_dates`); a date found in the file
        itself (``date`` line, time stamp, HTML meta) is used when none is given.
    max_chars
        Longest accepted text per file.
    progress
        Show a tqdm progress bar.

    Returns
    -------
    ExtractionResult
        ``records`` (JSON-ready), ``events`` and ``figures`` frames, ``errors``, ``documents``.

    Raises
    ------
    MissingDataError
        The folder or file does not exist, or the folder holds no press release.
    InvalidParameterError
        A publication date that is not an ISO date, or ``max_chars`` < 1.
    """
    if not isinstance(max_chars, int) or max_chars < 1:
        raise InvalidParameterError("max_chars", max_chars, "a positive integer")
    publication_dates = _publication_dates(publication_dates)
    files = _files(paths_or_dir)
    records, errors, docs = [], [], []
    iterator = files
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(files, desc="press releases", unit="file")
    stems: set[str] = set()
    for path in iterator:
        pub = _publication_for(path.stem, publication_dates)
        try:
            if path.stem in stems:
                raise DataFileError(
                    f"document id {path.stem!r} is already taken by another file",
                    path=path,
                    hint="file stems are event ids; rename one of the files",
                )
            stems.add(path.stem)
            document = read_document(path, max_chars=max_chars)
            record = _record(
                document.doc,
                document.text,
                pub or _parse_date(document.publication_date, "publication_date"),
                body_found=document.body_found,
                warnings=document.warnings,
            )
        except CoopstatsError as exc:
            log.warning("%s", exc)
            errors.append(
                {
                    "file": str(path),
                    "line": getattr(exc, "line", None),
                    "error": str(exc),
                    "hint": getattr(exc, "hint", None),
                }
            )
            docs.append(
                {
                    "doc": path.stem,
                    "source": path.name,
                    "status": "error",
                    "encoding": None,
                    "format": None,
                    "chars": None,
                    "publication_date": None,
                }
            )
            continue
        records.append(record)
        docs.append(
            {
                "doc": document.doc,
                "source": document.source,
                "status": "ok",
                "encoding": document.encoding,
                "format": document.format,
                "chars": len(document.text),
                "publication_date": (pub.isoformat() if pub else document.publication_date),
            }
        )
    errors_frame = pd.DataFrame(errors, columns=["file", "line", "error", "hint"]).astype(
        {"file": "string", "line": "Int64", "error": "string", "hint": "string"}
    )
    documents = pd.DataFrame(
        docs, columns=["doc", "source", "status", "encoding", "format", "chars", "publication_date"]
    ).astype({"chars": "Int64"})
    return ExtractionResult(records, errors_frame, documents)


def _upgrade(record: dict) -> dict:
    """Fill the keys a record written with :data:`LEGACY_KEYS` lacks (no span, no types)."""
    out = dict(record)
    out["event_date_start"] = out["event_date_end"] = record["event_date"]
    out["organization_details"] = [
        {"name": name, "type": None, "country": None} for name in record["organizations"]
    ]
    out["figures"] = [{**f, "qualifier": f.get("qualifier")} for f in record["figures"]]
    out["body_found"] = True
    out["warnings"] = []
    return out


def read_events_jsonl(path: str | Path) -> ExtractionResult:
    """Read records written by ``coopstats events extract`` (JSON Lines) back into a result.

    This is how the repository ships cooperation events: the structured output of the
    extractor, never the press releases' text (``data/raw/events/``).

    Parameters
    ----------
    path
        A ``.jsonl`` file, one record per line with exactly the keys :data:`RECORD_KEYS` (or
        the older :data:`LEGACY_KEYS`, whose missing keys are filled: span = the day, types
        and qualifiers null, ``body_found`` true).

    Returns
    -------
    ExtractionResult
        ``records`` as read; ``documents`` has one ``ok`` row per record with ``source`` the
        file name and ``format="jsonl"``; ``errors`` is empty (a bad line raises instead).

    Raises
    ------
    DataFileError
        A line that is not JSON, lacks or adds keys, or repeats a ``doc``; names file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingDataError(
            path.name, where=path, how="write it with `coopstats events extract DIR -o FILE`"
        )
    records, seen = [], set()
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFileError(
                f"not JSON ({exc.msg})", path=path, line=line_no, hint="one JSON object per line"
            ) from None
        keys = tuple(record) if isinstance(record, dict) else ()
        if set(keys) == set(LEGACY_KEYS):
            record = _upgrade(record)
        elif set(keys) != set(RECORD_KEYS):
            raise DataFileError(
                f"record keys {sorted(keys)} differ from {list(RECORD_KEYS)}",
                path=path,
                line=line_no,
                hint="write records with `coopstats events extract`",
            )
        if record["doc"] in seen:
            raise DataFileError(
                "document id repeated",
                path=path,
                line=line_no,
                column="doc",
                value=record["doc"],
                hint="every doc appears once",
            )
        seen.add(record["doc"])
        records.append({k: record[k] for k in RECORD_KEYS})
    errors = pd.DataFrame(columns=["file", "line", "error", "hint"]).astype(
        {"file": "string", "line": "Int64", "error": "string", "hint": "string"}
    )
    documents = pd.DataFrame(
        {
            "doc": [r["doc"] for r in records],
            "source": [f"{r['doc']} ({path.name})" for r in records],
            "status": "ok",
            "encoding": "utf-8",
            "format": "jsonl",
            "chars": pd.array([None] * len(records), dtype="Int64"),
            "publication_date": None,
        },
        columns=["doc", "source", "status", "encoding", "format", "chars", "publication_date"],
    )
    return ExtractionResult(records, errors, documents)
