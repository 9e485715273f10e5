"""The SQL storage on SQLite and PostgreSQL: migrations, the incident store's round trips, queries and transactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import StatementError

from incidents.model import CustomerImpact, DetectionMethod, ImpactStartSource, IncidentFilter, TimelineEvent
from storage.database import Database
from storage.migrate import alembic_config, upgrade
from storage.search_index_table import INDEX_TABLES_PREFIX
from storage.tables import Base, IncidentServiceRow, RoleAssignmentRow
from storage.uow import SqlUnitOfWorkFactory
from tests.storage_support import NOW, count_rows, make_incident, sqlite_url
from tests.storage_support import database as database  # fixture
from tests.storage_support import storage_url as storage_url  # fixture


def _schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "target_metadata": Base.metadata})
    # The search index differs by engine (storage/search_index_table.py) and is not in Base.metadata.
    return [
        change
        for change in compare_metadata(context, Base.metadata)
        if not (change[0] == "remove_table" and change[1].name.startswith(INDEX_TABLES_PREFIX))
        and not (change[0] == "remove_index" and change[1].table.name.startswith(INDEX_TABLES_PREFIX))
    ]


def _table_names(connection: Connection) -> set[str]:
    names = set(inspect(connection).get_table_names())
    return {name for name in names if not name.startswith(INDEX_TABLES_PREFIX)}


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def _revision(database: Database) -> str:
    async with database.read_engine.connect() as conn:
        return str(await conn.scalar(text("SELECT version_num FROM alembic_version")))


# Migrations


async def test_upgrade_to_head_builds_the_schema_the_models_describe(database: Database) -> None:
    async with database.read_engine.connect() as conn:
        tables = await conn.run_sync(_table_names)
        diff = await conn.run_sync(_schema_diff)
    assert tables == {*Base.metadata.tables, "alembic_version"}
    assert diff == []  # what autogenerate would add: nothing, so the migrations and storage/tables.py agree
    assert await _revision(database) == _head()


async def test_upgrading_twice_changes_nothing(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(), declare_key=None)
        await uow.commit()

    await upgrade(database)

    assert await _revision(database) == _head()
    async with factory(write=False) as uow:
        assert await uow.incidents.get("INC-2026-0001") is not None
    async with database.read_engine.connect() as conn:
        assert await conn.run_sync(_schema_diff) == []


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = Database(sqlite_url(tmp_path))
    try:
        await upgrade(database)
        for engine in (database.write_engine, database.read_engine):
            async with engine.connect() as conn:
                assert await conn.scalar(text("PRAGMA journal_mode")) == "wal"
                assert await conn.scalar(text("PRAGMA foreign_keys")) == 1
                assert await conn.scalar(text("PRAGMA busy_timeout")) == 10000
    finally:
        await database.dispose()


# The incident store


async def test_incident_round_trips_with_every_field(database: Database) -> None:
    cest = timezone(timedelta(hours=2))
    incident = make_incident(
        description="Payments fail at checkout",
        services=["checkout", "payments"],
        customer_impact=CustomerImpact.YES,
        private=True,
        roles={"commander": "UALICE", "tech_lead": "UBOB"},
        acknowledged_at=NOW + timedelta(minutes=1),
        identified_at=NOW + timedelta(minutes=2, microseconds=123456),
        mitigated_at=datetime(2026, 11, 23, 12, 3, tzinfo=cest),  # stored as 10:03 UTC
        resolved_at=NOW + timedelta(minutes=4),
        closed_at=NOW + timedelta(days=2),
        impact_started_at=NOW - timedelta(minutes=30),
        impact_ended_at=NOW + timedelta(minutes=3),
        impact_start_source=ImpactStartSource.ALERT,
        detected_at=NOW - timedelta(minutes=20),
        detection_method=DetectionMethod.MONITOR,
        escalation_policy="payments-critical",
        resolution_summary="Rolled back the deploy",
        reopened_count=1,
        channel_id="C0001",
        channel_name="inc-2026-0001-checkout",
        summary_ts="1700000000.000100",
    )
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        added = await uow.incidents.add(incident, declare_key="V1")
        await uow.commit()
    assert added.id is not None

    async with factory(write=False) as uow:
        loaded = await uow.incidents.get("INC-2026-0001")

    assert loaded == incident
    assert loaded.mitigated_at == datetime(2026, 11, 23, 10, 3, tzinfo=UTC)
    stamps = [value for value in vars(loaded).values() if isinstance(value, datetime)]
    assert len(stamps) == 9
    assert all(stamp.utcoffset() == timedelta(0) for stamp in stamps)


async def test_save_persists_exactly_the_new_roles_and_services(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        roles = {"commander": "UALICE", "tech_lead": "UBOB", "scribe": "UCAROL"}
        await uow.incidents.add(make_incident(services=["api", "billing", "checkout"], roles=roles), declare_key=None)
        await uow.commit()

    async with factory() as uow:
        incident = await uow.incidents.get("INC-2026-0001")
        assert incident is not None
        incident.services = ["checkout", "search", "api"]  # billing removed, order changed, search added
        incident.roles = {"commander": "UDAVE", "comms_lead": "UEVE"}  # reassigned, two removed, one added
        incident.status = "identified"
        await uow.incidents.save(incident)
        await uow.commit()

    async with factory(write=False) as uow:
        saved = await uow.incidents.get("INC-2026-0001")
        known = await uow.incidents.known_services()
    assert saved == incident
    assert saved.services == ["checkout", "search", "api"]
    assert saved.roles == {"commander": "UDAVE", "comms_lead": "UEVE"}
    assert await count_rows(database, IncidentServiceRow) == 3
    assert await count_rows(database, RoleAssignmentRow) == 2
    assert known == ["api", "billing", "checkout", "search"]  # the catalogue keeps every name once seen


async def test_incidents_are_found_by_channel_and_by_declare_key(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(1, channel_id="C0001"), declare_key="V1")
        await uow.incidents.add(make_incident(2, channel_id="C0002"), declare_key="V2")
        await uow.commit()

    async with factory(write=False) as uow:
        by_channel = await uow.incidents.get_by_channel("C0002")
        by_key = await uow.incidents.get_by_declare_key("V1")
        assert await uow.incidents.get_by_channel("C9999") is None
        assert await uow.incidents.get_by_declare_key("V9") is None
    assert by_channel is not None and by_channel.reference == "INC-2026-0002"
    assert by_key is not None and by_key.reference == "INC-2026-0001"


async def test_channel_setup_is_claimed_once(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(), declare_key=None)
        await uow.commit()

    claims = []
    for _ in range(2):
        async with factory() as uow:
            claims.append(await uow.incidents.claim_setup("INC-2026-0001"))
            await uow.commit()
    async with factory() as uow:
        unknown = await uow.incidents.claim_setup("INC-2026-0404")

    assert claims == [True, False]
    assert unknown is False


async def test_adding_with_claim_setup_claims_it_in_the_same_statement(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(), declare_key="V1", claim_setup=True)
        await uow.commit()
    async with factory() as uow:
        assert await uow.incidents.claim_setup("INC-2026-0001") is False  # already claimed by the insert


async def test_writes_after_a_commit_run_in_a_new_transaction_of_the_same_unit(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(), declare_key=None)
        await uow.commit()  # the connection the store's statements ran on goes back to the pool here
        await uow.incidents.add_event("INC-2026-0001", TimelineEvent("note", NOW, "UALICE", "after the commit"))
        await uow.incidents.add_members("INC-2026-0001", ["UBOB"], NOW)
        await uow.commit()
    async with factory(write=False) as uow:
        assert [e.text for e in await uow.incidents.events("INC-2026-0001")] == ["after the commit"]
        assert await uow.incidents.members("INC-2026-0001") == {"UBOB"}


async def test_a_unit_of_work_left_uncommitted_leaves_nothing_behind(database: Database) -> None:
    """Also on SQLite's single writer connection, which the pool hands back without a reset of its own."""
    factory = SqlUnitOfWorkFactory(database)
    with pytest.raises(RuntimeError):
        async with factory() as uow:
            await uow.incidents.add(make_incident(1, services=["api"]), declare_key="V1")
            await uow.incidents.add_members("INC-2026-0001", ["UALICE"], NOW)
            raise RuntimeError("the use case failed half-way")
    async with factory() as uow:  # the same connection, a clean transaction: number 1 is free again
        assert await uow.incidents.next_number(2026) == 1
        await uow.incidents.add(make_incident(2), declare_key="V2")
        await uow.commit()

    async with factory(write=False) as uow:
        assert await uow.incidents.get("INC-2026-0001") is None
        assert await uow.incidents.get("INC-2026-0002") is not None
        assert await uow.incidents.known_services() == []


async def test_timeline_events_keep_their_order_and_data(database: Database) -> None:
    events = [
        TimelineEvent("declared", NOW, "UALICE", "Declared", {"severity": "SEV2", "private": False}),
        TimelineEvent("status_changed", NOW + timedelta(minutes=5), None, "Now “identified” ✅", {"to": None}),
        TimelineEvent("note", NOW + timedelta(minutes=5), "UBOB", data={"ids": [3, 1, 2], "nested": {"x": 1.5}}),
        TimelineEvent("resolved", NOW + timedelta(hours=1), "UALICE"),
    ]
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(), declare_key=None)
        for event in events:
            await uow.incidents.add_event("INC-2026-0001", event)
        await uow.commit()

    async with factory(write=False) as uow:
        assert await uow.incidents.events("INC-2026-0001") == events


async def test_members_join_leave_and_rejoin(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        await uow.incidents.add(make_incident(), declare_key=None)
        await uow.incidents.add_members("INC-2026-0001", ["UALICE", "UBOB", "UCAROL"], NOW)
        await uow.incidents.add_members("INC-2026-0001", [], NOW)
        await uow.incidents.remove_member("INC-2026-0001", "UBOB", NOW + timedelta(minutes=1))
        await uow.incidents.remove_member("INC-2026-0001", "UCAROL", NOW + timedelta(minutes=1))
        await uow.commit()
    async with factory(write=False) as uow:
        after_leaving = await uow.incidents.members("INC-2026-0001")

    async with factory() as uow:
        await uow.incidents.add_members("INC-2026-0001", ["UBOB", "UALICE"], NOW + timedelta(minutes=2))
        await uow.commit()
    async with factory(write=False) as uow:
        after_rejoining = await uow.incidents.members("INC-2026-0001")

    assert after_leaving == {"UALICE"}
    assert after_rejoining == {"UALICE", "UBOB"}


async def test_known_services_are_listed_once_in_order(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        assert await uow.incidents.known_services() == []
        await uow.incidents.add(make_incident(1, services=["payments", "api", "checkout"]), declare_key=None)
        await uow.incidents.add(make_incident(2, services=["api", "billing"]), declare_key=None)
        await uow.commit()

    async with factory(write=False) as uow:
        assert await uow.incidents.known_services() == ["api", "billing", "checkout", "payments"]


async def test_naive_datetimes_are_refused(database: Database) -> None:
    naive = datetime(2026, 11, 23, 10, 0)
    factory = SqlUnitOfWorkFactory(database)
    with pytest.raises(StatementError) as refused_incident:
        async with factory() as uow:
            await uow.incidents.add(make_incident(declared_at=naive), declare_key=None)
    async with factory() as uow:
        await uow.incidents.add(make_incident(), declare_key=None)
        await uow.commit()
    with pytest.raises(StatementError) as refused_event:
        async with factory() as uow:
            await uow.incidents.add_event("INC-2026-0001", TimelineEvent("note", naive, None))

    # SQLAlchemy wraps what the column type raised; the cause is the type's ValueError.
    assert isinstance(refused_incident.value.orig, ValueError)
    assert isinstance(refused_event.value.orig, ValueError)
    async with factory(write=False) as uow:
        assert [i.reference for i in await uow.incidents.search(IncidentFilter(open_only=False))] == ["INC-2026-0001"]
        assert await uow.incidents.events("INC-2026-0001") == []


# Search


async def _seed_incidents_to_search(database: Database) -> None:
    """Five incidents; newest first they are 4, 3, 5, 1, 2 (declared_at does not follow insertion order)."""
    hour = timedelta(hours=1)
    carol = {"declared_by": "UCAROL", "roles": {"commander": "UCAROL"}, "private": True}
    async with SqlUnitOfWorkFactory(database)() as uow:
        store = uow.incidents
        await store.add(make_incident(1, severity="SEV1", services=["checkout"]), declare_key=None)
        bob = {"declared_by": "UBOB", "roles": {"commander": "UBOB"}}
        await store.add(
            make_incident(2, **bob, services=["payments"], declared_at=NOW - hour, resolved_at=NOW), declare_key=None
        )
        await store.add(
            make_incident(
                3,
                **carol | {"roles": {"commander": "UCAROL", "tech_lead": "UDAVE"}},
                services=["checkout", "payments"],
                declared_at=NOW + 2 * hour,
            ),
            declare_key=None,
        )
        await store.add(make_incident(4, **carol, severity="SEV3", declared_at=NOW + 3 * hour), declare_key=None)
        await store.add(make_incident(5, **carol, declared_at=NOW + hour), declare_key=None)
        await store.add_members("INC-2026-0004", ["UEVE"], NOW)
        await store.add_members("INC-2026-0005", ["UFRANK"], NOW)
        await store.remove_member("INC-2026-0005", "UFRANK", NOW + hour)
        await uow.commit()


async def _search_numbers(database: Database, filters: dict[str, IncidentFilter]) -> dict[str, list[int]]:
    async with SqlUnitOfWorkFactory(database)(write=False) as uow:
        return {name: [i.number for i in await uow.incidents.search(f)] for name, f in filters.items()}


async def test_search_filters_and_orders_newest_first(database: Database) -> None:
    await _seed_incidents_to_search(database)
    expected = {
        "open (default)": (IncidentFilter(), [4, 3, 5, 1]),
        "all": (IncidentFilter(open_only=False), [4, 3, 5, 1, 2]),
        "severity": (IncidentFilter(open_only=False, severity="SEV2"), [3, 5, 2]),
        "service": (IncidentFilter(open_only=False, service="payments"), [3, 2]),
        "open, severity and service": (IncidentFilter(severity="SEV2", service="payments"), [3]),
        "involving the declarer": (IncidentFilter(open_only=False, involving="UBOB"), [2]),
        "involving a role holder": (IncidentFilter(involving="UDAVE"), [3]),
        "involving a member": (IncidentFilter(involving="UEVE"), [4]),
        "involving a member who left": (IncidentFilter(involving="UFRANK"), []),
        "limit": (IncidentFilter(open_only=False, limit=2), [4, 3]),
    }
    found = await _search_numbers(database, {name: f for name, (f, _) in expected.items()})
    assert found == {name: numbers for name, (_, numbers) in expected.items()}


async def test_search_hides_private_incidents_from_outsiders(database: Database) -> None:
    await _seed_incidents_to_search(database)
    expected = {
        "outsider": (IncidentFilter(open_only=False, visible_to="UZED"), [1, 2]),
        "declarer": (IncidentFilter(visible_to="UCAROL"), [4, 3, 5, 1]),
        "role holder": (IncidentFilter(visible_to="UDAVE"), [3, 1]),
        "member": (IncidentFilter(visible_to="UEVE"), [4, 1]),
        "member who left": (IncidentFilter(visible_to="UFRANK"), [1]),
    }
    found = await _search_numbers(database, {name: f for name, (f, _) in expected.items()})
    assert found == {name: numbers for name, (_, numbers) in expected.items()}
