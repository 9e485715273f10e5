"""Scheduled work and sent notifications in SQL."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.ports import DueWork
from storage.core import SessionCore
from storage.database import Database
from storage.dialect import insert_for, upsert
from storage.tables import ScheduledWorkRow, SentNotificationRow


def _work(row: ScheduledWorkRow, *, recovering: bool = False) -> DueWork:
    return DueWork(
        key=row.key,
        kind=row.kind,
        due_at=row.due_at,
        incident_id=row.incident_id,
        action_item_id=row.action_item_id,
        data=dict(row.data or {}),
        attempts=row.attempts,
        recovering=recovering,
        state=row.state,
        claimed_at=row.claimed_at,
        last_error=row.last_error or "",
    )


def _values(work: DueWork, *, as_given: bool = False) -> dict[str, Any]:
    """Column values for `work`: pending again (what `put` means), or in the state it is given in."""
    return {
        "key": work.key,
        "kind": work.kind,
        "incident_id": work.incident_id,
        "action_item_id": work.action_item_id,
        "due_at": work.due_at,
        "state": work.state if as_given else "pending",
        "claimed_at": work.claimed_at if as_given else None,
        "attempts": work.attempts,
        "last_error": work.last_error,
        "data": work.data,
    }


_W = cast(Table, ScheduledWorkRow.__table__)
# Built once, each run as one statement for any number of keys (an expanding IN).
_DELETE_BY_KEYS = delete(_W).where(_W.c.key.in_(bindparam("keys", expanding=True)))
_CLAIM_BY_KEYS = (
    update(_W)
    .where(_W.c.key.in_(bindparam("keys", expanding=True)))
    .values(state="firing", claimed_at=bindparam("now"), attempts=_W.c.attempts + 1)
)


@functools.cache
def _insert_if_absent(dialect: str) -> Any:
    """Built once per dialect, run with a list of rows (executemany): compiled once, whatever their number."""
    table = ScheduledWorkRow.__table__
    return insert_for(dialect, table).on_conflict_do_nothing(index_elements=[table.c.key])


class SqlWorkStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._core = SessionCore(session)

    async def put(self, work: DueWork) -> None:
        values = _values(work)
        changes = {k: v for k, v in values.items() if k != "key"}
        stmt = upsert(self.session, ScheduledWorkRow, [values]).on_conflict_do_update(
            index_elements=[ScheduledWorkRow.key], set_=changes
        )
        await self.session.execute(stmt)

    async def put_many(self, works: Sequence[DueWork]) -> None:
        """Plan work that is not planned yet, in one statement (in the state given); existing rows are kept."""
        if works:
            await self._core.execute(_insert_if_absent(self._core.dialect), [_values(w, as_given=True) for w in works])

    async def for_incident(self, incident_id: int, *, kinds: Sequence[str] = ()) -> dict[str, DueWork]:
        return {work.key: work for work in await self.for_incidents([incident_id], kinds=kinds)}

    async def for_incidents(
        self, incident_ids: Sequence[int], *, kinds: Sequence[str] = (), lock: bool = False
    ) -> list[DueWork]:
        stmt = (
            select(ScheduledWorkRow)
            .where(ScheduledWorkRow.incident_id.in_(list(incident_ids)))
            .execution_options(populate_existing=True)  # rows may have changed by Core upserts in this session
        )
        if kinds:
            stmt = stmt.where(ScheduledWorkRow.kind.in_(list(kinds)))
        if lock:  # PostgreSQL: until this transaction ends, nobody else deletes or changes them
            stmt = stmt.with_for_update()
        return [_work(row) for row in (await self.session.scalars(stmt)).all()]

    async def keys(self) -> set[str]:
        return set((await self.session.scalars(select(ScheduledWorkRow.key))).all())

    async def get(self, key: str) -> DueWork | None:
        row = await self.session.get(ScheduledWorkRow, key, populate_existing=True)
        return _work(row) if row else None

    async def remove(self, key: str) -> None:
        await self.session.execute(delete(ScheduledWorkRow).where(ScheduledWorkRow.key == key))

    async def remove_many(self, keys: Sequence[str]) -> None:
        """One statement for all of them (many Slack effects are done at once)."""
        if keys:
            await self._core.execute(_DELETE_BY_KEYS, {"keys": list(keys)})

    async def claim(self, keys: Sequence[str], now: datetime) -> None:
        if keys:
            await self._core.execute(_CLAIM_BY_KEYS, {"keys": list(keys), "now": now})

    async def remove_for(
        self, *, incident_id: int | None = None, action_item_id: int | None = None, kinds: Sequence[str] = ()
    ) -> None:
        stmt = delete(ScheduledWorkRow)
        if incident_id is not None:
            stmt = stmt.where(ScheduledWorkRow.incident_id == incident_id)
        if action_item_id is not None:
            stmt = stmt.where(ScheduledWorkRow.action_item_id == action_item_id)
        if kinds:
            stmt = stmt.where(ScheduledWorkRow.kind.in_(list(kinds)))
        await self.session.execute(stmt)

    async def claim_due(self, now: datetime, *, lease: timedelta, limit: int) -> list[DueWork]:
        due = or_(
            and_(ScheduledWorkRow.state == "pending", ScheduledWorkRow.due_at <= now),
            # Claimed by a runner that never finished (it crashed): claim it again, carefully.
            and_(ScheduledWorkRow.state == "firing", ScheduledWorkRow.claimed_at < now - lease),
        )
        stmt = (
            select(ScheduledWorkRow)
            .where(due)
            .order_by(ScheduledWorkRow.due_at)
            .limit(limit)
            # On PostgreSQL a second runner skips rows the first is claiming; SQLite has one writer anyway.
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)  # rows may have changed by Core statements in this session
        )
        rows = list((await self.session.scalars(stmt)).all())
        claimed = []
        for row in rows:
            recovering = row.state == "firing"
            row.state, row.claimed_at, row.attempts = "firing", now, row.attempts + 1
            claimed.append(_work(row, recovering=recovering))
        await self.session.flush()
        return claimed

    async def next_due(self) -> datetime | None:
        found = await self.session.scalar(
            select(func.min(ScheduledWorkRow.due_at)).where(ScheduledWorkRow.state == "pending")
        )
        return found

    async def was_sent(self, key: str) -> bool:
        return await self.session.get(SentNotificationRow, key) is not None

    async def record_sent(self, key: str, channel: str, ts: str | None, at: datetime) -> None:
        stmt = upsert(self.session, SentNotificationRow, [{"key": key, "channel": channel, "ts": ts, "sent_at": at}])
        await self.session.execute(stmt.on_conflict_do_nothing(index_elements=[SentNotificationRow.key]))


async def count_due_work(database: Database, now: datetime) -> int:
    """How much scheduled work is due at `now` and waiting to run (a reader's query, for the metrics page)."""
    async with database.session(write=False) as session:
        stmt = select(func.count()).where(ScheduledWorkRow.state == "pending", ScheduledWorkRow.due_at <= now)
        return int(await session.scalar(stmt) or 0)
