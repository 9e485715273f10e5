"""`firebreak search reindex`: rebuild the search index from what is stored, a batch of incidents at a time.

The triggers of migration 0008 keep the index in step as things are written; this rebuilds it after a
restore, or when the rules of what is indexed change. Each batch is one transaction (delete the batch's
documents, insert them again from their sources), so the index stays usable while it runs. The rules here
are the triggers' rules: the same kinds, the same text, the same cleaning.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database
from storage.search_catch_up import mark_caught_up
from storage.search_index_sql import reindex_statements

BATCH = 500  # incidents per transaction


async def reindex_all(database: Database, progress: Callable[[int, int], None]) -> int:
    """Rebuild every incident's documents; calls progress(incidents done, total) after each batch and
    returns the number of documents in the index at the end."""
    async with database.write_engine.connect() as conn:
        first, last, total = (await conn.execute(text("SELECT min(id), max(id), count(*) FROM incidents"))).one()
        await conn.rollback()
    if not total:
        return 0
    statements = [
        text(s).bindparams(bindparam("first"), bindparam("last")) for s in reindex_statements(_dialect(database))
    ]
    await mark_caught_up(database)  # entries captured from now on are the catch-up's, as usual
    done = 0
    for start in range(first, last + 1, BATCH):
        bounds = {"first": start, "last": start + BATCH - 1}
        async with database.write_engine.begin() as conn:
            for statement in statements:
                await conn.execute(statement, bounds)
            done += int(await _count_incidents(conn, bounds))
        progress(done, total)
    async with database.write_engine.connect() as conn:
        documents = int(await conn.scalar(text("SELECT count(*) FROM search_documents")) or 0)
        await conn.rollback()
    return documents


async def _count_incidents(conn: AsyncConnection, bounds: dict[str, int]) -> int:
    return int(await conn.scalar(text("SELECT count(*) FROM incidents WHERE id BETWEEN :first AND :last"), bounds) or 0)


def _dialect(database: Database) -> str:
    return database.write_engine.dialect.name
