"""Action-item use cases: create, complete, reassign, change the due date, reopen. Each on the timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from incidents.access import is_admin, visible
from incidents.action_items import ActionItem, ActionItemFilter, ItemStatus, NewActionItem, Priority
from incidents.changes import Target, authorize
from incidents.context import Context
from incidents.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from incidents.message_text import decode_entities
from incidents.model import Incident, TimelineEvent
from incidents.people import ensure_person
from incidents.ports import UnitOfWork

TEXT_MAX = 500


def default_due(ctx: Context, priority: Priority, today: date) -> date:
    policy = ctx.policy.action_items
    delta = {Priority.HIGH: policy.due_high, Priority.MEDIUM: policy.due_medium, Priority.LOW: policy.due_low}
    return today + timedelta(days=max(1, delta[priority].days))


async def create_action_item(ctx: Context, target: Target, new: NewActionItem) -> ActionItem:
    """Create an action item on the incident `target` names; the owner defaults to its creator."""
    text = " ".join(new.text.split())
    if not text:
        raise InvalidInput({"text": "Say what needs doing, e.g. `/incident action Add an alert on pool saturation`."})
    if len(decode_entities(text)) > TEXT_MAX:  # as many characters as the form takes, however many are escaped
        raise InvalidInput({"text": f"Keep an action item to {TEXT_MAX} characters."})
    now = ctx.clock.now()
    if new.due_on is not None and new.due_on < now.date():
        raise InvalidInput({"due": "The due date is in the past."})
    incident = await authorize(ctx, target)
    assert incident.id is not None
    if new.owner:
        await ensure_person(ctx, new.owner, actor=target.actor, field="owner")
    item = ActionItem(
        id=0,
        incident_id=incident.id,
        incident_reference=incident.reference,
        text=text,
        owner=new.owner or target.actor,
        created_by=target.actor,
        created_at=now,
        due_on=new.due_on or default_due(ctx, new.priority, now.date()),
        priority=new.priority,
        source=new.source,
        data=dict(new.data),
    )
    async with ctx.uow() as uow:
        item = await uow.action_items.add(item)
        await _record(
            uow,
            item,
            "action_created",
            target.actor,
            now,
            f"Action item #{item.id} for <@{item.owner}>, due {item.due_on}: {item.text}",
        )
        await _after_change(ctx, uow, item)
        await uow.commit()
    return item


async def _record(uow: UnitOfWork, item: ActionItem, kind: str, actor: str, at: datetime, text: str) -> None:
    data = {"action_item": item.id, "owner": item.owner, "due_on": item.due_on.isoformat(), "status": item.status}
    await uow.incidents.add_event(item.incident_reference, TimelineEvent(kind, at, actor, text, data))


async def _after_change(ctx: Context, uow: UnitOfWork, item: ActionItem) -> None:
    """Keep the item's nudges in step with it (see scheduling): a hook the follow-through planner fills."""
    if ctx.planner is not None:
        await ctx.planner.action_item_changed(uow, item)


async def _changeable(ctx: Context, actor: str, item_id: int) -> ActionItem:
    async with ctx.uow(write=False) as uow:
        item = await uow.action_items.get(item_id)
    if item is None:
        raise NotFound(f"There is no action item #{item_id}.")
    if actor != item.owner and actor != item.created_by and not is_admin(ctx, actor):
        # Anyone who may change the incident may also manage its follow-ups.
        await authorize(ctx, Target(actor=actor, reference=item.incident_reference))
    return item


async def action_item_to_change(ctx: Context, actor: str, item_id: int) -> ActionItem:
    """The item, before opening a form that changes it (its due date, say), for someone who may change it.

    To anyone else it does not exist: the same words as for a missing item, so a forged click learns neither
    what the item holds nor that it, or its private incident, exists."""
    try:
        return await _changeable(ctx, actor, item_id)
    except (NotFound, PermissionDenied):
        raise NotFound(f"There is no action item #{item_id}.") from None


async def _update(ctx: Context, actor: str, item: ActionItem, kind: str, text: str) -> ActionItem:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        await uow.action_items.save(item)
        await _record(uow, item, kind, actor, now, text)
        await _after_change(ctx, uow, item)
        await uow.commit()
    return item


async def complete_action_item(ctx: Context, actor: str, item_id: int, evidence: str = "") -> ActionItem:
    item = await _changeable(ctx, actor, item_id)
    if item.status is ItemStatus.DONE:
        raise InvalidTransition(f"Action item #{item_id} is already done.")
    done = replace(item, status=ItemStatus.DONE, done_at=ctx.clock.now(), done_by=actor, evidence=evidence.strip())
    proof = f" ({done.evidence})" if done.evidence else ""
    return await _update(ctx, actor, done, "action_done", f"Action item #{item_id} done by <@{actor}>{proof}")


async def reopen_action_item(ctx: Context, actor: str, item_id: int) -> ActionItem:
    item = await _changeable(ctx, actor, item_id)
    if item.status is ItemStatus.OPEN:
        raise InvalidTransition(f"Action item #{item_id} is still open.")
    reopened = replace(item, status=ItemStatus.OPEN, done_at=None, done_by=None, reopened_count=item.reopened_count + 1)
    return await _update(ctx, actor, reopened, "action_reopened", f"Action item #{item_id} reopened by <@{actor}>")


async def reassign_action_item(ctx: Context, actor: str, item_id: int, owner: str) -> ActionItem:
    if not owner:
        raise InvalidInput({"owner": "Pick the new owner."})
    item = await _changeable(ctx, actor, item_id)
    await ensure_person(ctx, owner, actor=actor, field="owner")
    moved = replace(item, owner=owner)
    return await _update(ctx, actor, moved, "action_reassigned", f"Action item #{item_id} now owned by <@{owner}>")


async def change_due_date(ctx: Context, actor: str, item_id: int, due_on: date) -> ActionItem:
    if due_on < ctx.clock.now().date():
        raise InvalidInput({"due": "The due date is in the past."})
    item = await _changeable(ctx, actor, item_id)
    if item.status is ItemStatus.DONE:
        raise InvalidTransition(f"Action item #{item_id} is done; reopen it first.")
    moved = replace(item, due_on=due_on)
    return await _update(ctx, actor, moved, "action_rescheduled", f"Action item #{item_id} now due {due_on}")


async def readable_action_items(ctx: Context, target: Target, which: str) -> tuple[Incident | None, list[ActionItem]]:
    """`/incident actions [mine|open|overdue|all]`: the items of the incident named (or whose channel this is),
    for anyone who may see it; with `mine`, or with no incident, the actor's own, from anywhere (an item is
    its owner's to see). Returns the incident listed (None: the actor's own items) and the items."""
    today = ctx.clock.now().date()
    incident = None
    async with ctx.uow(write=False) as uow:
        named = which != "mine" and (
            target.reference is not None
            or (target.channel_id is not None and await uow.incidents.get_by_channel(target.channel_id) is not None)
        )
        if named:
            incident = await visible(
                ctx, uow, actor=target.actor, reference=target.reference, channel_id=target.channel_id
            )
        query = ActionItemFilter(
            owner=target.actor if incident is None else None,
            incident_id=incident.id if incident is not None else None,
            open_only=which != "all",
            overdue_on=today if which == "overdue" else None,
            limit=200,
        )
        items = await uow.action_items.search(query)
    if incident is None and target.reference:  # `mine INC-…`: your own items there
        items = [i for i in items if i.incident_reference == target.reference]
    return incident, items


async def list_action_items(ctx: Context, query: ActionItemFilter) -> list[ActionItem]:
    async with ctx.uow(write=False) as uow:
        return await uow.action_items.search(query)
