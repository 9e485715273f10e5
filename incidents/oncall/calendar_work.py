"""iCal layers refreshed every 15 minutes as scheduled work, the last good copy kept in the database.

One row per iCal layer, kind `ical_refresh`, keyed `ical:<schedule>:<layer>`, planned due at once at
start-up when missing. Each firing fetches the calendar (`refresh_calendar`: only text that reads is kept),
tells the roster to read the kept copy again, logs why a refresh failed, and plans the next one.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from zoneinfo import ZoneInfo

from incidents.context import Context
from incidents.followup_runner import FollowThrough
from incidents.oncall.calendar_refresh import REFRESH_EVERY, refresh_calendar
from incidents.oncall.ports import CachedCalendar, CalendarFetcher
from incidents.ports import DueWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
CALENDAR_KIND = "ical_refresh"


class StoredCalendars:
    """The `CalendarCache` port over the database, one short transaction per call."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    async def last_good(self, schedule: str, layer: int) -> CachedCalendar | None:
        async with self.uow(write=False) as uow:
            return await uow.oncall.last_good(schedule, layer)

    async def keep(self, schedule: str, layer: int, calendar: CachedCalendar) -> None:
        async with self.uow() as uow:
            await uow.oncall.keep(schedule, layer, calendar)
            await uow.commit()


def calendar_rows(ctx: Context) -> list[DueWork]:
    """A row for each iCal layer of the policy's schedules, due now."""
    now, rows = ctx.clock.now(), []
    for name, schedule in ctx.policy.oncall.schedules.items():
        for index, layer in enumerate(schedule.layers):
            if layer.ical is not None:
                data = {"schedule": name, "layer": index}
                rows.append(DueWork(f"ical:{name}:{index}", CALENDAR_KIND, now, data=data))
    return rows


async def ensure_calendar_refreshes(ctx: Context) -> None:
    rows = calendar_rows(ctx)
    if rows:
        async with ctx.uow() as uow:
            await uow.work.put_many(rows)
            await uow.commit()


class CalendarRunner:
    def __init__(self, ctx: Context, follow: FollowThrough, fetcher: CalendarFetcher) -> None:
        self.ctx = ctx
        self.follow = follow
        self.fetcher = fetcher
        self.cache = StoredCalendars(ctx.uow)

    async def fire(self, work: DueWork) -> None:
        name, index = str(work.data["schedule"]), int(work.data["layer"])
        schedule = self.ctx.policy.oncall.schedules.get(name)
        layer = schedule.layers[index] if schedule is not None and index < len(schedule.layers) else None
        if schedule is None or layer is None or layer.ical is None:
            return await self.follow.finish(work, None)  # the policy file changed
        now = self.ctx.clock.now()
        outcome = await refresh_calendar(
            fetcher=self.fetcher,
            cache=self.cache,
            schedule=name,
            layer=index,
            url=layer.ical,
            zone=ZoneInfo(schedule.timezone),
            now=now,
        )
        if outcome.problem is not None:
            log.warning("iCal layer %s.%d kept its last good copy: %s", name, index, outcome.problem)
        elif self.ctx.oncall is not None:
            self.ctx.oncall.invalidate()
        await self.follow.finish(work, replace(work, due_at=now + REFRESH_EVERY, recovering=False))
