"""The on-call slice's store (incidents/oncall/ports.py `OncallStore`) in SQL, inside one unit of work."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.oncall.overrides import Override
from incidents.oncall.ports import CachedCalendar, ExportFeed, Page
from incidents.oncall.swaps import SwapRequest
from storage.dialect import insert_for, upsert
from storage.oncall_tables import (
    CalendarRow,
    CursorRow,
    ExportTokenRow,
    OverrideRow,
    PageRow,
    SnapshotRow,
    SwapRow,
)


def _override(row: OverrideRow) -> Override:
    return Override(
        id=row.id,
        schedule=row.schedule,
        user=row.user_id,
        start=row.start_at,
        end=row.end_at,
        created_by=row.created_by,
        created_at=row.created_at,
        reason=row.reason,
        swap_id=row.swap_id,
    )


def _override_values(override: Override) -> dict[str, object]:
    return {
        "id": override.id,
        "schedule": override.schedule,
        "user_id": override.user,
        "start_at": override.start,
        "end_at": override.end,
        "created_by": override.created_by,
        "created_at": override.created_at,
        "reason": override.reason,
        "swap_id": override.swap_id,
    }


def _swap(row: SwapRow) -> SwapRequest:
    return SwapRequest(
        id=row.id,
        schedule=row.schedule,
        requester=row.requester,
        start=row.start_at,
        end=row.end_at,
        created_at=row.created_at,
        reason=row.reason,
        taken_by=row.taken_by,
        taken_at=row.taken_at,
        cancelled_at=row.cancelled_at,
    )


def _page(row: PageRow) -> Page:
    return Page(
        id=row.id,
        user=row.user_id,
        sent_at=row.sent_at,
        incident_id=row.incident_id,
        group=row.page_group,
        paged_by=row.paged_by,
        policy=row.policy,
        run=row.run,
        step=row.step,
        schedule=row.schedule,
        message=row.message,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        out_of_hours=row.out_of_hours,
    )


@functools.cache
def _insert_snapshot(dialect: str) -> Any:
    table = SnapshotRow.__table__
    return insert_for(dialect, table).on_conflict_do_nothing(index_elements=[table.c.incident_id, table.c.schedule])


class SqlOncallStore:
    def __init__(self, session: AsyncSession, *, lock_rows: bool = False) -> None:
        self.session = session
        self.lock_rows = lock_rows

    # Overrides
    async def overrides(self, schedule: str, start: datetime, end: datetime) -> Sequence[Override]:
        rows = await self.session.scalars(
            select(OverrideRow).where(
                OverrideRow.schedule == schedule, OverrideRow.end_at > start, OverrideRow.start_at < end
            )
        )
        return [_override(row) for row in rows]

    async def overrides_ending_after(self, at: datetime) -> Sequence[Override]:
        rows = await self.session.scalars(select(OverrideRow).where(OverrideRow.end_at > at))
        return [_override(row) for row in rows]

    async def add(self, override: Override, *, replacing: Sequence[str] = ()) -> None:
        if replacing:
            await self.session.execute(delete(OverrideRow).where(OverrideRow.id.in_(list(replacing))))
        self.session.add(OverrideRow(**_override_values(override)))
        await self.session.flush()

    async def remove(self, override_id: str) -> None:
        await self.session.execute(delete(OverrideRow).where(OverrideRow.id == override_id))

    # Swaps
    async def swap(self, swap_id: str) -> SwapRequest | None:
        query = select(SwapRow).where(SwapRow.id == swap_id)
        row = await self.session.scalar(query.with_for_update() if self.lock_rows else query)
        return _swap(row) if row is not None else None

    async def save(self, swap: SwapRequest, overrides: Sequence[Override] = ()) -> None:
        values = {
            "id": swap.id,
            "schedule": swap.schedule,
            "requester": swap.requester,
            "start_at": swap.start,
            "end_at": swap.end,
            "created_at": swap.created_at,
            "reason": swap.reason,
            "taken_by": swap.taken_by,
            "taken_at": swap.taken_at,
            "cancelled_at": swap.cancelled_at,
        }
        changes = {k: v for k, v in values.items() if k != "id"}
        await self.session.execute(
            upsert(self.session, SwapRow, [values]).on_conflict_do_update(index_elements=[SwapRow.id], set_=changes)
        )
        for override in overrides:
            self.session.add(OverrideRow(**_override_values(override)))
        await self.session.flush()

    # Calendars
    async def last_good(self, schedule: str, layer: int) -> CachedCalendar | None:
        row = await self.session.get(CalendarRow, (schedule, layer))
        return CachedCalendar(row.text, row.fetched_at) if row is not None else None

    async def keep(self, schedule: str, layer: int, calendar: CachedCalendar) -> None:
        values = {"schedule": schedule, "layer": layer, "text": calendar.text, "fetched_at": calendar.fetched_at}
        stmt = upsert(self.session, CalendarRow, [values]).on_conflict_do_update(
            index_elements=[CalendarRow.schedule, CalendarRow.layer],
            set_={"text": calendar.text, "fetched_at": calendar.fetched_at},
        )
        await self.session.execute(stmt)

    # Pages
    async def add_page(self, page: Page) -> bool:
        values = {
            "id": page.id,
            "incident_id": page.incident_id,
            "page_group": page.group,
            "user_id": page.user,
            "paged_by": page.paged_by,
            "policy": page.policy,
            "run": page.run,
            "step": page.step,
            "schedule": page.schedule,
            "message": page.message,
            "sent_at": page.sent_at,
            "acknowledged_at": page.acknowledged_at,
            "acknowledged_by": page.acknowledged_by,
            "out_of_hours": page.out_of_hours,
        }
        stmt = upsert(self.session, PageRow, [values]).on_conflict_do_nothing(index_elements=[PageRow.id])
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def page(self, page_id: str) -> Page | None:
        row = await self.session.get(PageRow, page_id)
        return _page(row) if row is not None else None

    async def acknowledge_page(self, page_id: str, at: datetime, by: str) -> bool:
        result = await self.session.execute(
            update(PageRow)
            .where(PageRow.id == page_id, PageRow.acknowledged_at.is_(None))
            .values(acknowledged_at=at, acknowledged_by=by)
        )
        return bool(getattr(result, "rowcount", 0))

    async def acknowledge_incident_pages(self, incident_id: int, at: datetime, by: str | None) -> None:
        await self.session.execute(
            update(PageRow)
            .where(PageRow.incident_id == incident_id, PageRow.acknowledged_at.is_(None))
            .values(acknowledged_at=at, acknowledged_by=by)
        )

    async def group_acknowledged(self, group: str) -> bool:
        query = select(PageRow.id).where(PageRow.page_group == group, PageRow.acknowledged_at.is_not(None)).limit(1)
        return await self.session.scalar(query) is not None

    async def pages_of(self, user: str, since: datetime) -> Sequence[Page]:
        rows = await self.session.scalars(
            select(PageRow).where(PageRow.user_id == user, PageRow.sent_at >= since).order_by(PageRow.sent_at)
        )
        return [_page(row) for row in rows]

    async def incident_pages(self, incident_id: int) -> Sequence[Page]:
        rows = await self.session.scalars(
            select(PageRow).where(PageRow.incident_id == incident_id).order_by(PageRow.sent_at, PageRow.id)
        )
        return [_page(row) for row in rows]

    # Who was on call when an incident was declared
    async def record_snapshot(self, incident_id: int, on_call: dict[str, str | None], at: datetime) -> None:
        rows = [{"incident_id": incident_id, "schedule": s, "user_id": u, "at": at} for s, u in on_call.items()]
        if rows:  # one statement, executed for every row (executemany): a declaration stays one round trip here
            await self.session.execute(_insert_snapshot(self.session.get_bind().dialect.name), rows)

    async def snapshot(self, incident_id: int) -> dict[str, str | None]:
        rows = await self.session.scalars(select(SnapshotRow).where(SnapshotRow.incident_id == incident_id))
        return {row.schedule: row.user_id for row in rows}

    # Round-robin cursors
    async def cursor(self, key: str) -> int:
        stmt = upsert(self.session, CursorRow, [{"key": key, "position": 0}]).on_conflict_do_nothing(
            index_elements=[CursorRow.key]
        )
        await self.session.execute(stmt)
        query = select(CursorRow.position).where(CursorRow.key == key)
        position = await self.session.scalar(query.with_for_update() if self.lock_rows else query)
        return int(position or 0)

    async def set_cursor(self, key: str, position: int) -> None:
        await self.session.execute(update(CursorRow).where(CursorRow.key == key).values(position=position))

    # Private iCal feeds
    async def add_export_token(self, token_hash: str, feed: ExportFeed, at: datetime) -> None:
        self.session.add(ExportTokenRow(token_hash=token_hash, user_id=feed.user, scope=feed.scope, created_at=at))
        await self.session.flush()

    async def export_feed(self, token_hash: str) -> ExportFeed | None:
        row = await self.session.get(ExportTokenRow, token_hash)
        return ExportFeed(row.user_id, row.scope) if row is not None else None

    async def revoke_export_tokens(self, user: str) -> int:
        result = await self.session.execute(delete(ExportTokenRow).where(ExportTokenRow.user_id == user))
        return int(getattr(result, "rowcount", 0) or 0)
