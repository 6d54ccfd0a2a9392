"""Reading press-release files: decoding, HTML to text, page clutter, publication dates.

Decisions (documented in :func:`read_document`):

- Encodings: UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such. A file that
  is not valid UTF-8 is tried as Windows-1251 and KOI8-R, the two legacy Cyrillic encodings
  of Russian web pages, and accepted only when the decoded text *looks* Russian (mostly
  Cyrillic letters, mostly lower case); the encoding used is reported with the document.
  Anything else is a :class:`~coopstats.errors.DataFileError` naming the file, the line and
  column of the first undecodable byte.
- HTML (``.html``/``.htm`` or text starting with a tag): trafilatura extracts the article
  element (chosen over a hand-written boilerplate remover: it is maintained, fast — a few ms a
  page — and scores well on news pages); without an article element the tags are stripped
  and ``script``, ``nav``, ``header``, ``footer``, ``aside``, ``form`` ... dropped. A
  ``<meta>`` publication date (``article:published_time``, ``date``, ``pubdate``) is kept.
- Page clutter in the text (plain text and what is left of HTML): the line classifier of
  :mod:`coopstats.events.body` (publication stamps, counters, tickers, weather, menus,
  share buttons, masthead numbers, related-links blocks). A file with no article body left is
  read with ``body_found=False`` and a warning.
- A leading ``date YYYY-MM-DD`` line and the first publication stamp before the article
  ("16:00 03.10.2025", "Опубликовано: 14.05.2025") give the publication date when none is
  passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from ..errors import DataFileError
from .body import Body, language_warning, split_body

__all__ = [
    "Document",
    "read_document",
    "decode_bytes",
    "html_to_text",
    "clean_text",
    "looks_like_html",
    "split_text",
    "body_warnings",
    "SUFFIXES",
    "DEFAULT_MAX_CHARS",
]

#: File name endings read by :func:`coopstats.events.extract_events`.
SUFFIXES = (".txt", ".html", ".htm")
#: Longer texts are refused (about 250 pages): split them or raise ``max_chars``.
DEFAULT_MAX_CHARS = 500_000

_DROP_TAGS = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "noscript",
    "form",
    "template",
    "svg",
    "button",
    "iframe",
    "select",
    "menu",
    "figure",
    "figcaption",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "title",
    "main",
    "dd",
    "dt",
}
_VOID_TAGS = {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col"}
_META_DATE = {
    "article:published_time",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "og:published_time",
    "datepublished",
    "dcterms.created",
}

_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")


@dataclass(frozen=True)
class Document:
    """A press release ready for extraction.

    Attributes
    ----------
    doc : str
        File stem, the event id.
    source : str
        File name.
    text : str
        Clean text.
    encoding : str
        Encoding the bytes were decoded with.
    format : str
        ``text`` or ``html``.
    publication_date : str or None
        ``YYYY-MM-DD`` found in the file (metadata line, time stamp, HTML meta), if any.
    body_found : bool
        Whether an article body was found (False: the file holds only page clutter).
    warnings : tuple of str
        Problems worth a look (no body, text not in Russian).
    """

    doc: str
    source: str
    text: str
    encoding: str
    format: str
    publication_date: str | None
    body_found: bool = True
    warnings: tuple = ()


def _looks_russian(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 20:
        return False
    cyr = [ch for ch in letters if "\u0400" <= ch <= "\u04ff"]
    if len(cyr) / len(letters) < 0.5:
        return False
    lower = sum(ch.islower() for ch in cyr)
    return lower / len(cyr) > 0.6 and not any("\x80" <= ch <= "\x9f" for ch in text)


def decode_bytes(raw: bytes, *, path: str | Path) -> tuple[str, str]:
    """Decode a press release; return ``(text, encoding)``.

    Raises
    ------
    DataFileError
        Empty file, binary content, or bytes that are neither UTF-8/UTF-16 nor plausible
        Windows-1251/KOI8-R Russian; names line and column of the first bad byte.
    """
    if not raw.strip():
        raise DataFileError(
            "the file is empty",
            path=path,
            line=1,
            hint="remove it or put the press-release text in it",
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataFileError(
            "the file contains NUL bytes: it is binary, not text",
            path=path,
            line=line,
            hint="extract the text first (.txt or .html)",
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first = exc
    for enc in ("cp1251", "koi8_r"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_russian(text):
            return text, enc
    line = raw[: first.start].count(b"\n") + 1
    col = first.start - (raw.rfind(b"\n", 0, first.start) + 1) + 1
    raise DataFileError(
        f"byte 0x{raw[first.start]:02x} at column {col} is not valid UTF-8, and the file does not "
        "read as Russian in Windows-1251 or KOI8-R either",
        path=path,
        line=line,
        hint="save the file as UTF-8",
    )


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.drop_depth = 0
        self.stack: list[str] = []
        self.meta_date: str | None = None

    def handle_starttag(self, tag, attrs):  # noqa: D102
        tag = tag.lower()
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key in _META_DATE and not self.meta_date:
                m = re.match(r"(\d{4}-\d{2}-\d{2})", a.get("content", "").strip())
                if m:
                    self.meta_date = m.group(1)
        if tag == "time" and not self.meta_date and a.get("datetime"):
            m = re.match(r"(\d{4}-\d{2}-\d{2})", a["datetime"].strip())
            if m:
                self.meta_date = m.group(1)
        if tag in _VOID_TAGS:
            if tag == "br":
                self.parts.append("\n")
            return
        self.stack.append(tag)
        if tag in _DROP_TAGS or tag == "head":
            self.drop_depth += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):  # noqa: D102
        tag = tag.lower()
        if tag in _VOID_TAGS or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in _DROP_TAGS or top == "head":
                self.drop_depth -= 1
            if top == tag:
                break
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):  # noqa: D102
        in_title = bool(self.stack) and self.stack[-1] == "title"
        if self.drop_depth == 0 or (
            in_title
            and self.drop_depth == 1
            and "head" in self.stack
            and not any(t in _DROP_TAGS for t in self.stack)
        ):
            self.parts.append(data)


def _own_html_to_text(markup: str) -> tuple[str, str | None]:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    text = unescape("".join(parser.parts))
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return text.strip(), parser.meta_date


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Article text of an HTML page; return ``(text, publication_date or None)``.

    trafilatura finds the article element (its main-content heuristics drop menus, sidebars,
    related links and comments); the page title is put first when trafilatura left it out.
    When trafilatura finds no article (a very short or unusual page), the whole page is used
    with ``script``, ``style``, ``nav``, ``header``, ``footer``, ``aside``, ``form`` and similar
    elements dropped and block elements turned into line breaks. The publication date comes
    from ``<meta>`` (``article:published_time``, ``date``, ``pubdate`` ...) or ``<time>``.
    """
    fallback, meta_date = _own_html_to_text(markup)
    try:
        import trafilatura

        body = trafilatura.extract(
            markup, include_comments=False, include_tables=True, deduplicate=False
        )
    except Exception:  # noqa: BLE001 - a parser failure falls back to the plain conversion
        body = None
    if not body or not body.strip():
        return fallback, meta_date
    body = unescape(body)
    title = fallback.split("\n", 1)[0].strip() if fallback else ""
    if title and title not in body and len(title.split()) >= 3:
        body = f"{title}\n\n{body}"
    return body.strip(), meta_date


def looks_like_html(text: str) -> bool:
    """Tell whether ``text`` is an HTML page or fragment (it starts with a usual tag)."""
    head = text.lstrip()[:200].lower()
    return head.startswith(
        ("<!doctype html", "<html", "<head", "<body", "<div", "<p>", "<p ", "<article", "<main")
    )


def _is_html(text: str, suffix: str) -> bool:
    return suffix in (".html", ".htm") or looks_like_html(text)


def clean_text(text: str) -> tuple[str, str | None]:
    """Remove page clutter from a plain text; return ``(text, publication_date or None)``.

    A leading ``date YYYY-MM-DD`` line gives the publication date; the other lines go through
    :func:`coopstats.events.body.split_body` (publication stamps, counters, tickers, menus,
    share buttons, related links ...).
    """
    body = split_text(text)
    return body.text, body.publication_date


def split_text(text: str) -> Body:
    """Like :func:`clean_text`, returning the whole :class:`~coopstats.events.body.Body`."""
    pub = None
    m = _DATE_PREFIX.match(text)
    if m:
        pub = m.group(1)
        text = text[m.end() :]
    body = split_body(text)
    if pub is not None:
        body.publication_date = pub
    return body


def read_document(path: str | Path, *, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Read one press release (``.txt`` or ``.html``) into a :class:`Document`.

    Parameters
    ----------
    path
        The file.
    max_chars
        Longest accepted clean text; longer texts raise (they are not press releases: split
        them, or raise the limit knowingly).

    A file with no article body left after removing markup and clutter is read with
    ``body_found=False`` and a warning (not an error), so that it is counted and flagged.

    Raises
    ------
    DataFileError
        Empty, binary, undecodable or too long files.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(
            f"cannot read the file ({exc.strerror})",
            path=path,
            hint="check the path and permissions",
        ) from None
    text, encoding = decode_bytes(raw, path=path)
    fmt = "text"
    pub = None
    if _is_html(text, path.suffix.lower()):
        fmt = "html"
        text, pub = html_to_text(text)
    body = split_text(text)
    pub = pub or body.publication_date
    text = body.text
    if len(text) > max_chars:
        raise DataFileError(
            f"text of {len(text)} characters exceeds max_chars={max_chars}",
            path=path,
            hint="a press release is a few thousand characters; split the file or raise max_chars",
        )
    return Document(
        path.stem, path.name, text, encoding, fmt, pub, body.body_found, body_warnings(body)
    )


def body_warnings(body: Body) -> tuple:
    """Warnings about a page: no article body (only clutter), or text not in Russian."""
    out = []
    if not body.body_found:
        kinds = sorted({k for _, k, _ in body.dropped})
        out.append(
            "no article body found: the text holds only page clutter"
            + (f" ({', '.join(kinds)})" if kinds else "")
            + "; check that the file holds the article"
        )
    lang = language_warning(body.text)
    if lang:
        out.append(lang)
    return tuple(out)
