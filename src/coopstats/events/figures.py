"""Figures stated in a press release: value with its scale folded in, unit, what, period.

A figure is a number written in digits ("192", "127,5", "1 200 000") or in words ("пять",
"двух"; "один" is left out because it is mostly a pronoun: "одним из"), followed by
optional scale words (тысяча, млн, миллиард ...; "1 миллион 200 тысяч" adds up) and an
optional unit from ``events_units.csv`` (currencies, percent, percentage points, tonnes,
times ...). ``$``/``€``/``₽`` before the number also set the currency. Without a unit the
figure is a ``count`` of the noun that follows ("35 типономиналов" -> count of типономинал).

Not figures: calendar years (an integer 1900-2100 without scale or unit), dates and day
ranges, clock times, phone numbers, numbers glued to a word by a hyphen (model and event
names such as "Иннопром-2024", "МТЗ-82"), ordinals ("5-й", "XI") and anniversaries
("10-летие"), numbers after "№" or
inside codes ("010/2011"), and references (статья 5, пункт 3).

``what`` is a short lemma phrase: for money, percent and physical units the nearest
preceding measure noun of the sentence from ``events_measures.csv`` (экспорт, товарооборот,
инвестиция ...), or the noun right after the unit ("100% локализацией" -> локализация);
"прирост"/"снижение" is prefixed for changes ("на 127,5 процентов больше"). ``period`` is
the reporting period stated in the same sentence closest to the figure: ``2024`` ("за 2024
год"), ``2025..2030``, ``2024Q1``, ``2024-01..2024-09``; null when none is stated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import MONTH_RE, date_mentions
from .lexicon import measure_lemmas, unit_matcher
from .nlp import Analysis, Token

__all__ = ["Figure", "find_figures", "WORD_NUMBERS"]

_NUMBER = re.compile(
    r"(?<![\w.,/])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?(?![\w/]|[.,]\d)"
)
_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")
_PHONE_LINE = re.compile(r"(?:тел\.|телефон\w*|факс|phone|tel\.)[^\n]*", re.IGNORECASE)
_PHONE = re.compile(
    r"\+\d{1,3}[\s(‑-]*\d{1,4}[\s)‑-]*\d{2,4}[\s‑-]*\d{2}[\s‑-]*\d{2}\b|"
    r"(?:\+7|\b8)[\s(‑-]*\d{3,4}[\s)‑-]*\d{2,3}[\s‑-]*\d{2}[\s‑-]*\d{2}\b|\b\d{2,3}-\d{2}-\d{2}\b"
)
_MONTH_YEAR = re.compile(MONTH_RE + r"\s+\d{4}", re.IGNORECASE)
_ORDINAL_TAIL = re.compile(
    r"^\s*[-‑–]\s?(?:(?:й|го|я|е|м|х|ми|ти|ой|ый|ий|ая|ое|ые|ю)(?![а-яё])|лети|летн)", re.IGNORECASE
)
_REFERENCE = re.compile(
    r"(?:№|статья|статьи|статьей|пункт|пункта|пунктом|часть|части|глава|главы|"
    r"раздел|раздела|стр\.|с\.|п\.|ст\.|рис\.|табл\.|№\s*)\s*$",
    re.IGNORECASE,
)
_GLUED = re.compile(r"[A-Za-zА-Яа-яЁё][-‑–—]$")
_MONTHS_OF_YEAR = re.compile(r"(?<!\d)(\d{1,2})\s+месяц\w*\s+(\d{4})", re.IGNORECASE)
#: A short quoted name («Россия – Беларусь: 25 лет Союзному государству»); long quotes are speech.
_QUOTED_NAME = re.compile(r"«[^«»\n]{1,60}»")
_PERIOD_PATTERNS = [
    (
        re.compile(r"(\d{4})\s*[-–—]\s*(\d{4})\s*(?:год|гг)", re.IGNORECASE),
        lambda m: f"{m.group(1)}..{m.group(2)}",
    ),
    (
        re.compile(
            r"(?:январ[ьея]\s*[-–—]\s*|за\s+)(январ|феврал|март|апрел|ма|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*\s+(\d{4})",
            re.IGNORECASE,
        ),
        None,
    ),
    (
        re.compile(
            r"(?:(перв|втор|трет|четверт)\w*|\b(I{1,3}|IV))\s+квартал\w*\s+(\d{4})", re.IGNORECASE
        ),
        None,
    ),
    (re.compile(r"(перв|втор)\w*\s+полугоди\w*\s+(\d{4})", re.IGNORECASE), None),
    (_MONTHS_OF_YEAR, lambda m: f"{m.group(2)}-01..{m.group(2)}-{int(m.group(1)):02d}"),
    (
        re.compile(r"(?:\bза|\bв|по\s+итогам|\bна|\bк)\s+(\d{4})\s*(?:год|г\.)", re.IGNORECASE),
        lambda m: m.group(1),
    ),
]
_MONTH_NUM = {
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
_QUARTER = {"перв": 1, "втор": 2, "трет": 3, "четверт": 4, "I": 1, "II": 2, "III": 3, "IV": 4}

#: Word numerals read as figures (lemma -> value); "один" is excluded on purpose.
WORD_NUMBERS = {
    "два": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
    "тринадцать": 13,
    "четырнадцать": 14,
    "пятнадцать": 15,
    "шестнадцать": 16,
    "семнадцать": 17,
    "восемнадцать": 18,
    "девятнадцать": 19,
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
    "шестьдесят": 60,
    "семьдесят": 70,
    "восемьдесят": 80,
    "девяносто": 90,
    "сто": 100,
    "двести": 200,
    "триста": 300,
    "четыреста": 400,
    "пятьсот": 500,
    "шестьсот": 600,
    "семьсот": 700,
    "восемьсот": 800,
    "девятьсот": 900,
    "полтора": 1.5,
    "оба": None,
}
_CHANGE_UP = {
    "больше",
    "более",
    "выше",
    "рост",
    "вырасти",
    "увеличиться",
    "возрасти",
    "прирост",
    "увеличение",
}
_CHANGE_DOWN = {
    "меньше",
    "ниже",
    "снизиться",
    "сократиться",
    "уменьшиться",
    "снижение",
    "сокращение",
    "упасть",
}
_SKIP_POS = {"ADJ", "DET", "NUM", "PUNCT", "ADV", "PART"}


@dataclass(frozen=True)
class Figure:
    """A quantity stated in a text."""

    value: float
    unit: str
    what: str | None
    period: str | None
    start: int
    stop: int

    def record(self) -> dict:
        """Return the figure as a JSON-ready dict (integral values as int)."""
        v = self.value
        value = int(v) if float(v).is_integer() and abs(v) < 1e15 else round(v, 6)
        return {"value": value, "unit": self.unit, "what": self.what, "period": self.period}


def _masked(text: str) -> list[tuple[int, int]]:
    spans = [(d.start, d.stop) for d in date_mentions(text)]
    spans += [(m.start(), m.end()) for m in _MONTHS_OF_YEAR.finditer(text)]
    spans += [
        (m.start(), m.end()) for m in _QUOTED_NAME.finditer(text) if m.group(0)[1:2].isupper()
    ]
    for rx in (_TIME, _PHONE, _PHONE_LINE, _MONTH_YEAR):
        spans += [(m.start(), m.end()) for m in rx.finditer(text)]
    return spans


def _first_token_at(an: Analysis, offset: int) -> int:
    return an.first_token_at(offset)


def _period(text: str, sent_span: tuple[int, int], pos: int) -> str | None:
    a, b = sent_span
    sentence = text[a:b]
    best = None
    for rx, fmt in _PERIOD_PATTERNS:
        for m in rx.finditer(sentence):
            if fmt is not None:
                value = fmt(m)
            elif "квартал" in m.group(0).lower():
                q = _QUARTER.get(m.group(1).lower() if m.group(1) else m.group(2).upper())
                value = f"{m.group(3)}Q{q}"
            elif "полугоди" in m.group(0).lower():
                half = 1 if m.group(1).lower() == "перв" else 2
                first, last = ("01", "06") if half == 1 else ("07", "12")
                value = f"{m.group(2)}-{first}..{m.group(2)}-{last}"
            else:
                stem = m.group(1).lower()
                month = _MONTH_NUM.get(stem) or _MONTH_NUM.get(stem.rstrip("ь"))
                if not month:
                    continue
                value = f"{m.group(2)}-01..{m.group(2)}-{month:02d}"
            dist = abs(a + m.start() - pos)
            if best is None or dist < best[0]:
                best = (dist, value)
    return best[1] if best else None


def _only_noun(word: str) -> bool:
    """Tell whether every pymorphy3 reading of ``word`` is a noun (the tagger may guess wrong)."""
    from .nlp import models

    parses = models()["morph"].parse(word)
    return bool(parses) and all(p.tag.POS == "NOUN" for p in parses)


def _noun_after(tokens: list[Token], j: int, sent: int, limit: int = 3) -> str | None:
    for k in range(j, min(len(tokens), j + limit + 1)):
        t = tokens[k]
        if t.sent != sent:
            return None
        if any(ch.isalpha() for ch in t.text) and (
            t.pos in ("NOUN", "PROPN") or _only_noun(t.text)
        ):
            return t.lemma
        if t.pos not in _SKIP_POS:
            return None
    return None


def _measure_before(tokens: list[Token], i: int, sent: int) -> str | None:
    measures = measure_lemmas()
    for k in range(i - 1, -1, -1):
        t = tokens[k]
        if t.sent != sent:
            return None
        hit = t.lemmas & measures
        if hit:
            return t.lemma if t.lemma in hit else sorted(hit)[0]
    return None


def _number_candidates(an: Analysis, masked: list[tuple[int, int]]) -> list[tuple[float, int, int]]:
    text = an.text
    out = []
    for m in _NUMBER.finditer(text):
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in masked):
            continue
        before = text[max(0, s - 12) : s]
        if (
            _GLUED.search(before)
            or _REFERENCE.search(before)
            or _ORDINAL_TAIL.match(text[e : e + 5])
        ):
            continue
        whole = re.sub(r"\s", "", m.group(1))
        value = float(f"{whole}.{m.group(2)}") if m.group(2) else float(whole)
        out.append((value, s, e))
    # word numerals, consecutive ones added up ("двадцать пять")
    tokens = an.tokens
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.pos == "NUM" and t.text.isalpha() and WORD_NUMBERS.get(t.lemma):
            value, j = 0.0, i
            while (
                j < len(tokens) and WORD_NUMBERS.get(tokens[j].lemma) and tokens[j].sent == t.sent
            ):
                value += WORD_NUMBERS[tokens[j].lemma]
                j += 1
            out.append((value, t.start, tokens[j - 1].stop))
            i = j
        else:
            i += 1
    return sorted(out, key=lambda x: x[1])


def find_figures(an: Analysis) -> list[Figure]:
    """Return the figures stated in an analysed text, in text order, without repeats.

    A repeat is the same (value, unit, what) stated again (a headline restated in the body).
    """
    text, tokens = an.text, an.tokens
    units = unit_matcher()
    masked = _masked(text)
    figures: list[Figure] = []
    seen = set()
    for value, s, e in _number_candidates(an, masked):
        j = _first_token_at(an, e)
        i0 = _first_token_at(an, s)
        sent = an.sentence_of(s)
        scaled = False
        unit = None
        kind = None
        # scale words, possibly compound: "1 миллион 200 тысяч"
        while j < len(tokens):
            hit = units._matches_at(tokens, j)
            if hit and hit.entry.payload["kind"] == "scale":
                value *= float(hit.entry.payload["factor"])
                scaled = True
                j = hit.last
                if j < len(tokens) and tokens[j].text == ".":
                    j += 1
                nxt = _NUMBER.match(text, tokens[j].start) if j < len(tokens) else None
                if nxt:
                    k = _first_token_at(an, nxt.end())
                    sub = units._matches_at(tokens, k) if k < len(tokens) else None
                    if (
                        sub
                        and sub.entry.payload["kind"] == "scale"
                        and float(sub.entry.payload["factor"])
                        * float(nxt.group(1).replace(" ", ""))
                        < value
                    ):
                        value += float(nxt.group(1).replace(" ", "")) * float(
                            sub.entry.payload["factor"]
                        )
                        j = sub.last
                        if j < len(tokens) and tokens[j].text == ".":
                            j += 1
                        masked.append((nxt.start(), nxt.end()))
                continue
            break
        if j < len(tokens) and tokens[j].sent == sent:
            hit = units._matches_at(tokens, j)
            if hit and hit.entry.payload["kind"] != "scale":
                unit, kind = hit.entry.payload["unit"], hit.entry.payload["kind"]
                j = hit.last
                if j < len(tokens) and tokens[j].text == "." and kind == "currency":
                    j += 1
        prefix = text[max(0, s - 2) : s].strip()
        if unit is None and prefix in ("$", "€", "₽"):
            unit, kind = {"$": "USD", "€": "EUR", "₽": "RUB"}[prefix], "currency"
        if any(a <= s < b for a, b in masked):
            continue
        if unit is None and not scaled and value.is_integer() and 1900 <= value <= 2100:
            continue  # a calendar year
        what = None
        if unit is None:
            after = tokens[j] if j < len(tokens) else None
            if after is not None and after.sent == sent and after.lemma in ("год", "лет"):
                unit, what = "years", None
            else:
                unit = "count"
                what = _noun_after(tokens, j, sent)
                if what is None:
                    for f in reversed(figures):
                        if f.unit == "count" and an.sentence_of(f.start) == sent and f.what:
                            what = f.what
                            break
                if what is None:
                    for k in range(i0 - 1, -1, -1):
                        if tokens[k].sent != sent:
                            break
                        if tokens[k].pos == "NOUN":
                            what = tokens[k].lemma
                            break
        else:
            nxt = _noun_after(tokens, j, sent, limit=1)
            measure = _measure_before(tokens, i0, sent)
            if kind == "percent" and nxt and nxt not in ("год",):
                what = nxt
            else:
                what = measure or nxt
            window = set()
            for t in tokens[max(0, i0 - 4) : min(len(tokens), j + 3)]:
                if t.sent == sent:
                    window |= t.lemmas
            before_word = tokens[i0 - 1].lemma if i0 > 0 else ""
            if (before_word == "на" or kind == "times") and what not in _CHANGE_UP | _CHANGE_DOWN:
                if window & _CHANGE_UP:
                    what = f"прирост {what}" if what else "прирост"
                elif window & _CHANGE_DOWN:
                    what = f"снижение {what}" if what else "снижение"
        period = _period(text, an.sentences[sent], s)
        fig = Figure(value, unit, what, period, s, e)
        key = (round(value, 6), unit, what)
        if key in seen:
            continue
        seen.add(key)
        figures.append(fig)
    return figures
