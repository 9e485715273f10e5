"""`firebreak search reindex`: rebuild the search index from what is stored, a batch of incidents at a time.

The triggers of migration 0006_search keep the index in step as things are written; this rebuilds it after a
restore, or when the rules of what is indexed change. Each batch is one transaction (delete the batch's
documents, insert them again from their sources), so the index stays usable while it runs. The rules here
are the triggers' rules: the same kinds, the same text, the same cleaning.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database

BATCH = 500  # incidents per transaction

_SKIPPED = "('joined', 'left', 'channel_created')"
_ENTRY_KIND = "CASE e.kind WHEN 'message' THEN 'message' WHEN 'note' THEN 'note' ELSE 'update' END"


def _clean(dialect: str, column: str) -> str:
    if dialect == "sqlite":
        return f"replace(replace(substr({column}, 1, 20000), char(57344), ' '), char(57345), ' ')"
    return f"translate(left({column}, 20000), chr(57344) || chr(57345), '  ')"


def _statements(dialect: str) -> list[str]:
    newline = "char(10)" if dialect == "sqlite" else "chr(10)"
    as_text = "CAST({} AS TEXT)"
    into = "INSERT INTO search_documents(incident_id, kind, key, at, text) "
    batch = "BETWEEN :first AND :last"
    statements = [
        f"DELETE FROM search_documents WHERE incident_id {batch}",
        into
        + f"SELECT i.id, 'incident', '0', i.declared_at, {_clean(dialect, f'i.title || {newline} || i.description')} "
        f"FROM incidents AS i WHERE i.id {batch}",
        into + f"SELECT i.id, 'resolution', '0', coalesce(i.resolved_at, i.declared_at), "
        f"{_clean(dialect, 'i.resolution_summary')} FROM incidents AS i "
        f"WHERE i.id {batch} AND i.resolution_summary <> ''",
        into + f"SELECT e.incident_id, {_ENTRY_KIND}, {as_text.format('e.id')}, e.at, {_clean(dialect, 'e.text')} "
        f"FROM timeline_entries AS e WHERE e.incident_id {batch} AND e.text <> '' AND e.deleted_at IS NULL "
        f"AND e.kind NOT IN {_SKIPPED}",
        into + f"SELECT a.incident_id, 'action_item', {as_text.format('a.id')}, a.created_at, "
        f"{_clean(dialect, 'a.text')} FROM action_items AS a WHERE a.incident_id {batch}",
    ]
    newest = (
        "JOIN postmortem_versions AS v ON v.postmortem_id = p.id AND v.version = "
        "(SELECT max(w.version) FROM postmortem_versions AS w WHERE w.postmortem_id = p.id)"
    )
    if dialect == "sqlite":
        section = (
            "coalesce(json_extract(s.value, '$.title'), '') || char(10) || "
            "coalesce(json_extract(s.value, '$.body'), '')"
        )
        statements.append(
            into
            + f"SELECT p.incident_id, 'postmortem', substr(coalesce(json_extract(s.value, '$.key'), s.key), 1, 64), "
            f"v.created_at, {_clean(dialect, section)} FROM postmortems AS p {newest}, "
            f"json_each(v.document, '$.sections') AS s WHERE p.incident_id {batch} "
            f"ON CONFLICT (incident_id, kind, key) DO NOTHING"
        )
    else:
        section = "coalesce(s.value ->> 'title', '') || chr(10) || coalesce(s.value ->> 'body', '')"
        statements.append(
            into + f"SELECT p.incident_id, 'postmortem', left(coalesce(s.value ->> 'key', s.n::text), 64), "
            f"v.created_at, {_clean(dialect, section)} FROM postmortems AS p {newest} "
            f"CROSS JOIN LATERAL json_array_elements(v.document::json -> 'sections') WITH ORDINALITY AS s(value, n) "
            f"WHERE p.incident_id {batch} ON CONFLICT (incident_id, kind, key) DO NOTHING"
        )
    return statements


async def reindex_all(database: Database, progress: Callable[[int, int], None]) -> int:
    """Rebuild every incident's documents; calls progress(incidents done, total) after each batch and
    returns the number of documents in the index at the end."""
    async with database.write_engine.connect() as conn:
        first, last, total = (await conn.execute(text("SELECT min(id), max(id), count(*) FROM incidents"))).one()
        await conn.rollback()
    if not total:
        return 0
    statements = [text(s).bindparams(bindparam("first"), bindparam("last")) for s in _statements(_dialect(database))]
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
