"""n, mean, median and nearest-rank p90: a table of hand-worked cases and the properties that must always hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.insights.statistics import DurationStats, nearest_rank, share, summarise


def m(*values: float) -> list[timedelta]:
    return [timedelta(minutes=v) for v in values]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], DurationStats(0)),
        (m(7), DurationStats(1, *m(7, 7, 7))),
        (m(10, 20), DurationStats(2, *m(15, 15, 20))),
        (m(30, 10, 20), DurationStats(3, *m(20, 20, 30))),
        # p90 by nearest rank: ⌈0.9 × 10⌉ = 9th of ten, not an interpolation between the 9th and 10th.
        (m(*range(1, 11)), DurationStats(10, *m(5.5, 5.5, 9))),
        (m(*range(1, 21)), DurationStats(20, *m(10.5, 10.5, 18))),
        (m(*range(1, 101)), DurationStats(100, *m(50.5, 50.5, 90))),
        (m(1, 1, 1, 100), DurationStats(4, *m(25.75, 1, 100))),
    ],
)
def test_summary_statistics_by_hand(values: list[timedelta], expected: DurationStats) -> None:
    assert summarise(values) == expected


def test_share_of_nothing_is_unknown_rather_than_zero() -> None:
    assert share(0, 0) is None
    assert share(1, 4) == 0.25


durations = st.lists(st.integers(min_value=0, max_value=10**10).map(lambda us: timedelta(microseconds=us)), max_size=60)


@settings(deadline=None)  # a busy machine must not fail a property by its speed
@given(durations)
def test_statistics_lie_within_the_values_and_p90_is_one_of_them(values: list[timedelta]) -> None:
    stats = summarise(values)

    assert stats.n == len(values)
    if not values:
        assert stats == DurationStats(0)
        return
    assert stats.mean is not None and stats.median is not None and stats.p90 is not None
    assert min(values) <= stats.mean <= max(values)
    assert min(values) <= stats.median <= stats.p90 <= max(values)
    assert stats.p90 in values
    # At least 90 % of the values are at or below p90, and fewer than 90 % strictly below it.
    assert sum(v <= stats.p90 for v in values) * 10 >= 9 * len(values)
    assert sum(v < stats.p90 for v in values) * 10 < 9 * len(values)


@settings(deadline=None)  # a busy machine must not fail a property by its speed
@given(durations)
def test_statistics_do_not_depend_on_the_order_given(values: list[timedelta]) -> None:
    assert summarise(values) == summarise(list(reversed(values)))


@settings(deadline=None)  # a busy machine must not fail a property by its speed
@given(st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=100))
def test_nearest_rank_is_the_smallest_value_covering_the_percentage(n: int, percent: int) -> None:
    ordered = [timedelta(seconds=i) for i in range(1, n + 1)]

    value = nearest_rank(ordered, percent)

    rank = int(value.total_seconds())
    assert rank * 100 >= percent * n
    assert (rank - 1) * 100 < percent * n
