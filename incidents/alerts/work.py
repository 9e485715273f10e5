"""What alerts leave to do after their transaction commits, as rows of scheduled work (durable, retried by the
scheduler, Retry-After honoured): posting or editing a group's message, a storm summary, a declaration to
consider, an incident to check for auto-resolve. Written in the transaction that stores the alerts.

Posts are coalesced and throttled: one row per group (`alert-post:<id>`). A change while the row is pending
adds nothing (the row renders the group as it is when it runs); the row is due no sooner than POST_GAP after
the group's last post, so a group's message is edited at most once per POST_GAP however many repeats arrive.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from incidents.alerts.groups import AlertGroup, GroupChange
from incidents.alerts.model import Alert
from incidents.alerts.storms import Storm
from incidents.model import TimelineEvent
from incidents.ports import DueWork

POST, STORM, DECLARE, RESOLVE = "alert_post", "alert_storm", "alert_declare", "alert_resolve"
ALERT_WORK_KINDS = (POST, STORM, DECLARE, RESOLVE)
POST_GAP = timedelta(seconds=5)
# Repeats that go on a linked incident's timeline: the first few, then every power of ten.
_MILESTONES = frozenset({2, 3, 5, 10, 100, 1_000, 10_000, 100_000, 1_000_000})


def _not_before(posted_at: datetime | None, now: datetime) -> datetime:
    return now if posted_at is None else max(now, posted_at + POST_GAP)


def post_work(group: AlertGroup, now: datetime) -> DueWork:
    assert group.id is not None
    return DueWork(f"alert-post:{group.id}", POST, _not_before(group.posted_at, now), data={"group": group.id})


def storm_work(storm: Storm, now: datetime) -> DueWork:
    return DueWork(
        f"alert-storm:{storm.channel}", STORM, _not_before(storm.posted_at, now), data={"channel": storm.channel}
    )


def declare_work(group: AlertGroup, now: datetime) -> DueWork:
    assert group.id is not None
    return DueWork(f"alert-declare:{group.id}", DECLARE, now, data={"group": group.id})


def resolve_work(group: AlertGroup, now: datetime) -> DueWork:
    assert group.incident_id is not None
    key = f"alert-resolve:{group.incident_id}"
    return DueWork(key, RESOLVE, now, incident_id=group.incident_id, data={"reference": group.incident_reference})


def declares_now(group: AlertGroup, change: GroupChange, now: datetime) -> bool:
    """Whether this change may declare: a firing group of a declaring route, not linked to an incident yet,
    not silenced (by its route or by a person)."""
    return (
        group.declare is not None
        and group.incident_id is None
        and change in (GroupChange.OPENED, GroupChange.REPEATED, GroupChange.REFIRED)
        and not group.silenced(now)
    )


def timeline_event(group: AlertGroup, change: GroupChange, alert: Alert, now: datetime) -> TimelineEvent | None:
    """The line a change puts on the linked incident's timeline (a system entry), or None for a plain repeat."""
    name = f"{group.title} ({group.integration})"
    if change is GroupChange.REPEATED:
        if group.count not in _MILESTONES:
            return None
        text = f"Alert repeated: {name}, {group.count} times so far"
    elif change is GroupChange.RESOLVED:
        text = f"Alert resolved: {name}"
    elif change is GroupChange.REFIRED:
        text = f"Alert fired again: {name}"
    elif change is GroupChange.ACKNOWLEDGED:
        text = f"Alert acknowledged at the source: {name}"
    else:
        text = f"Alert fired: {name}"
    data = {"group": group.id, "change": change.value, "count": group.count, "status": alert.status.value}
    return TimelineEvent("alert", now, None, text, data)
