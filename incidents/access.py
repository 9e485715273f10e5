"""Who may see and change an incident: channel members, role holders and the policy's admins."""

from __future__ import annotations

from incidents.context import Context
from incidents.errors import ChatError, NotFound, PermissionDenied
from incidents.model import Incident
from incidents.naming import normalise_reference
from incidents.ports import UnitOfWork


async def locate(uow: UnitOfWork, *, reference: str | None, channel_id: str | None) -> Incident:
    """The incident named by `reference`, or else the one whose channel the command came from."""
    if reference:
        normal = normalise_reference(reference)
        found = await uow.incidents.get(normal) if normal else None
        if found is None:
            raise NotFound(f"There is no incident {reference.upper()}.")
        return found
    if channel_id:
        found = await uow.incidents.get_by_channel(channel_id)
        if found is not None:
            return found
    raise NotFound("This isn't an incident channel: name the incident, e.g. `INC-2026-0042`.")


def is_admin(ctx: Context, user_id: str) -> bool:
    return user_id in ctx.policy.admins


async def is_involved(ctx: Context, uow: UnitOfWork, incident: Incident, user_id: str) -> bool:
    """Role holder, admin, or recorded member (invited or seen joining): no Slack call needed."""
    if is_admin(ctx, user_id) or user_id in incident.roles.values() or user_id == incident.declared_by:
        return True
    return user_id in await uow.incidents.members(incident.reference)


async def is_member(ctx: Context, uow: UnitOfWork, incident: Incident, user_id: str) -> bool:
    if await is_involved(ctx, uow, incident, user_id):
        return True
    # Members who joined before the bot saw them are only known to Slack, so ask it as a last resort.
    if incident.channel_id:
        try:
            return user_id in await ctx.chat.channel_members(incident.channel_id)
        except ChatError:
            return False
    return False


async def ensure_can_change(ctx: Context, uow: UnitOfWork, incident: Incident, user_id: str) -> None:
    if await is_member(ctx, uow, incident, user_id):
        return
    raise PermissionDenied(
        f"Only members of {incident.reference}'s channel, its role holders and Firebreak admins can "
        "change it. Join the channel first."
    )


async def ensure_can_see(ctx: Context, uow: UnitOfWork, incident: Incident, user_id: str) -> None:
    if incident.private and not await is_member(ctx, uow, incident, user_id):
        # Same words as a missing incident, so a private incident's existence does not leak.
        raise NotFound(f"There is no incident {incident.reference}.")
