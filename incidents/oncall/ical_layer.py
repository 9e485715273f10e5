"""An iCal layer's calendar text read into entries over a window, recurring events expanded.

Who an event puts on call: a Slack user id in its title or description (`<@U0ALICE>` or `U0ALICE`), else the
layer's `people` mapping applied to an attendee's e-mail or to the title. Events matching nobody are kept with
`user` None (they cover nothing; the preview lists them). Cancelled events are skipped. Times in a named zone
follow the schedule's wall-clock rule (see `wall_clock`); floating times and all-day events are read in the
schedule's timezone. Recurrences are expanded by `recurring-ical-events` (RRULE, RDATE, EXDATE, moved
occurrences).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from incidents.oncall.shifts import CalendarEntry
from incidents.oncall.wall_clock import wall_clock_instant

_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")
_BARE_ID = re.compile(r"\b([UW][A-Z0-9]{6,})\b")


class CalendarUnreadable(Exception):
    """The text is not an iCal calendar (or one this reader cannot expand); the message says why."""


def calendar_entries(
    text: str | bytes,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    people: Mapping[str, str] | None = None,
) -> list[CalendarEntry]:
    """The calendar's events that share time with [start, end), as UTC entries sorted by start."""
    try:
        calendar = icalendar.Calendar.from_ical(text)
        events = recurring_ical_events.of(calendar).between(start, end)
    except Exception as exc:  # the parsers raise ValueError, KeyError, TypeError… on malformed input
        raise CalendarUnreadable(f"not a readable iCal calendar ({type(exc).__name__}: {exc})") from exc
    lookup = {key.strip().lower(): user for key, user in (people or {}).items()}
    entries: list[CalendarEntry] = []
    for event in events:
        if str(event.get("STATUS", "")).upper() == "CANCELLED" or event.get("DTSTART") is None:
            continue
        begins = _instant(event["DTSTART"].dt, zone)
        ends = _end(event, begins, zone)
        if ends <= begins or ends <= start or begins >= end:
            continue
        title = str(event.get("SUMMARY", "")).strip()
        entries.append(CalendarEntry(begins, ends, _who(event, title, lookup), title))
    entries.sort(key=lambda e: (e.start, e.end))
    return entries


def _end(event: Any, begins: datetime, zone: ZoneInfo) -> datetime:
    if event.get("DTEND") is not None:
        return _instant(event["DTEND"].dt, zone)
    if event.get("DURATION") is not None:
        length: timedelta = event["DURATION"].dt
        return begins + length
    start_value = event["DTSTART"].dt
    if isinstance(start_value, date) and not isinstance(start_value, datetime):
        return _instant(start_value + timedelta(days=1), zone)  # an all-day event without an end: one day
    return begins


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        return wall_clock_instant(datetime.combine(value, time(0, 0)), zone)
    if value.tzinfo is None:
        return wall_clock_instant(value, zone)
    if isinstance(value.tzinfo, ZoneInfo):
        return wall_clock_instant(value.replace(tzinfo=None), value.tzinfo)
    return value.astimezone(UTC)


def _who(event: Any, title: str, people: Mapping[str, str]) -> str | None:
    description = str(event.get("DESCRIPTION", ""))
    for text in (title, description):
        found = _MENTION.search(text) or _BARE_ID.search(text)
        if found:
            return found.group(1)
    attendees = event.get("ATTENDEE") or []
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        email = str(attendee).removeprefix("mailto:").removeprefix("MAILTO:").strip().lower()
        if email in people:
            return people[email]
    return people.get(title.lower())
