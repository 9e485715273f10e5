"""Publishing a postmortem (which closes the incident), and reading one outside Slack (the command line)."""

from __future__ import annotations

from dataclasses import dataclass, field

from incidents.changes import Change, Target, authorize, broadcast, plan_broadcast
from incidents.context import Context
from incidents.errors import InvalidTransition, NotFound
from incidents.lifecycle import apply_status
from incidents.model import Incident, TimelineEvent
from incidents.naming import normalise_reference
from incidents.policy import Policy
from incidents.ports import Clock, Notice, UnitOfWorkFactory
from incidents.postmortem_doc import Postmortem, PostmortemStatus
from incidents.postmortem_ports import Drafter, DraftRequest


@dataclass(frozen=True)
class Publication:
    incident: Incident
    postmortem: Postmortem
    closed: bool  # False when the policy has no status marking `closed`, or it was closed already
    announce_to: str | None  # the announcement channel, unless the incident is private or there is none
    problems: list[str] = field(default_factory=list)


async def publish_postmortem(ctx: Context, target: Target) -> Publication:
    """In review → published, in one transaction with closing the incident (the lifecycle rules apply)."""
    incident = await authorize(ctx, target)
    assert incident.id is not None
    if ctx.policy.is_open(incident.status):
        raise InvalidTransition(f"Resolve {incident.reference} before publishing its postmortem.")
    closing = ctx.policy.status_marking("closed")
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        fresh = await uow.incidents.get(incident.reference)
        current = await uow.postmortems.current(incident.id)
        assert fresh is not None
        if current is None:
            raise NotFound(f"{incident.reference} has no postmortem yet: `/incident postmortem` drafts one.")
        if current.status is PostmortemStatus.PUBLISHED:
            raise InvalidTransition(f"{incident.reference}'s postmortem is already published.")
        if current.status is PostmortemStatus.DRAFT:
            raise InvalidTransition("Send it for review first: `/incident postmortem review`.")
        await uow.postmortems.set_status(incident.id, PostmortemStatus.PUBLISHED, at=now, by=target.actor)
        fresh.postmortem_published_at = now
        text = f"Postmortem v{current.version} published"
        event = TimelineEvent("postmortem_published", now, target.actor, text, {"version": current.version})
        events = [event]
        closed = closing is not None and fresh.status != closing.id
        if closing is not None and closed:
            old = fresh.status
            cleared = apply_status(fresh, ctx.policy, closing, now)
            change = f"Status {_name(ctx.policy, old)} → {closing.name}"
            data = {"from": old, "to": closing.id, "note": text, "cleared": cleared}
            events.append(TimelineEvent("status_changed", now, target.actor, f"{change}: {text}", data))
            text += f"; {_name(ctx.policy, old)} → {closing.name}"
        await uow.incidents.save(fresh)
        for recorded in events:
            await uow.incidents.add_event(fresh.reference, recorded)
        if ctx.planner is not None:
            await ctx.planner.incident_changed(uow, fresh)
        stored = await uow.postmortems.current(incident.id)
        notice = Change(event, Notice("postmortem_published", target.actor, text))
        planned = await plan_broadcast(ctx, uow, fresh, notice, actor=target.actor)
        await uow.commit()
    assert stored is not None
    problems = await broadcast(ctx, fresh, planned)
    announce = ctx.policy.channels.announcement if not fresh.private else None
    return Publication(fresh, stored, closed, announce, problems)


def _name(policy: Policy, status_id: str) -> str:
    status = policy.status(status_id)
    return status.name if status else status_id


async def postmortem_to_print(
    uow: UnitOfWorkFactory, drafter: Drafter, policy: Policy, clock: Clock, reference: str
) -> Postmortem:
    """For operators with database access: the stored current version, else a draft made now (version 0,
    not stored). No Slack: people appear by their user ids."""
    async with uow(write=False) as work:
        incident = await work.incidents.get(normalise_reference(reference) or reference)
        if incident is None or incident.id is None:
            raise NotFound(f"There is no incident {reference.upper()}.")
        stored = await work.postmortems.current(incident.id)
        entries = [] if stored else await work.timeline.entries(incident.id)
    if stored is not None:
        return stored
    document = await drafter.draft(DraftRequest(incident, entries, {}, policy))
    return Postmortem(incident.id, incident.reference, 0, PostmortemStatus.DRAFT, document, clock.now(), None, "")
