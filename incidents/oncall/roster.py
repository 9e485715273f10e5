"""Who is on call now, from the policy, the stored overrides and the last good calendars, kept in memory.

One roster per process. Overrides are loaded once and again only after a change (`invalidate`, which every
override or swap this process stores calls) or `RELOAD_EVERY` (what another replica stored), so a lookup at
paging time never waits on the database. Calendars are read from their last good copy the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from incidents.oncall.ical_layer import CalendarUnreadable, calendar_entries
from incidents.oncall.overrides import Override
from incidents.oncall.policy import OncallPolicy
from incidents.oncall.resolver import HORIZON, OnCall, ScheduleResolver
from incidents.oncall.shifts import CalendarEntry
from incidents.ports import Clock, UnitOfWorkFactory

RELOAD_EVERY = timedelta(minutes=1)
_A_MINUTE = timedelta(minutes=1)
_CALENDAR_BACK = timedelta(days=93)


class OncallRoster:
    def __init__(
        self, oncall: OncallPolicy, uow: UnitOfWorkFactory, clock: Clock, *, feed_base_url: str | None = None
    ) -> None:
        self.oncall = oncall
        self.feed_base_url = feed_base_url  # where private iCal feeds are served (FIREBREAK_PUBLIC_URL)
        self._uow = uow
        self._clock = clock
        self._base = {name: ScheduleResolver(name, schedule) for name, schedule in oncall.schedules.items()}
        self._resolvers: dict[str, ScheduleResolver] = dict(self._base)
        self._loaded_at: datetime | None = None
        # Answers kept until they can change: (what, until when); dropped whenever the overrides are read again.
        self.answers: dict[object, tuple[object, datetime]] = {}

    def invalidate(self) -> None:
        """Overrides or calendars changed: the next lookup loads them afresh."""
        self._loaded_at = None
        self.answers = {}

    async def resolvers(self) -> Mapping[str, ScheduleResolver]:
        now = self._clock.now()
        if self._loaded_at is None or now - self._loaded_at >= RELOAD_EVERY or now < self._loaded_at:
            await self._load(now)
        return self._resolvers

    async def resolver(self, schedule: str) -> ScheduleResolver:
        return (await self.resolvers())[schedule]

    async def on_call(self, schedule: str, at: datetime | None = None) -> OnCall:
        return (await self.resolver(schedule)).on_call_at(at or self._clock.now())

    async def everyone_on_call(self, at: datetime | None = None) -> dict[str, str | None]:
        """Each schedule's person on call at `at` (None: a gap): what an incident records when declared."""
        when = at or self._clock.now()
        # Only who, not since or until: the first shift of the minute from `when` says it, at a fraction of the cost.
        return {name: r.shifts(when, when + _A_MINUTE)[0].user for name, r in (await self.resolvers()).items()}

    async def _load(self, now: datetime) -> None:
        async with self._uow(write=False) as uow:
            overrides = await uow.oncall.overrides_ending_after(now - HORIZON)
            calendars: dict[str, dict[int, str]] = {}
            for name, schedule in self.oncall.schedules.items():
                for index, layer in enumerate(schedule.layers):
                    if layer.is_calendar:
                        cached = await uow.oncall.last_good(name, index)
                        if cached is not None:
                            calendars.setdefault(name, {})[index] = cached.text
        by_schedule: dict[str, list[Override]] = {}
        for override in overrides:
            by_schedule.setdefault(override.schedule, []).append(override)
        resolvers: dict[str, ScheduleResolver] = {}
        for name, base in self._base.items():
            texts = calendars.get(name)
            if texts:
                resolvers[name] = ScheduleResolver(
                    name, base.schedule, by_schedule.get(name, ()), self._entries(name, texts, now)
                )
            else:
                resolvers[name] = base.with_overrides(by_schedule.get(name, ()))
        self._resolvers, self._loaded_at = resolvers, now
        self.answers = {}

    def _entries(self, name: str, texts: Mapping[int, str], now: datetime) -> dict[int, Sequence[CalendarEntry]]:
        schedule = self.oncall.schedules[name]
        zone = ZoneInfo(schedule.timezone)
        found: dict[int, Sequence[CalendarEntry]] = {}
        for index, text in texts.items():
            try:
                people = schedule.layers[index].people
                found[index] = calendar_entries(text, now - _CALENDAR_BACK, now + HORIZON, zone, people)
            except CalendarUnreadable:
                continue  # only text that read is kept, so this is a calendar of an older reader
        return found
