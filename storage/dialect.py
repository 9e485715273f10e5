"""Upserts: both dialects spell them the same way, but each has its own construct."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(dialect: str, table: Any) -> Any:
    """`INSERT INTO table` in the dialect's own construct, which has `.on_conflict_do_nothing/update()`.

    Built once and executed with parameters (one mapping, or a list for executemany), an upsert is compiled
    once and its cache key computed once: the hot paths keep theirs in module-level caches.
    """
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def upsert(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]]) -> Any:
    """`INSERT … VALUES rows` ready for `.on_conflict_do_nothing()` / `.on_conflict_do_update()`.

    One row is given as a mapping, which SQLAlchemy compiles once and caches; a list of rows (multi-VALUES)
    cannot be cached and is compiled on every call, so hot paths upsert one row per statement.
    """
    insert = insert_for(session.get_bind().dialect.name, table)
    return insert.values(rows[0]) if len(rows) == 1 else insert.values(list(rows))
