"""Article body versus page clutter in the plain text of a news page.

A copied news page carries, around the article, lines that are not the article: view
counters ("1875 0 +2"), exchange-rate tickers ("USD 92,15 ▲ 2.91 BYN"), weather
("Минск +25°C"), subscriber counts, menus (runs of one- to three-word lines, numbered menu
items, items joined by "|" or "•"), masthead issue numbers ("№ 87 (25431)"), age marks
("16+"), publication stamps ("14.05.2025 12:30", "Опубликовано: 14 мая", "Обновлено: ..."),
share buttons (ВКонтакте, Telegram ...) and related-links blocks ("Читайте также",
"Новости по теме", headlines led by a time stamp). :func:`split_body` classifies every line
with the rules below (:func:`clutter_reason`), keeps the others, and says whether an article
body is left at all.

Why rules and not a trained classifier: no labelled corpus of such lines ships with the
project, the clutter kinds are few and recognisable by form (few words, mostly digits or
symbols, fixed vocabularies), and every decision can be named in a log. HTML pages go through
trafilatura first (:func:`coopstats.events.reader.html_to_text`), which finds the article
element; these rules then clean what it leaves.

A body is found when at least one kept line is prose: mostly words of letters, and
:data:`MIN_BODY_WORDS` or more of them, or at least two ending with a full stop.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .dates import MONTH_STEMS

__all__ = [
    "Body",
    "split_body",
    "clutter_reason",
    "MIN_BODY_WORDS",
    "language_warning",
    "russian_script",
]

#: A line with this many words of letters is prose (a headline has about 6 to 12).
MIN_BODY_WORDS = 8

_MONTH_WORD = (
    r"(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
    r"янв|фев|мар|апр|июн|июл|авг|сен|сент|окт|ноя|нояб|дек)\.?"
)
_TIME = r"\d{1,2}[:.]\d{2}"
_NUM_DATE = r"\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})"
_WORD_DATE = r"\d{1,2}\s+" + _MONTH_WORD + r"(?:\s+\d{4})?(?:\s*(?:года|г\.))?"
_ANY_DATE = rf"(?:{_NUM_DATE}|{_WORD_DATE}|\d{{4}}-\d{{2}}-\d{{2}}|сегодня|вчера)"
_WEEKDAY = (
    r"(?:пн|вт|ср|чт|пт|сб|вс|понедельник|вторник|среда|четверг|пятница|суббота|"
    r"воскресенье)\.?"
)
#: A line that is only a date and/or a time (with separators and "в"), or a labelled stamp.
_STAMP_ONLY = re.compile(
    rf"^\s*(?:[А-ЯЁ][А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?,\s*)?(?:{_TIME}\s*[,|/·•—–-]?\s*)?"
    rf"(?:{_WEEKDAY}\s*,?\s*)?{_ANY_DATE}(?:\s*[,|/·•—–-]?\s*(?:в\s+)?{_TIME})?"
    r"(?:\s*\((?:обновлено|изменено|ред\.)[^)]*\))?\s*[|·•]?\s*(?:\d+\s*)?$",
    re.IGNORECASE,
)
_STAMP_LABEL = re.compile(
    r"^\s*(?:опубликовано|опубликован[аы]?|обновлено|обновлен[аы]?|изменено|изменен[аы]?|"
    r"дата\s+(?:публикации|обновления|размещения|изменения|создания|редактирования|выхода)|"
    r"размещено|добавлено|создано|отредактировано|последнее обновление|последнее изменение|"
    r"время публикации|published|updated|posted|modified)\s*:?\s*(.*)$",
    re.IGNORECASE,
)
#: A related headline led by a time or date stamp ("12:40 В Гродно открылся ...").
_STAMP_LEAD = re.compile(
    rf"^\s*(?:{_TIME}|{_NUM_DATE}|{_WORD_DATE})(?:\s*,?\s*{_TIME})?\s+(\S.*)$", re.IGNORECASE
)
_CUT_MARKERS = re.compile(
    r"^\s*(?:recent posts|related posts|read more|читайте также|читайте еще|читайте ещё|"
    r"смотрите также|другие новости|последние новости|похожие новости|новости по теме|"
    r"материалы по теме|по теме|популярное|самое читаемое|самое популярное|комментарии|"
    r"лента новостей|еще новости|ещё новости|новости партнеров|новости партнёров|"
    r"другие материалы|все новости|главные новости|выбор редакции|реклама|"
    r"подпишитесь|подписывайтесь|нашли ошибку|хотите сообщить новость)\b",
    re.IGNORECASE,
)
_DROP_LINE = re.compile(
    r"^\s*(?:фото|видео|иллюстрация|инфографика|источник|автор|теги|метки|рубрика|рубрики|"
    r"редакция|поделиться|share|tweet|©|\(c\))\s*(?::|\s|$)|"
    r"^\s*\d+\s+(?:час|минут|дн)\S*\s+(?:ago|назад)|"
    r"^\s*(?:редакция|актуально|главная|новости|версия для печати|печать|распечатать|"
    r"в избранное|нравится|мне нравится|ответить|войти|регистрация|поиск|меню|"
    r"наверх|далее|подробнее|читать далее|читать полностью|загрузить еще|показать еще)\s*$",
    re.IGNORECASE,
)
_SOCIAL = frozenset(
    """вконтакте вк vk vkontakte одноклассники ок ok telegram телеграм телеграмм tg whatsapp
    viber facebook twitter x дзен яндекс.дзен dzen rutube youtube ютуб livejournal жж мой мир
    mail.ru instagram tiktok max rss email e-mail почта поделиться подписаться share копировать
    ссылку ссылка скопировать в и поделитесь: наш канал каналы""".split()
)
_CLUTTER_WORDS = re.compile(
    r"подписчик|подписаться|подпишись|просмотр\w*|прочитал\w*|читател\w* онлайн|"
    r"\bпогода\b|°|курс\w*\s+(?:валют|цб|нацбанк)|комментари\w*\s*[(:]?\s*\d|"
    r"\bвыпуск\s*№|№\s*\d+\s*\(\d+\)|\bномер\s+\d+\s*\(|свидетельство о регистрации|"
    r"все права защищены|перепечатка|при использовании материалов|cookie|куки|"
    r"\bтел\.|\bтелефон\b|e-mail:|адрес редакции|главный редактор|учредитель|"
    r"время чтения|мин\.?\s+чтения|\bадрес\b|\bул\.\s|\bпр-т\b|\bвыпуск\s+от\b|"
    r"нашли ошибку|ctrl\s*\+\s*enter|\bрейтинг\b|\bлайк|нравится|\bрепост",
    re.IGNORECASE,
)
_CURRENCY = re.compile(r"\b(?:USD|EUR|RUB|BYN|KZT|CNY|UZS|KGS|AMD|TJS|GBP)\b|[$€₽¥]")
_DECIMAL = re.compile(r"\d+[.,]\d+")
_WORD = re.compile(r"[^\W\d_][^\W\d_\-‑]*", re.UNICODE)
_SENT_END = re.compile(r"[.!?…»\"]\s*$")
_FULL_DATE = re.compile(
    rf"(?<![\d.])\d{{1,2}}\.\d{{1,2}}\.\d{{4}}(?![\d.])|\d{{1,2}}\s+{_MONTH_WORD}\s+\d{{4}}",
    re.IGNORECASE,
)
_FULL_STOP = re.compile(r"[.!?…][»\"]?\s*$")
_MENU_SEP = re.compile(r"\s[|•·/]\s|\s{3,}|\t")
_NUMBERED_ITEM = re.compile(r"^\s*\d{1,2}[.)]\s*\S")


def _words(line: str) -> list[str]:
    return [w for w in _WORD.findall(line) if len(w) >= 2]


def _cyrillic_words(words: list[str]) -> int:
    return sum(1 for w in words if re.search(r"[а-яё]", w, re.IGNORECASE))


def clutter_reason(line: str) -> str | None:
    """Name the kind of page clutter ``line`` is, or return None for article text.

    Kinds: ``stamp`` (publication date/time), ``cut`` (a related-links or comments heading:
    the rest of the page is clutter), ``label`` (photo credits, tags, "Поделиться" ...),
    ``share`` (social buttons), ``numbers`` (counters, tickers, weather: fewer than two words
    of letters beside digits or symbols), ``ticker`` (exchange rates), ``widget`` (weather,
    subscribers, views, masthead, contacts), ``menu`` (items joined by separators, numbered
    short items), ``age`` ("16+").
    """
    text = line.strip()
    if not text:
        return None
    if _STAMP_ONLY.match(text) or _STAMP_LABEL.match(text):
        return "stamp"
    rest = _words(_FULL_DATE.sub(" ", text))
    rest = [w for w in rest if w.lower() not in ("года", "год", "г")]
    if (
        not _SENT_END.search(text)
        and _FULL_DATE.search(text)
        and (len(rest) <= 2 or (len(rest) < 8 and re.search(r"(?<!\d)\d{1,2}:\d{2}(?!\d)", text)))
    ):
        return "stamp"  # "14 мая 2025 12:30 | Экономика", "Экономика, 14.05.2025"
    if _CUT_MARKERS.match(text) and len(_words(text)) <= 6:
        return "cut"
    if _DROP_LINE.match(text):
        return "label"
    if re.fullmatch(r"\d{1,2}\s*\+", text):
        return "age"
    words = _words(text)
    low = [w.lower() for w in words]
    if words and all(w in _SOCIAL for w in low) and len(words) <= 12:
        return "share"
    digits = sum(ch.isdigit() for ch in text)
    letters_words = _cyrillic_words(words) + sum(1 for w in words if w.isascii() and len(w) > 3)
    if letters_words < 2 and (digits or not words or not _SENT_END.search(text)):
        if digits or not words or len(text) <= 3 or not any(ch.isalpha() for ch in text):
            return "numbers"
    if len(words) < MIN_BODY_WORDS:
        if (
            _CURRENCY.search(text)
            and len(_DECIMAL.findall(text)) >= 1
            and not _SENT_END.search(text)
        ):
            return "ticker"
        if _CLUTTER_WORDS.search(text) and not (_SENT_END.search(text) and len(words) >= 4):
            return "widget"
        if _NUMBERED_ITEM.match(text) and len(words) <= 4 and not _SENT_END.search(text):
            return "menu"
    elif _CLUTTER_WORDS.search(text) and len(words) < 14 and not _SENT_END.search(text):
        return "widget"
    if len(_MENU_SEP.split(text)) >= 3 and all(len(_words(p)) <= 3 for p in _MENU_SEP.split(text)):
        return "menu"
    return None


@dataclass
class Body:
    """The article part of a page.

    Attributes
    ----------
    text : str
        Kept lines.
    publication_date : str or None
        ``YYYY-MM-DD`` of the first full publication stamp before the body, if any.
    body_found : bool
        Whether any kept line is prose (see the module docstring).
    dropped : list of tuple(int, str, str)
        ``(line number, kind, line)`` of every line removed.
    """

    text: str
    publication_date: str | None
    body_found: bool
    dropped: list = field(default_factory=list)


def _stamp_date(line: str) -> str | None:
    m = re.search(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)", line)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.search(r"(\d{4})-(\d{2})-(\d{2})", line)
        if m:
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            m = re.search(r"(?<!\d)(\d{1,2})\s+([а-я]+)\.?\s+(\d{4})", line, re.IGNORECASE)
            if not m:
                return None
            stem = m.group(2).lower()
            month = next(
                (
                    n
                    for k, n in sorted(MONTH_STEMS.items(), key=lambda x: -len(x[0]))
                    if stem.startswith(k)
                ),
                0,
            )
            day, year = int(m.group(1)), int(m.group(3))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _is_prose(line: str) -> bool:
    words = _words(line)
    if not words or sum(1 for w in words if w[:1].isalpha()) < 0.5 * len(words):
        return False
    return len(words) >= MIN_BODY_WORDS or (
        len(words) >= 2 and bool(re.search(r"[.!?…]\s*$", line.strip()))
    )


def split_body(text: str) -> Body:
    """Split a page's plain text into article lines and clutter lines.

    Rules, line by line (:func:`clutter_reason` names the kind of each dropped line):

    - a publication stamp is dropped; the first full date in a stamp (or a page meta line)
      before any prose gives the publication date, else the first stamp after it;
    - a related-links heading (``cut``) once prose has been read ends the article; before
      prose it is dropped alone;
    - a headline led by a time or date stamp after the article is a related link and dropped;
      before the article, its stamp is removed and the rest kept;
    - runs of three or more short lines (three words or fewer, no sentence end) are a menu;
    - lines without a sentence end after the article's last sentence are related links;
    - the other kinds are dropped line by line.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kinds: list[str | None] = []
    pub = None
    late_pub = None
    prose_seen = False
    cut_at = len(lines)
    out_lines = list(lines)
    for n, line in enumerate(lines):
        kind = clutter_reason(line)
        if kind in ("stamp", "menu", "widget", "numbers", "label"):
            # "Новость | 11.06.2025 | Просмотров: 263": a page's meta line also dates it
            if pub is None and not prose_seen:
                pub = _stamp_date(line)
            elif late_pub is None and kind == "stamp" and prose_seen:
                late_pub = _stamp_date(line)  # a stamp under the article: used if none above
        elif kind == "cut":
            if prose_seen:
                cut_at = n
                kinds.append(kind)
                break
        elif kind is None:
            lead = _STAMP_LEAD.match(line)
            if lead and (
                re.match(r"^\s*\d{1,2}\s+[а-я]", line, re.IGNORECASE)
                or (
                    lead.group(1)[:1].islower() and not re.search(r"\d:\d\d", line[: lead.start(1)])
                )
            ):
                lead = None  # "14.02.2025 в Астане состоялись ...": the date is in the sentence
            if lead:
                if prose_seen:
                    kind = "related"
                else:
                    if pub is None:
                        pub = _stamp_date(line)
                    out_lines[n] = lead.group(1)
            if kind is None and _is_prose(out_lines[n]):
                prose_seen = True
        kinds.append(kind)
    kinds += ["cut"] * (len(lines) - len(kinds))
    # menus: runs of >= 3 short non-sentence lines
    short = [
        k is None
        and bool(out_lines[i].strip())
        and len(_words(out_lines[i])) <= 3
        and not _SENT_END.search(out_lines[i].strip())
        for i, k in enumerate(kinds)
    ]
    i = 0
    while i < len(short):
        if short[i] or kinds[i] in ("label", "menu"):
            j = i
            while j < len(short) and (
                short[j] or not out_lines[j].strip() or kinds[j] in ("label", "menu", "share")
            ):
                j += 1
            if sum(short[i:j]) + sum(k in ("label", "menu") for k in kinds[i:j]) >= 3:
                for k in range(i, j):
                    if short[k]:
                        kinds[k] = "menu"
            i = j
        else:
            i += 1
    # a related-links block without a heading: headline lines (no full stop) after the last
    # sentence of the article
    last = max(
        (
            i
            for i, k in enumerate(kinds[:cut_at])
            if k is None and _is_prose(out_lines[i]) and _FULL_STOP.search(out_lines[i].strip())
        ),
        default=None,
    )
    if last is not None:
        for i in range(last + 1, min(cut_at, len(kinds))):
            if (
                kinds[i] is None
                and out_lines[i].strip()
                and not _SENT_END.search(out_lines[i].strip())
            ):
                kinds[i] = "related"
    kept, dropped = [], []
    for n, (line, kind) in enumerate(zip(out_lines, kinds, strict=True)):
        if n >= cut_at:
            dropped.append((n + 1, "cut", lines[n]))
            continue
        if kind is None:
            kept.append(line.rstrip())
        else:
            dropped.append((n + 1, kind, lines[n]))
    body = "\n".join(kept)
    body = re.sub(r"©[^\n]*?(?=[А-ЯЁA-Z][а-яё]|$)", "", body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    found = any(_is_prose(x) for x in body.split("\n"))
    return Body(body, pub or late_pub, found, dropped)


_OTHER_CYRILLIC = re.compile(r"[іїєґўәғқңөұүһі]", re.IGNORECASE)


def russian_script(text: str) -> bool:
    """Tell whether at least half the letters of ``text`` are Cyrillic (True for short texts)."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 20:
        return True
    return sum("\u0400" <= ch <= "\u04ff" for ch in letters) >= 0.5 * len(letters)


def language_warning(text: str) -> str | None:
    """Return a warning when ``text`` does not look like Russian, else None.

    Non-Russian: fewer than half of the letters Cyrillic, or more than 1 % of the Cyrillic
    letters specific to Ukrainian, Belarusian or Kazakh (і, ї, є, ґ, ў, ә, ғ, қ, ң, ө, ұ, ү, һ).
    """
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 20:
        return None
    cyr = [ch for ch in letters if "\u0400" <= ch <= "\u04ff"]
    share = len(cyr) / len(letters)
    if share < 0.5:
        return (
            f"the text does not look Russian ({share:.0%} of its letters are Cyrillic): "
            "the reader is built for Russian; countries, sectors and figures will be missed"
        )
    other = len(_OTHER_CYRILLIC.findall(text))
    if cyr and other / len(cyr) > 0.01:
        return (
            f"the text looks Ukrainian, Belarusian or Kazakh ({other} letters not used in "
            "Russian): the reader is built for Russian and will miss much of it"
        )
    return None
