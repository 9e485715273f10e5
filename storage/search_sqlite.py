"""SQLite FTS5: the search query compiled into a MATCH expression.

The expression is built only from double-quoted strings (FTS5's literal phrases; a `"` inside is doubled), the
keywords AND, OR and NOT, and parentheses, so nothing a person typed can act as FTS5 syntax: not a column
filter (`title:x`), NEAR, a prefix `*`, an initial-token `^` nor an operator. Words without a letter or digit
never reach it (incidents.search.query drops them), because FTS5 treats an empty phrase as matching nothing.
It is passed as a bound parameter (`… WHERE search_fts MATCH :match`), never spliced into SQL.
"""

from __future__ import annotations

from incidents.search.query import AnyOf, Phrase, Query
from incidents.search.results import SNIPPET_ELLIPSIS, SNIPPET_END, SNIPPET_START

# porter stems English words (as PostgreSQL's english configuration does); unicode61 folds case and, with
# remove_diacritics 2, accents, for every script.
FTS5_TOKENIZE = "porter unicode61 remove_diacritics 2"
SNIPPET_TOKENS = 12  # words around the match in a snippet (FTS5 allows at most 64)


def fts5_match(query: Query) -> str | None:
    """The MATCH expression for `query`, or None when it searches for nothing (then do not query at all)."""
    if query.is_empty:
        return None
    required = " AND ".join(_clause(clause) for clause in query.required)
    if not query.excluded:
        return required
    excluded = " OR ".join(_phrase(phrase) for phrase in query.excluded)
    # FTS5's NOT is binary (`a NOT b`); parenthesised so precedence never matters.
    return f"({required}) NOT ({excluded})"


def fts5_any_word(query: Query) -> str | None:
    """Any of the query's searched phrases (OR of all of them): the similar-incident lookup, where a past
    incident sharing some of the words is a candidate and bm25 ranks by how many and how rare."""
    phrases = query.searched_phrases
    return " OR ".join(_phrase(phrase) for phrase in phrases) if phrases else None


def snippet_sql(table: str, column: int) -> str:
    """`snippet(...)` of a column with Firebreak's markers (see incidents.search.results), for a SELECT list.

    `table` and `column` come from code, never from input; the markers are constants.
    """
    return f"snippet({table}, {column}, '{SNIPPET_START}', '{SNIPPET_END}', '{SNIPPET_ELLIPSIS}', {SNIPPET_TOKENS})"


def _clause(clause: AnyOf) -> str:
    if len(clause.options) == 1:
        return _phrase(clause.options[0])
    return "(" + " OR ".join(_phrase(option) for option in clause.options) + ")"


def _phrase(phrase: Phrase) -> str:
    return '"' + " ".join(phrase.words).replace('"', '""') + '"'
