"""Okapi BM25 in process: the text similarity of incidents without a database, and the yardstick the engines'
rankings are compared with (bench/search.py).

The tokenizer splits identifiers as alert names are written (`PgBouncerPoolExhausted` is four words), folds
case, drops common English words and strips suffixes with a light stemmer, so that `timeouts`, `timed out`
and `timing out` share a stem, much as FTS5's porter tokenizer and PostgreSQL's english configuration do.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Container, Iterable, Mapping

K1 = 1.2  # term-frequency saturation (the usual default)
B = 0.75  # length normalisation (the usual default)

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[^\W_]+")
_STOPWORD_TEXT = """
a about after again all also am an and any are as at be been before being below between both but by can
could did do does doing down during each few for from further had has have having he her here hers him his
how i if in into is it its itself just me more most my no nor not now of off on once only or other our out
over own same she should so some such than that the their them then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you your"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# A light stemmer in three steps, each stripping at most one suffix and keeping at least three letters:
# plurals, then -ed/-ing (undoing the doubled consonant: `dropped` -> `drop`), then derivational endings;
# finally a trailing `e` goes, so `rotate`, `rotates`, `rotated` and `rotation` all become `rotat`.
_PLURALS = (("sses", "ss"), ("ies", "y"), ("s", ""))
_VERB_ENDINGS = (("ied", "y"), ("ing", ""), ("ed", ""))
_DERIVATIONS: tuple[tuple[str, str], ...] = (
    ("ational", "ate"),
    ("ization", "ize"),
    ("ness", ""),
    ("ment", ""),
    ("ion", ""),
    ("ure", ""),
    ("er", ""),
    ("ly", ""),
)
_KEEP_DOUBLE = frozenset("lsz")


def stem(word: str) -> str:
    """A light English stemmer (see above); words with digits and short words are kept as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if not word.endswith(("ss", "us", "is")):  # class, status, analysis: not plurals
        word = _strip(word, _PLURALS)
    stripped = _strip(word, _VERB_ENDINGS)
    if stripped != word and stripped[-1] == stripped[-2] and stripped[-1] not in _KEEP_DOUBLE:
        stripped = stripped[:-1]
    word = _strip(stripped, _DERIVATIONS)
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _strip(word: str, suffixes: tuple[tuple[str, str], ...]) -> str:
    for suffix, replacement in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + replacement
    return word


def split_identifiers(text: str) -> str:
    """`PgBouncerPoolExhausted` -> `Pg Bouncer Pool Exhausted`; `HTTPErrors` -> `HTTP Errors`."""
    return _CAMEL_BOUNDARY.sub(" ", text)


def tokenize(text: str) -> list[str]:
    """The stems of the text's words, stopwords left out."""
    words = _WORD.findall(split_identifiers(text).lower())
    return [stem(word) for word in words if word not in STOPWORDS]


class Bm25Index:
    """Documents by integer id; add them one by one (the statistics follow) and score queries against them."""

    def __init__(self) -> None:
        self._postings: dict[str, dict[int, int]] = {}
        self._lengths: dict[int, int] = {}
        self._total_length = 0

    def __len__(self) -> int:
        return len(self._lengths)

    def add(self, doc_id: int, text: str) -> None:
        """Index a document; adding an id again replaces its text."""
        if doc_id in self._lengths:
            self.remove(doc_id)
        tokens = tokenize(text)
        for term, count in Counter(tokens).items():
            self._postings.setdefault(term, {})[doc_id] = count
        self._lengths[doc_id] = len(tokens)
        self._total_length += len(tokens)

    def remove(self, doc_id: int) -> None:
        length = self._lengths.pop(doc_id, None)
        if length is None:
            return
        self._total_length -= length
        for term in [term for term, docs in self._postings.items() if doc_id in docs]:
            del self._postings[term][doc_id]
            if not self._postings[term]:
                del self._postings[term]

    def scores(self, text: str, *, among: Container[int] | None = None) -> dict[int, float]:
        """BM25 score of every document sharing a term with `text` (optionally only those `among`)."""
        return self.scores_for_terms(set(tokenize(text)), among=among)

    def scores_for_terms(self, terms: Iterable[str], *, among: Container[int] | None = None) -> dict[int, float]:
        count = len(self._lengths)
        if not count:
            return {}
        average = self._total_length / count or 1.0
        scores: dict[int, float] = {}
        for term in terms:
            postings = self._postings.get(term)
            if not postings:
                continue
            # Lucene's idf: never negative, so a word in most documents adds little rather than subtracting.
            idf = math.log(1 + (count - len(postings) + 0.5) / (len(postings) + 0.5))
            for doc_id, frequency in postings.items():
                if among is not None and doc_id not in among:
                    continue
                norm = K1 * (1 - B + B * self._lengths[doc_id] / average)
                scores[doc_id] = scores.get(doc_id, 0.0) + idf * frequency * (K1 + 1) / (frequency + norm)
        return scores


def normalised(scores: Mapping[int, float]) -> dict[int, float]:
    """Scores divided by the best one (so in 0..1, the best is 1); empty or all-zero stays zero."""
    best = max(scores.values(), default=0.0)
    return {doc_id: score / best if best > 0 else 0.0 for doc_id, score in scores.items()}
