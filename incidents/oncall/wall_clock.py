"""Wall-clock times in a schedule's timezone turned into instants, with one rule for DST changes.

The rule: a wall-clock time happens at the first instant the local clock shows that time or a later one.
- Spring forward (a time that does not exist, e.g. 02:30 in Europe/Berlin on the last Sunday of March): it
  happens at the change itself, the first valid instant after the gap (03:00 CEST).
- Fall back (a time that happens twice, e.g. 02:30 on the last Sunday of October): the first occurrence
  (02:30 CEST, Python's `fold=0`).
Unlike RFC 5545's reading of a gap time (shifted by the gap's length), this rule never puts a later wall-clock
time at an earlier instant, so consecutive boundaries never cross: no gap and no double cover at a change.
Boundaries are always computed this way from local dates; never by adding a timedelta to an instant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def wall_clock_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the clock in `zone` first shows `local` (naive) or a later time."""
    instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if local_reading(instant, zone) == local:
        return instant
    return _end_of_gap(local, zone)


def local_reading(instant: datetime, zone: ZoneInfo) -> datetime:
    """What a clock in `zone` shows at `instant`, as a naive datetime."""
    return instant.astimezone(zone).replace(tzinfo=None)


def _end_of_gap(local: datetime, zone: ZoneInfo) -> datetime:
    """The DST change that skips over `local`: the first instant whose reading is at or after it.

    The change lies between the two readings Python offers (the offset before and after it); the search
    is over whole seconds, since zone transitions fall on them, and runs only for times inside a gap.
    """
    low = int(local.replace(tzinfo=zone, fold=1).timestamp())  # the offset after the change: reads earlier
    high = int(local.replace(tzinfo=zone, fold=0).timestamp()) + 1  # the offset before it: reads later
    while high - low > 1:
        middle = (low + high) // 2
        if local_reading(datetime.fromtimestamp(middle, UTC), zone) >= local:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)
