"""Shared by the storage tests: a migrated database on each backend, incidents to store, a declare context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import func, select

from incidents.context import Context
from incidents.declare import DeclareRequest, record_declaration
from incidents.model import Incident
from incidents.policy import Policy
from incidents.ports import IncidentChat
from storage.database import Database
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def sqlite_url(tmp_path: Path, name: str = "x.db") -> str:
    return f"sqlite+aiosqlite:///{tmp_path / name}"


@pytest.fixture(params=BACKENDS)
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a file for SQLite, a new database on the test server for PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return cast(str, request.getfixturevalue("fresh_postgres_url"))


@pytest.fixture
async def database(storage_url: str) -> AsyncIterator[Database]:
    """A `Database` on `storage_url`, migrated to head."""
    database = Database(storage_url)
    try:
        await upgrade(database)
        yield database
    finally:
        await database.dispose()


async def count_rows(database: Database, table: Any) -> int:
    async with database.read_engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


def make_incident(number: int = 1, **changes: Any) -> Incident:
    values: dict[str, Any] = {
        "reference": f"INC-2026-{number:04d}",
        "year": 2026,
        "number": number,
        "title": f"Incident {number}",
        "severity": "SEV2",
        "status": "investigating",
        "declared_by": "UALICE",
        "declared_at": NOW,
        "roles": {"commander": "UALICE"},
    }
    return Incident(**(values | changes))


@dataclass
class FrozenClock:
    current: datetime = NOW

    def now(self) -> datetime:
        return self.current


class NoChat:
    """Recording a declaration must not talk to Slack: any use of this chat fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"record_declaration called chat.{name}")


def declare_context(database: Database, clock: FrozenClock | None = None) -> Context:
    return Context(
        uow=SqlUnitOfWorkFactory(database),
        chat=cast(IncidentChat, NoChat()),
        clock=clock or FrozenClock(),
        policy=Policy(),
    )


async def declare(ctx: Context, title: str = "Checkout 500s", *, key: str | None = None) -> tuple[Incident, bool]:
    return await record_declaration(
        ctx, DeclareRequest(title=title, severity="SEV2", declared_by="UALICE", declare_key=key)
    )
