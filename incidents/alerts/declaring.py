"""Declaring from alerts, linking groups to incidents, and resolving incidents whose alerts all resolved.

Auto-declare goes through the core declare use case: declared by `alert:<integration>` (a system, so nobody
has acknowledged it and the acknowledgement escalation pages), detection method `monitor`, detected at and
impact start from the first alert's start, the route's service, severity and escalation policy. Its declare
key is the group's episode, so a retried declaration (a crash, the scheduler taking it over) declares once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from incidents.alerts.context import AlertsContext
from incidents.alerts.groups import AlertGroup
from incidents.alerts.model import AlertStatus
from incidents.alerts.ports import AlertsUnitOfWork
from incidents.alerts.work import post_work
from incidents.changes import Change, broadcast, plan_broadcast
from incidents.declare import TITLE_MAX, DeclareRequest, declare_incident
from incidents.lifecycle import apply_status, milestone_rank
from incidents.model import DetectionMethod, ImpactStartSource, Incident, TimelineEvent
from incidents.ports import DueWork, Notice

log = logging.getLogger(__name__)
# What a person does to an incident that makes it theirs to resolve: after one of these, alerts no longer move it.
PERSON_CHANGES = frozenset(
    {"status_changed", "severity_changed", "role_assigned", "stakeholder_update", "resolved", "reopened"}
)


def declared_by(group: AlertGroup) -> str:
    return f"alert:{group.integration}"


def alert_declare_request(actx: AlertsContext, group: AlertGroup) -> DeclareRequest:
    """What declaring from `group` asks for (also what the declare form is pre-filled with)."""
    policy, now = actx.core.policy, actx.core.clock.now()
    wanted = (group.declare or {}).get("severity") or group.severity
    severity = policy.severity(str(wanted)) if wanted else None
    # The declare rules refuse a start in the future or over a year ago: a sender's clock is not ours.
    started = min(max(group.started_at, now - timedelta(days=364)), now)
    labels = ", ".join(f"{k}={v}" for k, v in sorted(group.labels.items()))
    return DeclareRequest(
        title=group.title[:TITLE_MAX],
        severity=severity.id if severity else policy.triage.id,
        declared_by=declared_by(group),
        description=f"Declared from alert {group.title} ({group.integration}). Labels: {labels}"[:3000],
        services=[group.service] if group.service else [],
        impact_started_at=started,
        impact_start_source=ImpactStartSource.ALERT,
        detection_method=DetectionMethod.MONITOR.value,
        detected_at=started,
        escalation_policy=group.escalation_policy,
        declare_key=f"alert:{group.id}:{group.episode}",
    )


async def link_groups(
    uow: AlertsUnitOfWork, groups: list[AlertGroup], incident: Incident, now: datetime
) -> list[DueWork]:
    """Link `groups` to `incident` (in the caller's transaction): their posts show it, its timeline says so."""
    work = []
    for group in groups:
        group.incident_id, group.incident_reference = incident.id, incident.reference
        group.version += 1
        await uow.alerts.save_group(group)
        text = f"Alert linked: {group.title} ({group.integration}), {group.count} so far"
        await uow.incidents.add_event(
            incident.reference, TimelineEvent("alert", now, None, text, {"group": group.id, "change": "linked"})
        )
        if group.posts and group.channel:
            work.append(post_work(group, now))
    await uow.work.put_many(work)
    return work


async def run_declare(actx: AlertsContext, work: DueWork) -> None:
    """The scheduled declaration of a group whose route declares (see work.declare_work)."""
    group_id = int(work.data["group"])
    async with actx.uow(write=False) as uow:
        group = await uow.alerts.group(group_id)
    if group is not None and group.incident_id is None:
        declaration = await declare_incident(actx.core, alert_declare_request(actx, group))
        now = actx.core.clock.now()
        within = (group.declare or {}).get("within_s")
        async with actx.uow() as uow:
            fresh = await uow.alerts.group(group_id, lock=True)
            siblings = []
            if within is not None:  # declare_if: every group of the route that counted is part of it
                since = now - timedelta(seconds=float(within))
                siblings = [
                    g for g in await uow.alerts.unlinked_groups_of_route(group.route, since=since) if g.id != group_id
                ]
            linking = [g for g in [fresh, *siblings] if g is not None and g.incident_id is None]
            await link_groups(uow, linking, declaration.incident, now)
            await uow.work.remove(work.key)
            await uow.commit()
        _wake(actx, now)
        return
    async with actx.uow() as uow:
        await uow.work.remove(work.key)
        await uow.commit()


async def run_auto_resolve(actx: AlertsContext, work: DueWork) -> None:
    """Move the incident to `alerts.on_all_resolved` when every linked group has resolved and no person has
    changed it since the last alert fired (see PERSON_CHANGES). Never backwards, never to closed."""
    reference = str(work.data["reference"])
    policy, now = actx.core.policy, actx.core.clock.now()
    target = policy.status(policy.alerts.on_all_resolved)
    planned = None
    async with actx.uow() as uow:
        incident = await uow.incidents.get(reference)
        await uow.work.remove(work.key)
        if (
            incident is not None
            and incident.id is not None
            and target is not None
            and await _may_resolve(uow, incident)
        ):
            current = policy.status(incident.status)
            if current is not None and current.id != target.id and milestone_rank(current) < milestone_rank(target):
                apply_status(incident, policy, target, now)
                text = f"Status {current.name} → {target.name}: every linked alert has resolved"
                event = TimelineEvent(
                    "status_changed", now, None, text, {"from": current.id, "to": target.id, "by": "alerts"}
                )
                await uow.incidents.save(incident)
                await uow.incidents.add_event(reference, event)
                if actx.core.planner is not None:
                    await actx.core.planner.incident_changed(uow, incident)
                change = Change(event, Notice("status_changed", None, text))
                planned = await plan_broadcast(actx.core, uow, incident, change, actor=None)
        await uow.commit()
    if planned is not None and incident is not None:
        await broadcast(actx.core, incident, planned)


async def _may_resolve(uow: AlertsUnitOfWork, incident: Incident) -> bool:
    assert incident.id is not None
    groups = await uow.alerts.groups_for_incident(incident.id)
    if not groups or any(g.status is not AlertStatus.RESOLVED for g in groups):
        return False
    events = await uow.incidents.events(incident.reference)
    fired = [e.at for e in events if e.kind == "alert" and e.data.get("change") in ("opened", "refired", "linked")]
    since = max(fired, default=incident.declared_at)
    return not any(
        e.at >= since and e.kind in PERSON_CHANGES and e.actor and not e.actor.startswith("alert:") for e in events
    )


def _wake(actx: AlertsContext, at: datetime) -> None:
    if actx.core.outbox.on_due is not None:
        actx.core.outbox.on_due(at)
