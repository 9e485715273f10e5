"""search: the full-text index filled by triggers, suggestions shown and rated, runbooks, embeddings

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:30:00

The index (`search_documents`, one row per searchable thing) is filled by triggers on the tables it indexes
(the incident and its resolution, the postmortem, action items, edits and deletes of timeline entries), in the
transaction that writes them. New timeline entries, the bulk of it, are indexed in batches behind the capture
path (storage/search_catch_up.py; `index_progress` says how far), so capture pays nothing for them. SQLite
adds an FTS5 table over the index (external content, kept in step by triggers); PostgreSQL a generated
tsvector column with GIN indexes. Indexed text is cut to 20,000 characters and loses the two private-use
characters that mark highlights, so no document can forge one (as incidents.search.documents.indexable_text).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("incident_id", "kind", "key", name="uq_search_document"),
    )
    op.create_table(
        "similar_suggestions",
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("suggested_id", sa.Integer(), sa.ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("shown_at", storage.types.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "similar_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("suggested_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id", "suggested_id"],
            ["similar_suggestions.incident_id", "similar_suggestions.suggested_id"],
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "runbooks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("service", sa.String(length=60), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("added_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("service", "url", name="uq_runbook"),
    )
    op.create_index("ix_runbooks_service", "runbooks", ["service"])
    op.create_table(
        "incident_embeddings",
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("vector", sa.JSON(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "index_progress",
        sa.Column("name", sa.String(length=40), primary_key=True),
        sa.Column("last_id", sa.Integer(), nullable=False),
    )
    # No row yet: the first catch-up indexes everything captured before this revision.
    for statement in _SQLITE if op.get_bind().dialect.name == "sqlite" else _POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    for statement in _SQLITE_DROP if op.get_bind().dialect.name == "sqlite" else _POSTGRES_DROP:
        op.execute(statement)
    op.drop_table("index_progress")
    op.drop_table("incident_embeddings")
    op.drop_index("ix_runbooks_service", table_name="runbooks")
    op.drop_table("runbooks")
    op.drop_table("similar_feedback")
    op.drop_table("similar_suggestions")
    op.drop_table("search_documents")


# Timeline entries that say nothing searchable (people joining, the channel opening) are left out; a message
# is a message, a note a note, and every other entry (a status change, an update…) an update.
_SKIPPED_ENTRIES = "('joined', 'left', 'channel_created')"
_ABOUT = "('incident', 'resolution')"
_ENTRY_KIND = "CASE new.kind WHEN 'message' THEN 'message' WHEN 'note' THEN 'note' ELSE 'update' END"


def _sqlite_clean(text: str) -> str:
    return f"replace(replace(substr({text}, 1, 20000), char(57344), ' '), char(57345), ' ')"


_SQLITE_ABOUT = _sqlite_clean("new.title || char(10) || new.description")
_SQLITE_SECTION = _sqlite_clean(
    "coalesce(json_extract(s.value, '$.title'), '') || char(10) || coalesce(json_extract(s.value, '$.body'), '')"
)
_SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_documents', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    # What incidents were and how they ended, apart: the similar-incident lookup searches only these.
    "CREATE VIRTUAL TABLE search_about_fts USING fts5(text, content='search_documents', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    # The FTS5 tables follow search_documents (the documented external-content triggers).
    f"CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    f"INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); "
    f"INSERT INTO search_about_fts(rowid, text) SELECT new.id, new.text WHERE new.kind IN {_ABOUT}; END",
    f"CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    f"INSERT INTO search_about_fts(search_about_fts, rowid, text) SELECT 'delete', old.id, old.text "
    f"WHERE old.kind IN {_ABOUT}; END",
    f"CREATE TRIGGER search_documents_au AFTER UPDATE OF text ON search_documents BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    f"INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); "
    f"INSERT INTO search_about_fts(search_about_fts, rowid, text) SELECT 'delete', old.id, old.text "
    f"WHERE old.kind IN {_ABOUT}; "
    f"INSERT INTO search_about_fts(rowid, text) SELECT new.id, new.text WHERE new.kind IN {_ABOUT}; END",
    # Timeline entries: new ones are indexed in bulk by storage/search_catch_up.py (off the capture path);
    # an edit or a delete, rare, is applied here at once.
    f"CREATE TRIGGER search_timeline_au AFTER UPDATE OF text, deleted_at ON timeline_entries "
    f"WHEN new.kind NOT IN {_SKIPPED_ENTRIES} BEGIN "
    f"DELETE FROM search_documents WHERE incident_id = new.incident_id AND kind = {_ENTRY_KIND} "
    f"AND key = CAST(new.id AS TEXT) AND (new.deleted_at IS NOT NULL OR new.text = ''); "
    f"INSERT INTO search_documents(incident_id, kind, key, at, text) SELECT "
    f"new.incident_id, {_ENTRY_KIND}, CAST(new.id AS TEXT), new.at, {_sqlite_clean('new.text')} "
    f"WHERE new.deleted_at IS NULL AND new.text <> '' "
    f"ON CONFLICT (incident_id, kind, key) DO UPDATE SET text = excluded.text; END",
    # The incident: title and description, and its resolution.
    f"CREATE TRIGGER search_incident_ai AFTER INSERT ON incidents BEGIN "
    f"INSERT INTO search_documents(incident_id, kind, key, at, text) VALUES (new.id, 'incident', '0', "
    f"new.declared_at, {_SQLITE_ABOUT}); "
    f"INSERT INTO search_documents(incident_id, kind, key, at, text) SELECT new.id, 'resolution', '0', "
    f"coalesce(new.resolved_at, new.declared_at), {_sqlite_clean('new.resolution_summary')} "
    f"WHERE new.resolution_summary <> ''; END",
    f"CREATE TRIGGER search_incident_au AFTER UPDATE OF title, description ON incidents BEGIN "
    f"UPDATE search_documents SET text = {_SQLITE_ABOUT} "
    f"WHERE incident_id = new.id AND kind = 'incident' AND key = '0'; END",
    f"CREATE TRIGGER search_resolution_au AFTER UPDATE OF resolution_summary ON incidents BEGIN "
    f"DELETE FROM search_documents WHERE incident_id = new.id AND kind = 'resolution' "
    f"AND new.resolution_summary = ''; "
    f"INSERT INTO search_documents(incident_id, kind, key, at, text) SELECT new.id, 'resolution', '0', "
    f"coalesce(new.resolved_at, new.declared_at), {_sqlite_clean('new.resolution_summary')} "
    f"WHERE new.resolution_summary <> '' "
    f"ON CONFLICT (incident_id, kind, key) DO UPDATE SET text = excluded.text; END",
    # Action items.
    f"CREATE TRIGGER search_action_item_ai AFTER INSERT ON action_items BEGIN "
    f"INSERT INTO search_documents(incident_id, kind, key, at, text) VALUES "
    f"(new.incident_id, 'action_item', CAST(new.id AS TEXT), new.created_at, {_sqlite_clean('new.text')}); END",
    f"CREATE TRIGGER search_action_item_au AFTER UPDATE OF text ON action_items BEGIN "
    f"UPDATE search_documents SET text = {_sqlite_clean('new.text')} "
    f"WHERE incident_id = new.incident_id AND kind = 'action_item' AND key = CAST(new.id AS TEXT); END",
    # The postmortem: each section of the newest version (its title and body).
    f"CREATE TRIGGER search_postmortem_ai AFTER INSERT ON postmortem_versions BEGIN "
    f"DELETE FROM search_documents WHERE kind = 'postmortem' "
    f"AND incident_id = (SELECT incident_id FROM postmortems WHERE id = new.postmortem_id); "
    f"INSERT INTO search_documents(incident_id, kind, key, at, text) SELECT p.incident_id, 'postmortem', "
    f"substr(coalesce(json_extract(s.value, '$.key'), s.key), 1, 64), new.created_at, "
    f"{_SQLITE_SECTION} "
    f"FROM postmortems AS p, json_each(new.document, '$.sections') AS s WHERE p.id = new.postmortem_id "
    f"ON CONFLICT (incident_id, kind, key) DO UPDATE SET text = excluded.text; END",
]
_SQLITE_TRIGGERS = """search_postmortem_ai search_action_item_au search_action_item_ai search_resolution_au
search_incident_au search_incident_ai search_timeline_au search_documents_au
search_documents_ad search_documents_ai"""
_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS.split()]
_SQLITE_DROP += ["DROP TABLE IF EXISTS search_about_fts", "DROP TABLE IF EXISTS search_fts"]


def _pg_clean(text: str) -> str:
    return f"translate(left({text}, 20000), chr(57344) || chr(57345), '  ')"


_PG_TEXT = _pg_clean("new.text")
_PG_ABOUT = _pg_clean("new.title || chr(10) || new.description")
_PG_RESOLUTION = _pg_clean("new.resolution_summary")
_PG_SECTION = _pg_clean("coalesce(s.value ->> 'title', '') || chr(10) || coalesce(s.value ->> 'body', '')")
_PG_UPSERT = "ON CONFLICT (incident_id, kind, key) DO UPDATE SET text = EXCLUDED.text, at = EXCLUDED.at"
_POSTGRES = [
    "ALTER TABLE search_documents ADD COLUMN document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED",
    "CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)",
    # The similar-incident lookup reads only what incidents were and how they ended: a small index of its own.
    "CREATE INDEX ix_search_documents_about ON search_documents USING gin (document) "
    "WHERE kind IN ('incident', 'resolution')",
    f"""CREATE FUNCTION search_index_timeline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF new.kind IN {_SKIPPED_ENTRIES} THEN RETURN NULL; END IF;
  IF new.deleted_at IS NOT NULL OR new.text = '' THEN
    DELETE FROM search_documents
    WHERE incident_id = new.incident_id AND kind = {_ENTRY_KIND} AND key = new.id::text;
  ELSE
    INSERT INTO search_documents(incident_id, kind, key, at, text)
    VALUES (new.incident_id, {_ENTRY_KIND}, new.id::text, new.at, {_PG_TEXT}) {_PG_UPSERT};
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER search_timeline AFTER UPDATE OF text, deleted_at ON timeline_entries "
    "FOR EACH ROW EXECUTE FUNCTION search_index_timeline()",
    f"""CREATE FUNCTION search_index_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_documents(incident_id, kind, key, at, text)
  VALUES (new.id, 'incident', '0', new.declared_at, {_PG_ABOUT})
  {_PG_UPSERT};
  IF new.resolution_summary = '' THEN
    DELETE FROM search_documents WHERE incident_id = new.id AND kind = 'resolution';
  ELSE
    INSERT INTO search_documents(incident_id, kind, key, at, text)
    VALUES (new.id, 'resolution', '0', coalesce(new.resolved_at, new.declared_at),
            {_PG_RESOLUTION}) {_PG_UPSERT};
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER search_incident AFTER INSERT OR UPDATE OF title, description, resolution_summary "
    "ON incidents FOR EACH ROW EXECUTE FUNCTION search_index_incident()",
    f"""CREATE FUNCTION search_index_action_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_documents(incident_id, kind, key, at, text)
  VALUES (new.incident_id, 'action_item', new.id::text, new.created_at, {_PG_TEXT}) {_PG_UPSERT};
  RETURN NULL;
END $$""",
    "CREATE TRIGGER search_action_item AFTER INSERT OR UPDATE OF text ON action_items "
    "FOR EACH ROW EXECUTE FUNCTION search_index_action_item()",
    f"""CREATE FUNCTION search_index_postmortem() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner integer;
BEGIN
  SELECT incident_id INTO owner FROM postmortems WHERE id = new.postmortem_id;
  DELETE FROM search_documents WHERE incident_id = owner AND kind = 'postmortem';
  INSERT INTO search_documents(incident_id, kind, key, at, text)
  SELECT owner, 'postmortem', left(coalesce(s.value ->> 'key', s.ordinality::text), 64), new.created_at,
         {_PG_SECTION}
  FROM json_array_elements(new.document::json -> 'sections') WITH ORDINALITY AS s(value, ordinality)
  {_PG_UPSERT};
  RETURN NULL;
END $$""",
    "CREATE TRIGGER search_postmortem AFTER INSERT ON postmortem_versions "
    "FOR EACH ROW EXECUTE FUNCTION search_index_postmortem()",
]
_POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS search_postmortem ON postmortem_versions",
    "DROP TRIGGER IF EXISTS search_action_item ON action_items",
    "DROP TRIGGER IF EXISTS search_incident ON incidents",
    "DROP TRIGGER IF EXISTS search_timeline ON timeline_entries",
    "DROP FUNCTION IF EXISTS search_index_postmortem()",
    "DROP FUNCTION IF EXISTS search_index_action_item()",
    "DROP FUNCTION IF EXISTS search_index_incident()",
    "DROP FUNCTION IF EXISTS search_index_timeline()",
]
