"""Alert groups: one problem, one Slack post, one count. How each arriving alert changes its group.

A group is found by its key (see grouping.py) within its integration. Its status is the status of the latest
alert it received: every alert of a group is the same alert (same fingerprint, or the same labels) as its
sender saw it over time, so "resolved when all its alerts have" is "resolved when the latest says so". The
route is decided when the group opens (its channel, escalation policy and declare plan stay with it), so a
resolve that a later route would send elsewhere still closes the group its firing opened. A firing alert for
a group resolved at most `alerts.refire_window` ago reopens it (`refired`); later, it opens a new episode
(a new group, with its own post).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from incidents.alerts.model import Alert, AlertLink, AlertStatus
from incidents.alerts.routing import RouteDecision

# What a group keeps of a sender's free text (the storage columns' sizes): a sender's long title or odd
# service name is cut, never a reason to refuse a body.
TITLE_MAX, SEVERITY_MAX, SERVICE_MAX = 300, 40, 80


def _cut(text: str | None, limit: int) -> str | None:
    return text[:limit] if text else text


class GroupChange(StrEnum):
    """What an alert did to its group; the first four go on a linked incident's timeline."""

    OPENED = "opened"
    REPEATED = "repeated"
    RESOLVED = "resolved"
    REFIRED = "refired"
    ACKNOWLEDGED = "acknowledged"  # by the sender (PagerDuty, Opsgenie)
    UNCHANGED = "unchanged"  # a resolve for a group already resolved, say


@dataclass
class AlertGroup:
    integration: str
    group_key: str
    episode: int
    title: str
    status: AlertStatus
    route: str
    channel: str | None
    escalation_policy: str | None
    declare: dict[str, Any] | None  # the route's DeclarePlan as data: {severity, count, within_s}
    silenced_by_route: bool
    started_at: datetime  # the first alert's start: the impact start of an incident declared from it
    first_seen: datetime
    last_seen: datetime
    count: int = 1  # firing alerts received (repeats included)
    source_severity: str | None = None
    severity: str | None = None
    service: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    links: list[AlertLink] = field(default_factory=list)
    resolved_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    silenced_until: datetime | None = None
    silenced_until_resolved: bool = False
    silenced_by: str | None = None
    incident_id: int | None = None
    incident_reference: str | None = None
    in_storm: bool = False  # opened during a storm: counted in the channel's storm summary, no post of its own
    post_ts: str | None = None
    posted_at: datetime | None = None
    version: int = 1  # bumped by every change that shows in its post
    posted_version: int = 0
    id: int | None = None

    def silenced(self, now: datetime) -> bool:
        if self.silenced_by_route:
            return True
        if self.silenced_until_resolved and self.status is not AlertStatus.RESOLVED:
            return True
        return self.silenced_until is not None and now < self.silenced_until

    @property
    def posts(self) -> bool:
        """Whether this group has a post of its own (not silenced by its route, not folded into a storm)."""
        return not self.silenced_by_route and not self.in_storm

    @property
    def needs_post(self) -> bool:
        """A change to show; a group first heard of resolved has nothing to act on, so it gets no post."""
        shown_before = self.post_ts is not None or self.status is not AlertStatus.RESOLVED
        return self.posts and self.posted_version < self.version and shown_before


def _declare_data(decision: RouteDecision) -> dict[str, Any] | None:
    plan = decision.declare
    if plan is None:
        return None
    within = plan.within.total_seconds() if plan.within is not None else None
    return {"severity": plan.severity, "count": plan.count, "within_s": within}


def open_group(alert: Alert, decision: RouteDecision, now: datetime, *, episode: int = 1) -> AlertGroup:
    """A new group for `alert` (already routed by `decision`)."""
    resolved = alert.status is AlertStatus.RESOLVED
    return AlertGroup(
        integration=alert.integration,
        group_key=alert.group_key,
        episode=episode,
        title=alert.title[:TITLE_MAX],
        status=alert.status,
        route=decision.route,
        channel=decision.channel,
        escalation_policy=decision.escalation_policy,
        declare=_declare_data(decision),
        silenced_by_route=decision.silenced,
        started_at=alert.started_at,
        first_seen=now,
        last_seen=now,
        count=0 if resolved else 1,
        source_severity=_cut(alert.source_severity, SEVERITY_MAX),
        severity=alert.severity,
        service=_cut(alert.service, SERVICE_MAX),
        labels=dict(alert.labels),
        links=list(alert.links),
        resolved_at=now if resolved else None,
    )


def receive(
    group: AlertGroup, alert: Alert, decision: RouteDecision, now: datetime, refire_window: timedelta
) -> tuple[AlertGroup, GroupChange]:
    """`group` after `alert` arrived: the same group changed in place, or a new episode (a new group)."""
    if alert.status is AlertStatus.RESOLVED:
        if group.status is AlertStatus.RESOLVED:
            return group, GroupChange.UNCHANGED
        # When Firebreak learnt it (not the sender's endsAt, which a late or replayed delivery puts in the
        # past): the refire window runs from here.
        group.status, group.resolved_at = AlertStatus.RESOLVED, now
        group.silenced_until_resolved = False  # its silence ends here: a re-firing is news again
        _touched(group, alert, now)
        return group, GroupChange.RESOLVED
    if alert.status is AlertStatus.ACKNOWLEDGED:
        if group.status is not AlertStatus.FIRING:
            return group, GroupChange.UNCHANGED
        group.status = AlertStatus.ACKNOWLEDGED
        _touched(group, alert, now)
        return group, GroupChange.ACKNOWLEDGED
    if group.status is AlertStatus.RESOLVED:
        assert group.resolved_at is not None
        if now - group.resolved_at > refire_window:
            return open_group(alert, decision, now, episode=group.episode + 1), GroupChange.OPENED
        group.status, group.resolved_at = AlertStatus.FIRING, None
        group.count += 1
        _touched(group, alert, now)
        return group, GroupChange.REFIRED
    group.count += 1
    group.status = AlertStatus.FIRING if group.status is AlertStatus.FIRING else group.status
    _touched(group, alert, now)
    return group, GroupChange.REPEATED


def _touched(group: AlertGroup, alert: Alert, now: datetime) -> None:
    group.last_seen = max(group.last_seen, now)
    group.title = alert.title[:TITLE_MAX] or group.title
    if alert.labels:
        group.labels = dict(alert.labels)
    if alert.links:
        group.links = list(alert.links)
    group.version += 1


def copy_group(group: AlertGroup) -> AlertGroup:
    return replace(group, labels=dict(group.labels), links=list(group.links))
