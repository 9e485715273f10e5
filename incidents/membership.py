"""Keeping track of who is in an incident channel, from the platform's join and leave events."""

from __future__ import annotations

from incidents.context import Context


async def member_joined(ctx: Context, channel_id: str, user_id: str) -> bool:
    """Record a join; False (and no write) when the channel is not an incident channel."""
    async with ctx.uow() as uow:
        incident = await uow.incidents.get_by_channel(channel_id)
        if incident is None:
            return False
        await uow.incidents.add_members(incident.reference, [user_id], ctx.clock.now())
        await uow.commit()
    return True


async def member_left(ctx: Context, channel_id: str, user_id: str) -> bool:
    async with ctx.uow() as uow:
        incident = await uow.incidents.get_by_channel(channel_id)
        if incident is None:
            return False
        await uow.incidents.remove_member(incident.reference, user_id, ctx.clock.now())
        await uow.commit()
    return True
