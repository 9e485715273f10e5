"""What a batch of new alerts does to the groups (and storms) they belong to: pure, run inside the transaction
that stores the alerts, so a 2xx means the alerts AND what they changed are committed.

The recorder loads each group the batch touches (its latest episode), and how many groups each channel saw
open in the last minute; `fold_batch` applies the alerts in order and says what must follow: posts to make or
edit, storm summaries, declarations to consider, lines for linked incidents' timelines, incidents to check for
auto-resolve. The recorder writes all of that as rows in the same transaction (scheduled work for Slack).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from incidents.alerts.groups import AlertGroup, GroupChange, open_group, receive
from incidents.alerts.model import Alert, AlertStatus
from incidents.alerts.routing import RouteDecision
from incidents.alerts.storms import STORM_WINDOW, Storm, storm_joined

GroupId = tuple[str, str]  # (integration, group key)


@dataclass
class FoldOutcome:
    groups: dict[GroupId, AlertGroup] = field(default_factory=dict)  # the current group of each key touched
    changed: list[AlertGroup] = field(default_factory=list)  # each once, in first-change order
    changes: list[tuple[AlertGroup, GroupChange, Alert]] = field(default_factory=list)
    storms: dict[str, Storm] = field(default_factory=dict)  # changed storms, by channel
    _marked: set[int] = field(default_factory=set)  # ids of the objects in `changed`

    def mark(self, group: AlertGroup) -> None:
        if id(group) not in self._marked:
            self._marked.add(id(group))
            self.changed.append(group)


def fold_batch(
    alerts: Sequence[tuple[Alert, RouteDecision]],
    current: Mapping[GroupId, AlertGroup],
    *,
    now: datetime,
    refire_window: timedelta,
    storm_threshold: int,
    opened_last_minute: Mapping[str, int],
    storms: Mapping[str, Storm | None],
    default_channel: str | None,
) -> FoldOutcome:
    """Apply new (never stored before) alerts, in order, to their groups."""
    out = FoldOutcome(groups=dict(current))
    opened = dict(opened_last_minute)
    for alert, decision in alerts:
        key = (alert.integration, alert.group_key)
        group = out.groups.get(key)
        if group is None:
            group, change = open_group(alert, decision, now), GroupChange.OPENED
        else:
            group, change = receive(group, alert, decision, now, refire_window)
        if change is GroupChange.UNCHANGED:
            continue
        if change is GroupChange.OPENED:
            group.channel = group.channel or default_channel
            if group.channel and not group.silenced_by_route and group.status is not AlertStatus.RESOLVED:
                opened[group.channel] = opened.get(group.channel, 0) + 1
                if opened[group.channel] > storm_threshold:
                    _join_storm(out, storms, group, now)
        elif group.in_storm and change in (GroupChange.REPEATED, GroupChange.REFIRED):
            storm = out.storms.get(group.channel or "") or storms.get(group.channel or "")
            if storm is not None and not storm.passed(now):
                storm.alerts += 1
                storm.version += 1
                out.storms[storm.channel] = storm
        out.groups[key] = group
        out.mark(group)
        out.changes.append((group, change, alert))
    return out


def _join_storm(out: FoldOutcome, storms: Mapping[str, Storm | None], group: AlertGroup, now: datetime) -> None:
    assert group.channel is not None
    group.in_storm = True
    out.storms[group.channel] = storm_joined(
        out.storms.get(group.channel) or storms.get(group.channel), group.channel, now
    )


def storm_since(now: datetime) -> datetime:
    """Groups opened after this count towards a storm."""
    return now - STORM_WINDOW
