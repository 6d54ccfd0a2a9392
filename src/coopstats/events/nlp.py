"""Language models and tokens for the press-release reader (loaded once, lazily).

natasha (razdel segmentation, the news NER and morphology taggers, the dates extractor) and
pymorphy3 are imported inside functions and loaded on first use, so importing
:mod:`coopstats.events` stays instant (``coopstats --help``).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

__all__ = ["Token", "Analysis", "models", "lemmas", "analyse", "norm"]

_DASH_DIGITS = re.compile(r"[-–—]")


def norm(word: str) -> str:
    """Lower-case ``word`` and fold ``ё`` into ``е`` (the lexicons are written without ``ё``)."""
    return word.lower().replace("ё", "е")


@dataclass(frozen=True)
class Token:
    """One word or punctuation mark of a text.

    Attributes
    ----------
    text : str
        The surface form.
    start, stop : int
        Character offsets in the analysed text.
    sent : int
        0-based sentence number.
    lemmas : frozenset of str
        Every pymorphy3 normal form of the word plus the lower-cased form itself, so that
        lexicon lemmas match whichever reading is right.
    lemma : str
        The most probable normal form.
    pos : str
        The natasha morphology tagger's part of speech (``NOUN``, ``ADJ``, ``PUNCT`` ...).
    feats : dict
        The tagger's grammatical features (``Case``, ``Number``, ``Gender`` ...).
    """

    text: str
    start: int
    stop: int
    sent: int
    lemmas: frozenset
    lemma: str
    pos: str
    feats: dict


@dataclass
class Analysis:
    """A text cut into sentences and tokens, with the natasha NER spans.

    Attributes
    ----------
    text : str
        The analysed text.
    tokens : list of Token
    sentences : list of tuple(int, int)
        Character offsets of the sentences.
    spans : list of tuple(str, int, int)
        natasha NER spans ``(type, start, stop)`` with type PER, LOC or ORG.
    """

    text: str
    tokens: list
    sentences: list
    spans: list

    @functools.cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]

    @functools.cached_property
    def token_starts(self) -> list[int]:
        """Start offsets of the tokens (sorted), for bisection."""
        return [t.start for t in self.tokens]

    @functools.cached_property
    def _sentence_tokens(self) -> dict[int, tuple[int, int]]:
        out: dict[int, tuple[int, int]] = {}
        for k, t in enumerate(self.tokens):
            first, _ = out.get(t.sent, (k, k))
            out[t.sent] = (first, k + 1)
        return out

    def sentence_of(self, offset: int) -> int:
        """Return the number of the sentence containing character ``offset``."""
        return max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)

    def first_token_at(self, offset: int) -> int:
        """Return the index of the first token starting at or after character ``offset``."""
        return bisect.bisect_left(self.token_starts, offset)

    def tokens_within(self, start: int, stop: int) -> list[int]:
        """Return the indices of the tokens inside characters ``[start, stop)``."""
        k = self.first_token_at(start)
        out = []
        while k < len(self.tokens) and self.tokens[k].stop <= stop:
            out.append(k)
            k += 1
        return out

    def sentence_tokens(self, sent: int) -> list:
        """Return the tokens of sentence ``sent``."""
        first, last = self._sentence_tokens.get(sent, (0, 0))
        return self.tokens[first:last]


@functools.lru_cache(maxsize=1)
def models() -> dict:
    """Load the natasha models and the shared pymorphy3 analyzer once; return them by name.

    natasha's ``MorphVocab`` (and with it its dates and money extractors) is not used: it
    needs pymorphy2, which looks its dictionaries up through ``pkg_resources`` (gone from
    setuptools 81); dates are found by :mod:`coopstats.events.dates`' own rules.
    """
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    from ..morphology import russian_analyzer

    emb = NewsEmbedding()
    return {
        "segmenter": Segmenter(),
        "ner": NewsNERTagger(emb),
        "morph_tagger": NewsMorphTagger(emb),
        "morph": russian_analyzer(),
    }


@functools.lru_cache(maxsize=200_000)
def lemmas(word: str) -> tuple[frozenset, str]:
    """Return (all normal forms incl. the lower-cased word, most probable normal form)."""
    low = norm(word)
    if not any(ch.isalpha() for ch in low):
        return frozenset({low}), low
    parses = models()["morph"].parse(low)
    forms = {norm(p.normal_form) for p in parses[:4]}
    forms.add(low)
    best = norm(parses[0].normal_form) if parses else low
    return frozenset(forms), best


def _pieces(text: str, start: int) -> list[tuple[str, int]]:
    """Split a token such as ``Беларусь–2026`` into its word part(s); keep other tokens whole."""
    if (
        _DASH_DIGITS.search(text)
        and any(ch.isdigit() for ch in text)
        and any(ch.isalpha() for ch in text)
    ):
        out, pos = [], 0
        for part in _DASH_DIGITS.split(text):
            if part and not part.isdigit():
                out.append((part, start + text.index(part, pos)))
            pos += len(part) + 1
        return out
    return [(text, start)]


def analyse(text: str) -> Analysis:
    """Segment, tag and lemmatise ``text``.

    razdel (through natasha's ``Segmenter``) cuts sentences and tokens, the news NER tagger
    finds PER/LOC/ORG spans, the news morphology tagger gives parts of speech and
    grammatical features, and pymorphy3 gives the normal forms used for lexicon matching.
    """
    from natasha import Doc

    m = models()
    doc = Doc(text)
    doc.segment(m["segmenter"])
    doc.tag_morph(m["morph_tagger"])
    doc.tag_ner(m["ner"])
    tokens: list[Token] = []
    sentences = []
    for i, sent in enumerate(doc.sents):
        sentences.append((sent.start, sent.stop))
        for tok in sent.tokens:
            for piece, start in _pieces(tok.text, tok.start):
                forms, best = lemmas(piece)
                tokens.append(
                    Token(
                        piece,
                        start,
                        start + len(piece),
                        i,
                        forms,
                        best,
                        tok.pos or "X",
                        dict(tok.feats or {}),
                    )
                )
    spans = [(s.type, s.start, s.stop) for s in doc.spans]
    return Analysis(text, tokens, sentences, spans)
