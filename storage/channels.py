"""Which channels are incident channels: what the capture path's in-memory index is primed and refreshed from."""

from __future__ import annotations

from sqlalchemy import select

from storage.tables import IncidentRow
from storage.uow import SqlUnitOfWorkFactory


async def incident_channels(uow: SqlUnitOfWorkFactory) -> list[tuple[str, int]]:
    async with uow(write=False) as work:
        stmt = select(IncidentRow.channel_id, IncidentRow.id).where(IncidentRow.channel_id.is_not(None))
        return [(str(channel), int(incident)) for channel, incident in (await work.session.execute(stmt)).all()]


async def incident_id_for_channel(uow: SqlUnitOfWorkFactory, channel_id: str) -> int | None:
    async with uow(write=False) as work:
        found = await work.session.scalar(select(IncidentRow.id).where(IncidentRow.channel_id == channel_id))
        return int(found) if found is not None else None
