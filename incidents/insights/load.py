"""Responder load: who carried the period's incidents, by role, and who was paged, out of hours included.

Out of hours is judged in each person's own timezone (their Slack profile's, else
`OfficeHours.default_timezone`) against the office hours, so a page at 03:00 in Sydney counts as out of hours
even when it was 17:00 in the policy's timezone. Until the on-call slice stores pages (`InsightsData.pages` is
None), the load is incidents by role only and the pages columns are None: unknown, not zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidents.insights.audience import Audience
from incidents.insights.periods import Period
from incidents.insights.rows import IncidentRow, PageRow


@dataclass(frozen=True, slots=True)
class OfficeHours:
    start: time = time(9)
    end: time = time(18)
    weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))  # 0 = Monday
    default_timezone: str = "UTC"  # for people whose own timezone is unknown


@dataclass(frozen=True, slots=True)
class ResponderLoad:
    person: str
    roles: Mapping[str, int]  # role id -> incidents in which the person held it
    incidents: int  # incidents in which the person held any role
    pages: int | None  # None: pages are not recorded (no on-call slice yet)
    out_of_hours_pages: int | None


def _zone(name: str | None, fallback: str) -> ZoneInfo:
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def is_out_of_hours(at: datetime, zone: ZoneInfo, hours: OfficeHours) -> bool:
    local = at.astimezone(zone)
    return local.weekday() not in hours.weekdays or not hours.start <= local.time() < hours.end


def responder_load(
    rows: Sequence[IncidentRow],
    pages: Sequence[PageRow] | None,
    period: Period,
    *,
    audience: Audience,
    timezones: Mapping[str, str],
    hours: OfficeHours,
) -> tuple[ResponderLoad, ...]:
    """One row per person with a role in `rows` or a page in the period, busiest first; only the rows the
    audience may see (their own, or everyone's for an admin; none in a posted report)."""
    roles: dict[str, dict[str, int]] = {}
    incidents: dict[str, int] = {}
    for row in rows:
        for role, person in row.roles.items():
            held = roles.setdefault(person, {})
            held[role] = held.get(role, 0) + 1
        for person in set(row.roles.values()):
            incidents[person] = incidents.get(person, 0) + 1
    paged: dict[str, int] = {}
    out_of_hours: dict[str, int] = {}
    zones: dict[str, ZoneInfo] = {}
    start, end = period.start, period.end
    for page in pages or ():
        if not start <= page.at < end:
            continue
        person = page.person
        paged[person] = paged.get(person, 0) + 1
        late = page.out_of_hours
        if late is None:
            if person not in zones:
                zones[person] = _zone(timezones.get(person), hours.default_timezone)
            late = is_out_of_hours(page.at, zones[person], hours)
        out_of_hours[person] = out_of_hours.get(person, 0) + late
    people = {person for person in set(roles) | set(paged) if audience.may_see_person(person)}
    known = pages is not None
    load = [
        ResponderLoad(
            person=person,
            roles=dict(sorted(roles.get(person, {}).items())),
            incidents=incidents.get(person, 0),
            pages=paged.get(person, 0) if known else None,
            out_of_hours_pages=out_of_hours.get(person, 0) if known else None,
        )
        for person in people
    ]
    return tuple(sorted(load, key=lambda r: (-r.incidents, -(r.pages or 0), r.person)))
