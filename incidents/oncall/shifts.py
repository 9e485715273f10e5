"""Shifts: who covers which span, and from what source; and the sweep that stacks sources into one schedule.

Every source (a layer, the overrides) is given as a sorted list of non-overlapping `Cover`s. `stack` walks
the edges of all of them once and, for each span between edges, takes the highest source that covers it;
a span nobody covers is a gap. Adjacent spans of the same person from the same source are merged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple


class SourceKind(StrEnum):
    LAYER = "layer"
    CALENDAR = "ical"
    OVERRIDE = "override"
    GAP = "gap"


@dataclass(frozen=True, slots=True)
class ShiftSource:
    """Where a shift comes from: a layer (its index in the schedule's list), an override, or nowhere (gap)."""

    kind: SourceKind
    layer: int | None = None
    override_id: str | None = None


GAP = ShiftSource(SourceKind.GAP)


class Cover(NamedTuple):
    """One source's claim: `user` covers [start, end). A tuple: the resolver makes many, and they are cheap."""

    start: datetime
    end: datetime
    user: str
    source: ShiftSource


@dataclass(frozen=True, slots=True)
class Shift:
    """A span of the final schedule: `user` is on call over [start, end), or nobody is (`user` None: a gap)."""

    start: datetime
    end: datetime
    user: str | None
    source: ShiftSource

    @property
    def is_gap(self) -> bool:
        return self.user is None


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """An event of an iCal layer's calendar: `user` (None when nobody could be matched) over [start, end)."""

    start: datetime
    end: datetime
    user: str | None
    title: str = ""


class IndexedCovers:
    """Covers kept sorted and non-overlapping (see `flatten`), looked up by time with bisect."""

    def __init__(self, covers: Sequence[Cover]) -> None:
        self.covers = flatten(covers)
        self._starts = [cover.start for cover in self.covers]

    def covers_between(self, start: datetime, end: datetime) -> list[Cover]:
        """The covers that share time with [start, end), clipped to it."""
        index = max(bisect_right(self._starts, start) - 1, 0)
        found: list[Cover] = []
        while index < len(self.covers) and self.covers[index].start < end:
            cover = self.covers[index]
            if cover.end > start:
                found.append(Cover(max(cover.start, start), min(cover.end, end), cover.user, cover.source))
            index += 1
        return found


def stack(sources: Sequence[Sequence[Cover]], start: datetime, end: datetime) -> list[Shift]:
    """The final shifts over [start, end): `sources` lowest first; each sorted and without overlaps."""
    edges = {start, end}
    for covers in sources:
        for cover in covers:
            if start < cover.start < end:
                edges.add(cover.start)
            if start < cover.end < end:
                edges.add(cover.end)
    ordered = sorted(edges)
    highest_first = [(covers, len(covers)) for covers in reversed(sources)]
    positions = [0] * len(sources)
    spans: list[tuple[datetime, datetime, str | None, ShiftSource]] = []  # merged as we go; Shifts at the end
    for span_start, span_end in pairwise(ordered):
        user: str | None = None
        source = GAP
        for rank, (covers, count) in enumerate(highest_first):
            position = positions[rank]
            while position < count and covers[position].end <= span_start:
                position += 1
            positions[rank] = position
            if position < count and covers[position].start <= span_start:
                user, source = covers[position].user, covers[position].source
                break
        if spans and spans[-1][2] == user and spans[-1][3] == source:
            spans[-1] = (spans[-1][0], span_end, user, source)
        else:
            spans.append((span_start, span_end, user, source))
    return [Shift(*span) for span in spans]


def flatten(covers: Sequence[Cover]) -> list[Cover]:
    """Covers that may overlap made sorted and non-overlapping: where they overlap, the one listed later wins.

    Callers order by precedence: an iCal layer's events by start (an event inside another reads as someone
    taking over for a while), overrides by when they were made (the newest decides).
    """
    if not covers:
        return []
    edges = sorted({c.start for c in covers} | {c.end for c in covers})
    flat: list[Cover] = []
    for span_start, span_end in pairwise(edges):
        winner: Cover | None = None
        for cover in covers:
            if cover.start <= span_start < cover.end:
                winner = cover
        if winner is None:
            continue
        last = flat[-1] if flat else None
        if last is not None and last.user == winner.user and last.source == winner.source and last.end == span_start:
            flat[-1] = Cover(last.start, span_end, winner.user, winner.source)
        else:
            flat.append(Cover(span_start, span_end, winner.user, winner.source))
    return flat
