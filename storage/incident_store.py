"""The incident repository: maps rows to the domain's dataclasses and back. 2.0-style selects only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from incidents.errors import DuplicateDeclaration
from incidents.model import Incident, IncidentFilter, TimelineEvent
from storage.dialect import upsert
from storage.mapping import apply_to_row, to_domain
from storage.tables import (
    IncidentRow,
    IncidentSequence,
    IncidentServiceRow,
    MemberRow,
    RoleAssignmentRow,
    ServiceRow,
    TimelineEntryRow,
)


class SqlIncidentStore:
    def __init__(self, session: AsyncSession, *, lock_rows: bool = False) -> None:
        self.session = session
        # In a write unit of work, reading an incident starts a read-modify-write: lock its row so concurrent
        # changes to one incident run one after another. SQLite's BEGIN IMMEDIATE already serialises writers;
        # PostgreSQL's plain SELECT would let two changes read the same state and the later save undo the other.
        self._lock_rows = lock_rows

    def _select(self) -> Select[IncidentRow]:
        return select(IncidentRow).options(selectinload(IncidentRow.services), selectinload(IncidentRow.roles))

    def _select_one(self) -> Select[IncidentRow]:
        stmt = self._select()
        return stmt.with_for_update() if self._lock_rows else stmt

    async def _row(self, reference: str) -> IncidentRow | None:
        return (await self.session.scalars(self._select_one().where(IncidentRow.reference == reference))).first()

    async def _id(self, reference: str) -> int:
        found = await self.session.scalar(select(IncidentRow.id).where(IncidentRow.reference == reference))
        if found is None:
            raise LookupError(reference)
        return found

    async def next_number(self, year: int) -> int:
        stmt = upsert(self.session, IncidentSequence, [{"year": year, "last_number": 1}])
        stmt = stmt.on_conflict_do_update(
            index_elements=[IncidentSequence.year], set_={"last_number": IncidentSequence.last_number + 1}
        ).returning(IncidentSequence.last_number)
        return int((await self.session.execute(stmt)).scalar_one())

    async def _ensure_services(self, names: Sequence[str], at: datetime) -> None:
        if names:
            # Sorted, so two transactions inserting the same new names take their locks in the same order.
            stmt = upsert(self.session, ServiceRow, [{"name": n, "created_at": at} for n in sorted(set(names))])
            await self.session.execute(stmt.on_conflict_do_nothing(index_elements=[ServiceRow.name]))

    async def add(self, incident: Incident, *, declare_key: str | None) -> Incident:
        await self._ensure_services(incident.services, incident.declared_at)
        row = IncidentRow(declare_key=declare_key)
        apply_to_row(incident, row)
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError as exc:
            raise DuplicateDeclaration(declare_key or incident.reference) from exc
        incident.id = row.id
        return incident

    async def save(self, incident: Incident) -> None:
        row = await self._row(incident.reference)
        if row is None:
            raise LookupError(incident.reference)
        await self._ensure_services(incident.services, incident.declared_at)
        apply_to_row(incident, row)
        await self.session.flush()

    async def get(self, reference: str) -> Incident | None:
        row = await self._row(reference)
        return to_domain(row) if row else None

    async def get_by_channel(self, channel_id: str) -> Incident | None:
        row = (await self.session.scalars(self._select_one().where(IncidentRow.channel_id == channel_id))).first()
        return to_domain(row) if row else None

    async def is_incident_channel(self, channel_id: str) -> bool:
        return bool(await self.session.scalar(select(exists().where(IncidentRow.channel_id == channel_id))))

    async def get_by_declare_key(self, declare_key: str) -> Incident | None:
        row = (await self.session.scalars(self._select_one().where(IncidentRow.declare_key == declare_key))).first()
        return to_domain(row) if row else None

    async def claim_setup(self, reference: str) -> bool:
        stmt = (
            update(IncidentRow)
            .where(IncidentRow.reference == reference, IncidentRow.setup_started_at.is_(None))
            .values(setup_started_at=IncidentRow.declared_at)
        )
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0) == 1)

    async def search(self, query: IncidentFilter) -> list[Incident]:
        stmt = self._select().order_by(IncidentRow.declared_at.desc(), IncidentRow.id.desc()).limit(query.limit)
        if query.open_only:
            stmt = stmt.where(IncidentRow.is_open.is_(True))
        if query.severity:
            stmt = stmt.where(IncidentRow.severity == query.severity)
        if query.service:
            stmt = stmt.where(
                exists().where(
                    IncidentServiceRow.incident_id == IncidentRow.id, IncidentServiceRow.service == query.service
                )
            )
        if query.involving:
            stmt = stmt.where(_involves(query.involving))
        if query.visible_to:
            stmt = stmt.where(or_(IncidentRow.private.is_(False), _involves(query.visible_to)))
        return [to_domain(row) for row in (await self.session.scalars(stmt)).all()]

    async def add_event(self, reference: str, event: TimelineEvent) -> None:
        self.session.add(
            TimelineEntryRow(
                incident_id=await self._id(reference),
                at=event.at,
                kind=event.kind,
                actor=event.actor,
                text=event.text,
                data=event.data,
            )
        )
        await self.session.flush()

    async def events(self, reference: str) -> list[TimelineEvent]:
        stmt = (
            select(TimelineEntryRow)
            .where(TimelineEntryRow.incident_id == await self._id(reference))
            .order_by(TimelineEntryRow.at, TimelineEntryRow.id)
        )
        return [
            TimelineEvent(kind=r.kind, at=r.at, actor=r.actor, text=r.text, data=dict(r.data or {}))
            for r in (await self.session.scalars(stmt)).all()
        ]

    async def add_members(self, reference: str, user_ids: Sequence[str], at: datetime) -> None:
        if not user_ids:
            return
        incident_id = await self._id(reference)
        stmt = upsert(
            self.session,
            MemberRow,
            [{"incident_id": incident_id, "user_id": u, "joined_at": at, "left_at": None} for u in user_ids],
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[MemberRow.incident_id, MemberRow.user_id], set_={"left_at": None}
        )
        await self.session.execute(stmt)

    async def remove_member(self, reference: str, user_id: str, at: datetime) -> None:
        await self.session.execute(
            update(MemberRow)
            .where(MemberRow.incident_id == await self._id(reference), MemberRow.user_id == user_id)
            .values(left_at=at)
        )

    async def members(self, reference: str) -> set[str]:
        stmt = select(MemberRow.user_id).where(
            MemberRow.incident_id == await self._id(reference), MemberRow.left_at.is_(None)
        )
        return set((await self.session.scalars(stmt)).all())

    async def known_services(self) -> list[str]:
        return list((await self.session.scalars(select(ServiceRow.name).order_by(ServiceRow.name))).all())


def _involves(user_id: str) -> Any:
    """SQL for: declared it, holds a role in it, or is a current member."""
    return or_(
        IncidentRow.declared_by == user_id,
        exists().where(RoleAssignmentRow.incident_id == IncidentRow.id, RoleAssignmentRow.user_id == user_id),
        exists().where(
            MemberRow.incident_id == IncidentRow.id, MemberRow.user_id == user_id, MemberRow.left_at.is_(None)
        ),
    )
