"""Upserts: both dialects spell them the same way, but each has its own construct."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def upsert(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]]) -> Any:
    """`INSERT … VALUES rows` ready for `.on_conflict_do_nothing()` / `.on_conflict_do_update()`."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(list(rows))
