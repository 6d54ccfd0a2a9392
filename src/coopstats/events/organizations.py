"""Organisations named in a press release, as canonical nominative names.

Four sources, in this order:

1. ``events_organizations.csv``: intergovernmental bodies, academies, state corporations and
   common abbreviations (ЕЭК, Исполком СНГ, Минпромторг России) with their canonical name
   and bloc. A short form with a ``context_bloc`` ("Межгосударственная комиссия") counts only
   when that bloc is named in the same text. A sub-unit whose name contains a known body
   ("Департамент промышленной политики ЕЭК", "Комиссия Парламентского Собрания по
   транспорту") is reported as that body.
2. Ministries and governments of a state: "Министерству промышленности Республики
   Беларусь", "заместитель министра обороны Казахстана", "Правительства Российской
   Федерации" -> "Министерство промышленности Республики Беларусь", "Министерство обороны
   Республики Казахстан", "Правительство Российской Федерации"; the state is written with its
   official name (genitive) from :func:`coopstats.geo.russian_country_lexicon`. A ministry
   with no state named is left out (it cannot be told apart).
3. Intergovernmental commissions and councils named by their remit: "межправительственной
   комиссии по экономическому сотрудничеству Таджикистана и России" -> "Межправительственная
   комиссия по экономическому сотрудничеству Таджикистана и России" (a bare "межгосударственная
   комиссия" without its remit is left out).
4. natasha ORG spans headed by an institution noun (академия, университет, институт,
   комитет, агентство, фонд, банк, палата, ассоциация, центр, корпорация, совет,
   администрация, правительство) and not covered above, put in the nominative: the head noun
   and the adjectives before it are inflected, the dependent words after it keep their case.
   A body attached to another one ("Агентство по стандартизации при Правительстве Республики
   Таджикистан") keeps its "при ..." part; a sub-unit of a lexicon body is that body.
5. Companies and research institutes (:func:`_companies`): quoted names after a legal form or
   a company noun, plants named by adjectives, known abbreviations (МАЗ, МТЗ); legal forms and
   quotes dropped, НИИ/ОКБ/НПО written out.

Governments are each state's own body (:data:`GOVERNMENT_BODY`: "правительство Беларуси" ->
"Совет Министров Республики Беларусь", "Кабмин Узбекистана" -> "Кабинет министров Республики
Узбекистан"); ministries are found in titles too ("замминистра", "вице-министр"), in
abbreviations followed by a state ("Минсельхоз Казахстана"), and in regions ("министерство
промышленности Нижегородской области", type ``regional_authority``). Each organisation has a
type from :data:`ORG_TYPES` and, for governments and ministries, the ISO3 of its state.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .lexicon import Hit, organization_matcher
from .nlp import Analysis, Token, models

__all__ = [
    "Organization",
    "ORG_TYPES",
    "find_organizations",
    "to_case",
    "country_genitive",
    "is_proper_name",
]

#: Types of organisations (``organization_details[].type``).
ORG_TYPES = (
    "intergovernmental",
    "government",
    "ministry",
    "government_agency",
    "parliament",
    "regional_authority",
    "state_corporation",
    "company",
    "financial",
    "academic",
    "association",
)
#: ``kind`` of ``events_organizations.csv`` -> organisation type.
_KIND_TYPE = {
    "intergovernmental": "intergovernmental",
    "research": "academic",
    "education": "academic",
    "ministry": "ministry",
    "federal_service": "government_agency",
    "state_committee": "government_agency",
    "state_corporation": "state_corporation",
    "financial": "financial",
    "company": "company",
    "government": "government",
    "parliament": "parliament",
    "regional_authority": "regional_authority",
    "association": "association",
}


@dataclass(frozen=True)
class Organization:
    """An organisation named in a text: canonical name, type and state (ISO3 or None)."""

    name: str
    type: str
    country: str | None = None

    def record(self) -> dict:
        """Return ``{"name", "type", "country"}``."""
        return {"name": self.name, "type": self.type, "country": self.country}


_INSTITUTIONS = {
    "академия",
    "университет",
    "институт",
    "комитет",
    "агентство",
    "фонд",
    "банк",
    "палата",
    "ассоциация",
    "центр",
    "корпорация",
    "госкорпорация",
    "совет",
    "администрация",
    "правительство",
    "парламент",
    "дума",
    "сенат",
}
_GOV_HEADS = {
    "министерство": "Министерство",
    "министр": "Министерство",
    "замминистра": "Министерство",
    "вице-министр": "Министерство",
    "правительство": "Правительство",
    "кабмин": "Правительство",
    "совмин": "Правительство",
}
#: The government body of each state as its constitution names it ("правительство Беларуси"
#: is the Совет Министров Республики Беларусь); other states: "Правительство".
GOVERNMENT_BODY = {
    "BLR": "Совет Министров",
    "UZB": "Кабинет министров",
    "KGZ": "Кабинет министров",
    "AZE": "Кабинет министров",
    "TKM": "Кабинет министров",
    "UKR": "Кабинет министров",
}
#: Abbreviated ministries -> their portfolio (genitive), for "Минсельхоз Казахстана".
MINISTRY_ABBREVIATIONS = {
    "минпромторг": "промышленности и торговли",
    "минпром": "промышленности",
    "минсельхоз": "сельского хозяйства",
    "минэкономразвития": "экономического развития",
    "минэкономики": "экономики",
    "минэк": "экономики",
    "минобороны": "обороны",
    "минэнерго": "энергетики",
    "минтранс": "транспорта",
    "минтранспорта": "транспорта",
    "минфин": "финансов",
    "минобрнауки": "науки и высшего образования",
    "минобразования": "образования",
    "минздрав": "здравоохранения",
    "мид": "иностранных дел",
    "минцифры": "цифрового развития",
    "минстрой": "строительства",
    "минприроды": "природных ресурсов",
}
#: Legal forms written before a company's quoted name (dropped from the canonical name).
_LEGAL = (
    r"(?:ОАО|ПАО|ЗАО|АО|ООО|ОДО|ТОО|ЧУП|РУП|УП|ГУП|ФГУП|МУП|НАО|АОЗТ|ЧАО|ГП|ГК|СП|ИООО|ЧТУП|"
    r"СООО|ФГБУ|ФГБНУ|ФГАОУ|ГНУ|ГНПО|НПО|НПП|НПК|НПЦ|ОКБ|КБ|ПО|АК|ГАО|ОсОО|АООТ|ТОО СП|ЖШС|АҚ)"
)
#: Nouns that introduce a company's or institute's quoted name ("холдинга «Гомсельмаш»").
_COMPANY_NOUNS = (
    r"(?:холдинг|агрохолдинг|концерн|компани|госкомпани|нацкомпани|корпораци|предприяти|завод|"
    r"комбинат|фабрик|объединени|банк|фирм|производител|группа компаний|группы компаний|"
    r"группе компаний|группой компаний|ассоциаци|институт|НИИ|бюро|центр|университет|"
    r"кластер|технопарк|верф|автозавод)\w*"
)
_QUOTED = re.compile(
    rf"(?:\b{_LEGAL}|\b(?i:{_COMPANY_NOUNS}))\s*[«\"“„]([^«»\"“”„\n]{{2,80}})[»\"”“]",
)
#: Abbreviated company names and their full names.
COMPANY_ABBREVIATIONS = {
    "МАЗ": "Минский автомобильный завод",
    "МТЗ": "Минский тракторный завод",
    "МЗКТ": "Минский завод колесных тягачей",
    "ММЗ": "Минский моторный завод",
    "БМЗ": "Белорусский металлургический завод",
    "ГАЗ": "Горьковский автомобильный завод",
    "УАЗ": "Ульяновский автомобильный завод",
}
#: Abbreviations that open names of research bodies, written out in canonical names.
_NAME_ABBREVIATIONS = {
    "НИИ": "Научно-исследовательский институт",
    "ЦНИИ": "Центральный научно-исследовательский институт",
    "ОКБ": "Опытно-конструкторское бюро",
    "НПО": "Научно-производственное объединение",
    "НПП": "Научно-производственное предприятие",
}
_PLANT_HEADS = frozenset({"завод", "комбинат", "фабрика", "верфь", "автозавод"})
#: Words of media names (news agencies are not organisations of an event).
_MEDIA = frozenset({"информационный", "новость", "телеграфный", "информагентство", "пресс"})
#: Local administrations named by a head noun and a region ("хокимият Ташкентской области").
_REGIONAL_HEADS = frozenset({"хокимият", "акимат", "облисполком", "администрация", "мэрия"})
#: Local executive bodies named by adjectives ("Могилевского облисполкома").
_LOCAL_HEADS = {
    "облисполком": "областной исполнительный комитет",
    "горисполком": "городской исполнительный комитет",
    "райисполком": "районный исполнительный комитет",
    "администрация": None,
}
_REGION_NOUNS = frozenset({"область", "край", "округ"})


def _inflect(
    word: str,
    case: str,
    *,
    number: str | None = None,
    gender: str | None = None,
    pos: tuple = ("NOUN", "ADJF", "PRTF"),
) -> tuple[str, object]:
    morph = models()["morph"]
    for p in morph.parse(word):
        if p.tag.POS in pos:
            feats = {case}
            if number:
                feats.add(number)
            if gender and p.tag.POS != "NOUN" and number != "plur":
                feats.add(gender)
            form = p.inflect(feats) or p.inflect({case})
            if form is None:
                continue
            out = form.word
            if word[:1].isupper():
                out = out[:1].upper() + out[1:]
            if "ё" not in word.lower():  # keep the text's spelling: pymorphy3 writes "ё"
                out = out.replace("ё", "е").replace("Ё", "Е")
            if "-" in word and "-" in out:  # "Иссык-Кульская": keep each part's capital
                parts, orig = out.split("-"), word.split("-")
                if len(parts) == len(orig):
                    out = "-".join(
                        p[:1].upper() + p[1:] if o[:1].isupper() else p
                        for p, o in zip(parts, orig, strict=True)
                    )
            if word.isupper() and len(word) > 1:
                out = out.upper()
            return out, p
    return word, None


def to_case(words: list[str], case: str) -> str:
    """Put a name in ``case``: the first noun and the adjectives before it are inflected.

    ``["Российская", "Федерация"]``, ``"gent"`` -> ``"Российской Федерации"``;
    ``["Республики", "Беларусь"]``, ``"nomn"`` -> ``"Республика Беларусь"``.
    """
    morph = models()["morph"]
    head = None
    for k, w in enumerate(words):
        parses = morph.parse(w)
        if parses and parses[0].tag.POS == "NOUN" and w[:1].isalpha():
            head = k
            break
    if head is None:
        return " ".join(words)
    hp = morph.parse(words[head])[0]
    number = "plur" if hp.tag.number == "plur" else "sing"
    gender = hp.tag.gender
    out = []
    for k, w in enumerate(words):
        if k < head:
            out.append(_inflect(w, case, number=number, gender=gender, pos=("ADJF", "PRTF"))[0])
        elif k == head:
            out.append(_inflect(w, case, number=number, pos=("NOUN",))[0])
        else:
            out.append(w)
    return " ".join(out)


@functools.cache
def country_genitive(iso3: str) -> str | None:
    """Official Russian name of a state in the genitive ("Республики Казахстан"), if known."""
    from .. import geo

    lex = geo.russian_country_lexicon()
    rows = lex[lex["iso3"] == iso3]
    for kind in ("official", "short"):
        sel = rows[rows["kind"] == kind]
        if len(sel):
            return to_case(str(sel.iloc[0]["phrase"]).split(), "gent")
    return None


def is_proper_name(tokens: list[Token], idx: list[int]) -> bool:
    """Tell whether an ORG span is a name, not a common phrase ("Учебный центр").

    A name has three or more words, or a proper noun, an abbreviation, quotes, or a
    capitalised word after the first ("Государственной Думы").
    """
    if len(idx) >= 3:
        return True
    for n, k in enumerate(idx):
        text = tokens[k].text
        if (
            tokens[k].pos == "PROPN"
            or (len(text) > 1 and text.isupper())
            or text in ("«", "»", '"')
        ):
            return True
        if n > 0 and text[:1].isupper():
            return True
    return False


def _span_tokens(an: Analysis, start: int, stop: int) -> list[int]:
    return an.tokens_within(start, stop)


def _government_name(iso3: str) -> str | None:
    name = country_genitive(iso3)
    return f"{GOVERNMENT_BODY.get(iso3, 'Правительство')} {name}" if name else None


def _region(an: Analysis, words: list[int]) -> int | None:
    """Index into ``words`` (token indices) where a region's name starts, if the words end in one.

    "Нижегородской области", "Краснодарского края", "Ханты-Мансийского автономного округа".
    """
    tokens = an.tokens
    if (
        len(words) >= 2
        and tokens[words[-2]].lemma == "республика"
        and tokens[words[-1]].text[:1].isupper()
    ):
        return len(words) - 2
    for n, k in enumerate(words):
        if tokens[k].lemma in _REGION_NOUNS and n > 0 and n == len(words) - 1:
            m = n - 1
            while (
                m > 0
                and tokens[words[m - 1]].pos == "ADJ"
                and tokens[words[m - 1]].text[:1].isupper()
            ):
                m -= 1
            if tokens[words[m]].text[:1].isupper() or tokens[words[m]].pos == "ADJ":
                return m
    return None


def _government(
    an: Analysis,
    k: int,
    country_at: dict[int, tuple[int, str, str]],
    used: set[int],
    *,
    head: str | None = None,
    start: int | None = None,
    field: list[str] | None = None,
) -> list[Organization] | None:
    tokens: list[Token] = an.tokens
    head = head or _GOV_HEADS[tokens[k].lemma]
    field = list(field or [])
    field_idx: list[int] = []
    j = start if start is not None else k + 1
    while j < len(tokens) and j - k <= 7 and tokens[j].sent == tokens[k].sent:
        if j in country_at:
            out = []
            while j in country_at:  # "правительства России и Беларуси"
                last, iso3, _kind = country_at[j]
                name = country_genitive(iso3)
                words = " ".join(field).replace(" ,", ",").strip(" ,")
                if words.endswith(" и"):
                    words = words[:-2]
                if name is not None and head == "Министерство" and words:
                    out.append(Organization(f"{head} {words} {name}", "ministry", iso3))
                elif name is not None and head == "Правительство":
                    out.append(Organization(_government_name(iso3), "government", iso3))
                used.update(range(k, last))
                # a list of states (nouns): "правительств Армении, Беларуси и России"
                j = (
                    last + 1
                    if last < len(tokens) and tokens[last].text in ("и", ",")
                    else len(tokens) + 1
                )
                if j in country_at and country_at[j][2] == "adjective":
                    break
            return out or None
        t = tokens[j]
        if head == "Правительство":
            break
        case = t.feats.get("Case")
        if (
            head == "Министерство"
            and t.lemma == "республика"
            and j + 1 < len(tokens)
            and tokens[j + 1].text[:1].isupper()
            and j + 1 not in country_at
        ):
            # a republic of Russia: "Республики Татарстан" (a region, not a state)
            field += [t.text, tokens[j + 1].text]
            field_idx += [j, j + 1]
            break
        if t.text in ("и", ",") or (t.pos in ("NOUN", "ADJ", "PROPN") and case == "Gen"):
            field.append(t.text)
            field_idx.append(j)
            j += 1
            continue
        break
    while field_idx and tokens[field_idx[-1]].text in ("и", ","):
        field_idx.pop()
        field.pop()
    if head == "Министерство" and field_idx:
        # a regional ministry: "министерства промышленности и торговли Нижегородской области"
        m = _region(an, field_idx)
        if m is not None and m > 0:
            portfolio = " ".join(field[:m]).replace(" ,", ",").strip(" ,")
            if portfolio.endswith(" и"):
                portfolio = portfolio[:-2]
            region = to_case([tokens[i].text for i in field_idx[m:]], "gent")
            used.update(range(k, field_idx[-1] + 1))
            return [Organization(f"Министерство {portfolio} {region}", "regional_authority")]
    if head == "Правительство" and k + 1 < len(tokens):
        # a regional government: "Правительства Новосибирской области"
        for typ, s, e in an.spans:
            if typ == "LOC" and s == tokens[k + 1].start and not an.text[s:e].isupper():
                used.update(_span_tokens(an, tokens[k].start, e))
                return [Organization(f"Правительство {an.text[s:e]}", "regional_authority")]
    return None


_INTER = frozenset({"межправительственный", "межгосударственный", "совместный"})
_INTER_HEADS = frozenset({"комиссия", "совет", "комитет"})


def _take(tokens: list[Token], j: int, case: str, sent: int) -> int:
    """Advance over a phrase in ``case`` (adjectives, nouns, "и", ","); return the next index."""
    start = j
    pm_case = {"Dat": "datv", "Loc": "loct", "Gen": "gent", "Ins": "ablt"}.get(case)
    while j < len(tokens) and tokens[j].sent == sent:
        t = tokens[j]
        if t.pos in ("NOUN", "ADJ") and (
            t.feats.get("Case") == case
            or (
                t.feats.get("Case") is None  # the tagger leaves some compounds without case
                and pm_case is not None
                and any(pm_case in p.tag for p in models()["morph"].parse(t.text.lower()))
            )
        ):
            j += 1
        elif t.text in ("и", ",") and j > start:
            j += 1
        else:
            break
    while j > start and tokens[j - 1].text in ("и", ","):
        j -= 1
    return j


def _intergovernmental(
    an: Analysis, k: int, country_at: dict[int, tuple[int, str, str]], used: set[int]
) -> str | None:
    """Name a bilateral or multilateral commission or council as written.

    "межправительственной комиссии по экономическому сотрудничеству Таджикистана и России"
    -> "Межправительственная комиссия по экономическому сотрудничеству Таджикистана и России":
    the adjectives and head noun go to the nominative, a "по ..." (dative) complement, a "в ...
    сферах" (locative) complement and the states named after it are kept as written.
    """
    tokens = an.tokens
    sent = tokens[k].sent
    j = k + 1
    while j < len(tokens) and tokens[j].pos == "ADJ" and tokens[j].sent == sent:
        j += 1
    if j >= len(tokens) or not (tokens[j].lemmas & _INTER_HEADS):
        return None
    head_end = j + 1
    # "белорусско-узбекской межправительственной комиссии": the states in an adjective before
    states_before = (
        k > 0
        and tokens[k - 1].sent == sent
        and tokens[k - 1].pos == "ADJ"
        and "-" in tokens[k - 1].text.strip("-")
        and tokens[k].lemma != "совместный"
    )
    if states_before:
        k -= 1
    j = head_end
    if j < len(tokens) and tokens[j].text.lower() == "по":
        j = _take(tokens, j + 1, "Dat", sent)
        if j < len(tokens) and tokens[j].text.lower() in ("в", "во"):
            after = _take(tokens, j + 1, "Loc", sent)
            j = after if after > j + 1 else j
    if tokens[j].text.lower() == "между" and j + 1 in country_at if j < len(tokens) else False:
        j += 1  # "... по сотрудничеству между Республикой Казахстан и Российской Федерацией"
    while j in country_at and country_at[j][2] != "adjective":
        j = country_at[j][0]
        if j + 1 < len(tokens) and tokens[j].text in ("и", "–", "-") and (j + 1) in country_at:
            j += 1
    if j == head_end and not states_before:
        return None  # a bare "межправительственная комиссия" does not say which one
    if tokens[k].lemma == "совместный" and not any(
        "-" in tokens[i].text for i in range(k + 1, head_end)
    ):
        return None  # "совместная комиссия" is a body only with its states ("белорусско-иранская")
    head = to_case([t.text for t in tokens[k:head_end]], "nomn")
    rest = an.text[tokens[head_end].start : tokens[j - 1].stop] if j > head_end else ""
    used.update(range(k, j))
    name = f"{head} {rest}".strip()
    return name[:1].upper() + name[1:]


def find_organizations(
    an: Analysis, *, country_hits: list[Hit], blocs: set[str]
) -> tuple[list[str], set[str], set[int]]:
    """Return (canonical names in order of first mention, their blocs, indices of their tokens).

    Parameters
    ----------
    an
        The analysed text.
    country_hits
        Country lexicon hits over ``an.tokens`` (the states of ministries and governments).
    blocs
        Blocs named in the text (for short forms with a ``context_bloc``).
    """
    tokens = an.tokens
    names: list[tuple[int, Organization]] = []
    org_blocs: set[str] = set()
    used: set[int] = set()
    country_at = {
        h.first: (h.last, h.entry.payload["iso3"], h.entry.payload["kind"]) for h in country_hits
    }
    # abbreviated ministries followed by their state: "Минсельхоз Казахстана"
    for k, t in enumerate(tokens):
        portfolio = MINISTRY_ABBREVIATIONS.get(t.lemma)
        if portfolio and k + 1 in country_at and country_at[k + 1][2] != "adjective":
            found = _government(
                an, k, country_at, used, head="Министерство", start=k + 1, field=[portfolio]
            )
            names.extend((t.start, o) for o in found or ())
    # "Кабинет министров Узбекистана", "Совет министров Республики Беларусь"
    for k, t in enumerate(tokens[:-1]):
        if k in used or not (t.lemmas & {"кабинет", "совет"}):
            continue
        if "министр" in tokens[k + 1].lemmas and k + 2 in country_at:
            found = _government(an, k, country_at, used, head="Правительство", start=k + 2)
            names.extend((t.start, o) for o in found or ())
    names.extend(_companies(an, used))
    for hit in organization_matcher().find(tokens, skip=used):
        p = hit.entry.payload
        if p.get("context_bloc") and p["context_bloc"] not in blocs:
            continue
        names.append(
            (
                tokens[hit.first].start,
                Organization(
                    p["canonical"], _KIND_TYPE.get(p["kind"], p["kind"]), p.get("country") or None
                ),
            )
        )
        if p.get("bloc"):
            org_blocs.add(p["bloc"])
        used.update(range(hit.first, hit.last))
    # "сербского правительства", "белорусский кабмин": a state's adjective before its government
    adjective_before = {
        h.last: h.entry.payload["iso3"]
        for h in country_hits
        if h.entry.payload["kind"] == "adjective" and h.last - h.first == 1
    }
    for k, t in enumerate(tokens):
        if k in used or k not in adjective_before or not (t.lemmas & {"правительство", "кабмин"}):
            continue
        name = _government_name(adjective_before[k])
        if name:
            names.append(
                (tokens[k - 1].start, Organization(name, "government", adjective_before[k]))
            )
            used.update({k - 1, k})
    gov_at: dict[int, tuple[int, Organization]] = {}  # token -> (position, org) of a government
    for k, t in enumerate(tokens):
        if t.lemma in _GOV_HEADS and k not in used:
            before = set(used)
            for name in _government(an, k, country_at, used) or ():
                names.append((t.start, name))
                for i in used - before:
                    gov_at[i] = (t.start, name)
    for k, t in enumerate(tokens):
        if k not in used and t.lemmas & _INTER:
            found = _intergovernmental(an, k, country_at, used)
            if found:
                names.append((t.start, Organization(found, "intergovernmental")))
    for typ, s, e in an.spans:
        if typ != "ORG":
            continue
        idx = _span_tokens(an, s, e)
        if not idx or any(k in used for k in idx):
            continue
        nxt = idx[-1] + 1
        while (
            nxt < len(tokens)
            and tokens[nxt].text.lower() == "по"
            or (nxt < len(tokens) and nxt - idx[-1] <= 4 and tokens[nxt].feats.get("Case") == "Dat")
        ):
            nxt += 1
        at_gov = nxt + 1 < len(tokens) and tokens[nxt].text.lower() == "при" and nxt + 1 in gov_at
        gov_used = set()
        if at_gov:
            # "Агентство ... при Правительстве Республики Таджикистан": the agency, not the
            # government, is the party (decided below, once the agency is accepted)
            gov_used = {i for i in range(nxt + 1, len(tokens)) if i in used}
            used.difference_update(gov_used)
        if (
            nxt + 1 < len(tokens)
            and tokens[nxt].text.lower() == "при"
            and any(i in used for i in range(nxt + 1, min(len(tokens), nxt + 3)))
        ):
            continue  # a sub-unit of a known body: "Консультативный комитет ... при Коллегии ЕЭК"
        attached = ""
        if nxt + 1 < len(tokens) and tokens[nxt].text.lower() == "при":
            # "Агентство ... при Правительстве Республики Таджикистан": keep "при ..." as written
            end = nxt + 1
            while (
                end < len(tokens)
                and end - nxt <= 6
                and tokens[end].sent == tokens[nxt].sent
                and tokens[end].pos in ("NOUN", "ADJ", "PROPN")
                and (end == nxt + 1 or tokens[end].feats.get("Case") in ("Gen", "Loc", "Ins"))
            ):
                end = country_at[end][0] if end in country_at else end + 1
            if end > nxt + 1 and tokens[nxt + 1].text[:1].isupper():
                attached = an.text[tokens[nxt].start : tokens[end - 1].stop]
                used.update(range(idx[-1] + 1, end))
        head = next(
            (
                k
                for k in idx
                if tokens[k].pos == "NOUN"
                or (tokens[k].pos == "PROPN" and tokens[k].lemma in _INSTITUTIONS)
            ),
            None,
        )
        if (
            head is None
            or tokens[head].lemma not in _INSTITUTIONS
            or tokens[head].lemma in _GOV_HEADS
            or any(tokens[k].lemmas & _MEDIA for k in idx)
            or (len(idx) == 1 and not attached)  # a bare "Совет", "Комитет" names nothing
            or (tokens[idx[0]].pos not in ("NOUN", "ADJ", "PROPN"))
            or not (is_proper_name(tokens, idx) or attached)
        ):
            used.update(gov_used)  # not an agency after all: the government stays
            continue
        if at_gov:
            names = [x for x in names if x != gov_at[nxt + 1]]
        words = [tokens[k].text for k in idx]
        if attached and idx[-1] + 1 < nxt:
            words += [tokens[k].text for k in range(idx[-1] + 1, nxt)]
        name = f"{to_case(words, 'nomn')} {attached}".strip()
        names.append((s, Organization(name, _institution_type(tokens[head].lemma))))
        used.update(idx)
    out: list[Organization] = []
    seen: set[str] = set()
    for _, org in sorted(names, key=lambda x: x[0]):
        if org.name not in seen:
            seen.add(org.name)
            out.append(org)
    return out, org_blocs, used


def _institution_type(head: str) -> str:
    if head in ("академия", "университет", "институт", "центр"):
        return "academic"
    if head in ("банк", "фонд"):
        return "financial"
    if head in ("парламент", "дума", "сенат"):
        return "parliament"
    if head in ("ассоциация", "палата", "союз"):
        return "association"
    if head in ("корпорация", "госкорпорация"):
        return "state_corporation"
    if head in ("правительство", "администрация"):
        return "regional_authority"
    return "government_agency"


def _canonical_company(name: str) -> str:
    name = " ".join(name.replace("\u00a0", " ").split()).strip(" .,")
    first, _, rest = name.partition(" ")
    if first in _NAME_ABBREVIATIONS and rest:
        return f"{_NAME_ABBREVIATIONS[first]} {rest}"
    return COMPANY_ABBREVIATIONS.get(name, name)


def _company_type(name: str, intro: str) -> str:
    low = f"{intro} {name}".lower()
    if re.search(r"институт|университет|академи|\bнии\b|научн|бюро", low):
        return "academic"
    if "банк" in low:
        return "financial"
    return "company"


def _companies(an: Analysis, used: set[int]) -> list[tuple[int, Organization]]:
    """Return the companies and research institutes named in the text.

    Quoted names after a legal form or a company noun ("ОАО «Гомсельмаш»", "холдинга
    «Интеграл»"), plants named by adjectives ("Минского тракторного завода" -> "Минский
    тракторный завод") and known abbreviations ("МАЗ").

    Legal forms and quotes are dropped; abbreviations opening a research body's name are
    written out ("НИИ полупроводниковых приборов" -> "Научно-исследовательский институт
    полупроводниковых приборов"). Marks the tokens used.
    """
    text, tokens = an.text, an.tokens
    out: list[tuple[int, Organization]] = []
    for m in _QUOTED.finditer(text):
        idx = an.tokens_within(m.start(), m.end())
        if any(k in used for k in idx):
            continue
        raw = m.group(1).strip()
        if not raw[:1].isupper() or len(raw.split()) > 8:
            continue
        intro = text[m.start() : m.start(1)]
        name = _canonical_company(raw)
        out.append((m.start(), Organization(name, _company_type(name, intro))))
        used.update(idx)
    for k, t in enumerate(tokens):
        if k in used or t.lemma not in _PLANT_HEADS:
            continue
        first = k
        while first > 0 and tokens[first - 1].pos == "ADJ" and k - first < 4:
            first -= 1
        if first == k or not tokens[first].text[:1].isupper() or first - 1 in used:
            continue
        words = [tokens[i].text for i in range(first, k + 1)]
        name = to_case(words, "nomn")
        out.append((tokens[first].start, Organization(name, "company")))
        used.update(range(first, k + 1))
    for k, t in enumerate(tokens):
        if k in used or t.lemma not in _LOCAL_HEADS:
            continue
        first = k
        while first > 0 and tokens[first - 1].pos == "ADJ" and k - first < 3:
            first -= 1
        if first == k or not tokens[first].text[:1].isupper() or first - 1 in used:
            continue
        words = [tokens[i].text for i in range(first, k + 1)]
        expansion = _LOCAL_HEADS[t.lemma]
        if (
            expansion
        ):  # "Могилевского облисполкома" -> "Могилевский областной исполнительный комитет"
            adjectives = [
                _inflect(w, "nomn", number="sing", gender="masc", pos=("ADJF", "PRTF"))[0]
                for w in words[:-1]
            ]
            name = " ".join([*adjectives, expansion])
        else:
            name = to_case(words, "nomn")
        out.append((tokens[first].start, Organization(name, "regional_authority")))
        used.update(range(first, k + 1))
    for k, t in enumerate(tokens):
        if k in used or not (
            t.lemma in _REGIONAL_HEADS
            or t.text.lower().startswith(("хокимият", "акимат", "облисполком"))
        ):
            continue
        j = k + 1
        while j < len(tokens) and j - k <= 3 and tokens[j].pos == "ADJ":
            j += 1  # the tagger may give the adjective the head's case: "хокимияте Ташкентской"
        if (
            j > k + 1
            and j < len(tokens)
            and tokens[j].lemma in _REGION_NOUNS
            and tokens[j].feats.get("Case") == "Gen"
        ):
            low = t.text.lower()
            stem = next((h for h in ("хокимият", "акимат") if low.startswith(h)), None)
            head = stem or _inflect(t.text, "nomn", number="sing", pos=("NOUN",))[0]
            head = head[:1].upper() + head[1:]
            region = an.text[tokens[k + 1].start : tokens[j].stop]
            out.append((t.start, Organization(f"{head} {region}", "regional_authority")))
            used.update(range(k, j + 1))
    for k, t in enumerate(tokens):
        if k not in used and t.text in COMPANY_ABBREVIATIONS:
            out.append((t.start, Organization(COMPANY_ABBREVIATIONS[t.text], "company")))
            used.add(k)
    return out
