"""Changing a running incident: status, severity, roles, resolution, reopening, stakeholder updates.

Each use case: find the incident and check the actor may change it, apply the change in one transaction
(with a timeline event saying who, when, from and to, and its Slack effects as durable work: see effects.py),
then tell the channel and refresh the pinned summary at once. Chat failures after the commit never undo the
change: what may still succeed is retried later; what cannot comes back as `problems` for the actor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from incidents import effects
from incidents.access import ensure_can_change, locate
from incidents.context import Context
from incidents.effect_runner import perform
from incidents.effects import Planned, plan_effects
from incidents.errors import InvalidInput, InvalidTransition
from incidents.lifecycle import acknowledge, apply_status
from incidents.model import Incident, TimelineEvent
from incidents.people import ensure_person
from incidents.ports import Notice, UnitOfWork


@dataclass(frozen=True)
class Target:
    """Who acts on which incident: by reference, or implicitly by the channel the command came from."""

    actor: str
    reference: str | None = None
    channel_id: str | None = None


@dataclass(frozen=True)
class ChangeResult:
    incident: Incident
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    event: TimelineEvent
    notice: Notice
    extra_channels: Sequence[str] = ()


Mutation = Callable[[Incident], Change]


async def authorize(ctx: Context, target: Target, *, doing: str = "change it") -> Incident:
    """The incident `target` names, once it is certain the actor may change it (before opening a form).
    `doing` names the change in a refusal (see access.ensure_can_change)."""
    async with ctx.uow(write=False) as uow:
        incident = await locate(uow, reference=target.reference, channel_id=target.channel_id)
        await ensure_can_change(ctx, uow, incident, target.actor, doing=doing)
    return incident


async def _apply(ctx: Context, target: Target, mutate: Mutation, *, invite: Sequence[str] = ()) -> ChangeResult:
    incident = await authorize(ctx, target)
    for user_id in invite:  # people named for a role: checked before anything is written
        await ensure_person(ctx, user_id, actor=target.actor, field="user")
    async with ctx.uow() as uow:
        # Re-read inside the write transaction so concurrent changes are applied one after another.
        fresh = await uow.incidents.get(incident.reference)
        assert fresh is not None
        change = mutate(fresh)
        await uow.incidents.save(fresh)
        await uow.incidents.add_event(fresh.reference, change.event)
        if invite:
            await uow.incidents.add_members(fresh.reference, invite, change.event.at)
        if ctx.planner is not None:
            await ctx.planner.incident_changed(uow, fresh)
        planned = await plan_broadcast(ctx, uow, fresh, change, actor=target.actor, invite=invite)
        await uow.commit()
    return ChangeResult(fresh, await broadcast(ctx, fresh, planned))


async def plan_broadcast(
    ctx: Context, uow: UnitOfWork, incident: Incident, change: Change, *, actor: str | None, invite: Sequence[str] = ()
) -> Planned | None:
    """In the change's transaction: its Slack effects (invite, tell the channels, refresh the summary), as
    durable work. None when the incident has no channel to tell."""
    if incident.channel_id is None or incident.id is None:
        return None
    now = ctx.clock.now()
    planned = [effects.invite(incident, invite, now, tell=actor)] if invite else []
    for channel in [incident.channel_id, *change.extra_channels]:
        planned.append(effects.notice(incident, channel, change.notice, now, tell=actor))
    # Also without a summary yet: a refresh queued behind the summary's post shows what changed meanwhile.
    planned.append(effects.refresh_summary(incident, now, tell=actor))
    return await plan_effects(ctx, uow, incident.id, planned)


async def broadcast(ctx: Context, incident: Incident, planned: Planned | None) -> list[str]:
    """After the commit: do the planned effects at once; returns what was given up (what may still succeed is
    retried by the scheduler, and nobody is told about it)."""
    if planned is None:
        return ["The incident has no channel, so nobody was told in Slack."]
    return await perform(ctx, planned, incident)


def _status_name(ctx: Context, status_id: str) -> str:
    status = ctx.policy.status(status_id)
    return status.name if status else status_id


async def change_status(ctx: Context, target: Target, status_id: str, note: str = "") -> ChangeResult:
    """Move the incident to another status of the policy, recording the timestamps the rules say."""
    new = ctx.policy.status(status_id)
    if new is None:
        names = ", ".join(s.id for s in ctx.policy.statuses)
        raise InvalidInput({"status": f"Unknown status “{status_id}”. Choose one of: {names}."})

    def mutate(incident: Incident) -> Change:
        old = incident.status
        if old == new.id:
            raise InvalidTransition(f"{incident.reference} is already {new.name}.")
        at = ctx.clock.now()
        cleared = apply_status(incident, ctx.policy, new, at)
        if new.marks == "resolved" and note:
            incident.resolution_summary = note
        text = f"Status {_status_name(ctx, old)} → {new.name}" + (f": {note}" if note else "")
        return Change(
            TimelineEvent(
                "status_changed", at, target.actor, text, {"from": old, "to": new.id, "note": note, "cleared": cleared}
            ),
            Notice("status_changed", target.actor, text),
        )

    return await _apply(ctx, target, mutate)


async def change_severity(ctx: Context, target: Target, severity_id: str, note: str = "") -> ChangeResult:
    new = ctx.policy.severity(severity_id)
    if new is None:
        names = ", ".join(s.id for s in ctx.policy.severity_choices())
        raise InvalidInput({"severity": f"Unknown severity “{severity_id}”. Choose one of: {names}."})

    def mutate(incident: Incident) -> Change:
        old = incident.severity
        if old == new.id:
            raise InvalidTransition(f"{incident.reference} is already {new.id}.")
        at = ctx.clock.now()
        incident.severity = new.id
        acknowledge(incident, at)
        text = f"Severity {old} → {new.id} ({new.name})" + (f": {note}" if note else "")
        return Change(
            TimelineEvent("severity_changed", at, target.actor, text, {"from": old, "to": new.id, "note": note}),
            Notice("severity_changed", target.actor, text),
        )

    return await _apply(ctx, target, mutate)


async def assign_role(ctx: Context, target: Target, role_id: str, user_id: str) -> ChangeResult:
    """Give a role to a user (replacing its holder) and invite them to the channel."""
    role = ctx.policy.role(role_id)
    if role is None:
        names = ", ".join(r.id for r in ctx.policy.roles)
        raise InvalidInput({"role": f"Unknown role “{role_id}”. Choose one of: {names}."})
    if not user_id:
        raise InvalidInput({"user": "Name the person, e.g. `/incident role commander @alex`."})

    def mutate(incident: Incident) -> Change:
        previous = incident.roles.get(role.id)
        if previous == user_id:
            raise InvalidTransition(f"<@{user_id}> is already {role.name}.")
        at = ctx.clock.now()
        incident.roles[role.id] = user_id
        acknowledge(incident, at)
        was = f" (was <@{previous}>)" if previous else ""
        text = f"<@{user_id}> is now {role.name}{was}"
        return Change(
            TimelineEvent("role_assigned", at, target.actor, text, {"role": role.id, "from": previous, "to": user_id}),
            Notice("role_assigned", target.actor, text),
        )

    return await _apply(ctx, target, mutate, invite=[user_id])


async def resolve(ctx: Context, target: Target, summary: str) -> ChangeResult:
    """Resolve with a summary of what fixed it; the summary is what the postmortem starts from."""
    if not summary.strip():
        raise InvalidInput({"summary": "Say in a sentence or two what resolved it."})
    if len(summary) > 3000:
        raise InvalidInput({"summary": "Keep the resolution summary to 3000 characters."})
    resolved = ctx.policy.resolved_status

    def mutate(incident: Incident) -> Change:
        if not ctx.policy.is_open(incident.status):
            raise InvalidTransition(f"{incident.reference} is already {_status_name(ctx, incident.status)}.")
        at, old = ctx.clock.now(), incident.status
        cleared = apply_status(incident, ctx.policy, resolved, at)
        incident.resolution_summary = summary.strip()
        text = f"Resolved: {incident.resolution_summary}"
        return Change(
            TimelineEvent(
                "resolved",
                at,
                target.actor,
                text,
                {"from": old, "to": resolved.id, "summary": incident.resolution_summary, "cleared": cleared},
            ),
            Notice("resolved", target.actor, text),
        )

    return await _apply(ctx, target, mutate)


async def reopen(ctx: Context, target: Target, reason: str = "") -> ChangeResult:
    """Reopen a resolved or closed incident; see lifecycle.py for which timestamps are kept."""
    to = ctx.policy.reopen_to

    def mutate(incident: Incident) -> Change:
        if ctx.policy.is_open(incident.status):
            raise InvalidTransition(f"{incident.reference} is still open ({_status_name(ctx, incident.status)}).")
        at, old = ctx.clock.now(), incident.status
        cleared = apply_status(incident, ctx.policy, to, at)
        incident.reopened_count += 1
        text = f"Reopened ({_status_name(ctx, old)} → {to.name})" + (f": {reason}" if reason else "")
        return Change(
            TimelineEvent(
                "reopened", at, target.actor, text, {"from": old, "to": to.id, "reason": reason, "cleared": cleared}
            ),
            Notice("reopened", target.actor, text),
        )

    return await _apply(ctx, target, mutate)


async def acknowledge_incident(ctx: Context, target: Target) -> ChangeResult:
    """Someone takes it: stops the acknowledgement escalation (MTTA is measured to here)."""

    def mutate(incident: Incident) -> Change:
        if incident.acknowledged_at is not None:
            raise InvalidTransition(f"{incident.reference} is already acknowledged.")
        at = ctx.clock.now()
        acknowledge(incident, at)
        text = f"<@{target.actor}> acknowledged {incident.reference}"
        return Change(TimelineEvent("acknowledged", at, target.actor, text), Notice("acknowledged", target.actor, text))

    return await _apply(ctx, target, mutate)
