"""Action items in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.action_items import ActionItem, ActionItemFilter, ItemStatus, Priority
from storage.tables import ActionItemRow, IncidentRow

_FIELDS = ("text", "owner", "due_on", "priority", "status", "done_at", "done_by", "evidence", "reopened_count", "data")


def _item(row: ActionItemRow, reference: str) -> ActionItem:
    return ActionItem(
        id=row.id,
        incident_id=row.incident_id,
        incident_reference=reference,
        text=row.text,
        owner=row.owner,
        created_by=row.created_by,
        created_at=row.created_at,
        due_on=row.due_on,
        priority=Priority(row.priority),
        status=ItemStatus(row.status),
        source=row.source,
        done_at=row.done_at,
        done_by=row.done_by,
        evidence=row.evidence,
        reopened_count=row.reopened_count,
        data=dict(row.data or {}),
    )


class SqlActionItemStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, item: ActionItem) -> ActionItem:
        values: dict[str, Any] = {name: getattr(item, name) for name in _FIELDS}
        values.update(
            incident_id=item.incident_id,
            created_by=item.created_by,
            created_at=item.created_at,
            source=item.source,
            priority=item.priority.value,
            status=item.status.value,
        )
        result = await self.session.execute(insert(ActionItemRow).values(values).returning(ActionItemRow.id))
        item.id = int(result.scalar_one())
        return item

    async def get(self, item_id: int) -> ActionItem | None:
        stmt = (
            select(ActionItemRow, IncidentRow.reference)
            .join(IncidentRow, IncidentRow.id == ActionItemRow.incident_id)
            .where(ActionItemRow.id == item_id)
        )
        found = (await self.session.execute(stmt)).first()
        return _item(found[0], found[1]) if found else None

    async def save(self, item: ActionItem) -> None:
        row = await self.session.get(ActionItemRow, item.id)
        if row is None:
            raise LookupError(item.id)
        for name in _FIELDS:
            value = getattr(item, name)
            setattr(row, name, value.value if isinstance(value, Priority | ItemStatus) else value)
        await self.session.flush()

    async def search(self, query: ActionItemFilter) -> list[ActionItem]:
        stmt = (
            select(ActionItemRow, IncidentRow.reference)
            .join(IncidentRow, IncidentRow.id == ActionItemRow.incident_id)
            .order_by(ActionItemRow.due_on, ActionItemRow.id)
            .limit(query.limit)
        )
        if query.owner:
            stmt = stmt.where(ActionItemRow.owner == query.owner)
        if query.incident_id is not None:
            stmt = stmt.where(ActionItemRow.incident_id == query.incident_id)
        if query.open_only or query.overdue_on is not None:
            stmt = stmt.where(ActionItemRow.status == ItemStatus.OPEN.value)
        if query.overdue_on is not None:
            stmt = stmt.where(ActionItemRow.due_on < query.overdue_on)
        if query.private is not None:
            stmt = stmt.where(IncidentRow.private == query.private)
        return [_item(row, ref) for row, ref in (await self.session.execute(stmt)).all()]
