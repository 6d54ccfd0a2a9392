"""Event dates: which day the described meeting or event took place.

Candidates are day-level dates: natasha's ``DatesExtractor`` matches ("11 ноября 2025 года",
"6 марта", "03.10.2025") plus rules for what it misses (abbreviated months "3 окт", ISO
dates). Candidates are then scored:

- a date inside a span of days ("с 8 по 11 июля", "8–11 июля") does not pin an event to a
  day and is dropped, as are dates introduced by "с", "до", "по", "от" (validity periods,
  deadlines and document dates);
- +2 when its sentence names a meeting (состояться, пройти, провести, встретиться,
  заседание, встреча, переговоры, форум ...), +1 when it names an action of one (обсудить,
  подписать, принять, рассмотреть, одобрить ...), +1 when it is in the first three sentences;
- "сегодня", "вчера", "позавчера" in a sentence about a meeting count from the publication
  date, when it is known and no dated candidate was found;
- a news-agency dateline ("ТАШКЕНТ, 3 окт — Sputnik", "ЕРЕВАН, 15 мая.") is used only when
  nothing else is found.

The best score wins, ties go to the earliest. A date without a year takes the publication
year, moved to the previous year when the sentence is in the past tense and the day would
fall after publication, or to the next year when it is in the future tense and the day
would fall before it (with no clear tense: the previous year when the day would fall more
than 183 days after publication); with
no publication date the year is inferred from the text: one more than the latest completed
reporting year ("за 2024 год", "по итогам 2024 года"), or the latest past year mentioned
("в 2024 году"); otherwise the event date stays null.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from .nlp import Analysis, models

__all__ = ["DateMention", "date_mentions", "event_date", "MONTH_RE", "infer_year"]

_MONTHS = [
    (r"январ[ьяюе]|янв", 1),
    (r"феврал[ьяюе]|фев", 2),
    (r"марта?|марте|мар", 3),
    (r"апрел[ьяюе]|апр", 4),
    (r"ма[йяюе]", 5),
    (r"июн[ьяюе]|июн", 6),
    (r"июл[ьяюе]|июл", 7),
    (r"августа?|августе|авг", 8),
    (r"сентябр[ьяюе]|сент|сен", 9),
    (r"октябр[ьяюе]|окт", 10),
    (r"ноябр[ьяюе]|нояб|ноя", 11),
    (r"декабр[ьяюе]|дек", 12),
]
MONTH_RE = "(?:" + "|".join(p for p, _ in _MONTHS) + r")\.?(?![а-яё])"
_DAY_MONTH = re.compile(
    r"(?<![\d.])(\d{1,2})(?:-?(?:го|е))?\s+("
    + MONTH_RE
    + r")(?:\s+(\d{4})(?:\s*(?:года|год|г\.))?)?",
    re.IGNORECASE,
)
_HAS_DATE = re.compile(r"\d\s*" + MONTH_RE + r"|\d{1,2}\.\d{1,2}\.\d{2,4}", re.IGNORECASE)
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]\d)")
_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_RANGE = re.compile(
    r"(?:\bс\s+)?(?<![\d.])(\d{1,2})(?:\s+"
    + MONTH_RE
    + r")?(?:\s+\d{4}\s*(?:года|г\.)?)?\s*(?:[-–—]|\s+по\s+|\s+до\s+)\s*"
    r"(\d{1,2})\s+" + MONTH_RE + r"(?:\s+\d{4}(?:\s*(?:года|год|г\.))?)?",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^[А-ЯЁA-Z][А-ЯЁA-Z\- ]{2,}(?:\s*\([^)]*\))?,\s+(\d{1,2})\s+("
    + MONTH_RE
    + r")\s*(?:[—–-]|\.(?=\s))",
    re.MULTILINE,
)
_YEAR_DONE = re.compile(
    r"(?:\bза|по\s+итогам|\bв\s+течение)\s+(\d{4})\s*(?:год|г\.)", re.IGNORECASE
)
_YEAR_PAST = re.compile(r"\bв\s+(\d{4})\s*(?:году|г\.)", re.IGNORECASE)
_MEETING_WORDS = frozenset(
    {
        "состояться",
        "пройти",
        "проходить",
        "провести",
        "проводить",
        "встретиться",
        "встреча",
        "заседание",
        "совещание",
        "переговоры",
        "собраться",
        "форум",
        "конференция",
        "стол",
        "сессия",
        "саммит",
        "визит",
        "посетить",
        "открыться",
        "брифинг",
    }
)
_ACTION_WORDS = frozenset(
    {
        "обсудить",
        "обсуждать",
        "подписать",
        "подписание",
        "принять",
        "рассмотреть",
        "одобрить",
        "утвердить",
        "участвовать",
        "сообщить",
        "заявить",
        "открыть",
    }
)
_BLOCKERS = re.compile(r"(?:\b(?:с|со|до|по|от)\s+|[-–—]\s*)$", re.IGNORECASE)


def _month(word: str) -> int:
    w = word.lower().rstrip(".")
    for pattern, number in _MONTHS:
        if re.fullmatch(pattern, w):
            return number
    raise ValueError(word)


@dataclass(frozen=True)
class DateMention:
    """A day-level date in a text (``year`` is None when the text omits it).

    ``kind`` is ``date``, ``dateline`` or ``range`` (a span of days such as "с 8 по 11 июля";
    its ``month`` and ``day`` are 0 because it is not one day).
    """

    start: int
    stop: int
    year: int | None
    month: int
    day: int
    kind: str


def date_mentions(text: str) -> list[DateMention]:
    """Return every day-level date in ``text`` (ranges marked ``range``), sorted by position."""
    return list(_date_mentions(text))


@functools.lru_cache(maxsize=8)
def _date_mentions(text: str) -> tuple[DateMention, ...]:
    # cached: the figures and the event date of one text both need the mentions
    found: dict[tuple[int, int], DateMention] = {}
    ranges = [(m.start(), m.end()) for m in _RANGE.finditer(text)]

    def add(start, stop, y, mo, d, kind="date"):
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return
        if kind == "date" and any(a <= start < b for a, b in ranges):
            kind = "range"
        key = (start, stop)
        if key not in found:
            found[key] = DateMention(start, stop, y, mo, d, kind)

    for a, b in ranges:
        # a span of days: masked for figures, never an event date (month/day 0 = not one day)
        found[(a, b)] = DateMention(a, b, None, 0, 0, "range")
    for m in _DATELINE.finditer(text):
        add(m.start(1), m.end(2), None, _month(m.group(2)), int(m.group(1)), "dateline")
    for m in _DAY_MONTH.finditer(text):
        add(
            m.start(),
            m.end(),
            int(m.group(3)) if m.group(3) else None,
            _month(m.group(2)),
            int(m.group(1)),
        )
    for m in _NUMERIC.finditer(text):
        add(m.start(), m.end(), int(m.group(3)), int(m.group(2)), int(m.group(1)))
    for m in _ISO.finditer(text):
        add(m.start(), m.end(), int(m.group(1)), int(m.group(2)), int(m.group(3)))
    # natasha's extractor as a second opinion: add day-level matches the rules missed
    covered = list(found)
    extractor = models()["dates"]
    offset = 0
    for line in text.split("\n"):  # line by line: the parser's chart grows fast with length
        if not _HAS_DATE.search(line):  # the parser is slow; most lines hold no date
            offset += len(line) + 1
            continue
        for m in extractor(line):
            f = m.fact
            start, stop = offset + m.start, offset + m.stop
            if (
                f.day
                and f.month
                and not any(a <= start < b or start <= a < stop for a, b in covered)
            ):
                add(start, stop, f.year, f.month, f.day)
        offset += len(line) + 1
    return tuple(sorted(found.values(), key=lambda d: d.start))


def infer_year(text: str) -> int | None:
    """Year of an undated-year event inferred from the text alone (see module docstring)."""
    done = [int(y) + 1 for y in _YEAR_DONE.findall(text) if 1990 <= int(y) <= 2100]
    past = [int(y) for y in _YEAR_PAST.findall(text) if 1990 <= int(y) <= 2100]
    years = done + past
    return max(years) if years else None


def _resolve_year(
    d: DateMention, text: str, publication: dt.date | None, tense: str | None
) -> int | None:
    if d.year:
        return d.year
    if publication is not None:
        year = publication.year
        try:
            days = (dt.date(year, d.month, d.day) - publication).days
        except ValueError:
            return None
        if tense == "Fut":  # "пройдет 26 декабря": the next such day
            return year + 1 if days < 0 else year
        if tense == "Past":  # "встретились 28 декабря": the last such day
            return year - 1 if days > 1 else year
        return year - 1 if days > 183 else year
    return infer_year(text)


def _tense(an: Analysis, sent: int) -> str | None:
    """Tense of the finite verbs of a sentence when they agree (Past or Fut), else None."""
    tenses = {t.feats.get("Tense") for t in an.sentence_tokens(sent) if t.pos in ("VERB", "AUX")}
    tenses.discard(None)
    tenses.discard("Pres")
    return tenses.pop() if len(tenses) == 1 else None


_RELATIVE = {"сегодня": 0, "вчера": -1, "позавчера": -2}


def _relative(an: Analysis, publication: dt.date | None) -> dt.date | None:
    """Return the day named relative to publication ("вчера состоялась встреча"), if any."""
    if publication is None:
        return None
    for tok in an.tokens:
        shift = _RELATIVE.get(tok.text.lower())
        if shift is None:
            continue
        words = set()
        for t in an.sentence_tokens(tok.sent):
            words |= t.lemmas
        if words & (_MEETING_WORDS | _ACTION_WORDS):
            return publication + dt.timedelta(days=shift)
    return None


def event_date(an: Analysis, *, publication_date: dt.date | None = None) -> str | None:
    """Return the ISO date of the described event, or None when the text does not pin it down.

    Parameters
    ----------
    an
        The analysed text (:func:`coopstats.events.nlp.analyse`).
    publication_date
        Publication date, the source of a missing year.
    """
    text = an.text
    best = None
    for d in date_mentions(text):
        if d.kind == "range":
            continue
        before = text[max(0, d.start - 6) : d.start]
        if d.kind == "date" and _BLOCKERS.search(before):
            continue
        sent = an.sentence_of(d.start)
        if d.kind == "dateline":
            score = 0.5
        else:
            words = set()
            for tok in an.sentence_tokens(sent):
                words |= tok.lemmas
            score = (
                1
                + (2 if words & _MEETING_WORDS else 0)
                + (1 if words & _ACTION_WORDS else 0)
                + (1 if sent < 3 else 0)
            )
        if best is None or score > best[0]:
            best = (score, d)
    if best is None or best[1].kind == "dateline":
        relative = _relative(an, publication_date)
        if relative is not None:
            return relative.isoformat()
    if best is None:
        return None
    d = best[1]
    year = _resolve_year(d, text, publication_date, _tense(an, an.sentence_of(d.start)))
    if year is None:
        return None
    try:
        return dt.date(year, d.month, d.day).isoformat()
    except ValueError:
        return None
