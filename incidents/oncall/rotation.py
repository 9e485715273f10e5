"""A rotating layer's arithmetic: turn boundaries and restriction windows as instants, remembered once computed.

Turns are counted on the schedule's wall clock: turn k starts at the reference handoff (the first handoff on
or after the anchor date) plus k turn lengths of local time, so a `1w` turn handed off `mon 09:00` changes
hands every Monday at 09:00 local time whatever the UTC offset; each boundary is made an instant by
`wall_clock_instant` (its DST rule). The layer rotates forever in both directions: the anchor fixes whose turn
it is, not when the layer starts. Turn k belongs to `users[k mod len(users)]`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from incidents.oncall.policy_fields import WEEKDAYS
from incidents.oncall.schedule_policy import Layer
from incidents.oncall.shifts import Cover, ShiftSource, SourceKind
from incidents.oncall.wall_clock import local_reading, wall_clock_instant

_MEMO_LIMIT = 20_000  # boundaries or days remembered per layer before the memo starts afresh
_DAY = timedelta(days=1)


class Rotation:
    """One rotating layer of a schedule, answering which user covers which instants."""

    def __init__(self, layer: Layer, index: int, zone: ZoneInfo) -> None:
        assert layer.turn is not None and layer.handoff is not None and layer.anchor is not None  # validated
        self.users = tuple(layer.users)
        self.turn = layer.turn
        self.zone = zone
        self.source = ShiftSource(SourceKind.LAYER, layer=index)
        self.restrictions = tuple(
            (frozenset(WEEKDAYS.index(day) for day in r.days), r.start, r.end, r.crosses_midnight)
            for r in layer.restrictions
        )
        first_day = layer.anchor
        if layer.handoff.weekday is not None:
            first_day += timedelta(days=(layer.handoff.weekday - first_day.weekday()) % 7)
        self.reference = datetime.combine(first_day, layer.handoff.at)
        self._boundaries: dict[int, datetime] = {}
        self._windows: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    def boundary(self, turn: int) -> datetime:
        """The instant turn number `turn` begins (turn 0 at the reference handoff)."""
        found = self._boundaries.get(turn)
        if found is None:
            if len(self._boundaries) > _MEMO_LIMIT:
                self._boundaries.clear()
            found = wall_clock_instant(self.reference + turn * self.turn, self.zone)
            self._boundaries[turn] = found
        return found

    def turn_at(self, instant: datetime) -> int:
        """The number of the turn running at `instant`."""
        turn = (local_reading(instant, self.zone) - self.reference) // self.turn
        # The local reading can be off by the DST offset change near a change: settle on the instants.
        while self.boundary(turn) > instant:
            turn -= 1
        while self.boundary(turn + 1) <= instant:
            turn += 1
        return turn

    def user_of(self, turn: int) -> str:
        return self.users[turn % len(self.users)]

    def covers_between(self, start: datetime, end: datetime) -> list[Cover]:
        """Who this layer puts on call over [start, end), sorted, clipped to it, restrictions applied."""
        turns: list[Cover] = []
        if len(self.users) == 1:  # one person: turns change nothing, so skip their arithmetic
            turns.append(Cover(start, end, self.users[0], self.source))
            return _intersect(turns, self.windows(start, end)) if self.restrictions else turns
        turn = self.turn_at(start)
        begins = self.boundary(turn)
        while begins < end:
            ends = self.boundary(turn + 1)
            if ends > begins:  # a turn can vanish in a spring-forward gap
                turns.append(Cover(max(begins, start), min(ends, end), self.user_of(turn), self.source))
            turn, begins = turn + 1, ends
        if not self.restrictions:
            return turns
        return _intersect(turns, self.windows(start, end))

    def windows(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The restriction windows over [start, end), merged where they touch or overlap."""
        first = local_reading(start, self.zone).date() - _DAY  # a window from yesterday may cross midnight
        last = local_reading(end, self.zone).date()
        spans: list[tuple[datetime, datetime]] = []
        day = first
        while day <= last:
            for opens, closes in self._windows_of(day):
                if closes > start and opens < end:
                    spans.append((max(opens, start), min(closes, end)))
            day += _DAY
        spans.sort()
        merged: list[tuple[datetime, datetime]] = []
        for opens, closes in spans:
            if merged and opens <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
            else:
                merged.append((opens, closes))
        return merged

    def _windows_of(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        found = self._windows.get(day)
        if found is None:
            if len(self._windows) > _MEMO_LIMIT:
                self._windows.clear()
            spans = []
            for days, opens, closes, crosses in self.restrictions:
                if day.weekday() in days:
                    begins = wall_clock_instant(datetime.combine(day, opens), self.zone)
                    ends = wall_clock_instant(datetime.combine(day + _DAY if crosses else day, closes), self.zone)
                    if ends > begins:
                        spans.append((begins, ends))
            found = self._windows[day] = tuple(spans)
        return found


def _intersect(turns: list[Cover], windows: list[tuple[datetime, datetime]]) -> list[Cover]:
    """The parts of `turns` inside `windows` (both sorted and non-overlapping)."""
    kept: list[Cover] = []
    index = 0
    for opens, closes in windows:
        while index < len(turns) and turns[index].end <= opens:
            index += 1
        scan = index
        while scan < len(turns) and turns[scan].start < closes:
            cover = turns[scan]
            begins, ends = max(cover.start, opens), min(cover.end, closes)
            if ends > begins:
                kept.append(Cover(begins, ends, cover.user, cover.source))
            scan += 1
    return kept
