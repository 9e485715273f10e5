"""PostgreSQL full-text search: the search query compiled into tsquery expressions.

Every phrase becomes `phraseto_tsquery(config, :text)` with the phrase's words as a bound parameter (a word
of one word is the same as plainto_tsquery), and the pieces are combined with the tsquery operators `&&` and
`||`: PostgreSQL never parses anything a person typed as tsquery syntax (`:*`, `!`, `<->`, `&`, `|`).

Exclusions are compiled apart and applied as `NOT (document @@ excluded)`, rather than `&& !!`: a query whose
searched words are all stopwords (`the -staging`) compiles to an empty tsquery, and `'' && !!'stage'` would
be `!'stage'`, which matches nearly everything; `document @@ ''` is false, so this way it matches nothing,
as on SQLite. Ranking (`ts_rank_cd`) and headlines (`ts_headline`) use the searched part only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, cast, func, literal, not_
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY

from incidents.search.query import AnyOf, Phrase, Query
from incidents.search.results import SNIPPET_END, SNIPPET_START

TEXT_SEARCH_CONFIG = "english"  # stems English words and drops English stopwords
# ts_headline's options: our markers, and up to two fragments of a dozen words or so around the matches.
HEADLINE_OPTIONS = f"StartSel={SNIPPET_START}, StopSel={SNIPPET_END}, MaxWords=24, MinWords=8, MaxFragments=2"


@dataclass(frozen=True)
class CompiledTsQuery:
    searched: ColumnElement[Any]  # a tsquery: every required clause
    excluded: ColumnElement[Any] | None  # a tsquery: any excluded phrase

    def matches(self, document: ColumnElement[Any]) -> ColumnElement[bool]:
        """`document @@ searched AND NOT (document @@ excluded)`, for a WHERE clause."""
        found = document.op("@@", return_type=Boolean)(self.searched)
        if self.excluded is None:
            return found
        return and_(found, not_(document.op("@@", return_type=Boolean)(self.excluded)))

    def headline(self, text: ColumnElement[Any], *, config: str = TEXT_SEARCH_CONFIG) -> ColumnElement[str]:
        """`ts_headline` of a text column with Firebreak's snippet markers (incidents.search.results)."""
        return func.ts_headline(_config(config), text, self.searched, literal(HEADLINE_OPTIONS))


def compile_tsquery(query: Query, *, config: str = TEXT_SEARCH_CONFIG) -> CompiledTsQuery | None:
    """The tsquery expressions for `query`, or None when it searches for nothing (then do not query at all).

    `config` is a text search configuration's name, from code (never from input)."""
    if query.is_empty:
        return None
    searched = _all(_clause(clause, config) for clause in query.required)
    excluded = _any(_phrase(phrase, config) for phrase in query.excluded) if query.excluded else None
    return CompiledTsQuery(searched, excluded)


def any_word_tsquery(query: Query, *, config: str = TEXT_SEARCH_CONFIG) -> ColumnElement[Any] | None:
    """Any of the query's searched phrases (the similar-incident lookup: see search_sqlite.fts5_any_word)."""
    phrases = query.searched_phrases
    return _any(_phrase(phrase, config) for phrase in phrases) if phrases else None


def _clause(clause: AnyOf, config: str) -> ColumnElement[Any]:
    return _any(_phrase(option, config) for option in clause.options)


def _phrase(phrase: Phrase, config: str) -> ColumnElement[Any]:
    return func.phraseto_tsquery(_config(config), literal(" ".join(phrase.words)), type_=TSQUERY)


def _config(config: str) -> ColumnElement[Any]:
    return cast(literal(config), REGCONFIG)


def _all(pieces: Any) -> ColumnElement[Any]:
    return reduce(lambda left, right: left.op("&&", return_type=TSQUERY)(right), pieces)


def _any(pieces: Any) -> ColumnElement[Any]:
    return reduce(lambda left, right: left.op("||", return_type=TSQUERY)(right), pieces)
