"""Alembic environment: runs on the connection `storage.migrate` hands it, or on `sqlalchemy.url` (CLI)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import storage.alerts_tables  # noqa: F401  (its tables join Base.metadata)
from storage.search_index_table import INDEX_TABLES_PREFIX
from storage.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        # The search index is engine-specific (migration 0008): autogenerate leaves it alone.
        include_name=lambda name, kind, _: not (kind == "table" and str(name).startswith(INDEX_TABLES_PREFIX)),
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_async(config.get_main_option("sqlalchemy.url") or ""))
