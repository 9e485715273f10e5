"""The tsquery compiler against a real PostgreSQL: what matches, headlines, and no input ever failing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from sqlalchemy import Column, Integer, MetaData, Table, Text, delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from incidents.search.documents import DocumentKind
from incidents.search.query import parse_query
from incidents.search.results import snippet_from_marked
from storage.search_postgres import any_word_tsquery, compile_tsquery
from tests.search_support import (
    ADVERSARIAL_TEXT,
    CORPUS,
    VOCABULARY_DOCS,
    VOCABULARY_QUERY,
    reference_matches,
)

pytestmark = pytest.mark.postgres
# One database for all of a test's examples: the examples only read, or replace the rows they read.
SHARED_DATABASE = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)

docs = Table(
    "docs",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("english", TSVECTOR),
    Column("simple", TSVECTOR),
)


@pytest.fixture
async def engine(fresh_postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(fresh_postgres_url)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE TABLE docs (id integer PRIMARY KEY, text text NOT NULL,"
                " english tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,"
                " simple tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED)"
            )
        )
        await conn.execute(text("CREATE INDEX docs_english ON docs USING gin (english)"))
        await conn.execute(insert(docs), [{"id": index, "text": body} for index, body in enumerate(CORPUS)])
    try:
        yield engine
    finally:
        await engine.dispose()


async def _search(engine: AsyncEngine, typed: str, *, config: str = "english") -> set[int]:
    compiled = compile_tsquery(parse_query(typed), config=config)
    if compiled is None:
        return set()
    async with engine.connect() as conn:
        rows = await conn.execute(select(docs.c.id).where(compiled.matches(docs.c[config])))
        return {row[0] for row in rows}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("database timeout", {4}),
        ("database", {0, 4}),
        ("databases timing", {0}),  # english stems both sides
        ('"connection pool"', {0}),
        ('"pool connection"', set()),
        ("database -staging", {0}),
        ('database -"load test"', {0}),
        ("evictions OR certificate", {2, 3}),
        ("clients OR evictions postgres", {1}),
        ('"too many clients', {1}),  # unbalanced quote: words
        ("title:", {5}),
        ("column*", {5}),
        ("!database | pool & :*", {0}),  # tsquery syntax is just words (`database` and `pool`)
        ("NAÏVE", {6}),  # case folded; accents are not (unlike FTS5: PostgreSQL has no unaccent by default)
        ("naive", set()),
        ("502s", {7}),
        ("-staging", {4}),  # an exclusion alone is searched for
        ("the -staging", set()),  # stopwords alone search for nothing, exclusions or not
        ("- * ^ :", set()),
    ],
)
async def test_postgres_matches_what_the_query_means(engine: AsyncEngine, typed: str, expected: set[int]) -> None:
    assert await _search(engine, typed) == expected


async def test_the_words_reach_postgres_as_parameters_only(engine: AsyncEngine) -> None:
    compiled = compile_tsquery(parse_query("pool'; DROP TABLE docs; -- OR x"))
    assert compiled is not None
    sql = str(select(docs.c.id).where(compiled.matches(docs.c.english)).compile(engine.sync_engine))
    assert "DROP" not in sql and "pool" not in sql
    assert await _search(engine, "pool'; DROP TABLE docs; -- OR x") == set()
    async with engine.connect() as conn:
        assert await conn.scalar(select(docs.c.id).where(docs.c.id == 0)) == 0


@given(ADVERSARIAL_TEXT)
@example('"')
@example("!a & b:* | <-> (c)")
@example("\x00 \ud800")
@SHARED_DATABASE
async def test_no_input_makes_postgres_fail(engine: AsyncEngine, typed: str) -> None:
    query = parse_query(typed)
    compiled = compile_tsquery(query)
    any_word = any_word_tsquery(query)
    async with engine.connect() as conn:
        if compiled is not None:
            await conn.execute(
                select(
                    docs.c.id, compiled.headline(docs.c.text), func.ts_rank_cd(docs.c.english, compiled.searched)
                ).where(compiled.matches(docs.c.english))
            )
        if any_word is not None:
            await conn.execute(select(docs.c.id).where(docs.c.english.op("@@")(any_word)))


@given(VOCABULARY_DOCS, VOCABULARY_QUERY)
@SHARED_DATABASE
async def test_postgres_agrees_with_the_reference(engine: AsyncEngine, documents: list[str], typed: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(delete(docs))
        if documents:
            await conn.execute(insert(docs), [{"id": index, "text": body} for index, body in enumerate(documents)])
    query = parse_query(typed)
    assert await _search(engine, typed, config="simple") == reference_matches(query, documents)


async def test_headlines_come_back_as_text_with_highlight_spans(engine: AsyncEngine) -> None:
    compiled = compile_tsquery(parse_query("pool exhausted -staging"))
    assert compiled is not None
    async with engine.connect() as conn:
        marked = await conn.scalar(select(compiled.headline(docs.c.text)).where(compiled.matches(docs.c.english)))
    snippet = snippet_from_marked(str(marked), kind=DocumentKind.MESSAGE)
    assert snippet.text == "Checkout API timing out: database connection pool exhausted"
    assert [snippet.text[start:end] for start, end in snippet.highlights] == ["pool", "exhausted"]
