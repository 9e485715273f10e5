"""Overrides and swap requests: what is refused and why, overlaps offered for replacing, taking and cancelling."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from incidents.errors import IncidentError
from incidents.oncall.overrides import Override, OverrideProblem, OverrideRefused, check_span, overlapping
from incidents.oncall.policy import OncallPolicy
from incidents.oncall.resolver import ScheduleResolver
from incidents.oncall.swaps import SwapProblem, SwapRefused, SwapState, cancel_swap, request_swap, take_swap

NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SCHEDULE = OncallPolicy.model_validate(
    {
        "schedules": {
            "s": {
                "timezone": "UTC",
                "layers": [
                    {"users": ["U0A", "U0B"], "turn": "1w", "handoff": "mon 09:00", "anchor": "2026-10-19"},
                    {
                        "users": ["U0N"],
                        "turn": "1d",
                        "handoff": "20:00",
                        "anchor": "2026-10-19",
                        "restrictions": [{"from": "20:00", "to": "08:00"}],
                    },
                ],
            }
        }
    }
).schedules["s"]


def made(oid: str, start: datetime, end: datetime, schedule: str = "s") -> Override:
    return Override(oid, schedule, "U0X", start, end, created_by="U0X", created_at=NOW)


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (NOW + 2 * HOUR, NOW + HOUR, OverrideProblem.ENDS_BEFORE_START),
        (NOW + HOUR, NOW + HOUR, OverrideProblem.ENDS_BEFORE_START),
        (NOW - 3 * HOUR, NOW - HOUR, OverrideProblem.IN_THE_PAST),
        (NOW - 3 * HOUR, NOW, OverrideProblem.IN_THE_PAST),
        (NOW, NOW + timedelta(days=31, seconds=1), OverrideProblem.TOO_LONG),
    ],
)
def test_an_override_that_cannot_be_is_refused_with_its_reason(start: datetime, end: datetime, problem: str) -> None:
    with pytest.raises(OverrideRefused) as refused:
        check_span(start, end, NOW)

    assert refused.value.problem is problem
    assert isinstance(refused.value, IncidentError) and str(refused.value)


@pytest.mark.parametrize(
    ("start", "end"), [(NOW - HOUR, NOW + HOUR), (NOW, NOW + timedelta(days=31)), (NOW + HOUR, NOW + 2 * HOUR)]
)
def test_an_override_already_running_or_of_exactly_31_days_is_fine(start: datetime, end: datetime) -> None:
    check_span(start, end, NOW)


def test_overlapping_names_the_schedules_overrides_that_share_time_earliest_first() -> None:
    existing = [
        made("late", NOW + 5 * HOUR, NOW + 8 * HOUR),
        made("early", NOW, NOW + 2 * HOUR),
        made("touching", NOW + 4 * HOUR, NOW + 5 * HOUR - timedelta(minutes=30)),
        made("before", NOW - 2 * HOUR, NOW + HOUR),
        made("other", NOW, NOW + 9 * HOUR, schedule="t"),
        made("adjacent", NOW + 8 * HOUR, NOW + 9 * HOUR),
    ]

    found = overlapping(existing, "s", NOW + HOUR, NOW + 8 * HOUR)

    assert [o.id for o in found] == ["early", "touching", "late"]


def resolver() -> ScheduleResolver:
    return ScheduleResolver("s", SCHEDULE)


def swap_by_a() -> tuple[datetime, datetime]:
    return datetime(2026, 10, 21, 6, 0, tzinfo=UTC), datetime(2026, 10, 22, 12, 0, tzinfo=UTC)


def test_a_swap_is_asked_only_for_time_the_requester_is_on_call() -> None:
    start, end = swap_by_a()
    shifts = resolver().shifts(start, end)

    asked = request_swap(swap_id="w1", schedule="s", requester="U0A", start=start, end=end, now=NOW, shifts=shifts)
    with pytest.raises(SwapRefused) as refused:
        request_swap(swap_id="w2", schedule="s", requester="U0B", start=start, end=end, now=NOW, shifts=shifts)
    with pytest.raises(OverrideRefused):
        request_swap(swap_id="w3", schedule="s", requester="U0A", start=end, end=start, now=NOW, shifts=shifts)

    assert asked.state(NOW) is SwapState.OPEN and asked.state(start) is SwapState.EXPIRED
    assert refused.value.problem is SwapProblem.NOT_ON_CALL


def test_taking_a_swap_makes_overrides_for_the_requesters_stretches_only() -> None:
    start, end = swap_by_a()
    shifts = resolver().shifts(start, end)
    asked = request_swap(swap_id="w1", schedule="s", requester="U0A", start=start, end=end, now=NOW, shifts=shifts)
    ids = iter(["o1", "o2", "o3"])

    taken = take_swap(asked, taker="U0C", now=NOW + HOUR, shifts=shifts, new_id=lambda: next(ids))

    assert taken.swap.taken_by == "U0C" and taken.swap.state(NOW + HOUR) is SwapState.TAKEN
    assert [(o.id, o.start.hour, o.end.hour, o.user, o.swap_id) for o in taken.overrides] == [
        ("o1", 8, 20, "U0C", "w1"),  # from 06:00 the night layer (U0N) covers until 08:00: not A's to give
        ("o2", 8, 12, "U0C", "w1"),
    ]
    after = resolver().with_overrides(taken.overrides)
    assert after.on_call_at(datetime(2026, 10, 21, 9, tzinfo=UTC)).user == "U0C"
    assert after.on_call_at(datetime(2026, 10, 21, 21, tzinfo=UTC)).user == "U0N"


@pytest.mark.parametrize(
    ("change", "taker", "when", "problem"),
    [
        ({}, "U0A", NOW, SwapProblem.OWN_SWAP),
        ({"taken_by": "U0B", "taken_at": NOW}, "U0C", NOW, SwapProblem.ALREADY_TAKEN),
        ({"cancelled_at": NOW}, "U0C", NOW, SwapProblem.CANCELLED),
        ({}, "U0C", datetime(2026, 10, 21, 6, 0, tzinfo=UTC), SwapProblem.EXPIRED),
    ],
)
def test_a_swap_that_cannot_be_taken_is_refused_with_the_reason(
    change: dict[str, object], taker: str, when: datetime, problem: SwapProblem
) -> None:
    start, end = swap_by_a()
    shifts = resolver().shifts(start, end)
    asked = request_swap(swap_id="w1", schedule="s", requester="U0A", start=start, end=end, now=NOW, shifts=shifts)

    with pytest.raises(SwapRefused) as refused:
        take_swap(replace(asked, **change), taker=taker, now=when, shifts=shifts, new_id=lambda: "o")  # type: ignore[arg-type]

    assert refused.value.problem is problem


def test_taking_a_swap_whose_requester_is_no_longer_on_call_then_is_refused() -> None:
    start, end = swap_by_a()
    asked = request_swap(
        swap_id="w1", schedule="s", requester="U0A", start=start, end=end, now=NOW, shifts=resolver().shifts(start, end)
    )
    covered = resolver().with_overrides([made("o9", start, end)])  # someone else covers all of it now

    with pytest.raises(SwapRefused) as refused:
        take_swap(asked, taker="U0C", now=NOW, shifts=covered.shifts(start, end), new_id=lambda: "o")

    assert refused.value.problem is SwapProblem.NOT_ON_CALL


def test_only_the_requester_cancels_an_open_swap() -> None:
    start, end = swap_by_a()
    asked = request_swap(
        swap_id="w1", schedule="s", requester="U0A", start=start, end=end, now=NOW, shifts=resolver().shifts(start, end)
    )

    with pytest.raises(SwapRefused) as refused:
        cancel_swap(asked, by="U0B", now=NOW)
    cancelled = cancel_swap(asked, by="U0A", now=NOW)
    with pytest.raises(SwapRefused) as again:
        cancel_swap(cancelled, by="U0A", now=NOW)

    assert refused.value.problem is SwapProblem.NOT_YOURS
    assert cancelled.state(NOW) is SwapState.CANCELLED
    assert again.value.problem is SwapProblem.CANCELLED
