"""The on-call store on SQLite and PostgreSQL: overrides, swaps, pages, snapshots, cursors, calendars, feeds."""

from __future__ import annotations

from datetime import timedelta

from incidents.oncall.overrides import Override
from incidents.oncall.ports import CachedCalendar, ExportFeed, Page
from incidents.oncall.swaps import SwapRequest
from storage.database import Database
from storage.uow import SqlUnitOfWorkFactory
from tests.storage_support import NOW, make_incident
from tests.storage_support import database as database  # fixture
from tests.storage_support import storage_url as storage_url  # fixture

HOUR = timedelta(hours=1)


def override(id_: str, user: str, start_h: int, end_h: int) -> Override:
    return Override(id_, "primary", user, NOW + start_h * HOUR, NOW + end_h * HOUR, created_by="UALICE", created_at=NOW)


async def test_overrides_are_stored_found_by_span_and_replaced_in_one_transaction(database: Database) -> None:
    uow = SqlUnitOfWorkFactory(database)
    async with uow() as w:
        await w.oncall.add(override("a", "UBOB", 0, 4))
        await w.oncall.add(override("b", "UEVE", 10, 12))
        await w.commit()
    async with uow() as w:
        assert [o.id for o in await w.oncall.overrides("primary", NOW + 3 * HOUR, NOW + 5 * HOUR)] == ["a"]
        await w.oncall.add(override("c", "UDAVE", 2, 6), replacing=["a"])
        await w.commit()
    async with uow(write=False) as r:
        found = sorted(o.id for o in await r.oncall.overrides_ending_after(NOW))
        assert found == ["b", "c"]
        assert (await r.oncall.overrides("primary", NOW, NOW + 20 * HOUR))[0].start.tzinfo is not None


async def test_swaps_pages_snapshots_cursors_calendars_and_feeds(database: Database) -> None:
    uow = SqlUnitOfWorkFactory(database)
    swap = SwapRequest("s1", "primary", "UCAROL", NOW + HOUR, NOW + 2 * HOUR, created_at=NOW)
    async with uow() as w:
        incident = await w.incidents.add(make_incident(), declare_key=None)
        assert incident.id is not None
        await w.oncall.save(swap)
        await w.oncall.save(swap, [override("t", "UDAVE", 1, 2)])  # saved again: an upsert
        page = Page("p1", "UCAROL", NOW, incident_id=incident.id, group=str(incident.id), policy="x", step=0)
        assert await w.oncall.add_page(page) is True
        assert await w.oncall.add_page(page) is False  # once, by its id
        await w.oncall.record_snapshot(incident.id, {"primary": "UCAROL", "nights": None}, NOW)
        assert await w.oncall.cursor("x:1") == 0
        await w.oncall.set_cursor("x:1", 3)
        await w.oncall.keep("cal", 0, CachedCalendar("BEGIN:VCALENDAR", NOW))
        await w.oncall.keep("cal", 0, CachedCalendar("BEGIN:VCALENDAR\nX", NOW + HOUR))
        await w.oncall.add_export_token("h" * 64, ExportFeed("UCAROL", "me"), NOW)
        await w.commit()
    async with uow() as w:
        stored_swap = await w.oncall.swap("s1")
        assert stored_swap == swap
        assert await w.oncall.group_acknowledged(str(incident.id)) is False
        await w.oncall.acknowledge_incident_pages(incident.id, NOW + HOUR, None)
        assert await w.oncall.acknowledge_page("p1", NOW, "UCAROL") is False  # already
        assert await w.oncall.group_acknowledged(str(incident.id)) is True
        assert await w.oncall.snapshot(incident.id) == {"primary": "UCAROL", "nights": None}
        assert await w.oncall.cursor("x:1") == 3
        cached = await w.oncall.last_good("cal", 0)
        assert cached is not None and cached.text.endswith("X")
        assert await w.oncall.export_feed("h" * 64) == ExportFeed("UCAROL", "me")
        assert await w.oncall.revoke_export_tokens("UCAROL") == 1
        assert await w.oncall.export_feed("h" * 64) is None
        [page] = await w.oncall.pages_of("UCAROL", NOW - HOUR)
        assert page.acknowledged_at == NOW + HOUR and [p.id for p in await w.oncall.incident_pages(incident.id)] == [
            "p1"
        ]
        await w.commit()
