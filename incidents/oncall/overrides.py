"""Overrides: someone covers a schedule for a while, above every layer. Checked before they are stored.

An override is refused when it ends before (or when) it starts, lies wholly in the past, or runs over 31 days.
One that overlaps others of the same schedule is not refused here: `overlapping` names them, so the person
can be offered to replace them. Should overlapping overrides be stored anyway, the newest decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from incidents.errors import IncidentError
from incidents.oncall.shifts import Cover, IndexedCovers, ShiftSource, SourceKind

LONGEST_OVERRIDE = timedelta(days=31)


@dataclass(frozen=True, slots=True)
class Override:
    """`user` covers `schedule` over [start, end) (UTC instants), recorded with who made it and when."""

    id: str
    schedule: str
    user: str
    start: datetime
    end: datetime
    created_by: str
    created_at: datetime
    reason: str = ""
    swap_id: str | None = None  # set when the override is a taken swap

    @property
    def source(self) -> ShiftSource:
        return ShiftSource(SourceKind.OVERRIDE, override_id=self.id)


class OverrideProblem(StrEnum):
    ENDS_BEFORE_START = "ends_before_start"
    IN_THE_PAST = "in_the_past"
    TOO_LONG = "too_long"


class OverrideRefused(IncidentError):
    """An override (or swap request) that cannot be stored; `problem` says why, for the caller to word."""

    _SAID: ClassVar[dict[OverrideProblem, str]] = {
        OverrideProblem.ENDS_BEFORE_START: "It ends before it starts.",
        OverrideProblem.IN_THE_PAST: "It is over already: it ends in the past.",
        OverrideProblem.TOO_LONG: "It runs over 31 days: make it shorter, or change the schedule instead.",
    }

    def __init__(self, problem: OverrideProblem) -> None:
        super().__init__(self._SAID[problem])
        self.problem = problem


def check_span(start: datetime, end: datetime, now: datetime) -> None:
    """Refuse a span that ends before it starts, lies wholly in the past, or runs over 31 days."""
    if end <= start:
        raise OverrideRefused(OverrideProblem.ENDS_BEFORE_START)
    if end <= now:
        raise OverrideRefused(OverrideProblem.IN_THE_PAST)
    if end - start > LONGEST_OVERRIDE:
        raise OverrideRefused(OverrideProblem.TOO_LONG)


def overlapping(existing: Iterable[Override], schedule: str, start: datetime, end: datetime) -> list[Override]:
    """The overrides of `schedule` that share some time with [start, end), earliest first."""
    found = [o for o in existing if o.schedule == schedule and o.start < end and start < o.end]
    return sorted(found, key=lambda o: (o.start, o.created_at, o.id))


def override_covers(overrides: Sequence[Override]) -> IndexedCovers:
    """One schedule's overrides as covers; where two overlap, the one made later decides."""
    newest_last = sorted(overrides, key=lambda o: (o.created_at, o.id))
    return IndexedCovers([Cover(o.start, o.end, o.user, o.source) for o in newest_last])
