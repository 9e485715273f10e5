"""The search index's table as queries see it (created by migration 0008, filled by its triggers).

It is not part of `storage.tables.Base.metadata`: each engine adds its own machinery (an FTS5 table on
SQLite, a generated tsvector column with a GIN index on PostgreSQL), which autogenerate cannot describe.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

from storage.types import UTCDateTime

INDEX_TABLES_PREFIX = "search_"  # search_documents, and on SQLite search_fts and FTS5's shadow tables

metadata = MetaData()
search_documents = Table(
    "search_documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("key", String(64), nullable=False),
    Column("at", UTCDateTime(timezone=True), nullable=False),
    Column("text", Text, nullable=False),
)
