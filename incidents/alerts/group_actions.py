"""What people do to an alert group from its post: acknowledge, silence, link to an incident, declare from it.

Each is one transaction that changes the group (its post is edited through the same coalesced work as
repeats) and, when the group is linked, says so on the incident's timeline.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from incidents.alerts.context import AlertsContext
from incidents.alerts.declaring import alert_declare_request, link_groups
from incidents.alerts.groups import AlertGroup
from incidents.alerts.model import AlertStatus
from incidents.alerts.ports import AlertsUnitOfWork
from incidents.alerts.work import post_work
from incidents.declare import Declaration, DeclareRequest, declare_incident
from incidents.errors import InvalidInput, InvalidTransition, NotFound
from incidents.model import DetectionMethod, ImpactStartSource, Incident, TimelineEvent

SILENCES = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "24h": timedelta(hours=24)}
UNTIL_RESOLVED = "resolved"


async def _group(uow: AlertsUnitOfWork, group_id: int) -> AlertGroup:
    group = await uow.alerts.group(group_id, lock=True)
    if group is None:
        raise NotFound("That alert is no longer known.")
    return group


async def _changed(actx: AlertsContext, uow: AlertsUnitOfWork, group: AlertGroup, text: str, actor: str) -> None:
    now = actx.core.clock.now()
    group.version += 1
    await uow.alerts.save_group(group)
    if group.incident_reference:
        data = {"group": group.id, "change": "person"}
        await uow.incidents.add_event(group.incident_reference, TimelineEvent("alert", now, actor, text, data))
    if group.posts and group.channel:
        await uow.work.put_many([post_work(group, now)])


def _wake(actx: AlertsContext, at: datetime) -> None:
    if actx.core.outbox.on_due is not None:
        actx.core.outbox.on_due(at)


async def acknowledge_group(actx: AlertsContext, group_id: int, actor: str) -> AlertGroup:
    """Someone is looking at it: the post says who (it does not page or change any incident)."""
    async with actx.uow() as uow:
        group = await _group(uow, group_id)
        if group.acknowledged_by is not None:
            raise InvalidTransition(f"<@{group.acknowledged_by}> already acknowledged this alert.")
        group.acknowledged_by, group.acknowledged_at = actor, actx.core.clock.now()
        await _changed(actx, uow, group, f"<@{actor}> acknowledged alert {group.title}", actor)
        await uow.commit()
    _wake(actx, actx.core.clock.now())
    return group


async def silence_group(actx: AlertsContext, group_id: int, choice: str, actor: str) -> AlertGroup:
    """Silence for 1h, 4h, 24h, or until it resolves: repeats are counted, but declare nothing meanwhile."""
    now = actx.core.clock.now()
    if choice not in SILENCES and choice != UNTIL_RESOLVED:
        raise InvalidInput({"silence": f"Silence for {', '.join(SILENCES)} or until resolved."})
    async with actx.uow() as uow:
        group = await _group(uow, group_id)
        if group.status is AlertStatus.RESOLVED:
            raise InvalidTransition("This alert has resolved: there is nothing to silence.")
        group.silenced_by = actor
        group.silenced_until_resolved = choice == UNTIL_RESOLVED
        group.silenced_until = None if choice == UNTIL_RESOLVED else now + SILENCES[choice]
        label = "until it resolves" if choice == UNTIL_RESOLVED else f"for {choice}"
        await _changed(actx, uow, group, f"<@{actor}> silenced alert {group.title} {label}", actor)
        await uow.commit()
    _wake(actx, now)
    return group


async def link_group(actx: AlertsContext, group_id: int, reference: str, actor: str) -> Incident:
    """Link the group to an open incident: its post shows it, alert changes go on that incident's timeline."""
    now = actx.core.clock.now()
    async with actx.uow() as uow:
        group = await _group(uow, group_id)
        incident = await uow.incidents.get(reference)
        if incident is None or not actx.core.policy.is_open(incident.status):
            raise InvalidInput({"incident": f"{reference} is not an open incident."})
        if group.incident_id is not None:
            raise InvalidTransition(f"This alert is already linked to {group.incident_reference}.")
        await link_groups(uow, [group], incident, now)
        await uow.commit()
    _wake(actx, now)
    return incident


def declare_form_request(actx: AlertsContext, group: AlertGroup) -> DeclareRequest:
    """What the declare form opened from the group's post is pre-filled with."""
    return alert_declare_request(actx, group)


async def declare_from_group(actx: AlertsContext, group_id: int, request: DeclareRequest) -> Declaration:
    """Declare from the form opened on the group's post: a person declares (and commands) it, detected by a
    monitor at the alert's start, impact start the alert's unless they entered another; the group is linked."""
    async with actx.uow(write=False) as uow:
        group = await uow.alerts.group(group_id)
    if group is None:
        raise NotFound("That alert is no longer known.")
    entered = request.impact_started_at is not None and request.impact_started_at != group.started_at
    request = replace(
        request,
        impact_started_at=request.impact_started_at or group.started_at,
        impact_start_source=ImpactStartSource.ENTERED if entered else ImpactStartSource.ALERT,
        detection_method=DetectionMethod.MONITOR.value,
        detected_at=group.started_at,
        escalation_policy=group.escalation_policy,
    )
    declaration = await declare_incident(actx.core, request)
    now = actx.core.clock.now()
    async with actx.uow() as uow:
        fresh = await _group(uow, group_id)
        if fresh.incident_id is None:
            await link_groups(uow, [fresh], declaration.incident, now)
        await uow.commit()
    _wake(actx, now)
    return declaration
