"""Periods: every form people type, in a timezone, across DST changes, with the period shown beside each, and
typos answered with the nearest match."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.insights.errors import UnknownPeriod
from incidents.insights.periods import parse_period

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 10, 15, 14, 30, tzinfo=UTC)  # Thursday 16:30 in Berlin (CEST)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "previous"),
    [
        (
            "week",
            local(2026, 10, 12),
            local(2026, 10, 15, 16, 30),
            "week of 2026-10-12 so far",
            (local(2026, 10, 5), local(2026, 10, 8, 16, 30)),
        ),
        (
            "month",
            local(2026, 10, 1),
            local(2026, 10, 15, 16, 30),
            "October 2026 so far",
            (local(2026, 9, 1), local(2026, 9, 15, 16, 30)),
        ),
        (
            "quarter",
            local(2026, 10, 1),
            local(2026, 10, 15, 16, 30),
            "2026-Q4 so far",
            (local(2026, 7, 1), local(2026, 7, 15, 16, 30)),
        ),
        (
            "last-week",
            local(2026, 10, 5),
            local(2026, 10, 12),
            "week of 2026-10-05",
            (local(2026, 9, 28), local(2026, 10, 5)),
        ),
        ("Last Month", local(2026, 9, 1), local(2026, 10, 1), "September 2026", (local(2026, 8, 1), local(2026, 9, 1))),
        ("last-quarter", local(2026, 7, 1), local(2026, 10, 1), "2026-Q3", (local(2026, 4, 1), local(2026, 7, 1))),
        (
            "30d",
            local(2026, 9, 15, 16, 30),
            local(2026, 10, 15, 16, 30),
            "last 30 days",
            (local(2026, 8, 16, 16, 30), local(2026, 9, 15, 16, 30)),
        ),
        ("2026-Q3", local(2026, 7, 1), local(2026, 10, 1), "2026-Q3", (local(2026, 4, 1), local(2026, 7, 1))),
        ("2026q1", local(2026, 1, 1), local(2026, 4, 1), "2026-Q1", (local(2025, 10, 1), local(2026, 1, 1))),
        ("2026-10", local(2026, 10, 1), local(2026, 11, 1), "October 2026", (local(2026, 9, 1), local(2026, 10, 1))),
        (
            "2026-10-01..2026-10-31",
            local(2026, 10, 1),
            local(2026, 11, 1),
            "2026-10-01..2026-10-31",
            (local(2026, 8, 31), local(2026, 10, 1)),
        ),
        (
            "2026-10-05 .. 2026-10-05",
            local(2026, 10, 5),
            local(2026, 10, 6),
            "2026-10-05..2026-10-05",
            (local(2026, 10, 4), local(2026, 10, 5)),
        ),
    ],
)
def test_each_form_of_period(
    text: str, start: datetime, end: datetime, label: str, previous: tuple[datetime, datetime]
) -> None:
    period = parse_period(text, now=NOW, timezone="Europe/Berlin")

    assert (period.start, period.end, period.label) == (start, end, label)
    assert (period.previous().start, period.previous().end) == previous


def test_a_month_to_date_is_compared_with_the_previous_month_cut_at_its_end() -> None:
    march_31 = datetime(2026, 3, 31, 12, tzinfo=UTC)

    previous = parse_period("month", now=march_31, timezone="UTC").previous()

    assert (previous.start, previous.end) == (datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))


def test_boundaries_are_local_midnights_across_the_dst_change() -> None:
    # October 2026 in Berlin starts in summer time (UTC+2) and ends in winter time (UTC+1): 31 days and an hour.
    october = parse_period("2026-10", now=NOW, timezone="Europe/Berlin")

    assert october.start.astimezone(UTC) == datetime(2026, 9, 30, 22, tzinfo=UTC)
    assert october.end.astimezone(UTC) == datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert october.length == timedelta(days=31, hours=1)
    # The week of the change, as a period of days, is compared with the seven calendar days before it.
    week = parse_period("2026-10-26..2026-11-01", now=NOW, timezone="Europe/Berlin").previous()
    assert (week.start, week.end) == (local(2026, 10, 19), local(2026, 10, 26))


def test_the_same_text_means_a_different_window_in_another_timezone() -> None:
    in_utc = parse_period("2026-Q3", now=NOW, timezone="UTC")
    in_tokyo = parse_period("2026-Q3", now=NOW, timezone="Asia/Tokyo")

    assert in_tokyo.start == in_utc.start - timedelta(hours=9)


@pytest.mark.parametrize(
    ("text", "suggestion", "reason"),
    [
        ("quater", "quarter", ""),
        ("mnth", "month", ""),
        ("last week", None, None),  # accepted, not an error: see below
        ("lastweek", "last-week", ""),
        ("2026-Q5", "2026-Q4", ""),
        ("2026-13-01..2026-13-31", None, "2026-13-01 is not a date (YYYY-MM-DD)"),
        ("2026-10-31..2026-10-01", "2026-10-01..2026-10-31", "2026-10-01 is before 2026-10-31"),
        ("0d", None, "a period is 1 to 3660 days long"),
        ("99999d", None, "a period is 1 to 3660 days long"),
        ("9999", None, "9999 is not a year between 1970 and 2999"),
        ("yesterday-ish", None, ""),
    ],
)
def test_unknown_periods_say_why_and_suggest_the_nearest(text: str, suggestion: str | None, reason: str | None) -> None:
    if reason is None:
        assert parse_period(text, now=NOW, timezone="UTC").label == "week of 2026-10-05"
        return
    with pytest.raises(UnknownPeriod) as caught:
        parse_period(text, now=NOW, timezone="UTC")

    assert (caught.value.suggestion, caught.value.reason) == (suggestion, reason)
    assert caught.value.examples == ("week", "month", "quarter", "30d", "2026-Q3", "2026-10-01..2026-10-31")
    assert f"'{text}' is not a period" in str(caught.value)


instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))
zones = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"])
complete = st.sampled_from(["last-week", "last-month", "last-quarter", "last-year", "7d", "30d", "12w"])


@settings(deadline=None)  # a busy machine must not fail a property by its speed
@given(instants, zones, complete)
def test_a_complete_period_and_the_one_before_it_meet_without_gap_or_overlap(
    now: datetime, zone: str, text: str
) -> None:
    period = parse_period(text, now=now, timezone=zone)
    previous = period.previous()

    assert previous.end == period.start
    assert previous.start < previous.end <= period.end <= now


@settings(deadline=None)  # a busy machine must not fail a property by its speed
@given(instants, zones, st.sampled_from(["week", "month", "quarter", "year"]))
def test_a_period_to_date_contains_now_minus_a_moment_and_starts_at_a_local_midnight(
    now: datetime, zone: str, text: str
) -> None:
    period = parse_period(text, now=now, timezone=zone)
    previous = period.previous()

    assert period.start <= now and period.end == now
    start_local = period.start.astimezone(ZoneInfo(zone))
    assert (start_local.hour, start_local.minute) in {(0, 0), (1, 0)}  # 01:00 where midnight does not exist
    # Both empty only at the very first instant of the unit ("week" at Monday 00:00: nothing so far).
    assert previous.start <= previous.end <= period.start
    assert (previous.start < previous.end) == (period.start < period.end)
