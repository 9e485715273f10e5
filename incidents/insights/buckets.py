"""Time buckets for trends and volume: days, weeks (starting Monday) and months, in the period's timezone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from incidents.insights.periods import Period
from incidents.insights.rows import IncidentRow

Granularity = Literal["day", "week", "month"]

_LAST_INSTANT = timedelta(microseconds=1)


def granularity_for(period: Period) -> Granularity:
    """Days up to two weeks, weeks up to half a year, months beyond: between 1 and about 30 buckets."""
    days = period.length / timedelta(days=1)
    if days <= 14:
        return "day"
    return "week" if days <= 183 else "month"


def bucket_start(day: date, granularity: Granularity) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def next_bucket(start: date, granularity: Granularity) -> date:
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def bucket_of(at: datetime, zone: ZoneInfo, granularity: Granularity) -> date:
    return bucket_start(at.astimezone(zone).date(), granularity)


def declaration_days(rows: Sequence[IncidentRow], timezone: str) -> list[date]:
    """Each row's local day of declaration, worked out once for all the bucketings of a period."""
    zone = ZoneInfo(timezone)
    return [row.declared_at.astimezone(zone).date() for row in rows]


def bucket_starts(period: Period, granularity: Granularity) -> list[date]:
    """Every bucket the period touches, first to last, so a quiet week shows as zero rather than vanishing."""
    zone = ZoneInfo(period.timezone)
    first = bucket_of(period.start, zone, granularity)
    last = bucket_of(max(period.start, period.end - _LAST_INSTANT), zone, granularity)
    starts = [first]
    while starts[-1] < last:
        starts.append(next_bucket(starts[-1], granularity))
    return starts
