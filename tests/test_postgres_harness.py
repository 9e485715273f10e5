"""The PostgreSQL harness hands each test a reachable, empty database."""

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

pytestmark = pytest.mark.postgres


async def test_fresh_database_answers_queries(fresh_postgres_url: str) -> None:
    engine = create_async_engine(fresh_postgres_url)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("select 1")) == 1
            version = await connection.scalar(text("show server_version"))
            database = await connection.scalar(text("select current_database()"))
    finally:
        await engine.dispose()
    assert str(version).split(".")[0].isdigit()
    assert fresh_postgres_url.endswith(f"/{database}")
    assert str(database).startswith("fb_")
