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
inside codes ("010/2011"), references (статья 5, пункт 3), party counts ("двух стран",
"трех государств", "двух областей": five or fewer) and durations or ages ("за последние три
года", "10 лет назад", "в течение пяти месяцев"). Cardinals with a case ending ("40-ка",
"5-ти") are figures; so are hedged number nouns ("около тысячи", "более десятка").

``qualifier``: ``approx`` ("около", "порядка", "почти", "примерно"), ``at_least`` ("более",
"свыше", "не менее", "превысил"), ``at_most`` ("до", "не более", "менее"; not after verbs of
reaching a level: "довести выпуск до 1 000" is a target), ``range_low``/``range_high`` (the
ends of "50–60 млн", "от 300 до 400"; both ends take the scale and unit written after the
second), or null.

``what`` is a short lemma phrase: for money, percent and physical units the nearest
preceding measure noun of the sentence from ``events_measures.csv`` (экспорт, товарооборот,
инвестиция ...), or the noun right after the unit ("100% локализацией" -> локализация);
"прирост"/"снижение" is prefixed for changes ("на 127,5 процентов больше"). ``period`` is
the reporting period stated in the same sentence closest to the figure: ``2024`` ("за 2024
год"; "в прошлом/этом/следующем году" from the publication year), ``2025..2030``,
``2024Q1``, ``2024-01..2024-09`` ("за девять месяцев 2024 года"); else the period set by an
earlier sentence of the same passage (see :func:`_period`); null when none is stated. A
fact restated (same value and unit) with the same ``what``, or inside direct speech, is
listed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import MONTH_RE, MONTH_STEMS, date_mentions
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
    r"^\s*[-‑–]\s?(?:(?:й|го|я|е|м|ой|ый|ий|ая|ое|ые|ю)(?![а-яё])|лети|летн)", re.IGNORECASE
)
_REFERENCE = re.compile(
    r"(?:№|статья|статьи|статьей|пункт|пункта|пунктом|часть|части|глава|главы|"
    r"раздел|раздела|стр\.|с\.|п\.|ст\.|рис\.|табл\.|№\s*)\s*$",
    re.IGNORECASE,
)
_GLUED = re.compile(r"[A-Za-zА-Яа-яЁё][-‑–—]$")
_MONTHS_OF_YEAR = re.compile(
    r"(?<!\d)(\d{1,2}|два|двух|три|трех|трёх|четыре|четырех|четырёх|пять|пяти|шесть|шести|"
    r"семь|семи|восемь|восьми|девять|девяти|десять|десяти|одиннадцать|одиннадцати)"
    r"\s+(?:первых\s+)?месяц\w*\s+(\d{4})",
    re.IGNORECASE,
)
_MONTH_WORDS = {
    "два": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "трёх": 3,
    "четыре": 4,
    "четырех": 4,
    "четырёх": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "шести": 6,
    "семь": 7,
    "семи": 7,
    "восемь": 8,
    "восьми": 8,
    "девять": 9,
    "девяти": 9,
    "десять": 10,
    "десяти": 10,
    "одиннадцать": 11,
    "одиннадцати": 11,
}


def _months(word: str) -> int:
    return int(word) if word.isdigit() else _MONTH_WORDS[word.lower()]


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
    (_MONTHS_OF_YEAR, lambda m: f"{m.group(2)}-01..{m.group(2)}-{_months(m.group(1)):02d}"),
    (
        re.compile(
            r"(?:\bза|\bв|по\s+итогам|\bна|\bк|до\s+конца|к\s+концу|в\s+течение)\s+"
            r"(\d{4})\s*(?:год|г\.)",
            re.IGNORECASE,
        ),
        lambda m: m.group(1),
    ),
]
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


#: Words before a number that make it approximate or one-sided (longest first).
_QUALIFIERS = [
    (
        re.compile(
            r"(?:не\s+менее(?:\s+чем)?|не\s+меньше(?:\s+чем)?|как\s+минимум|минимум|"
            r"свыше|более\s+чем|более|больше\s+чем|сверх)\s+(?:на\s+|в\s+)?$",
            re.IGNORECASE,
        ),
        "at_least",
    ),
    (
        re.compile(
            r"(?:не\s+более(?:\s+чем)?|не\s+больше(?:\s+чем)?|не\s+выше|не\s+свыше|максимум|"
            r"менее(?:\s+чем)?|меньше(?:\s+чем)?|до)\s+(?:на\s+|в\s+)?$",
            re.IGNORECASE,
        ),
        "at_most",
    ),
    (
        re.compile(
            r"(?:около|порядка|почти|примерно|приблизительно|ориентировочно|где-то|"
            r"свыше\s+чем|чуть\s+более|чуть\s+менее|порядка\s+чем)\s+(?:на\s+|в\s+)?$",
            re.IGNORECASE,
        ),
        "approx",
    ),
]
_UP_TO_VERBS = frozenset(
    {
        "увеличиться",
        "увеличить",
        "вырасти",
        "возрасти",
        "снизиться",
        "сократиться",
        "сократить",
        "снизить",
        "довести",
        "нарастить",
        "уменьшиться",
        "упасть",
        "расшириться",
        "расширить",
    }
)
#: Verbs of exceeding right before a number ("превысил 11 млрд", "может превысить 250 млн").
_EXCEED = frozenset({"превысить", "превышать", "перевалить", "превзойти"})
#: Nouns counted as parties of the event, not figures ("двух стран", "трех государств").
_PARTY_NOUNS = frozenset(
    {
        "страна",
        "государство",
        "сторона",
        "республика",
        "держава",
        "область",
        "регион",
        "провинция",
        "край",
        "город",
        "столица",
    }
)
#: Nouns of time: a number of them is a duration or an age, not a figure.
_DURATION_NOUNS = frozenset(
    {
        "год",
        "лет",
        "лето",
        "месяц",
        "неделя",
        "день",
        "сутки",
        "час",
        "минута",
        "десятилетие",
        "век",
        "квартал",
        "полугодие",
        "пятилетка",
    }
)
#: Words of plans and forecasts (a figure in such a sentence inherits no earlier period).
_PLAN_WORDS = frozenset(
    {
        "планироваться",
        "планировать",
        "план",
        "прогноз",
        "ожидаться",
        "рассчитывать",
        "намерен",
        "предполагаться",
        "предусматривать",
        "рекомендовать",
        "должный",
        "цель",
    }
)
#: Nouns too general to say what a figure measures.
_GENERIC = frozenset(
    {
        "год",
        "сумма",
        "объем",
        "размер",
        "уровень",
        "показатель",
        "величина",
        "итог",
        "число",
        "количество",
        "порядок",
        "цифра",
        "рамка",
        "течение",
        "раз",
        "данные",
        "весь",
        "общий",
        "около",
        "более",
        "свыше",
        "итого",
        "время",
        "период",
        "результат",
        "счет",
        "целое",
    }
)
#: Number nouns read as figures on their own after a hedge ("около тысячи", "более десятка").
_NUMBER_NOUNS = {
    "тысяча": 1,
    "миллион": 1,
    "миллиард": 1,
    "десяток": 10,
    "сотня": 100,
    "дюжина": 12,
    "полсотня": 50,
    "полтысяча": 500,
}
_RANGE_JOIN = re.compile(r"^\s*(?:[-–—]|до|или)\s*$", re.IGNORECASE)
_RELATIVE_YEAR = [
    (
        re.compile(
            r"(?<!чем\s)(?<!сравнению\s)\b(?:в|за)\s+прошл\w+\s+год\w*|"
            r"(?<!чем\s)(?<!сравнению\s)(?<!с\s)\bпрошлого\s+года|"
            r"по\s+итогам\s+прошлого\s+года",
            re.IGNORECASE,
        ),
        -1,
    ),
    (
        re.compile(
            r"\b(?:в|за)\s+(?:этом|текущем|нынешнем)\s+году|текущего\s+года|"
            r"с\s+начала\s+(?:этого\s+|текущего\s+)?года",
            re.IGNORECASE,
        ),
        0,
    ),
    (
        re.compile(
            r"\b(?:в|на)\s+(?:следующем|будущем)\s+году|\bследующего\s+года",
            re.IGNORECASE,
        ),
        1,
    ),
]


@dataclass(frozen=True)
class Figure:
    """A quantity stated in a text.

    ``qualifier``: ``approx`` ("около", "порядка", "почти"), ``at_least`` ("более",
    "свыше", "не менее"), ``at_most`` ("до", "не более", "менее"), ``range_low`` /
    ``range_high`` (the ends of "50–60", "от 50 до 60"), or None for an exact figure.
    """

    value: float
    unit: str
    what: str | None
    period: str | None
    start: int
    stop: int
    qualifier: str | None = None

    def record(self) -> dict:
        """Return the figure as a JSON-ready dict (integral values as int)."""
        v = self.value
        value = int(v) if float(v).is_integer() and abs(v) < 1e15 else round(v, 6)
        return {
            "value": value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "what": self.what,
            "period": self.period,
        }


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


#: Colloquial case endings of cardinals ("40-ка", "5-ти", "7-ми", "2-х"): still the number.
_CARDINAL_TAIL = re.compile(r"^[-‑–]\s?(?:ка|ти|ми|х|ух|ех|ёх)(?![а-яё])", re.IGNORECASE)


def _sentence_period(
    text: str, sent_span: tuple[int, int], pos: int, publication_year: int | None
) -> str | None:
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
                month = MONTH_STEMS.get(stem) or MONTH_STEMS.get(stem.rstrip("ь"))
                if not month:
                    continue
                value = f"{m.group(2)}-01..{m.group(2)}-{month:02d}"
            dist = abs(a + m.start() - pos)
            if best is None or dist < best[0]:
                best = (dist, value)
    if best is None and publication_year is not None:
        for rx, shift in _RELATIVE_YEAR:
            for m in rx.finditer(sentence):
                dist = abs(a + m.start() - pos)
                if best is None or dist < best[0]:
                    best = (dist, str(publication_year + shift))
    return best[1] if best else None


def _period(
    an: Analysis, sent: int, pos: int, publication_year: int | None = None, *, carry: bool = True
) -> str | None:
    """Return the reporting period of a figure: its sentence's, else an earlier sentence's.

    An earlier sentence counts when it is in the same paragraph (no line break between) or
    is the sentence right before ("В 2024 году товарооборот вырос на 12 %. Экспорт составил
    ..." -> 2024 for both), up to three sentences back; not into a sentence about plans
    (future tense, "планируется", "прогноз" ...), not a span of years (a programme's term),
    and only when ``carry`` (figures with a unit or a measure noun: counts of things named
    in passing do not inherit a reporting period).
    """
    text = an.text
    found = _sentence_period(text, an.sentences[sent], pos, publication_year)
    if found or not carry:
        return found
    if any(
        t.feats.get("Tense") == "Fut" or t.lemma in _PLAN_WORDS for t in an.sentence_tokens(sent)
    ):
        return None  # a plan or forecast is not a figure of the earlier sentence's period
    for back in range(1, 4):
        k = sent - back
        if k < 0:
            break
        gap = text[an.sentences[k][1] : an.sentences[k + 1][0]]
        if back > 1 and "\n" in text[an.sentences[k][1] : an.sentences[sent][0]]:
            break
        if back == 1 and gap.count("\n") > 2:
            break
        found = _sentence_period(text, an.sentences[k], an.sentences[k][1], publication_year)
        if found:
            if ".." in found and "-" not in found:
                return None  # a programme's term: "на 2025–2030 годы"
            if any(
                t.feats.get("Tense") == "Fut" or t.lemma in _PLAN_WORDS
                for t in an.sentence_tokens(k)
            ):
                return None  # a plan's year is not the period of what follows
            return found
    return None


def _only_noun(word: str) -> bool:
    """Tell whether every pymorphy3 reading of ``word`` is a noun (the tagger may guess wrong)."""
    from .nlp import models

    parses = models()["morph"].parse(word)
    return bool(parses) and all(p.tag.POS == "NOUN" for p in parses)


def _is_noun(t: Token) -> bool:
    return any(ch.isalpha() for ch in t.text) and (t.pos in ("NOUN", "PROPN") or _only_noun(t.text))


def _noun_after(tokens: list[Token], j: int, sent: int, limit: int = 3) -> str | None:
    """Return the noun a number counts: the first after it, past general ones ("единиц")."""
    k, stop = j, min(len(tokens), j + limit + 1)
    while k < stop:
        t = tokens[k]
        if t.sent != sent:
            return None
        if _is_noun(t):
            if t.lemma in _GENERIC or t.lemma in ("единица", "штука", "тип", "вид"):
                stop = min(len(tokens), k + 3)
                k += 1
                continue
            return t.lemma
        if t.pos not in _SKIP_POS and t.text.lower() not in ("из", "и"):
            return None
        k += 1
    return None


def _noun_before(tokens: list[Token], i: int, sent: int) -> str | None:
    """Return the nearest informative noun before token ``i`` in its sentence."""
    for k in range(i - 1, -1, -1):
        t = tokens[k]
        if t.sent != sent:
            return None
        if (
            t.pos == "NOUN"
            and t.lemma not in _GENERIC
            and t.lemma not in _DURATION_NOUNS
            and len(t.lemma) > 2
        ):
            return t.lemma
    return None


def _what_elsewhere(an: Analysis, i0: int, j: int, sent: int) -> str | None:
    """Return ``what`` of a figure whose sentence names no noun before it.

    "40% пришлось на продукцию машиностроения" -> the noun after a verb and a preposition;
    "Он вырос ... и составил 1,3 млрд долларов" -> the measure of the sentence before.
    """
    tokens = an.tokens
    k = j
    while k < len(tokens) and k - j <= 4 and tokens[k].sent == sent:
        t = tokens[k]
        if _is_noun(t) and t.lemma not in _GENERIC and t.lemma not in _DURATION_NOUNS:
            return t.lemma
        if t.pos not in ("VERB", "AUX", "ADP", "ADV", "PART", "ADJ", "PUNCT", "DET"):
            break
        k += 1
    first = an.first_token_at(an.sentences[sent][0])
    if sent > 0 and first > 0:
        return _measure_before(tokens, first, sent - 1)
    return None


def _measure_before(tokens: list[Token], i: int, sent: int) -> str | None:
    measures = measure_lemmas()
    generic = None
    for k in range(i - 1, -1, -1):
        t = tokens[k]
        if t.sent != sent:
            break
        hit = t.lemmas & measures
        if hit:
            lemma = t.lemma if t.lemma in hit else sorted(hit)[0]
            if lemma in _GENERIC:
                generic = generic or lemma
                continue
            return lemma
    return None


def _qualifier(text: str, start: int, sent_start: int, tokens: list[Token], i0: int) -> str | None:
    k = i0 - 1
    while k >= 0 and tokens[k].text in ("$", "€", "₽"):
        k -= 1
    if k >= 0 and tokens[k].lemma in _EXCEED:
        return "at_least"  # "превысил 11 млрд долларов"
    before = text[max(sent_start, start - 30) : start]
    before = re.sub(r"[$€₽]\s*$", "", before)
    found = [(m.start(), name, m) for rx, name in _QUALIFIERS if (m := rx.search(before))]
    if not found:
        return None
    _, name, m = min(found, key=lambda x: x[0])  # the longest: "не более" over "более"
    if name == "at_most" and m.group(0).strip().lower().startswith("до"):
        sent = tokens[i0].sent if i0 < len(tokens) else None
        for k in range(i0 - 2, max(-1, i0 - 6), -1):
            if tokens[k].sent != sent:
                break
            if tokens[k].lemmas & _UP_TO_VERBS:
                return None  # "довести выпуск до 2 тыс.": the new level, not a bound
    return name


def _in_quote(text: str, pos: int) -> bool:
    """Tell whether ``pos`` is inside direct speech (a «...» or "..." quote, a "— ..." line)."""
    line_start = text.rfind("\n", 0, pos) + 1
    if re.match(r"\s*[—–-]\s", text[line_start : line_start + 3]):
        return True
    opened = text.rfind("«", line_start, pos)
    closed = text.rfind("»", line_start, pos)
    if opened > closed and text.find("»", pos) - opened > 60:
        return True
    return text.count('"', line_start, pos) % 2 == 1 and "\n" not in text[pos : text.find('"', pos)]


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
        tail = _CARDINAL_TAIL.match(text[e : e + 5])
        out.append((value, s, e + (tail.end() if tail else 0)))
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
            continue
        if t.lemma in _NUMBER_NOUNS and t.text.isalpha():
            prev = tokens[i - 1] if i > 0 else None
            numeric_before = prev is not None and (
                any(ch.isdigit() for ch in prev.text) or WORD_NUMBERS.get(prev.lemma)
            )
            hedged = any(rx.search(text[max(0, t.start - 30) : t.start]) for rx, _ in _QUALIFIERS)
            singular = t.feats.get("Number") == "Sing" or t.text.lower() in (
                "тысяча",
                "десяток",
                "сотня",
                "миллион",
                "миллиард",
            )
            if (
                not numeric_before
                and (hedged or t.text.lower() in ("тысяча", "десяток", "сотня"))
                and singular
            ):
                if _NUMBER_NOUNS[t.lemma] == 1:
                    out.append((1.0, t.start, t.start))  # the scale word multiplies it
                else:
                    out.append((float(_NUMBER_NOUNS[t.lemma]), t.start, t.stop))
        i += 1
    return sorted(out, key=lambda x: x[1])


def _scale_and_unit(an: Analysis, units, value: float, e: int, sent: int, masked: list):
    """Read scale words and a unit after character ``e``: (value, scaled, unit, kind, j)."""
    text, tokens = an.text, an.tokens
    j = _first_token_at(an, e)
    scaled = False
    unit = kind = None
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
                    and float(sub.entry.payload["factor"]) * float(nxt.group(1).replace(" ", ""))
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
            if j < len(tokens) and tokens[j].text == "." and kind in ("currency", "measure"):
                j += 1
    return value, scaled, unit, kind, j


def _ranges(text: str, cands: list[tuple[float, int, int]]) -> dict[int, int]:
    """Pairs of candidates forming a range ("50–60", "от 50 до 60"): {low index: high index}."""
    out = {}
    for n in range(len(cands) - 1):
        (_, s1, e1), (_, s2, _) = cands[n], cands[n + 1]
        gap = text[e1:s2]
        if len(gap) > 6 or not _RANGE_JOIN.match(gap):
            continue
        if gap.strip().lower() == "до" and not re.search(r"\bот\s*$", text[max(0, s1 - 5) : s1]):
            continue
        if gap.strip().lower() == "или":
            continue
        out[n] = n + 1
    return out


def find_figures(an: Analysis, *, publication_date=None) -> list[Figure]:
    """Return the figures stated in an analysed text, in text order, without repeats.

    Not figures: party counts ("двух стран", "трех государств": five or fewer states or
    sides) and durations or ages ("за последние три года", "10 лет назад", "в течение пяти
    месяцев"). A repeat is the same value and unit stated again with the same ``what``, or
    restated inside direct speech, or with no ``what`` (a headline restated in the body, a
    fact repeated in a quote). The ends of a range take the unit and scale written after the
    second ("50–60 млн рублей").

    Parameters
    ----------
    an
        The analysed text.
    publication_date
        Gives the year of "в прошлом году", "в этом году" in ``period``.
    """
    text, tokens = an.text, an.tokens
    units = unit_matcher()
    masked = _masked(text)
    pub_year = publication_date.year if publication_date is not None else None
    cands = _number_candidates(an, masked)
    pairs = _ranges(text, cands)
    highs = {v: k for k, v in pairs.items()}
    figures: list[Figure] = []
    seen: dict[tuple, list[tuple[str | None, bool]]] = {}
    for n, (value, s, e) in enumerate(cands):
        i0 = _first_token_at(an, s)
        sent = an.sentence_of(s)
        if any(a <= s < b for a, b in masked):
            continue
        if n in pairs:
            hv, _hs, he = cands[pairs[n]]
            scaled_high, scaled, unit, kind, _ = _scale_and_unit(an, units, hv, he, sent, [])
            factor = scaled_high / hv if hv else 1.0
            own = _scale_and_unit(an, units, value, e, sent, masked)
            value = own[0] if own[1] else value * factor
            scaled = scaled or own[1]
            j = _first_token_at(an, he)
            _, _, _, _, j = _scale_and_unit(an, units, hv, he, sent, [])
            qualifier = "range_low"
        else:
            value, scaled, unit, kind, j = _scale_and_unit(an, units, value, e, sent, masked)
            qualifier = "range_high" if n in highs else None
        prefix = text[max(0, s - 2) : s].strip()
        if unit is None and prefix in ("$", "€", "₽"):
            unit, kind = {"$": "USD", "€": "EUR", "₽": "RUB"}[prefix], "currency"
        if unit is None and not scaled and value.is_integer() and 1900 <= value <= 2100:
            continue  # a calendar year
        if qualifier is None:
            qualifier = _qualifier(text, s, an.sentences[sent][0], tokens, i0)
        what = None
        if unit is None:
            after = tokens[j] if j < len(tokens) else None
            if (
                after is not None
                and after.sent == sent
                and (after.lemma in _DURATION_NOUNS or after.lemmas & _DURATION_NOUNS)
            ):
                continue  # a duration or an age: "три года", "10 лет назад"
            unit = "count"
            what = _noun_after(tokens, j, sent)
            if what is not None and what in _PARTY_NOUNS and value <= 5:
                continue  # the parties: "двух стран", "трех государств"
            if what is None:
                for f in reversed(figures):
                    if f.unit == "count" and an.sentence_of(f.start) == sent and f.what:
                        what = f.what
                        break
            if what is None:
                what = _noun_before(tokens, i0, sent)
        else:
            nxt = _noun_after(tokens, j, sent, limit=1)
            measure = _measure_before(tokens, i0, sent)
            if kind == "percent" and nxt and nxt not in _GENERIC:
                what = nxt
            else:
                what = measure or (nxt if nxt not in _GENERIC else None)
            if what is None:
                what = _noun_before(tokens, i0, sent)
            if what is None:
                what = _what_elsewhere(an, i0, j, sent)
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
        carry = unit != "count" or bool(
            {w for t in an.sentence_tokens(sent) for w in t.lemmas} & measure_lemmas()
        )
        period = _period(an, sent, s, pub_year, carry=carry)
        quoted = _in_quote(text, s)
        key = (round(value, 6), unit)
        earlier = seen.get(key, [])
        if any(w == what or q or quoted or w is None or what is None for w, q in earlier):
            continue
        seen.setdefault(key, []).append((what, quoted))
        figures.append(Figure(value, unit, what, period, s, e, qualifier))
    return figures
