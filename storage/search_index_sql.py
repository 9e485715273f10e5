"""The SQL that fills the search index from its sources: shared by the catch-up and the reindex.

The rules are the triggers' rules (migration 0008): the same kinds, the same text, the same cleaning
(the first 20,000 characters, without the two private-use characters that mark highlights).
"""

from __future__ import annotations

_SKIPPED = "('joined', 'left', 'channel_created')"
_ENTRY_KIND = "CASE e.kind WHEN 'message' THEN 'message' WHEN 'note' THEN 'note' ELSE 'update' END"
_INTO = "INSERT INTO search_documents(incident_id, kind, key, at, text) "


def timeline_documents(dialect: str, where: str) -> str:
    """INSERT … SELECT of the documents of the timeline entries matching `where` (a condition on `e`)."""
    key = "CAST(e.id AS TEXT)"
    return (
        _INTO + f"SELECT e.incident_id, {_ENTRY_KIND}, {key}, e.at, {_clean(dialect, 'e.text')} "
        f"FROM timeline_entries AS e WHERE {where} AND e.text <> '' AND e.deleted_at IS NULL "
        f"AND e.kind NOT IN {_SKIPPED} ON CONFLICT (incident_id, kind, key) DO NOTHING"
    )


def _clean(dialect: str, column: str) -> str:
    if dialect == "sqlite":
        return f"replace(replace(substr({column}, 1, 20000), char(57344), ' '), char(57345), ' ')"
    return f"translate(left({column}, 20000), chr(57344) || chr(57345), '  ')"


def reindex_statements(dialect: str) -> list[str]:
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
        timeline_documents(dialect, f"e.incident_id {batch}"),
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
