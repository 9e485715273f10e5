"""The storage the declare path leans on, on SQLite and PostgreSQL: targeted set-up writes, no needless reads,
and search answers that never hide this process's own writes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, insert

from incidents.model import ChannelRef, IncidentFilter, TimelineEvent
from storage.database import Database
from storage.tables import MemberRow
from storage.uow import SqlUnitOfWorkFactory
from tests.storage_support import NOW, declare, declare_context, make_incident
from tests.storage_support import database as database  # fixture
from tests.storage_support import storage_url as storage_url  # fixture


async def test_set_up_writes_only_its_own_columns(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(), declare_key="V1")
        await uow.commit()
    async with factory() as uow:  # someone changes the incident while its channel is being set up
        changed = await uow.incidents.get("INC-2026-0001")
        assert changed is not None
        changed.severity, changed.roles["scribe"] = "SEV1", "UCAROL"
        await uow.incidents.save(changed)
        await uow.commit()

    async with factory() as uow:
        await uow.incidents.record_setup("INC-2026-0001", channel=ChannelRef("C0001", "inc-2026-0001-x"))
        await uow.incidents.add_event("INC-2026-0001", TimelineEvent("channel_created", NOW, None))
        await uow.commit()
    async with factory() as uow:
        await uow.incidents.record_setup("INC-2026-0001", summary_ts="1700000000.000100")
        await uow.commit()

    async with factory(write=False) as uow:
        stored = await uow.incidents.get("INC-2026-0001")
        events = await uow.incidents.events("INC-2026-0001")
    assert stored is not None
    assert (stored.channel_id, stored.channel_name, stored.summary_ts) == (
        "C0001",
        "inc-2026-0001-x",
        "1700000000.000100",
    )
    assert (stored.severity, stored.roles) == ("SEV1", {"commander": "UALICE", "scribe": "UCAROL"})
    assert [e.kind for e in events] == ["channel_created"]


async def test_set_up_of_an_unknown_incident_is_an_error(database: Database) -> None:
    async with SqlUnitOfWorkFactory(database)() as uow:
        with pytest.raises(LookupError):
            await uow.incidents.record_setup("INC-2026-0404", summary_ts="1.2")


async def test_recording_a_declaration_reads_nothing_back(database: Database) -> None:
    """No look-up by declare key or by reference: the unique key and the ids the store already knows suffice."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.lstrip().split()[0].upper())

    event.listen(database.write_engine.sync_engine, "before_cursor_execute", seen)
    try:
        incident, created = await declare(declare_context(database), key="V1")
    finally:
        event.remove(database.write_engine.sync_engine, "before_cursor_execute", seen)

    assert created and incident.id is not None
    assert "SELECT" not in statements


async def test_a_duplicate_declaration_answers_with_the_first(database: Database) -> None:
    ctx = declare_context(database)
    first, created = await declare(ctx, key="V1")
    again, created_again = await declare(ctx, "Same form, clicked twice", key="V1")
    nxt, _ = await declare(ctx, key="V2")

    assert (created, created_again) == (True, False)
    assert again.reference == first.reference == "INC-2026-0001"
    assert nxt.reference == "INC-2026-0002"  # the duplicate's number went back with its transaction


async def test_search_sees_this_process_writes_at_once(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)

    async def listed() -> list[str]:
        async with factory(write=False) as uow:
            return [i.reference for i in await uow.incidents.search(IncidentFilter(involving="UEVE"))]

    async with factory() as uow:
        await uow.incidents.add(make_incident(1), declare_key=None)
        await uow.commit()
    assert await listed() == []

    # A membership stored outside any unit of work (as the capture writer does) counts as a write too.
    async with database.session(write=True) as session, session.begin():
        await session.execute(insert(MemberRow).values(incident_id=1, user_id="UEVE", joined_at=NOW))
    assert await listed() == ["INC-2026-0001"]

    async with factory() as uow:
        incident = await uow.incidents.get("INC-2026-0001")
        assert incident is not None
        incident.resolved_at = NOW
        await uow.incidents.save(incident)
        await uow.commit()
    assert await listed() == []


async def test_a_write_unit_of_work_searches_the_database_itself(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(1), declare_key=None)
        assert [i.number for i in await uow.incidents.search(IncidentFilter())] == [1]  # its own, uncommitted
        await uow.incidents.add(make_incident(2), declare_key=None)
        assert [i.number for i in await uow.incidents.search(IncidentFilter())] == [2, 1]
