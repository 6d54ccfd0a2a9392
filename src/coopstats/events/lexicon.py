"""Lexicons of the press-release reader as data, and a lemma-sequence matcher.

The lexicons live in ``coopstats/data/events_*.csv`` (sectors, organisations, blocs, units,
measures); countries come from :func:`coopstats.geo.russian_country_lexicon`. Phrases are
written as space-separated pymorphy3 normal forms (``ё`` folded into ``е``), so a phrase
matches a text in any grammatical case: ``перспективный материал`` matches "перспективных
материалов". A ``prefix`` entry matches any single word starting with the stem
(``станкострои`` matches "станкостроительный" and "станкостроители").
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from ..errors import DataFileError
from .nlp import Token, norm

__all__ = [
    "country_words",
    "Entry",
    "Hit",
    "PhraseMatcher",
    "read_lexicon",
    "sector_matcher",
    "bloc_matcher",
    "organization_matcher",
    "unit_matcher",
    "country_matcher",
    "measure_lemmas",
]


@dataclass(frozen=True)
class Entry:
    """A lexicon phrase: its lemma words, how it matches and what it stands for."""

    words: tuple
    match: str
    payload: dict


@dataclass(frozen=True)
class Hit:
    """A lexicon match over tokens ``[first, last)``."""

    first: int
    last: int
    entry: Entry


def read_lexicon(name: str, required: Sequence[str]) -> list[dict]:
    """Read ``coopstats/data/<name>`` as a list of row dicts; check the columns and blanks.

    Raises
    ------
    DataFileError
        When a column is missing or a required cell is empty (naming file and line).
    """
    path = resources.files("coopstats") / "data" / name
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(
                f"missing column(s) {missing}",
                path=str(path),
                line=1,
                hint=f"the lexicon needs the columns {list(required)}",
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            for col in required:
                if not (row.get(col) or "").strip():
                    raise DataFileError(
                        "empty cell in a lexicon",
                        path=str(path),
                        line=line,
                        column=col,
                        hint="fill it or delete the row",
                    )
            rows.append(row)
    return rows


class PhraseMatcher:
    """Greedy longest-match, non-overlapping matcher of lemma phrases over tokens."""

    def __init__(self, entries: Iterable[Entry], *, same_sentence: bool = True) -> None:
        from .nlp import lemmas

        self._same_sentence = same_sentence
        self._first: dict[str, list[Entry]] = {}
        self._prefix: list[Entry] = []
        # each lexicon word also matches through its own most probable normal form, so the
        # lexicon and the text meet even where pymorphy3 normalises a form further
        # ("высший" -> "высокий"); not for short words, mostly abbreviations ("ран" is not "рана")
        self._alt: dict[str, frozenset] = {}
        for e in entries:
            if e.match == "prefix":
                self._prefix.append(e)
                continue
            for w in e.words:
                if w not in self._alt:
                    self._alt[w] = (
                        frozenset({w, lemmas(w)[1]})
                        if w.isalpha() and len(w) >= 5
                        else frozenset({w})
                    )
            for form in self._alt[e.words[0]]:
                lst = self._first.setdefault(form, [])
                if e not in lst:
                    lst.append(e)
        for lst in self._first.values():
            lst.sort(key=lambda e: -len(e.words))

    def _matches_at(self, tokens: Sequence[Token], i: int) -> Hit | None:
        tok = tokens[i]
        best: Hit | None = None
        for form in sorted(tok.lemmas):  # sorted: same result whatever the hash seed
            for e in self._first.get(form, ()):
                n = len(e.words)
                if best is not None and n <= best.last - best.first:
                    break
                if i + n > len(tokens):
                    continue
                if all(self._alt[e.words[k]] & tokens[i + k].lemmas for k in range(1, n)) and (
                    not self._same_sentence
                    or all(tokens[i + k].sent == tok.sent for k in range(1, n))
                ):
                    best = Hit(i, i + n, e)
                    break
        if best is None and self._prefix:
            low = norm(tok.text)
            for e in self._prefix:
                if low.startswith(e.words[0]) or tok.lemma.startswith(e.words[0]):
                    return Hit(i, i + 1, e)
        return best

    def find(self, tokens: Sequence[Token], skip: set[int] | frozenset = frozenset()) -> list[Hit]:
        """Return the hits over ``tokens``, left to right, none starting on an index in ``skip``."""
        hits, i = [], 0
        while i < len(tokens):
            if i in skip:
                i += 1
                continue
            hit = self._matches_at(tokens, i)
            if hit is None:
                i += 1
            else:
                hits.append(hit)
                i = hit.last
        return hits


def _entries(
    rows: Iterable[dict], *, phrase: str = "phrase", match: str | None = None
) -> list[Entry]:
    out = []
    for row in rows:
        words = tuple(norm(row[phrase]).split())
        out.append(Entry(words, (row.get(match) or "lemma") if match else "lemma", dict(row)))
    return out


@functools.lru_cache(maxsize=1)
def sector_matcher() -> PhraseMatcher:
    """Matcher over ``events_sectors.csv`` (payload: sector, phrase, match, note)."""
    rows = read_lexicon("events_sectors.csv", ["sector", "phrase", "match"])
    return PhraseMatcher(_entries(rows, match="match"))


@functools.lru_cache(maxsize=1)
def bloc_matcher() -> PhraseMatcher:
    """Matcher over ``events_blocs.csv`` (payload: bloc, phrase)."""
    return PhraseMatcher(_entries(read_lexicon("events_blocs.csv", ["bloc", "phrase"])))


@functools.lru_cache(maxsize=1)
def organization_matcher() -> PhraseMatcher:
    """Matcher over ``events_organizations.csv`` (payload: canonical, bloc, context_bloc, kind)."""
    rows = read_lexicon("events_organizations.csv", ["canonical", "phrase", "kind"])
    return PhraseMatcher(_entries(rows))


@functools.lru_cache(maxsize=1)
def unit_matcher() -> PhraseMatcher:
    """Matcher over ``events_units.csv`` (payload: kind, unit, factor)."""
    rows = read_lexicon("events_units.csv", ["phrase", "kind", "factor"])
    # razdel may end a sentence at an abbreviation ("млрд долл. США"): units may span it
    return PhraseMatcher(_entries(rows), same_sentence=False)


@functools.lru_cache(maxsize=1)
def measure_lemmas() -> frozenset:
    """Nouns that name what a money or percent figure measures (``events_measures.csv``)."""
    return frozenset(norm(r["lemma"]) for r in read_lexicon("events_measures.csv", ["lemma"]))


@functools.lru_cache(maxsize=1)
def country_matcher() -> PhraseMatcher:
    """Matcher over :func:`coopstats.geo.russian_country_lexicon` (payload: iso3, kind, phrase).

    Lemma phrases are re-lemmatised with this module's lemmatiser, so the geo lexicon and the
    text always agree on normal forms.
    """
    from .. import geo
    from .nlp import lemmas

    lex = geo.russian_country_lexicon()
    entries = []
    seen = set()
    for row in lex.itertuples(index=False):
        for phrase in dict.fromkeys((str(row.lemmas), str(row.phrase))):
            words = (
                tuple(lemmas(w)[1] for w in phrase.replace("-", " - ").split() if w != "-")
                if phrase == row.phrase
                else tuple(norm(phrase).split())
            )
            key = (words, row.iso3)
            if not words or key in seen or _common_word(row.phrase):
                continue
            seen.add(key)
            entries.append(
                Entry(words, "lemma", {"iso3": row.iso3, "kind": row.kind, "phrase": row.phrase})
            )
    return PhraseMatcher(entries)


def _common_word(phrase: str) -> bool:
    """Tell whether a one-word country name is mostly a common word ("Того" is "того").

    Such names are left to natasha's LOC spans (capitalised, in context) and
    :func:`coopstats.geo.to_iso3`; the lemma matcher would read every "того" as Togo.
    """
    from .nlp import models

    if " " in phrase.strip() or not phrase[:1].isupper():
        return False
    parses = models()["morph"].parse(phrase.lower())
    return bool(parses) and parses[0].is_known and "Geox" not in parses[0].tag


@functools.lru_cache(maxsize=1)
def country_words() -> dict:
    """One-word country lexicon phrases (lemma -> ISO3), for parts of compound adjectives."""
    out = {}
    for e in country_matcher()._first.values():
        for entry in e:
            if len(entry.words) == 1:
                out.setdefault(entry.words[0], entry.payload["iso3"])
    return out
