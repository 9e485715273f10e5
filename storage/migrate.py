"""Apply the Alembic migrations programmatically (`firebreak migrate`, start-up and tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from storage.database import Database


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "storage:migrations")
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to `revision`, inside one transaction on the write engine."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.write_engine.begin() as conn:
        await conn.run_sync(_upgrade)
