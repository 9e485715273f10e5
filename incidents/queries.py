"""Reading incidents, filtered to what the viewer may see."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from incidents.access import is_admin, may_change, visible
from incidents.context import Context
from incidents.model import Incident, IncidentFilter, TimelineEvent


async def list_incidents(ctx: Context, viewer: str, query: IncidentFilter) -> list[Incident]:
    """Incidents matching `query`, leaving out private ones the viewer is not part of."""
    async with ctx.uow(write=False) as uow:
        visible_to = None if is_admin(ctx, viewer) else viewer
        return await uow.incidents.search(replace(query, visible_to=visible_to))


async def changeable_incidents(
    ctx: Context, actor: str, query: IncidentFilter, *, channel_id: str | None = None
) -> list[Incident]:
    """Incidents matching `query` that `actor` may change, to offer in a picker: every one to an admin; to anyone
    else those they declared, hold a role in or are a recorded member of, and the incident of `channel_id` (where
    they are looking) when Slack says they are in its channel (who joined before the bot saw them)."""
    if is_admin(ctx, actor):
        return await list_incidents(ctx, actor, query)
    async with ctx.uow(write=False) as uow:
        found = await uow.incidents.search(replace(query, involving=actor, visible_to=None))
        here = await uow.incidents.get_by_channel(channel_id) if channel_id else None
        if here is None or any(i.id == here.id for i in found):
            return found
        if (query.open_only and (here.resolved_at or here.closed_at)) or not await may_change(ctx, uow, here, actor):
            return found
    return [here, *found]


async def show_incident(
    ctx: Context, viewer: str, *, reference: str | None, channel_id: str | None
) -> tuple[Incident, list[TimelineEvent]]:
    async with ctx.uow(write=False) as uow:
        incident = await visible(ctx, uow, actor=viewer, reference=reference, channel_id=channel_id)
        return incident, await uow.incidents.events(incident.reference)


# What counts as "an update" on the App Home: a status change or a stakeholder update.
UPDATE_KINDS = ("stakeholder_update", "status_changed", "declared")


async def home(ctx: Context, viewer: str) -> tuple[list[Incident], dict[int, datetime]]:
    """Open incidents the viewer may see, and when each was last updated."""
    incidents = await list_incidents(ctx, viewer, IncidentFilter(open_only=True, limit=40))
    async with ctx.uow(write=False) as uow:
        ids = [i.id for i in incidents if i.id is not None]
        return incidents, await uow.timeline.latest_of_kinds(ids, UPDATE_KINDS)


async def incident_for_channel(ctx: Context, channel_id: str) -> Incident | None:
    async with ctx.uow(write=False) as uow:
        return await uow.incidents.get_by_channel(channel_id)


async def known_services(ctx: Context) -> list[str]:
    async with ctx.uow(write=False) as uow:
        return await uow.incidents.known_services()
