"""The search query language: what each kind of input means, and properties that hold for any input."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from incidents.search.query import MAX_ITEMS, MAX_QUERY_CHARS, AnyOf, Phrase, Query, parse_query
from tests.search_support import NO_DEADLINE


def word(text: str) -> Phrase:
    return Phrase((text,))


def phrase(*words: str) -> Phrase:
    return Phrase(words, quoted=True)


Option = str | Phrase


def q(*clauses: Option | tuple[Option, ...], excluded: tuple[Option, ...] = ()) -> Query:
    """A query from its clauses: a str is a word, a Phrase itself, a tuple the options of an OR."""

    def one(item: Option) -> Phrase:
        return word(item) if isinstance(item, str) else item

    required = tuple(AnyOf(tuple(one(o) for o in c) if isinstance(c, tuple) else (one(c),)) for c in clauses)
    return Query(required, tuple(one(item) for item in excluded))


OR_WORD = phrase("OR")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("database timeout", q("database", "timeout")),
        ('"connection pool" exhausted', q(phrase("connection", "pool"), "exhausted")),
        ("timeout -staging", q("timeout", excluded=("staging",))),
        ('timeout -"load test"', q("timeout", excluded=(phrase("load", "test"),))),
        ("pool OR pgbouncer timeout", q(("pool", "pgbouncer"), "timeout")),
        ("a OR b OR c", q(("a", "b", "c"))),
        # Unbalanced quotes: the quote is ignored and its words are words.
        ('"connection pool', q("connection", "pool")),
        ('db "pool exhausted" "oops', q("db", phrase("pool", "exhausted"), "oops")),
        # Stray operators are words, or dropped when they hold no letter or digit.
        ("OR timeout", q(OR_WORD, "timeout")),
        ("timeout OR", q("timeout", OR_WORD)),
        ("a OR OR b", q("a", OR_WORD, OR_WORD, "b")),
        ("a OR -b", q("a", OR_WORD, excluded=("b",))),
        ("timeout - * : ^ ( ) --", q("timeout")),
        ("or is a word in lower case", q("or", "is", "a", "word", "in", "lower", "case")),
        # Exclusions alone have nothing to exclude from: they are searched for.
        ("-Xmx512m", q("Xmx512m")),
        ('-"out of memory" -OR', q(phrase("out", "of", "memory"), OR_WORD)),
        # Engine syntax is just text.
        ("NEAR(a b) title:x AND y*", q("NEAR(a", "b)", "title:x", "AND", "y*")),
        ('""  "" -""', Query()),
        ("", Query()),
        ("  \x00\t\ud800 ", Query()),
        ("naïve 日本語 😀", q("naïve", "日本語")),
        ("data\x00base", q("data", "base")),  # control characters split words
    ],
)
def test_queries_mean_what_people_expect(typed: str, expected: Query) -> None:
    assert parse_query(typed) == expected


def test_a_query_too_long_is_cut_and_says_so() -> None:
    many = parse_query(" ".join(f"w{n}" for n in range(MAX_ITEMS + 5)))
    assert len(many.required) == MAX_ITEMS
    assert many.truncated
    exclusions = parse_query("a " + " ".join(f"-x{n}" for n in range(MAX_ITEMS)))
    assert len(exclusions.required) + len(exclusions.excluded) == MAX_ITEMS
    assert exclusions.truncated
    assert parse_query("x" * (MAX_QUERY_CHARS + 1)).truncated
    assert not parse_query("x" * MAX_QUERY_CHARS).truncated


def test_the_searched_phrases_leave_out_the_excluded_ones() -> None:
    query = parse_query('pool OR "too many clients" -staging')
    assert query.searched_phrases == (word("pool"), phrase("too", "many", "clients"))
    assert str(query) == 'pool OR "too many clients" -staging'


# Fragments that mean something to a query language (ours, FTS5's or PostgreSQL's), mixed with words.
_FRAGMENTS = st.sampled_from(
    ['"', "-", " ", "OR", "AND", "NOT", "NEAR", "NEAR(", ")", "(", "*", "^", ":", "title:", "{", "}", "+", "'",
     "\\", "|", "&", "!", "<->", ":*", "db", "timeout", "é", "日本", "😀", "\x00", "\ud800", "\ue000", "\n"]
)  # fmt: skip
QUERY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None, exclude_categories=())),  # surrogates and control characters too
    st.lists(_FRAGMENTS, max_size=30).map("".join),
)


@given(QUERY_TEXT)
@NO_DEADLINE
@example('a"b" -"')
@example("-- -x OR y")
def test_parsing_never_fails_and_keeps_to_its_limits(text: str) -> None:
    query = parse_query(text)
    assert len(query.searched_phrases) + len(query.excluded) <= MAX_ITEMS
    for found in (*query.searched_phrases, *query.excluded):
        assert found.words
        for part in found.words:
            assert part and '"' not in part and not any(char.isspace() for char in part)
    if query.is_empty:
        assert not query.excluded


@given(QUERY_TEXT)
@NO_DEADLINE
def test_the_understood_query_reads_back_as_itself(text: str) -> None:
    query = parse_query(text)
    assert parse_query(str(query)) == Query(query.required, query.excluded)
