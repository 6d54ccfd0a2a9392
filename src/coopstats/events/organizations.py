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
   Companies and media are not organisations in this sense.
"""

from __future__ import annotations

import functools
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
    "правительство": "Правительство",
}


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


def _government(
    an: Analysis, k: int, country_at: dict[int, tuple[int, str, str]], used: set[int]
) -> list[Organization] | None:
    tokens: list[Token] = an.tokens
    head = _GOV_HEADS[tokens[k].lemma]
    field: list[str] = []
    j = k + 1
    while j < len(tokens) and j - k <= 7 and tokens[j].sent == tokens[k].sent:
        if j in country_at:
            out = []
            while j in country_at:  # "правительства России и Беларуси"
                last, iso3, _kind = country_at[j]
                name = country_genitive(iso3)
                words = " ".join(field).replace(" ,", ",").strip(" ,")
                if words.endswith(" и"):
                    words = words[:-2]
                if name is not None and (head != "Министерство" or words):
                    out.append(
                        Organization(
                            f"{head} {words} {name}"
                            if head == "Министерство"
                            else f"{head} {name}",
                            "ministry" if head == "Министерство" else "government",
                            iso3,
                        )
                    )
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
        if t.text in ("и", ",") or (t.pos in ("NOUN", "ADJ") and case == "Gen"):
            field.append(t.text)
            j += 1
            continue
        break
    if head == "Правительство" and k + 1 < len(tokens):
        # a regional government: "Правительства Новосибирской области"
        for typ, s, e in an.spans:
            if typ == "LOC" and s == tokens[k + 1].start:
                used.update(_span_tokens(an, tokens[k].start, e))
                return [Organization(f"Правительство {an.text[s:e]}", "regional_authority")]
    return None


_INTER = frozenset({"межправительственный", "межгосударственный"})
_INTER_HEADS = frozenset({"комиссия", "совет", "комитет"})


def _take(tokens: list[Token], j: int, case: str, sent: int) -> int:
    """Advance over a phrase in ``case`` (adjectives, nouns, "и", ","); return the next index."""
    start = j
    while j < len(tokens) and tokens[j].sent == sent:
        t = tokens[j]
        if t.pos in ("NOUN", "ADJ") and t.feats.get("Case") == case:
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
    j = head_end
    if j < len(tokens) and tokens[j].text.lower() == "по":
        j = _take(tokens, j + 1, "Dat", sent)
        if j < len(tokens) and tokens[j].text.lower() in ("в", "во"):
            after = _take(tokens, j + 1, "Loc", sent)
            j = after if after > j + 1 else j
    while j in country_at and country_at[j][2] != "adjective":
        j = country_at[j][0]
        if j + 1 < len(tokens) and tokens[j].text in ("и", "–", "-") and (j + 1) in country_at:
            j += 1
    if j == head_end:
        return None  # a bare "межправительственная комиссия" does not say which one
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
    for hit in organization_matcher().find(tokens):
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
    country_at = {
        h.first: (h.last, h.entry.payload["iso3"], h.entry.payload["kind"]) for h in country_hits
    }
    for k, t in enumerate(tokens):
        if t.lemma in _GOV_HEADS and k not in used:
            for name in _government(an, k, country_at, used) or ():
                names.append((t.start, name))
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
        if nxt + 1 < len(tokens) and tokens[nxt].text.lower() == "при" and nxt + 1 in used:
            continue  # a sub-unit of a known body: "Консультативный комитет ... при Коллегии ЕЭК"
        head = next((k for k in idx if tokens[k].pos == "NOUN"), None)
        if (
            head is None
            or tokens[head].lemma not in _INSTITUTIONS
            or tokens[head].lemma in _GOV_HEADS
        ):
            continue
        if tokens[idx[0]].pos not in ("NOUN", "ADJ", "PROPN") or not is_proper_name(tokens, idx):
            continue
        words = [tokens[k].text for k in idx]
        names.append(
            (s, Organization(to_case(words, "nomn"), _institution_type(tokens[head].lemma)))
        )
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
