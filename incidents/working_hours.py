"""Working hours: nudges arrive when the owner is at work, in their own timezone, never at 3 a.m."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidents.followup_policy import WEEKDAYS, WorkingHours


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def is_working_time(at: datetime, hours: WorkingHours, tz: ZoneInfo) -> bool:
    local = at.astimezone(tz)
    return WEEKDAYS[local.weekday()] in hours.days and hours.start <= local.time() < hours.end


def next_working_time(at: datetime, hours: WorkingHours, tz: ZoneInfo) -> datetime:
    """`at` itself when it falls in working hours, else the start of the next working period."""
    if is_working_time(at, hours, tz):
        return at
    local = at.astimezone(tz)
    for days_ahead in range(8):
        day = (local + timedelta(days=days_ahead)).date()
        if WEEKDAYS[day.weekday()] not in hours.days:
            continue
        start = datetime.combine(day, hours.start, tzinfo=tz)
        if start > local:
            return start.astimezone(at.tzinfo)
    return at  # no working day configured at all: validated against, but never block a nudge forever


def start_of_working_day(day_local: datetime, hours: WorkingHours, tz: ZoneInfo) -> datetime:
    """The working-hours start on the local date of `day_local` (or the next working day)."""
    start = datetime.combine(day_local.date(), hours.start, tzinfo=tz)
    return next_working_time(start, hours, tz)
