"""Shared by the search engine tests: a small corpus, query strategies and a reference evaluator.

The reference says which documents a query must match when the engine tokenizes without stemming or
stopwords (FTS5's plain unicode61, PostgreSQL's `simple` configuration): a phrase matches where its words
appear next to each other in order, case folded.
"""

from __future__ import annotations

import re

from hypothesis import settings
from hypothesis import strategies as st

from incidents.search.query import Phrase, Query

# The machine may be busy (tests run beside other work): a slow example is not a failure.
NO_DEADLINE = settings(deadline=None)

CORPUS = [
    "Checkout API timing out: database connection pool exhausted",
    "postgres: FATAL sorry, too many clients already",
    "Redis cache evictions after the memory limit was lowered",
    "TLS certificate expired on api.example.com (NEAR the edge)",
    "Load test in staging caused a database timeout",
    "title: not a column filter; AND OR NOT are words here * ^",
    'Quotes "inside" text and naïve café unicode 日本語',
    "Payments provider returned 502s for 20 minutes",
]

# Fragments that mean something to a query language (ours, FTS5's or PostgreSQL's), mixed with words.
_ADVERSARIAL = st.sampled_from(
    ['"', '""', "-", " ", "OR", "AND", "NOT", "NEAR", "NEAR(", "NEAR/2", ")", "(", "*", "^", ":", "title:",
     "text:", "{", "}", "+", "'", "\\", "|", "&", "!", "<->", "<2>", ":*", "@@", ";", "--", "/*", "db",
     "timeout", "database", "pool", "the", "é", "日本", "😀", "\x00", "\ud800", "\ue000", "\n", "0x7f"]
)  # fmt: skip
ADVERSARIAL_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60),
    st.lists(_ADVERSARIAL, max_size=25).map("".join),
)

# For the agreement property: words that neither engine stems or drops, so the reference can be exact.
VOCABULARY = ["alpha", "bravo", "charlie", "delta", "echo"]
VOCABULARY_DOCS = st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=6).map(" ".join), max_size=8)
VOCABULARY_QUERY = st.lists(
    st.sampled_from([*VOCABULARY, "OR", "-", '"', " "]).map(lambda w: w if w in ('"', "-") else f" {w} "),
    max_size=12,
).map("".join)

_TOKEN = re.compile(r"[^\W_]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def _phrase_in(phrase: Phrase, tokens: list[str]) -> bool:
    wanted = [token for word in phrase.words for token in _tokens(word)]
    width = len(wanted)
    return any(tokens[start : start + width] == wanted for start in range(len(tokens) - width + 1))


def reference_matches(query: Query, documents: list[str]) -> set[int]:
    """Indexes of the documents the query matches, by the rules above."""
    found = set()
    for index, text in enumerate(documents):
        tokens = _tokens(text)
        searched = all(any(_phrase_in(option, tokens) for option in clause.options) for clause in query.required)
        excluded = any(_phrase_in(phrase, tokens) for phrase in query.excluded)
        if query.required and searched and not excluded:
            found.add(index)
    return found
