"""What people do with reminders and nudges: snooze them."""

from __future__ import annotations

from datetime import datetime, timedelta

from incidents.changes import Target, authorize
from incidents.context import Context
from incidents.errors import NotFound, PermissionDenied
from incidents.followup import Planner, nudge_key
from incidents.ports import DueWork

NUDGE_SNOOZE = timedelta(days=1)


async def snooze_update_reminder(ctx: Context, planner: Planner, target: Target) -> datetime:
    incident = await authorize(ctx, target)
    async with ctx.uow() as uow:
        until = await planner.snooze_update_reminder(uow, incident)
        await uow.commit()
    return until


async def snooze_nudge(ctx: Context, planner: Planner, actor: str, item_id: int) -> datetime:
    async with ctx.uow() as uow:
        item = await uow.action_items.get(item_id)
        if item is None:
            raise NotFound(f"There is no action item #{item_id}.")
        if actor != item.owner:
            raise PermissionDenied("Only the owner can snooze their reminder.")
        until = ctx.clock.now() + NUDGE_SNOOZE
        existing = await uow.work.get(nudge_key(item_id))
        stage = existing.data.get("stage", "due") if existing else "due"
        await uow.work.put(DueWork(nudge_key(item_id), "nudge", until, action_item_id=item_id, data={"stage": stage}))
        await uow.commit()
    return until
