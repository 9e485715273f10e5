"""Summary statistics of durations: n, mean, median and p90, with the methods spelled out.

- mean: the arithmetic mean, rounded to the microsecond (half to even, as timedelta division does);
- median: the middle value of the sorted durations, or the mean of the two middle ones when n is even;
- p90: nearest rank: the value at rank ⌈0.9 × n⌉ of the sorted durations (1-based), so it is always one of
  the measured durations (with n < 10 it is the largest).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class DurationStats:
    n: int
    mean: timedelta | None = None
    median: timedelta | None = None
    p90: timedelta | None = None

    @property
    def empty(self) -> bool:
        return self.n == 0


EMPTY = DurationStats(0)


def nearest_rank(ordered: list[timedelta], percent: int) -> timedelta:
    """The value at rank ⌈percent × n / 100⌉ (1-based) of an ascending, non-empty list.

    Integer arithmetic: 0.9 × 100 in floating point is 90.00000000000001, whose ceiling would be one rank off.
    """
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]


def summarise(durations: Iterable[timedelta]) -> DurationStats:
    """n, mean, median and p90 of the given durations (see the module docstring for the methods)."""
    ordered = sorted(durations)
    n = len(ordered)
    if n == 0:
        return EMPTY
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return DurationStats(
        n=n,
        mean=sum(ordered, _ZERO) / n,
        median=median,
        p90=nearest_rank(ordered, 90),
    )


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (an empty period is not 0 %)."""
    return part / whole if whole else None
