"""Reading the timeline fast (Core selects: 20,000 entries in well under a second) and manual entries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, func, insert, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.timeline import Source, StoredThread, TimelineEntry
from storage.tables import TimelineEntryRow

_T = TimelineEntryRow.__table__


def _raw(column: Any) -> Any:
    """A JSON column read as its text: most timeline rows hold `[]` or `{}`, which need no decoder at all."""
    return type_coerce(column, Text).label(column.name)


_COLUMNS = (
    _T.c.id,
    _T.c.at,
    _T.c.kind,
    _T.c.source,
    _T.c.actor,
    _T.c.text,
    _raw(_T.c.data),
    _T.c.message_ts,
    _T.c.thread_ts,
    _T.c.flagged,
    _T.c.deleted_at,
    _raw(_T.c.edits),
    _raw(_T.c.files),
    _raw(_T.c.links),
    _T.c.permalink,
)
_EMPTY = frozenset({"[]", "{}", "null"})
_SOURCES = {source.value: source for source in Source}


def _json(value: Any, empty: type[list[Any]] | type[dict[str, Any]]) -> Any:
    if not isinstance(value, str):  # PostgreSQL's driver hands JSON back already decoded
        return value if value is not None else empty()
    if value in _EMPTY:
        return empty()
    decoded = json.loads(value)
    return decoded if decoded is not None else empty()


def _entry(row: Any) -> TimelineEntry:
    (
        id_,
        at,
        kind,
        source,
        actor,
        text,
        data,
        message_ts,
        thread_ts,
        flagged,
        deleted_at,
        edits,
        files,
        links,
        permalink,
    ) = row
    return TimelineEntry(
        id=id_,
        at=at,
        kind=kind,
        source=_SOURCES[source],
        actor=actor,
        text=text,
        data=_json(data, dict),
        message_ts=message_ts,
        thread_ts=thread_ts,
        flagged=bool(flagged),
        deleted=deleted_at is not None,
        edits=_json(edits, list),
        files=_json(files, list),
        links=_json(links, list),
        permalink=permalink,
    )


class SqlTimelineStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entries(self, incident_id: int, *, include_deleted: bool = False) -> list[TimelineEntry]:
        stmt = select(*_COLUMNS).where(_T.c.incident_id == incident_id).order_by(_T.c.at, _T.c.id)
        if not include_deleted:
            stmt = stmt.where(_T.c.deleted_at.is_(None))
        return [_entry(row) for row in (await self.session.execute(stmt)).all()]

    async def entry(self, incident_id: int, entry_id: int) -> TimelineEntry | None:
        stmt = select(*_COLUMNS).where(_T.c.incident_id == incident_id, _T.c.id == entry_id)
        row = (await self.session.execute(stmt)).first()
        return _entry(row) if row else None

    async def add_manual(
        self, incident_id: int, *, at: datetime, actor: str, text: str, kind: str = "note", data: dict[str, Any]
    ) -> int:
        values: dict[str, Any] = {
            "incident_id": incident_id,
            "at": at,
            "kind": kind,
            "source": "manual",
            "actor": actor,
            "text": text,
            "data": data,
            "flags": [],
            "edits": [],
            "files": [],
            "links": [],
            "permalink": data.get("permalink"),
        }
        result = await self.session.execute(insert(TimelineEntryRow).values(values).returning(TimelineEntryRow.id))
        return int(result.scalar_one())

    async def update_manual(self, incident_id: int, entry_id: int, *, text: str | None, at: datetime | None) -> None:
        row = await self.session.get(TimelineEntryRow, entry_id)
        if row is None or row.incident_id != incident_id:
            return
        if text is not None and text != row.text:
            row.edits = [*row.edits, {"text": row.text, "at": row.at.isoformat()}]
            row.text = text
        if at is not None:
            row.data = {**row.data, "original_at": row.data.get("original_at", row.at.isoformat())}
            row.at = at
        await self.session.flush()

    async def delete_manual(self, incident_id: int, entry_id: int, at: datetime) -> None:
        await self.session.execute(
            update(TimelineEntryRow)
            .where(TimelineEntryRow.incident_id == incident_id, TimelineEntryRow.id == entry_id)
            .values(deleted_at=at)
        )

    async def flag(self, incident_id: int, message_ts: str, flag: str) -> bool:
        stmt = select(TimelineEntryRow).where(
            TimelineEntryRow.incident_id == incident_id, TimelineEntryRow.message_ts == message_ts
        )
        row = (await self.session.scalars(stmt)).first()
        if row is None:
            return False
        row.flags, row.flagged = sorted({*row.flags, flag}), True
        await self.session.flush()
        return True

    async def last_message_ts(self, incident_id: int) -> str | None:
        stmt = select(func.max(_T.c.message_ts)).where(_T.c.incident_id == incident_id, _T.c.source == "chat")
        found = await self.session.scalar(stmt)
        return str(found) if found else None

    async def latest_of_kinds(self, incident_ids: Sequence[int], kinds: Sequence[str]) -> dict[int, datetime]:
        if not incident_ids:
            return {}
        stmt = (
            select(_T.c.incident_id, func.max(_T.c.at))
            .where(_T.c.incident_id.in_(list(incident_ids)), _T.c.kind.in_(list(kinds)), _T.c.deleted_at.is_(None))
            .group_by(_T.c.incident_id)
        )
        # max() keeps the column type, so values come back as aware UTC datetimes.
        return {int(i): at for i, at in (await self.session.execute(stmt)).all()}

    async def captured_message_ts(self, incident_id: int) -> set[str]:
        stmt = select(_T.c.message_ts).where(_T.c.incident_id == incident_id, _T.c.message_ts.is_not(None))
        return {str(ts) for ts in (await self.session.scalars(stmt)).all()}

    async def stored_threads(self, incident_id: int) -> dict[str, StoredThread]:
        stmt = (
            select(_T.c.thread_ts, func.max(_T.c.message_ts), func.count())
            .where(
                _T.c.incident_id == incident_id,
                _T.c.source == "chat",
                _T.c.thread_ts.is_not(None),
                _T.c.deleted_at.is_(None),
            )
            .group_by(_T.c.thread_ts)
        )
        # ts strings of one era have the same length, so the database's max() of them is the newest.
        rows = (await self.session.execute(stmt)).all()
        return {str(thread): StoredThread(str(newest), int(count)) for thread, newest, count in rows}
