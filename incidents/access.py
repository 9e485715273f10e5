"""Who may see and who may change an incident: the one place the rule lives.

Seeing is all that reading needs (show, roles, the timeline view, action-item lists, the postmortem's text):
anyone may see a public incident; a private one only its channel's members, its role holders and the
policy's admins, and to anyone else it does not exist. Changing it, which includes posting or uploading
into its channel (an export, the postmortem posted again), takes a member, a role holder or an admin.
"""

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


async def may_change(ctx: Context, uow: UnitOfWork, incident: Incident, user_id: str) -> bool:
    return await is_member(ctx, uow, incident, user_id)


async def ensure_can_change(
    ctx: Context, uow: UnitOfWork, incident: Incident, user_id: str, *, doing: str = "change it"
) -> None:
    """`doing` names the change in the refusal, e.g. "export its timeline (the file goes into its channel)"."""
    if await may_change(ctx, uow, incident, user_id):
        return
    if incident.private:
        raise _missing(incident)  # someone who may not change a private incident may not see it either
    raise PermissionDenied(
        f"Only members of {incident.reference}'s channel, its role holders and Firebreak admins can "
        f"{doing}. Join the channel first."
    )


async def ensure_can_see(ctx: Context, uow: UnitOfWork, incident: Incident, user_id: str) -> None:
    if incident.private and not await is_member(ctx, uow, incident, user_id):
        raise _missing(incident)


def _missing(incident: Incident) -> NotFound:
    # Same words as a missing incident, so a private incident's existence does not leak.
    return NotFound(f"There is no incident {incident.reference}.")


async def visible(
    ctx: Context, uow: UnitOfWork, *, actor: str, reference: str | None, channel_id: str | None
) -> Incident:
    """The incident named by `reference` (else the channel's), for an actor who may see it: all a read needs."""
    incident = await locate(uow, reference=reference, channel_id=channel_id)
    await ensure_can_see(ctx, uow, incident, actor)
    return incident
