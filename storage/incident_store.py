"""The incident repository: maps rows to the domain's dataclasses and back. 2.0-style statements only.

Reads and the writes on the declare path are Core statements: an incident is three selects (the row, its
services, its roles) whatever the number of incidents, without the ORM's identity map and per-object
bookkeeping, which cost several times the SQL itself. `save`, a read-modify-write of everything, keeps the
ORM's unit of work to work out which service and role rows changed.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, bindparam, exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from incidents.errors import DuplicateDeclaration
from incidents.model import ChannelRef, Incident, IncidentFilter, TimelineEvent
from storage.core import SessionCore
from storage.dialect import insert_for
from storage.mapping import INCIDENT_COLUMNS, apply_to_row, incident_from_row, incident_values
from storage.read_cache import ReadCache
from storage.tables import (
    IncidentRow,
    IncidentSequence,
    IncidentServiceRow,
    MemberRow,
    RoleAssignmentRow,
    ServiceRow,
    TimelineEntryRow,
)

_I = cast(Table, IncidentRow.__table__)
_S = cast(Table, IncidentServiceRow.__table__)
_R = cast(Table, RoleAssignmentRow.__table__)
_M = cast(Table, MemberRow.__table__)
_E = cast(Table, TimelineEntryRow.__table__)
_Q = cast(Table, IncidentSequence.__table__)
_SERVICES = cast(Table, ServiceRow.__table__)

_INSERT_INCIDENT = insert(_I).returning(_I.c.id)
_INSERT_SERVICE = insert(_S)
_INSERT_ROLE = insert(_R)
_INSERT_EVENT = insert(_E)
_CLAIM_SETUP = (
    update(_I)
    .where(_I.c.reference == bindparam("ref"), _I.c.setup_started_at.is_(None))
    .values(setup_started_at=_I.c.declared_at)
)
# SET takes the columns the parameters name besides "ref" (see record_setup).
_RECORD_SETUP = update(_I).where(_I.c.reference == bindparam("ref")).returning(_I.c.id)


@dataclass(frozen=True)
class _Upserts:
    next_number: Any
    service: Any
    member: Any


@functools.cache
def _upserts(dialect: str) -> _Upserts:
    """The declare path's upserts, built once per dialect (each dialect has its own INSERT … ON CONFLICT)."""
    return _Upserts(
        next_number=insert_for(dialect, _Q)
        .on_conflict_do_update(index_elements=[_Q.c.year], set_={"last_number": _Q.c.last_number + 1})
        .returning(_Q.c.last_number),
        service=insert_for(dialect, _SERVICES).on_conflict_do_nothing(index_elements=[_SERVICES.c.name]),
        # A person who left and is invited again is a member again.
        member=insert_for(dialect, _M).on_conflict_do_update(
            index_elements=[_M.c.incident_id, _M.c.user_id], set_={"left_at": None}
        ),
    )


class SqlIncidentStore:
    def __init__(self, session: AsyncSession, *, lock_rows: bool = False, cache: ReadCache | None = None) -> None:
        self.session = session
        self._core = SessionCore(session)
        # In a write unit of work, reading an incident starts a read-modify-write: lock its row so concurrent
        # changes to one incident run one after another. SQLite's BEGIN IMMEDIATE already serialises writers;
        # PostgreSQL's plain SELECT would let two changes read the same state and the later save undo the other.
        self._lock_rows = lock_rows
        # Search answers shared between read-only units of work (never used by a write one: it may lock).
        self._cache = None if lock_rows else cache
        # reference -> id of every incident this unit of work has seen: an id never changes, so the writes
        # that take a reference need no extra SELECT for it.
        self._ids: dict[str, int] = {}

    # -- reading ---------------------------------------------------------------------------------------
    async def _load(self, stmt: Select[Any]) -> list[Incident]:
        """Incidents for a select of INCIDENT_COLUMNS, with their services and roles (two more selects)."""
        rows = (await self.session.execute(stmt)).all()
        if not rows:
            return []
        ids = [row[0] for row in rows]
        services: dict[int, list[str]] = {i: [] for i in ids}
        roles: dict[int, dict[str, str]] = {i: {} for i in ids}
        in_ids = _S.c.incident_id.in_(ids) if len(ids) > 1 else _S.c.incident_id == ids[0]
        for incident_id, name in await self.session.execute(
            select(_S.c.incident_id, _S.c.service).where(in_ids).order_by(_S.c.incident_id, _S.c.position)
        ):
            services[incident_id].append(name)
        in_ids = _R.c.incident_id.in_(ids) if len(ids) > 1 else _R.c.incident_id == ids[0]
        for incident_id, role, user_id in await self.session.execute(
            select(_R.c.incident_id, _R.c.role, _R.c.user_id).where(in_ids)
        ):
            roles[incident_id][role] = user_id
        incidents = [incident_from_row(row, services[row[0]], roles[row[0]]) for row in rows]
        self._ids.update((i.reference, row[0]) for i, row in zip(incidents, rows, strict=True))
        return incidents

    async def _one(self, where: ColumnElement[bool]) -> Incident | None:
        stmt = select(*INCIDENT_COLUMNS).where(where)
        found = await self._load(stmt.with_for_update() if self._lock_rows else stmt)
        return found[0] if found else None

    async def get(self, reference: str) -> Incident | None:
        return await self._one(_I.c.reference == reference)

    async def get_by_channel(self, channel_id: str) -> Incident | None:
        return await self._one(_I.c.channel_id == channel_id)

    async def get_by_declare_key(self, declare_key: str) -> Incident | None:
        return await self._one(_I.c.declare_key == declare_key)

    async def search(self, query: IncidentFilter) -> list[Incident]:
        if self._cache is None:
            return await self._search(query)
        return await self._cache.answer(query, lambda: self._search(query))

    async def _search(self, query: IncidentFilter) -> list[Incident]:
        stmt = select(*INCIDENT_COLUMNS).order_by(_I.c.declared_at.desc(), _I.c.id.desc()).limit(query.limit)
        if query.open_only:
            stmt = stmt.where(_I.c.is_open.is_(True))
        if query.severity:
            stmt = stmt.where(_I.c.severity == query.severity)
        if query.service:
            stmt = stmt.where(exists().where(_S.c.incident_id == _I.c.id, _S.c.service == query.service))
        if query.involving:
            stmt = stmt.where(_involves(query.involving))
        if query.visible_to:
            stmt = stmt.where(or_(_I.c.private.is_(False), _involves(query.visible_to)))
        return await self._load(stmt)

    async def _id(self, reference: str) -> int:
        found = self._ids.get(reference)
        if found is None:
            found = await self.session.scalar(select(_I.c.id).where(_I.c.reference == reference))
            if found is None:
                raise LookupError(reference)
            self._ids[reference] = found
        return found

    async def events(self, reference: str) -> list[TimelineEvent]:
        stmt = (
            select(_E.c.kind, _E.c.at, _E.c.actor, _E.c.text, _E.c.data)
            .where(_E.c.incident_id == await self._id(reference))
            .order_by(_E.c.at, _E.c.id)
        )
        return [
            TimelineEvent(kind=kind, at=at, actor=actor, text=text, data=dict(data or {}))
            for kind, at, actor, text, data in await self.session.execute(stmt)
        ]

    async def members(self, reference: str) -> set[str]:
        stmt = select(_M.c.user_id).where(_M.c.incident_id == await self._id(reference), _M.c.left_at.is_(None))
        return set((await self.session.scalars(stmt)).all())

    async def known_services(self) -> list[str]:
        return list((await self.session.scalars(select(ServiceRow.name).order_by(ServiceRow.name))).all())

    # -- writing ---------------------------------------------------------------------------------------
    # The writes on the declare path are statements built once (module level, or once per dialect) and run on
    # the session's connection with parameters: no statement to build, no cache key to compute, no ORM detour.
    async def next_number(self, year: int) -> int:
        stmt = _upserts(self._core.dialect).next_number
        return int((await self._core.execute(stmt, {"year": year, "last_number": 1})).scalar_one())

    async def _ensure_services(self, names: Sequence[str], at: datetime) -> None:
        if names:
            # Sorted, so two transactions inserting the same new names take their locks in the same order.
            rows = [{"name": n, "created_at": at} for n in sorted(set(names))]
            await self._core.execute(_upserts(self._core.dialect).service, rows)

    async def add(self, incident: Incident, *, declare_key: str | None, claim_setup: bool = False) -> Incident:
        """Insert `incident`; DuplicateDeclaration if `declare_key` (or its reference) is taken.

        `claim_setup` claims its channel set-up in the same statement (see `claim_setup`). A duplicate leaves
        the transaction to be rolled back (PostgreSQL aborts it): the unit of work does that on leaving, which
        also returns the number the duplicate drew from the sequence.
        """
        await self._ensure_services(incident.services, incident.declared_at)
        values = incident_values(incident) | {"declare_key": declare_key}
        if claim_setup:
            values["setup_started_at"] = incident.declared_at
        try:
            incident_id = (await self._core.execute(_INSERT_INCIDENT, values)).scalar_one()
        except IntegrityError as exc:
            raise DuplicateDeclaration(declare_key or incident.reference) from exc
        if incident.services:
            rows = [{"incident_id": incident_id, "service": s, "position": p} for p, s in enumerate(incident.services)]
            await self._core.execute(_INSERT_SERVICE, rows)
        if incident.roles:
            rows = [{"incident_id": incident_id, "role": r, "user_id": u} for r, u in incident.roles.items()]
            await self._core.execute(_INSERT_ROLE, rows)
        incident.id = incident_id
        self._ids[incident.reference] = incident_id
        return incident

    async def save(self, incident: Incident) -> None:
        stmt = select(IncidentRow).options(selectinload(IncidentRow.services), selectinload(IncidentRow.roles))
        # populate_existing: rows this session loaded earlier may since have been changed by Core statements.
        stmt = stmt.where(IncidentRow.reference == incident.reference).execution_options(populate_existing=True)
        row = (await self.session.scalars(stmt.with_for_update() if self._lock_rows else stmt)).first()
        if row is None:
            raise LookupError(incident.reference)
        await self._ensure_services(incident.services, incident.declared_at)
        apply_to_row(incident, row)
        await self.session.flush()

    async def claim_setup(self, reference: str) -> bool:
        result = await self._core.execute(_CLAIM_SETUP, {"ref": reference})
        return bool(getattr(result, "rowcount", 0) == 1)

    async def record_setup(
        self, reference: str, *, channel: ChannelRef | None = None, summary_ts: str | None = None
    ) -> None:
        values: dict[str, Any] = {}
        if channel is not None:
            values |= {"channel_id": channel.id, "channel_name": channel.name}
        if summary_ts is not None:
            values["summary_ts"] = summary_ts
        if not values:
            return
        # Only these columns (the statement sets those it is given): whatever else changed since set-up began
        # (a role, the severity) stays as it is.
        found = (await self._core.execute(_RECORD_SETUP, values | {"ref": reference})).scalar_one_or_none()
        if found is None:
            raise LookupError(reference)
        self._ids[reference] = found

    async def add_event(self, reference: str, event: TimelineEvent) -> None:
        values = {"incident_id": await self._id(reference), "at": event.at, "kind": event.kind, "actor": event.actor}
        await self._core.execute(_INSERT_EVENT, values | {"text": event.text, "data": event.data})

    async def add_members(self, reference: str, user_ids: Sequence[str], at: datetime) -> None:
        if not user_ids:
            return
        incident_id = await self._id(reference)
        people = dict.fromkeys(user_ids)
        rows = [{"incident_id": incident_id, "user_id": u, "joined_at": at, "left_at": None} for u in people]
        await self._core.execute(_upserts(self._core.dialect).member, rows)

    async def remove_member(self, reference: str, user_id: str, at: datetime) -> None:
        await self.session.execute(
            update(_M).where(_M.c.incident_id == await self._id(reference), _M.c.user_id == user_id).values(left_at=at)
        )


def _involves(user_id: str) -> ColumnElement[bool]:
    """SQL for: declared it, holds a role in it, or is a current member."""
    return or_(
        _I.c.declared_by == user_id,
        exists().where(_R.c.incident_id == _I.c.id, _R.c.user_id == user_id),
        exists().where(_M.c.incident_id == _I.c.id, _M.c.user_id == user_id, _M.c.left_at.is_(None)),
    )
