"""Refreshing an iCal layer: fetch, check it reads, keep it; on any failure keep the last good copy.

Runs every `REFRESH_EVERY` per iCal layer (calendar_work.py schedules it). A calendar that cannot be fetched, or that
is fetched but does not read as iCal, never replaces the copy that did: the layer goes on covering what the
last good copy says, and the outcome says what went wrong so it can be logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from incidents.oncall.ical_layer import CalendarUnreadable, calendar_entries
from incidents.oncall.ports import CachedCalendar, CalendarCache, CalendarFetcher, CalendarFetchFailed

REFRESH_EVERY = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """What the layer now uses (`calendar`, None if never fetched) and, if this refresh failed, why."""

    calendar: CachedCalendar | None
    problem: str | None = None

    @property
    def refreshed(self) -> bool:
        return self.problem is None


async def refresh_calendar(
    *,
    fetcher: CalendarFetcher,
    cache: CalendarCache,
    schedule: str,
    layer: int,
    url: str,
    zone: ZoneInfo,
    now: datetime,
) -> RefreshOutcome:
    """Fetch the layer's calendar and keep it if it reads; otherwise go on with the last good copy."""
    try:
        text = await fetcher.fetch(url)
        calendar_entries(text, now, now + timedelta(days=1), zone)  # reads, or raises before it is kept
    except (CalendarFetchFailed, CalendarUnreadable) as exc:
        return RefreshOutcome(await cache.last_good(schedule, layer), problem=str(exc))
    fresh = CachedCalendar(text=text, fetched_at=now)
    await cache.keep(schedule, layer, fresh)
    return RefreshOutcome(fresh)
