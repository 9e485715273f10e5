"""New timeline entries into the search index, in bulk, behind the capture path.

Capture stores messages at thousands a second in small group commits; indexing each in its transaction
(a trigger) cost a quarter of that rate, most of it FTS5 writing a segment per small commit. Instead, the
entries past `index_progress.last_id` are indexed in one INSERT … SELECT per catch-up: every second in the
background (firebreak/search_wiring.py), and before every search and similar lookup, so a search always sees
what was captured before it. Edits and deletes of messages go through triggers at once (migration
0008); an entry edited or deleted before its catch-up is taken as it is then.

On PostgreSQL ids are handed out before commit, so an entry with a lower id can commit after a higher one was
indexed: each catch-up looks again at the last RECHECK ids (ON CONFLICT DO NOTHING makes that free of harm).
SQLite has one writer, so ids commit in order.
"""

from __future__ import annotations

from sqlalchemy import text

from storage.database import Database
from storage.search_index_sql import timeline_documents

RECHECK = 2000  # PostgreSQL: ids before the last one indexed looked at again (see above)
CHUNK = 50_000  # entries per transaction, so a long backlog never holds the writer for long

_PROGRESS = text("SELECT last_id FROM index_progress WHERE name = 'timeline'")
_NEWEST = text("SELECT max(id) FROM timeline_entries")
_ADVANCE = text(
    "INSERT INTO index_progress(name, last_id) VALUES ('timeline', :last) ON CONFLICT (name) "
    "DO UPDATE SET last_id = excluded.last_id WHERE index_progress.last_id < excluded.last_id"
)


async def pending(database: Database) -> tuple[int, int]:
    """(last indexed id, newest entry id): equal when the index is caught up."""
    async with database.read_engine.connect() as conn:
        last = int(await conn.scalar(_PROGRESS) or 0)
        newest = int(await conn.scalar(_NEWEST) or 0)
        await conn.rollback()
    return last, newest


async def catch_up(database: Database) -> int:
    """Index the timeline entries captured since the last catch-up; returns how many ids were covered."""
    last, newest = await pending(database)
    if newest <= last:
        return 0
    dialect = database.write_engine.dialect.name
    insert = text(timeline_documents(dialect, "e.id > :after AND e.id <= :upto"))
    recheck = RECHECK if dialect == "postgresql" else 0
    start = max(last - recheck, 0)
    while start < newest:
        upto = min(start + CHUNK, newest)
        async with database.write_engine.begin() as conn:
            await conn.execute(insert, {"after": start, "upto": upto})
            await conn.execute(_ADVANCE, {"last": upto})
        start = upto
    return newest - last


async def mark_caught_up(database: Database) -> None:
    """Everything captured so far counts as indexed (a reindex is about to index it)."""
    _, newest = await pending(database)
    if newest:
        async with database.write_engine.begin() as conn:
            await conn.execute(_ADVANCE, {"last": newest})
