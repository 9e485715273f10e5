"""Storms: past `alerts.storm_threshold` new groups a minute in one channel, the channel gets one summary
message that keeps count, instead of a post per group. When fewer groups open again, posts resume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

STORM_WINDOW = timedelta(minutes=1)


@dataclass
class Storm:
    channel: str
    started_at: datetime
    last_group_at: datetime
    groups: int = 0  # groups folded into this storm's summary
    alerts: int = 0  # firing alerts those groups received
    ts: str | None = None
    version: int = 1
    posted_version: int = 0
    posted_at: datetime | None = None

    def passed(self, now: datetime) -> bool:
        """No group has joined for a whole window: the next storm in this channel gets a new summary."""
        return now - self.last_group_at > STORM_WINDOW


def storm_joined(storm: Storm | None, channel: str, now: datetime) -> Storm:
    """The channel's storm after one more group joined it (a new storm when the last one passed)."""
    if storm is None or storm.passed(now):
        return Storm(channel=channel, started_at=now, last_group_at=now, groups=1, alerts=1)
    storm.groups += 1
    storm.alerts += 1
    storm.last_group_at = now
    storm.version += 1
    return storm
