"""Who is on call: one schedule's layers, overrides and calendars stacked into shifts, and point lookups.

Precedence, highest first: an override; then the layers, the one listed last highest (as in PagerDuty); a
moment no source covers is a gap. An iCal layer covers what its calendar (as last read, given in) says; one
not read yet covers nothing. Pure: the caller loads overrides and calendars and builds a new resolver (cheaply,
with `with_overrides`) when they change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from incidents.oncall.overrides import Override, override_covers
from incidents.oncall.rotation import Rotation
from incidents.oncall.schedule_policy import Schedule
from incidents.oncall.shifts import CalendarEntry, Cover, IndexedCovers, Shift, ShiftSource, SourceKind, stack

# How far a lookup searches for when the person on call took over and hands over: past this, "no change".
HORIZON = timedelta(days=92)
_FIRST_LOOK = timedelta(days=1)
_LONGEST_STEP = timedelta(days=16)


@dataclass(frozen=True, slots=True)
class OnCall:
    """Who is on call for `schedule` at `at` (None: a gap), since and until when (None: beyond 92 days).

    `since` and `until` bound the person's unbroken cover, whatever its sources: an override followed by the
    same person's own turn is one stretch. `source` is what puts them on call at `at`.
    """

    schedule: str
    at: datetime
    user: str | None
    since: datetime | None
    until: datetime | None
    source: ShiftSource

    @property
    def is_gap(self) -> bool:
        return self.user is None


class ScheduleResolver:
    """Answers for one schedule of the policy; `calendars` maps an iCal layer's index to its entries."""

    def __init__(
        self,
        name: str,
        schedule: Schedule,
        overrides: Sequence[Override] = (),
        calendars: Mapping[int, Sequence[CalendarEntry]] | None = None,
        *,
        _rotations: Mapping[int, Rotation] | None = None,
    ) -> None:
        self.name = name
        self.schedule = schedule
        self.zone = ZoneInfo(schedule.timezone)
        self.overrides = tuple(overrides)
        self.calendars = dict(calendars or {})
        self._rotations = dict(_rotations or {})
        self._layers: list[Rotation | IndexedCovers] = []
        for index, layer in enumerate(schedule.layers):
            if layer.is_calendar:
                self._layers.append(_calendar_covers(index, self.calendars.get(index, ())))
            else:
                rotation = self._rotations.get(index) or Rotation(layer, index, self.zone)
                self._rotations[index] = rotation
                self._layers.append(rotation)
        self._overrides = override_covers(self.overrides)

    def with_overrides(self, overrides: Sequence[Override]) -> ScheduleResolver:
        """The same schedule with other overrides, keeping what its rotations have computed."""
        return ScheduleResolver(self.name, self.schedule, overrides, self.calendars, _rotations=self._rotations)

    def shifts(self, start: datetime, end: datetime) -> list[Shift]:
        """The final schedule over [start, end): consecutive shifts and gaps covering all of it."""
        if end <= start:
            return []
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        sources: list[Sequence[Cover]] = [layer.covers_between(start, end) for layer in self._layers]
        sources.append(self._overrides.covers_between(start, end))
        return stack(sources, start, end)

    def on_call_at(self, at: datetime) -> OnCall:
        """Who is on call at `at`, since when and until when, and from which source."""
        at = at.astimezone(UTC)
        ahead = self.shifts(at, at + _FIRST_LOOK)
        user, source = ahead[0].user, ahead[0].source
        return OnCall(
            schedule=self.name,
            at=at,
            user=user,
            since=self._run_edge(at, user, forward=False),
            until=self._run_edge(at, user, forward=True, first=ahead),
            source=source,
        )

    def _run_edge(
        self, at: datetime, user: str | None, *, forward: bool, first: list[Shift] | None = None
    ) -> datetime | None:
        """Where `user`'s unbroken stretch through `at` ends (or begins), looking in growing steps."""
        cursor, step = at, _FIRST_LOOK
        while abs(cursor - at) < HORIZON:
            if first is not None:
                chunk, first = first, None
            else:
                chunk = self.shifts(cursor, cursor + step) if forward else self.shifts(cursor - step, cursor)
            for shift in chunk if forward else reversed(chunk):
                if shift.user != user:
                    return shift.start if forward else shift.end
            cursor = cursor + step if forward else cursor - step
            step = min(step * 2, _LONGEST_STEP)
        return None

    def next_handoff(self, at: datetime) -> datetime | None:
        """The next instant after `at` at which someone else (or nobody) is on call; None if not within 92 days."""
        return self.on_call_at(at).until

    def next_on_call(self, at: datetime) -> OnCall | None:
        """Who takes over at the next handoff after `at`."""
        handoff = self.next_handoff(at)
        return self.on_call_at(handoff) if handoff is not None else None


def _calendar_covers(index: int, entries: Sequence[CalendarEntry]) -> IndexedCovers:
    source = ShiftSource(SourceKind.CALENDAR, layer=index)
    by_start = sorted((e for e in entries if e.user is not None and e.end > e.start), key=lambda e: e.start)
    return IndexedCovers([Cover(e.start, e.end, e.user, source) for e in by_start if e.user is not None])
