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

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def wall_clock_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the clock in `zone` first shows `local` (naive) or a later time."""
    days = _STEADY_DAYS.get(zone)
    if days is None:
        days = _STEADY_DAYS[zone] = {}
    day = local.date()
    offset = days.get(day, _UNKNOWN)
    if offset is _UNKNOWN:
        if len(days) > _MEMO_LIMIT:
            days.clear()
        offset = days[day] = _steady_offset(day, zone)
    if offset is not None:
        return _EPOCH_UTC + (local - _EPOCH - offset)  # datetime.replace(tzinfo=…) costs several times more
    return _changing_day_instant(local, zone)


def _steady_offset(day: date, zone: ZoneInfo) -> timedelta | None:
    """The zone's UTC offset on `day` if it holds from just before its midnight to the next; None otherwise."""
    begins = _changing_day_instant(datetime.combine(day, time(0, 0)), zone)
    ends = _changing_day_instant(datetime.combine(day + timedelta(days=1), time(0, 0)), zone)
    offsets = {(at.astimezone(zone).utcoffset()) for at in (begins - timedelta(seconds=1), begins, ends)}
    return offsets.pop() if len(offsets) == 1 else None


def _changing_day_instant(local: datetime, zone: ZoneInfo) -> datetime:
    instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if local_reading(instant, zone) == local:
        return instant
    return _end_of_gap(local, zone)


# Most days keep one UTC offset from midnight to midnight: for those, a wall-clock time is plain arithmetic.
# Remembered per zone and date; None marks a day with a change (or one at its midnight), computed in full.
# (A day whose offset changed and changed back between its midnights would be taken as steady.)
_STEADY_DAYS: dict[ZoneInfo, dict[date, timedelta | None]] = {}
_UNKNOWN = timedelta(days=-999)
_MEMO_LIMIT = 100_000
_EPOCH, _EPOCH_UTC = datetime(1970, 1, 1), datetime(1970, 1, 1, tzinfo=UTC)


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
