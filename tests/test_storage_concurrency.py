"""Transactions, incident numbers and concurrent writers on both backends, declaring through the real use case."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from incidents.model import IncidentFilter, TimelineEvent
from storage.database import Database
from storage.migrate import upgrade
from storage.tables import Base
from storage.uow import SqlUnitOfWorkFactory
from tests.storage_support import NOW, FrozenClock, count_rows, declare, declare_context, make_incident, sqlite_url
from tests.storage_support import database as database  # fixture
from tests.storage_support import storage_url as storage_url  # fixture


def _references(numbers: range, year: int = 2026) -> list[str]:
    return [f"INC-{year}-{n:04d}" for n in numbers]


async def test_a_failed_unit_of_work_leaves_nothing_behind(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    with pytest.raises(RuntimeError, match="boom"):
        async with factory() as uow:
            number = await uow.incidents.next_number(2026)
            await uow.incidents.add(make_incident(number, services=["checkout"]), declare_key="V1")
            await uow.incidents.add_members("INC-2026-0001", ["UALICE"], NOW)
            await uow.incidents.add_event("INC-2026-0001", TimelineEvent("declared", NOW, "UALICE"))
            raise RuntimeError("boom")
    async with factory() as uow:  # leaving without commit rolls back too
        await uow.incidents.next_number(2026)

    async with factory(write=False) as uow:
        assert await uow.incidents.search(IncidentFilter(open_only=False)) == []
        assert await uow.incidents.get_by_declare_key("V1") is None
        assert await uow.incidents.known_services() == []
    assert {table.name: await count_rows(database, table) for table in Base.metadata.sorted_tables} == dict.fromkeys(
        Base.metadata.tables, 0
    )
    incident, created = await declare(declare_context(database), key="V1")
    assert (incident.reference, created) == ("INC-2026-0001", True)


async def test_concurrent_declarations_get_consecutive_numbers(database: Database) -> None:
    ctx = declare_context(database)

    results = await asyncio.gather(*(declare(ctx, f"Incident {i}", key=f"V{i}") for i in range(20)))

    assert sorted(incident.reference for incident, _ in results) == _references(range(1, 21))
    assert all(created for _, created in results)
    async with ctx.uow(write=False) as uow:
        stored = await uow.incidents.search(IncidentFilter(open_only=False, limit=100))
        assert [e.kind for e in await uow.incidents.events("INC-2026-0020")] == ["declared"]
    assert sorted(i.reference for i in stored) == _references(range(1, 21))


async def test_concurrent_submissions_of_one_form_declare_once(database: Database) -> None:
    ctx = declare_context(database)

    results = await asyncio.gather(*(declare(ctx, key="V-double-click") for _ in range(5)))

    assert {incident.reference for incident, _ in results} == {"INC-2026-0001"}
    assert [created for _, created in results].count(True) == 1
    async with ctx.uow(write=False) as uow:
        assert len(await uow.incidents.search(IncidentFilter(open_only=False))) == 1
    # The losers' numbers were rolled back with them: the next incident leaves no gap.
    incident, _ = await declare(ctx, key="V-next")
    assert incident.reference == "INC-2026-0002"


async def test_numbering_restarts_each_year(database: Database) -> None:
    clock = FrozenClock()
    ctx = declare_context(database, clock)

    first = [(await declare(ctx, key=f"A{i}"))[0].reference for i in range(2)]
    clock.current = datetime(2027, 1, 1, 0, 0, tzinfo=UTC)
    new_year = [(await declare(ctx, key=f"B{i}"))[0].reference for i in range(2)]
    clock.current = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)  # a late 2026 declaration still counts as 2026
    late = (await declare(ctx, key="C"))[0].reference

    assert first == _references(range(1, 3))
    assert new_year == _references(range(1, 3), year=2027)
    assert late == "INC-2026-0003"


async def test_two_processes_on_one_sqlite_file_never_share_a_number(tmp_path: Path) -> None:
    # Two Database objects stand for two processes: separate engines, so separate connections and locks.
    url = sqlite_url(tmp_path)
    first, second = Database(url), Database(url)
    try:
        await upgrade(first)
        ctx_first, ctx_second = declare_context(first), declare_context(second)
        results = await asyncio.gather(
            *(declare(ctx_first, key=f"first-{i}") for i in range(10)),
            *(declare(ctx_second, key=f"second-{i}") for i in range(10)),
        )
    finally:
        await first.dispose()
        await second.dispose()

    assert sorted(incident.reference for incident, _ in results) == _references(range(1, 21))


async def test_concurrent_changes_to_one_incident_are_applied_one_after_another(database: Database) -> None:
    # The change use cases re-read the incident inside their write unit of work and save it: a read-modify-
    # write that must not lose a concurrent change (on PostgreSQL that takes a row lock, not just a read).
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(channel_id="C0001"), declare_key=None)
        await uow.commit()

    async def reopen_once(by_channel: bool) -> None:
        async with factory() as uow:
            store = uow.incidents
            incident = await (store.get_by_channel("C0001") if by_channel else store.get("INC-2026-0001"))
            assert incident is not None
            incident.reopened_count += 1
            await store.save(incident)
            await uow.commit()

    await asyncio.gather(*(reopen_once(by_channel=i % 2 == 0) for i in range(10)))

    async with factory(write=False) as uow:
        incident = await uow.incidents.get("INC-2026-0001")
    assert incident is not None and incident.reopened_count == 10
