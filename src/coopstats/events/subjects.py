"""What an event is about: its countries and its sectors.

countries
    States named in the text, in any case or as an adjective ("белорусские партнеры",
    "российской стороны", "российско-армянская"), through
    :func:`coopstats.geo.russian_country_lexicon`; natasha LOC spans the lexicon misses go
    through :func:`coopstats.geo.to_iso3`. Cities do not add a state; a state named only
    inside a currency ("долларов США", "белорусских рублей") does not count.
sectors
    Lemma phrases of ``events_sectors.csv`` (a phrase may stand for several sectors:
    "сельхозтехника" is machinery and agriculture), except inside names of bodies and
    companies ("Комиссия по энергетике", "Гомсельмаш") and portfolio titles ("министр
    сельского хозяйства"), and where the sector is named as a use of something else
    ("материалы для машиностроения", "используемых в военной технике", "основа для таких
    отраслей, как автомобилестроение"). Lists of industries count ("такие отрасли, как
    станкостроение и фармацевтика"); hyphenated compounds are looked up by their last part
    ("СВЧ-электроника").
"""

from __future__ import annotations

import functools

from ..columns import SECTORS
from ..errors import CoopstatsError
from .lexicon import country_matcher, country_words, sector_matcher, unit_matcher
from .nlp import Analysis, lemmas, norm
from .organizations import is_proper_name

__all__ = ["find_countries", "find_sectors", "body_name_tokens", "title_tokens"]


#: Head nouns of the names of bodies (a sector word in such a name is not a sector mention).
_BODY_HEADS = frozenset(
    {
        "министерство",
        "комиссия",
        "комитет",
        "совет",
        "собрание",
        "ассамблея",
        "департамент",
        "агентство",
        "служба",
        "управление",
        "правительство",
        "палата",
        "секретариат",
        "академия",
        "институт",
        "университет",
        "центр",
        "отделение",
        "дума",
        "парламент",
        "администрация",
        "организация",
        "союз",
    }
)


def body_name_tokens(an: Analysis) -> set[int]:
    """Token indices inside names of bodies.

    natasha ORG spans headed by a body noun (комиссия, министерство, совет ...), extended over
    a "по ..." complement ("Комиссия Парламентского Собрания | по энергетике"). Facilities and
    companies ("Армянская АЭС") are not bodies: their words still name a sector.
    """
    tokens = an.tokens
    out: set[int] = set()
    starts = {t.start: k for k, t in enumerate(tokens)}
    for typ, s, e in an.spans:
        if typ != "ORG":
            continue
        k = starts.get(s)
        if k is None:
            continue
        inside = an.tokens_within(s, e)
        head = next((tokens[j] for j in inside if tokens[j].pos in ("NOUN", "PROPN")), None)
        if head is None or not (head.lemmas & _BODY_HEADS):
            continue
        if not is_proper_name(tokens, inside):
            continue
        while k < len(tokens) and tokens[k].stop <= e:
            out.add(k)
            k += 1
        # "Комиссия Парламентского Собрания | по энергетике", "Комитет | по науке и технологиям"
        if k < len(tokens) and tokens[k].text.lower() == "по":
            out.add(k)
            k += 1
            while (
                k < len(tokens)
                and (tokens[k].feats.get("Case") == "Dat" or tokens[k].text in ("и", ","))
                and tokens[k].pos in ("NOUN", "ADJ", "CCONJ", "PUNCT")
            ):
                out.add(k)
                k += 1
    return out


@functools.lru_cache(maxsize=4096)
def _loc_to_iso3(name: str) -> str | None:
    from .. import geo

    try:
        return geo.to_iso3([name])[0]
    except (CoopstatsError, LookupError, ValueError):
        return None


def find_countries(an: Analysis) -> tuple[list, list[str]]:
    """Return (country lexicon hits, sorted ISO3 codes of the states named in the text).

    The hits (token spans with their ISO3) are what ministries and governments attach to.
    """
    tokens = an.tokens
    currency = set()
    for hit in unit_matcher().find(tokens):
        if hit.entry.payload["kind"] == "currency":
            currency.update(range(hit.first, hit.last))
    hits = country_matcher().find(tokens, skip=currency)
    found = {h.entry.payload["iso3"] for h in hits}
    # compound adjectives: "российско-армянская", "казахстанско-белорусский"
    words = country_words()
    for k, t in enumerate(tokens):
        if "-" in t.text and k not in currency and all(p.isalpha() for p in t.text.split("-")):
            parts = norm(t.text).split("-")
            for part in parts[:-1]:
                if part.endswith("о"):
                    for cand in (part[:-1] + "ий", part[:-1] + "ый"):
                        if cand in words:
                            found.add(words[cand])
            for form in lemmas(parts[-1])[0]:
                if form in words and len(parts[-1]) > 3:
                    found.add(words[form])
    covered = {k for h in hits for k in range(h.first, h.last)} | currency
    for typ, s, e in an.spans:
        if typ != "LOC":
            continue
        idx = an.tokens_within(s, e)
        if not idx or any(k in covered for k in idx):
            continue
        iso3 = _loc_to_iso3(" ".join(tokens[k].lemma for k in idx))
        if iso3:
            found.add(iso3)
    return hits, sorted(found)


_USE_VERBS = frozenset(
    {
        "использовать",
        "применять",
        "использоваться",
        "применяться",
        "используемый",
        "применяемый",
        "востребованный",
        "востребовать",
    }
)


def _application(tokens: list, k: int) -> bool:
    """Tell whether a sector is named as a use, not as an area of cooperation.

    Walking back from the mention over adjectives and coordinated list items ("X и Y",
    "X, Y") reaches "для" ("материалы для машиностроения и авиации"), "в" after a verb of use
    ("используемых в гражданской и военной технике") or "как" after "такой" ("для таких
    отраслей, как автомобилестроение, оборона"). "для производства X" is not a use (the noun
    breaks the walk).
    """
    j, after_conj = k - 1, False
    while j >= 0 and k - j <= 12 and tokens[j].sent == tokens[k].sent:
        tok = tokens[j]
        low = tok.text.lower()
        if low == "для":
            return True
        if low in ("в", "во") and j > 0 and tokens[j - 1].lemmas & _USE_VERBS:
            return True
        if low == "как":
            # "такие отрасли, как X, Y" counts, unless the list is itself a use: "основа
            # для таких отраслей, как X", "применяется в таких отраслях, как X"
            m = j - 1
            while m >= 0 and j - m <= 6 and tokens[m].sent == tokens[k].sent:
                w = tokens[m].text.lower()
                if w == "для":
                    return True
                if w in ("в", "во"):
                    return m > 0 and bool(tokens[m - 1].lemmas & _USE_VERBS)
                if not (tokens[m].pos in ("ADJ", "NOUN", "DET", "PUNCT") or w == ","):
                    return False
                m -= 1
            return False
        if tok.pos == "ADJ":
            pass
        elif tok.pos == "CCONJ" or low == ",":
            after_conj = True
        elif tok.pos == "NOUN" and after_conj:
            after_conj = False
        else:
            return False
        j -= 1
    return False


_TITLE_HEADS = frozenset(
    {
        "министр",
        "замминистра",
        "вице-министр",
        "министерство",
        "департамент",
        "комитет",
        "ведомство",
        "управление",
        "агентство",
        "служба",
        "отдел",
        "директор",
        "начальник",
        "руководитель",
        "председатель",
        "советник",
        "уполномоченный",
        "группа",
        "подгруппа",
        "комиссия",
        "подкомиссия",
        "совет",
    }
)


def title_tokens(an: Analysis) -> set[int]:
    """Return the token indices of portfolio titles and names of units.

    "министр сельского хозяйства", "замминистра энергетики", "департамент промышленной
    политики": the genitive words after the head noun. A portfolio names a job, not an area
    of cooperation.
    """
    tokens = an.tokens
    out: set[int] = set()
    for k, t in enumerate(tokens):
        if not (t.lemmas & _TITLE_HEADS) and not t.text.lower().startswith("замминистр"):
            continue
        j = k + 1
        while j < len(tokens) and j - k <= 8 and tokens[j].sent == t.sent:
            u = tokens[j]
            if u.text in ("и", ",") or (
                u.pos in ("NOUN", "ADJ", "PROPN") and u.feats.get("Case") == "Gen"
            ):
                out.add(j)
                j += 1
                continue
            if u.text.lower() == "по" and j == k + 1:  # "комитет по энергетике"
                out.add(j)
                j += 1
                while j < len(tokens) and (
                    tokens[j].feats.get("Case") == "Dat" or tokens[j].text in ("и", ",")
                ):
                    out.add(j)
                    j += 1
            break
    return out


def _sectors_of(payload: dict) -> list[str]:
    return [s.strip() for s in payload["sector"].split("|") if s.strip()]


def find_sectors(an: Analysis, org_tokens: set[int]) -> list[str]:
    """Return the sectors named in the text, in :data:`coopstats.columns.SECTORS` order.

    ``org_tokens`` are token indices inside names of bodies and companies, which name no
    sector; nor do portfolio titles (:func:`title_tokens`). A lexicon phrase may stand for
    several sectors ("сельхозтехника": machinery and agriculture; ``sector`` column
    ``machinery|agriculture``). A hyphenated compound ("СВЧ-электроника") is looked up by
    its last part when the whole word is not in the lexicon. Lists of industries ("такие
    отрасли, как X, Y") count; a sector named as a use of something else ("материалы для
    машиностроения") does not.
    """
    tokens = an.tokens
    skip = set(org_tokens) | title_tokens(an)
    kept = set()
    matcher = sector_matcher()
    covered: set[int] = set()
    for hit in matcher.find(tokens, skip=skip):
        covered.update(range(hit.first, hit.last))
        if any(k in skip for k in range(hit.first, hit.last)):
            continue
        if _application(tokens, hit.first):
            continue
        kept.update(_sectors_of(hit.entry.payload))
    for k, t in enumerate(tokens):
        if k in covered or k in skip or "-" not in t.text[1:-1]:
            continue
        last = t.text.rsplit("-", 1)[1]
        if len(last) < 4:
            continue
        forms = lemmas(last)[0]
        for form in sorted(forms):
            entries = [e for e in matcher._first.get(form, ()) if len(e.words) == 1]
            if entries and not _application(tokens, k):
                kept.update(_sectors_of(entries[0].payload))
                break
    return [s for s in SECTORS if s in kept]
