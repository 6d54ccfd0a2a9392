"""Event dates: which day the described meeting or event took place.

Candidates are day-level dates found by regular expressions ("11 ноября 2025 года", "6 марта",
"11-го ноября", abbreviated months "3 окт", "03.10.2025", ISO dates). Candidates are then
scored:

- a date inside a span of days ("с 8 по 11 июля", "8–11 июля") does not pin an event to a
  day: the span is a candidate of its own (``start``/``end`` of :class:`EventDates`, with a
  null one-day date) and wins when its sentence scores higher than every one-day date;
  dates introduced by "с", "до", "по", "от" (validity periods, deadlines and document
  dates) are dropped;
- +2 when its sentence names a meeting (состояться, пройти, провести, встретиться,
  заседание, встреча, переговоры, форум ...), +1 when it names an action of one (обсудить,
  подписать, принять, рассмотреть, одобрить ...), +1 when it is in the first three sentences,
  -3 in background ("Напомним, ...", "Ранее ...") and next-meeting ("Следующее заседание
  пройдет ...") sentences;
- "сегодня", "вчера", "позавчера" in a sentence about a meeting count from the agency
  dateline, else from the publication date, when no dated candidate was found;
- a news-agency dateline ("ТАШКЕНТ, 3 окт — Sputnik", "МИНСК, 13 мая (БелТА) –") is used
  when the body pins no other day; publication stamps ("14.05.2025 12:30", "Опубликовано:
  14 мая") never reach this module: the reader drops them as page clutter.

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

from .nlp import Analysis

__all__ = [
    "DateMention",
    "EventDates",
    "date_mentions",
    "event_date",
    "event_dates",
    "MONTH_RE",
    "MONTH_STEMS",
    "infer_year",
]

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
#: Month number by the stem that a Russian month name's case forms share ("ма": май, мая,
#: мае; "март": март, марта).
MONTH_STEMS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_DAY_MONTH = re.compile(
    r"(?<![\d.])(\d{1,2})(?:-?(?:го|е))?\s+("
    + MONTH_RE
    + r")(?:\s+(\d{4})(?:\s*(?:года|год|г\.))?)?",
    re.IGNORECASE,
)

_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]\d)")
_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_MONTH_GROUP = "(?:" + "|".join(p for p, _ in _MONTHS) + r")"
_RANGE = re.compile(
    r"(?:\bс\s+)?(?<![\d.])(?P<d1>\d{1,2})(?:\s+(?P<m1>"
    + _MONTH_GROUP
    + r")\.?(?![а-яё]))?(?:\s+(?P<y1>\d{4})\s*(?:года|г\.)?)?\s*(?:[-–—]|\s+по\s+|\s+до\s+)\s*"
    r"(?P<d2>\d{1,2})\s+(?P<m2>"
    + _MONTH_GROUP
    + r")\.?(?![а-яё])(?:\s+(?P<y2>\d{4})(?:\s*(?:года|год|г\.))?)?",
    re.IGNORECASE,
)
#: Agency dateline: "МИНСК, 13 мая (БелТА) –", "ТАШКЕНТ, 3 окт — Sputnik.",
#: "Астана. 13 мая. КАЗИНФОРМ", "МОСКВА, 13 мая 2025 /ТАСС/", "ЕРЕВАН, 15 мая."
_DATELINE = re.compile(
    r"^(?:[А-ЯЁA-Z][А-ЯЁA-Z\- ]{2,}|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ]?[а-яё]+)?)(?:\s*\([^)]*\))?[,.]\s+"
    r"(\d{1,2})\s+("
    + MONTH_RE
    + r")(?:\s+(\d{4})(?:\s*(?:года|г\.))?)?\s*(?:[—–-]|\.(?=\s)|,?\s*[(/])",
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
    its ``month`` and ``day`` are 0 because it is not one day, and ``span`` holds
    ``(year or None, month, day)`` of its first and last day when they are known).
    """

    start: int
    stop: int
    year: int | None
    month: int
    day: int
    kind: str
    span: tuple | None = None


def date_mentions(text: str) -> list[DateMention]:
    """Return every day-level date in ``text`` (ranges marked ``range``), sorted by position."""
    return list(_date_mentions(text))


@functools.lru_cache(maxsize=8)
def _date_mentions(text: str) -> tuple[DateMention, ...]:
    # cached: the figures and the event date of one text both need the mentions
    found: dict[tuple[int, int], DateMention] = {}
    range_matches = list(_RANGE.finditer(text))
    ranges = [(m.start(), m.end()) for m in range_matches]

    def add(start, stop, y, mo, d, kind="date"):
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return
        if kind == "date" and any(a <= start < b for a, b in ranges):
            kind = "range"
        key = (start, stop)
        if key not in found:
            found[key] = DateMention(start, stop, y, mo, d, kind)

    for m in range_matches:
        # a span of days: masked for figures, never a one-day event date (month/day 0)
        m2 = _month(m.group("m2"))
        m1 = _month(m.group("m1")) if m.group("m1") else m2
        y2 = int(m.group("y2")) if m.group("y2") else None
        y1 = int(m.group("y1")) if m.group("y1") else y2
        d1, d2 = int(m.group("d1")), int(m.group("d2"))
        span = ((y1, m1, d1), (y2, m2, d2)) if 1 <= d1 <= 31 and 1 <= d2 <= 31 else None
        found[(m.start(), m.end())] = DateMention(m.start(), m.end(), None, 0, 0, "range", span)
    for m in _DATELINE.finditer(text):
        add(
            m.start(1),
            m.end(2),
            int(m.group(3)) if m.group(3) else None,
            _month(m.group(2)),
            int(m.group(1)),
            "dateline",
        )
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


_RELATIVE = {"сегодня": 0, "вчера": -1, "позавчера": -2, "накануне": -1}


_WEEKDAYS = {
    "понедельник": 0,
    "вторник": 1,
    "среда": 2,
    "среду": 2,
    "четверг": 3,
    "пятница": 4,
    "пятницу": 4,
    "суббота": 5,
    "субботу": 5,
    "воскресенье": 6,
}
#: Vague times: the text does not pin the day ("на прошлой неделе", "на днях").
_VAGUE = re.compile(
    r"\bна\s+(?:прошлой|этой|текущей|минувшей)\s+неделе|\bна\s+днях\b|\bранее\s+в\s+этом\s+месяце",
    re.IGNORECASE,
)


def _relative(an: Analysis, reference: dt.date | None) -> dt.date | None | bool:
    """Return the day named relative to ``reference``, False when only a vague time is given.

    "вчера/сегодня/накануне состоялась встреча" count days back; "во вторник прошли
    переговоры" is the last Tuesday on or before ``reference``; "на прошлой неделе", "на днях"
    in a sentence about a meeting say the day is not known (False).
    """
    if reference is None:
        return None
    for tok in an.tokens:
        low = tok.text.lower()
        shift = _RELATIVE.get(low)
        weekday = _WEEKDAYS.get(low)
        if shift is None and weekday is None:
            continue
        if weekday is not None:
            k = an.tokens.index(tok)
            if k == 0 or an.tokens[k - 1].text.lower() not in ("в", "во"):
                continue
        words = set()
        for t in an.sentence_tokens(tok.sent):
            words |= t.lemmas
        if words & (_MEETING_WORDS | _ACTION_WORDS):
            if weekday is not None:
                return reference - dt.timedelta(days=(reference.weekday() - weekday) % 7)
            return reference + dt.timedelta(days=shift)
    for a, b in an.sentences:
        if _VAGUE.search(an.text[a:b]):
            words = set()
            for t in an.sentence_tokens(an.sentence_of(a)):
                words |= t.lemmas
            if words & (_MEETING_WORDS | _ACTION_WORDS):
                return False
    return None


@dataclass(frozen=True)
class EventDates:
    """When the described event took place.

    ``day``: ISO date of a one-day event (None for a span or when not pinned down);
    ``start``/``end``: its first and last day (both ``day`` for a one-day event; the ends of a
    span such as "8–11 июля 2024"; None when unknown).
    """

    day: str | None
    start: str | None
    end: str | None


def _score(an: Analysis, d: DateMention) -> float:
    if d.kind == "dateline":
        return 0.5
    sent = an.sentence_of(d.start)
    words = set()
    for tok in an.sentence_tokens(sent):
        words |= tok.lemmas
    a, b = an.sentences[sent]
    background = bool(_BACKGROUND.match(an.text[a:b]))
    upcoming = bool(words & {"следующий", "очередной"}) and any(
        t.feats.get("Tense") == "Fut" for t in an.sentence_tokens(sent)
    )
    return (
        1
        + (2 if words & _MEETING_WORDS else 0)
        + (1 if words & _ACTION_WORDS else 0)
        + (1 if sent < 3 else 0)
        - (3 if background or upcoming else 0)
    )


#: Sentences about earlier events ("Напомним, ...", "Ранее ...", "Как сообщалось, ...").
_BACKGROUND = re.compile(
    r"\s*(?:напомним|напомню|ранее|как\s+сообщалось|как\s+сообщал|как\s+писал|"
    r"в\s+прошлый\s+раз|предыдущее\s+заседание|предыдущая\s+встреча)\b",
    re.IGNORECASE,
)


def _iso(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _within(d: DateMention, r: DateMention, text: str, publication: dt.date | None) -> bool:
    """Tell whether the day ``d`` falls inside the span ``r`` (a signing during a forum week)."""
    (y1, m1, d1), (y2, m2, d2) = r.span
    year = d.year or y2 or y1 or (publication.year if publication else None)
    if year is None:
        return (m1, d1) <= (d.month, d.day) <= (m2, d2)
    try:
        lo = dt.date(y1 or year, m1, d1)
        hi = dt.date(y2 or year, m2, d2)
        return lo <= dt.date(year, d.month, d.day) <= hi
    except ValueError:
        return False


def event_dates(an: Analysis, *, publication_date: dt.date | None = None) -> EventDates:
    """Return the day, or the first and last day, of the described event.

    Rules (see the module docstring): publication stamps are not in the analysed text (the
    reader drops them as page clutter); the publication date only gives the year of dates
    written without one and the day of "сегодня"/"вчера". An agency dateline ("МИНСК, 13 мая
    (БелТА) –") is the release's own date: it is the event date when the body pins no other
    day, and "вчера"/"сегодня" count from it. A span of days whose sentence scores higher
    than every one-day date gives ``start``/``end`` and a null ``day``.

    Parameters
    ----------
    an
        The analysed text (:func:`coopstats.events.nlp.analyse`).
    publication_date
        Publication date, the source of a missing year.
    """
    text = an.text
    best = None
    best_range = None
    dateline = None
    for d in date_mentions(text):
        before = text[max(0, d.start - 6) : d.start]
        if d.kind == "range":
            if d.span is None:
                continue
            score = _score(an, d)
            if best_range is None or score > best_range[0]:
                best_range = (score, d)
            continue
        if d.kind == "date" and _BLOCKERS.search(before):
            continue
        if d.kind == "dateline" and dateline is None:
            dateline = d
        score = _score(an, d)
        if best is None or score > best[0]:
            best = (score, d)
    reference = publication_date
    if dateline is not None:
        year = _resolve_year(dateline, text, publication_date, None)
        iso = _iso(year, dateline.month, dateline.day)
        if iso:
            reference = dt.date.fromisoformat(iso)
    if best is None or best[1].kind == "dateline":
        relative = _relative(an, reference)
        if relative is False:
            return EventDates(None, None, None)  # "на прошлой неделе": not the dateline's day
        if relative is not None:
            day = relative.isoformat()
            return EventDates(day, day, day)
    inside = (
        best is not None
        and best_range is not None
        and best[1].kind == "date"
        and _within(best[1], best_range[1], text, publication_date)
    )
    if best_range is not None and (best is None or best_range[0] > best[0]) and not inside:
        (y1, m1, d1), (y2, m2, d2) = best_range[1].span
        sent = an.sentence_of(best_range[1].start)
        tense = _tense(an, sent)
        if y2 is None:
            y2 = _resolve_year(
                DateMention(0, 0, None, m2, d2, "date"), text, publication_date, tense
            )
        if y1 is None and y2 is not None:
            y1 = y2 if (m1, d1) <= (m2, d2) else y2 - 1
        return EventDates(None, _iso(y1, m1, d1), _iso(y2, m2, d2))
    if best is None:
        return EventDates(None, None, None)
    d = best[1]
    year = _resolve_year(d, text, publication_date, _tense(an, an.sentence_of(d.start)))
    day = _iso(year, d.month, d.day)
    return EventDates(day, day, day)


def event_date(an: Analysis, *, publication_date: dt.date | None = None) -> str | None:
    """Return the ISO date of a one-day event, or None (see :func:`event_dates`)."""
    return event_dates(an, publication_date=publication_date).day
