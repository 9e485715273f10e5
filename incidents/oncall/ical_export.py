"""Shifts as an iCal feed (.ics) that calendar apps subscribe to: one VEVENT per shift, times in UTC.

Each event's UID is made from the schedule, the person and the shift's start, so a calendar app that polls the
feed sees the same event again rather than a new one; a shift that changes (an override, a swap) gets a new
UID and the old one drops out of the feed. Shifts are taken whole: the window looks back far enough to find
where the first one began (its lookback start moves in steps of 30 days, so even a shift longer than that
keeps its UID for a month at a time). Gaps are not exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

import icalendar

from incidents.oncall.resolver import ScheduleResolver
from incidents.oncall.shifts import Shift

PRODUCT_ID = "-//Firebreak//On-call schedules//EN"
_STEP = timedelta(days=30)
_LOOKBACK = timedelta(days=92)
_EPOCH = datetime(2000, 1, 3, tzinfo=UTC)


def shift_uid(schedule: str, shift: Shift) -> str:
    """The stable UID of a shift in an exported feed."""
    return f"{schedule}-{shift.user}-{shift.start.astimezone(UTC):%Y%m%dT%H%M%SZ}@firebreak"


def whole_shifts(resolver: ScheduleResolver, start: datetime, end: datetime, user: str | None = None) -> list[Shift]:
    """The shifts (of `user`, if given; never gaps) that share time with [start, end), not clipped to it."""
    lookback = _EPOCH + ((start - _LOOKBACK - _EPOCH) // _STEP) * _STEP
    found = resolver.shifts(lookback, end + timedelta(days=8))
    return [
        shift
        for shift in found
        if shift.user is not None and (user is None or shift.user == user) and shift.end > start and shift.start < end
    ]


def export_calendar(
    shifts_by_schedule: Iterable[tuple[str, Iterable[Shift]]],
    *,
    name: str,
    now: datetime,
    people: Mapping[str, str] | None = None,
) -> bytes:
    """The .ics text of these shifts; `people` gives display names for user ids (the id is shown otherwise)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    names = people or {}
    for schedule, shifts in shifts_by_schedule:
        for shift in shifts:
            if shift.user is None:
                continue
            event = icalendar.Event()
            event.add("uid", shift_uid(schedule, shift))
            event.add("dtstamp", now.astimezone(UTC))
            event.add("dtstart", shift.start.astimezone(UTC))
            event.add("dtend", shift.end.astimezone(UTC))
            event.add("summary", f"On call: {schedule} ({names.get(shift.user, shift.user)})")
            event.add("x-firebreak-schedule", schedule)
            event.add("x-firebreak-user", shift.user)
            event.add("transp", "TRANSPARENT")  # being on call does not make anyone busy
            calendar.add_component(event)
    text: bytes = calendar.to_ical()
    return text
