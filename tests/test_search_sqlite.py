"""The FTS5 compiler against a real SQLite FTS5 table: what matches, snippets, and no input ever failing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import example, given

from incidents.search.documents import DocumentKind
from incidents.search.query import parse_query
from incidents.search.results import snippet_from_marked
from storage.search_sqlite import FTS5_TOKENIZE, fts5_any_word, fts5_match, snippet_sql
from tests.search_support import (
    ADVERSARIAL_TEXT,
    CORPUS,
    NO_DEADLINE,
    VOCABULARY_DOCS,
    VOCABULARY_QUERY,
    reference_matches,
)


def _table(tokenize: str, documents: list[str]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE docs USING fts5(text, kind UNINDEXED, tokenize='{tokenize}')")
    db.executemany("INSERT INTO docs(rowid, text, kind) VALUES (?, ?, 'message')", enumerate(documents))
    return db


@pytest.fixture(scope="module")
def corpus() -> Iterator[sqlite3.Connection]:
    db = _table(FTS5_TOKENIZE, CORPUS)
    yield db
    db.close()


def _search(db: sqlite3.Connection, typed: str) -> set[int]:
    match = fts5_match(parse_query(typed))
    if match is None:
        return set()
    return {row[0] for row in db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (match,))}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("database timeout", {4}),
        ("database", {0, 4}),
        ("databases timing", {0}),  # porter stems both sides
        ('"connection pool"', {0}),
        ('"pool connection"', set()),
        ("database -staging", {0}),
        ('database -"load test"', {0}),
        ("evictions OR certificate", {2, 3}),
        ("clients OR evictions postgres", {1}),
        ('"too many clients', {1}),  # unbalanced quote: words
        ("NEAR", {3}),
        ("NEAR(database timeout)", set()),  # words: the phrase "near database" is in no document
        ("title:", {5}),
        ("AND OR NOT", {5, 6}),  # `and` or `not`: AND and NOT are words, OR between words the operator
        ("OR NOT", {5}),  # a stray OR is a word
        ("column*", {5}),
        ("^title", {5}),
        ('inside"', {6}),
        ("NAIVE cafe", {6}),  # case and diacritics folded
        ("日本語", {6}),
        ("502s", {7}),
        ("-staging", {4}),  # an exclusion alone is searched for
        ("- * ^ :", set()),
    ],
)
def test_fts5_matches_what_the_query_means(corpus: sqlite3.Connection, typed: str, expected: set[int]) -> None:
    assert _search(corpus, typed) == expected


def test_the_expression_is_quoted_strings_and_operators_only() -> None:
    match = fts5_match(parse_query('a OR "b c" NEAR(x) title:y -"z" -q'))
    assert match == '(("a" OR "b c") AND "NEAR(x)" AND "title:y") NOT ("z" OR "q")'
    assert fts5_match(parse_query("  ")) is None
    assert fts5_any_word(parse_query('pool "too many" -x')) == '"pool" OR "too many"'


@given(ADVERSARIAL_TEXT)
@NO_DEADLINE
@example('"')
@example('title:"x" NEAR("a" "b", 2) ^c* -"')
@example("\x00 \ud800")
def test_no_input_makes_fts5_fail(corpus: sqlite3.Connection, typed: str) -> None:
    query = parse_query(typed)
    for match in (fts5_match(query), fts5_any_word(query)):
        if match is not None:
            corpus.execute("SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH ?", (match,)).fetchall()


@given(VOCABULARY_DOCS, VOCABULARY_QUERY)
@NO_DEADLINE
def test_fts5_agrees_with_the_reference(documents: list[str], typed: str) -> None:
    query = parse_query(typed)
    db = _table("unicode61", documents)
    try:
        match = fts5_match(query)
        found = (
            set()
            if match is None
            else {row[0] for row in db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (match,))}
        )
    finally:
        db.close()
    assert found == reference_matches(query, documents)


def test_snippets_come_back_as_text_with_highlight_spans(corpus: sqlite3.Connection) -> None:
    match = fts5_match(parse_query("pool exhausted"))
    marked = corpus.execute(f"SELECT {snippet_sql('docs', 0)} FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0]
    snippet = snippet_from_marked(marked, kind=DocumentKind.MESSAGE)
    assert snippet.text == "Checkout API timing out: database connection pool exhausted"
    assert [snippet.text[start:end] for start, end in snippet.highlights] == ["pool", "exhausted"]
