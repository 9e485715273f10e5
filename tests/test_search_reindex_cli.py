"""`firebreak search reindex` rebuilds the index from the database and says how far it got."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from firebreak.cli import main
from storage.database import Database
from storage.migrate import upgrade
from tests.storage_support import declare, declare_context, sqlite_url


async def _two_incidents_and_an_empty_index(url: str) -> None:
    database = Database(url)
    await database.open()
    try:
        await upgrade(database)
        ctx = declare_context(database)
        await declare(ctx, "Checkout 500s", key="k1")
        await declare(ctx, "Redis evictions", key="k2")
        async with database.write_engine.begin() as conn:
            await conn.execute(text("DELETE FROM search_documents"))
    finally:
        await database.dispose()


def test_reindex_prints_progress_and_the_documents_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_url(tmp_path)
    asyncio.run(_two_incidents_and_an_empty_index(url))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    assert main(["search", "reindex"]) == 0
    out = capsys.readouterr().out
    assert (
        "2 of 2 incidents indexed" in out and "Search index rebuilt: 4 documents." in out
    )  # each: title, "declared" entry
