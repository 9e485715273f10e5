"""Paging by hand (`/incident page`) and acknowledging a page (its DM's **Acknowledge**).

A page by hand is scheduled work like a policy's steps, due now, so it is sent once whatever happens to the
process: a person, whoever is on call for a schedule, or every step of a policy (then **Acknowledge** on any
of its pages stops the rest). Inside an incident's channel the page is linked to the incident: stored with
it, noted on its timeline and in its channel. Acknowledging a page also acknowledges its incident, which
stops that incident's own escalation policy.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from incidents.changes import Target, acknowledge_incident
from incidents.context import Context
from incidents.errors import InvalidInput, InvalidTransition, NotFound
from incidents.model import Incident
from incidents.oncall.paging_plan import PAGE_KIND, page_work
from incidents.ports import DueWork

MESSAGE_MAX = 500


@dataclass(frozen=True)
class PageRequest:
    actor: str
    user: str | None = None
    schedule: str | None = None
    policy: str | None = None
    message: str = ""
    channel_id: str | None = None


@dataclass(frozen=True)
class Paged:
    incident: Incident | None
    what: str  # "user", "schedule" or "policy"
    name: str


async def page_now(ctx: Context, request: PageRequest) -> Paged:
    """Page someone now; linked to the incident whose channel this is asked in, if it is one."""
    oncall = ctx.policy.oncall
    if len(request.message) > MESSAGE_MAX:
        raise InvalidInput({"message": f"Keep the message to {MESSAGE_MAX} characters."})
    if request.schedule is not None and request.schedule not in oncall.schedules:
        raise NotFound(f"There is no schedule `{request.schedule}`.")
    if request.policy is not None and request.policy not in oncall.escalation_policies:
        raise NotFound(f"There is no escalation policy `{request.policy}`.")
    now = ctx.clock.now()
    group = "p" + secrets.token_hex(8)
    async with ctx.uow() as uow:
        incident = await uow.incidents.get_by_channel(request.channel_id) if request.channel_id else None
        reference = incident.reference if incident is not None else None
        extra = {"paged_by": request.actor, "message": request.message}
        if request.policy is not None:
            works = page_work(oncall, request.policy, group=group, start=now, reference=reference, incident_id=None)
            works = [DueWork(w.key, w.kind, w.due_at, data={**w.data, **extra}) for w in works]
            what, name = "policy", request.policy
        else:
            target = {"schedule": request.schedule} if request.schedule else {"users": [request.user]}
            data = {"reference": reference, "group": group, "run": 0, "step": 0, "target": target, **extra}
            works = [DueWork(f"page:{group}:direct:0:0", PAGE_KIND, now, data=data)]
            what, name = ("schedule", request.schedule) if request.schedule else ("user", request.user or "")
        await uow.work.put_many(works)
        await uow.commit()
    wake = getattr(ctx.planner, "on_due", None)  # the scheduler's timer, where one runs
    if wake is not None:
        wake(now)
    return Paged(incident, what, name)


@dataclass(frozen=True)
class PageAcknowledged:
    reference: str | None
    already: bool


async def acknowledge_page(ctx: Context, user: str, value: str) -> PageAcknowledged:
    """The page (and its incident, if it has one and nobody acknowledged it yet) acknowledged by `user`."""
    page_id, _, reference = value.partition(" ")
    async with ctx.uow() as uow:
        page = await uow.oncall.page(page_id)
        if page is None and not reference:  # (a page of an incident, acknowledged the instant it came: go on)
            raise NotFound("That page is no longer known.")
        fresh = await uow.oncall.acknowledge_page(page_id, ctx.clock.now(), user) if page is not None else True
        await uow.commit()
    incident_already = True
    if reference:
        try:
            await acknowledge_incident(ctx, Target(actor=user, reference=reference))
            incident_already = False
        except InvalidTransition:
            pass  # someone acknowledged the incident already
    return PageAcknowledged(reference or None, already=not fresh and incident_already)
