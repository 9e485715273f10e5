"""Search and similar incidents: the query language, the index's documents and ports, result grouping,
the similar-incident scorer and the feedback that measures it.

Engine-specific SQL (SQLite FTS5, PostgreSQL full-text) lives in `storage/search_sqlite.py` and
`storage/search_postgres.py`, which compile this package's query AST; nothing here knows an engine.
"""
