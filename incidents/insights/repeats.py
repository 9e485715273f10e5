"""Repeat incidents and the recurrence rate.

An incident is a repeat when
- an earlier incident, declared at most REPEAT_WINDOW (90 days) before it, shares one of its services and has
  the same root-cause category (both picked: an unclassified incident repeats nothing), or
- it is linked `repeat` to an earlier incident (`/incident link <ID> repeat`, either way round: the later one is
  the repeat), however long ago. A `related` link is not counted: related is, by its name, not the same failure.
The recurrence rate is repeats / incidents of the period; the earlier incident may be older than the period.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from operator import attrgetter

from incidents.insights.definitions import REPEAT_WINDOW
from incidents.insights.rows import IncidentLink, IncidentRow, LinkKind
from incidents.insights.statistics import share


class RepeatReason(StrEnum):
    SAME_CAUSE = "same_cause"  # same service and root cause within the window
    LINKED = "linked"


@dataclass(frozen=True, slots=True)
class Repeat:
    incident: IncidentRow
    of: IncidentRow  # the latest earlier incident it repeats
    reason: RepeatReason
    service: str | None = None  # the shared service, for SAME_CAUSE


@dataclass(frozen=True, slots=True)
class RepeatFigures:
    incidents: int
    repeats: tuple[Repeat, ...]

    @property
    def rate(self) -> float | None:
        return share(len(self.repeats), self.incidents)


# Declaration order, ties broken by id (attrgetter: sorting thousands of rows by it stays in C).
_order: Callable[[IncidentRow], tuple[datetime, int]] = attrgetter("declared_at", "id")


def _linked_earlier(links: Iterable[IncidentLink], known: dict[int, IncidentRow]) -> dict[int, IncidentRow]:
    """Incident id -> the latest earlier incident a `repeat` link ties it to (both must be known rows)."""
    earlier: dict[int, IncidentRow] = {}
    for link in links:
        if link.kind is not LinkKind.REPEAT:
            continue
        a, b = known.get(link.incident_id), known.get(link.other_id)
        if a is None or b is None or a.id == b.id:
            continue
        first, later = sorted((a, b), key=_order)
        current = earlier.get(later.id)
        if current is None or _order(first) > _order(current):
            earlier[later.id] = first
    return earlier


class RepeatIndex:
    """Every row that may be repeated, indexed once by (service, root cause) and by `repeat` links, so the
    repeats of a period and of the one before are each found by bisection."""

    def __init__(self, history: Iterable[IncidentRow], links: Iterable[IncidentLink]) -> None:
        known = {row.id: row for row in history}
        # (service, root cause) -> rows in declaration order, searched by bisection.
        self.by_cause: dict[tuple[str, str], list[IncidentRow]] = {}
        for row in sorted(known.values(), key=_order):
            if row.root_cause:
                for service in set(row.services):
                    self.by_cause.setdefault((service, row.root_cause), []).append(row)
        self.keys = {cause: [_order(row) for row in rows] for cause, rows in self.by_cause.items()}
        self.linked = _linked_earlier(links, known)

    def repeats(self, period_rows: Sequence[IncidentRow], window: timedelta = REPEAT_WINDOW) -> RepeatFigures:
        """The repeats among `period_rows` (which must be in the history the index was built from)."""
        repeats: list[Repeat] = []
        for row in sorted(period_rows, key=_order):
            found = _same_cause(row, self.by_cause, self.keys, window)
            if found is not None:
                repeats.append(Repeat(row, found[0], RepeatReason.SAME_CAUSE, found[1]))
            elif row.id in self.linked:
                repeats.append(Repeat(row, self.linked[row.id], RepeatReason.LINKED))
        return RepeatFigures(len(period_rows), tuple(repeats))


def find_repeats(
    period_rows: Sequence[IncidentRow],
    history: Sequence[IncidentRow],
    links: Iterable[IncidentLink],
    window: timedelta = REPEAT_WINDOW,
) -> RepeatFigures:
    """The repeats among `period_rows`; `history` is every row that may be repeated (it may include them)."""
    return RepeatIndex([*history, *period_rows], links).repeats(period_rows, window)


def _same_cause(
    row: IncidentRow,
    by_cause: dict[tuple[str, str], list[IncidentRow]],
    keys: dict[tuple[str, str], list[tuple[datetime, int]]],
    window: timedelta,
) -> tuple[IncidentRow, str] | None:
    if not row.root_cause:
        return None
    best: tuple[IncidentRow, str] | None = None
    for service in sorted(set(row.services)):
        cause = (service, row.root_cause)
        index = bisect_left(keys[cause], _order(row))  # rows strictly before this one
        if index == 0:
            continue
        previous = by_cause[cause][index - 1]
        if row.declared_at - previous.declared_at <= window and (best is None or _order(previous) > _order(best[0])):
            best = (previous, service)
    return best
