"""Property tests: random schedules around DST changes agree with the wall-clock oracle minute by minute.

Zones with a one-hour change either way (Berlin, New York, Sydney in the southern summer) and a half-hour one
(Lord Howe); handoffs and restriction edges drawn often inside the changed hour; turns from 1h to 1w. Examples
come from a fixed seed (derandomize), so every run checks the same ones; 5,000 random ones passed when written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents.oncall.policy import OncallPolicy
from incidents.oncall.resolver import ScheduleResolver
from incidents.oncall.wall_clock import local_reading, wall_clock_instant
from tests.oncall.oracle import MINUTE, minute_by_minute

# Each zone with a date on which its clocks change.
CHANGES = [
    ("Europe/Berlin", date(2026, 3, 29)),
    ("Europe/Berlin", date(2026, 10, 25)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("Australia/Sydney", date(2026, 4, 5)),
    ("Australia/Sydney", date(2026, 10, 4)),
    ("Australia/Lord_Howe", date(2026, 10, 4)),
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
clock_times = st.one_of(
    st.sampled_from(["01:30", "02:00", "02:15", "02:30", "02:45", "03:00", "00:00"]),
    st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
)
turns = st.sampled_from(["1h", "90m", "5h", "12h", "1d", "2d", "3d", "1w"])


@st.composite
def layers(draw: st.DrawFn, change: date) -> dict[str, Any]:
    handoff = draw(clock_times)
    if draw(st.booleans()):
        handoff = f"{draw(st.sampled_from(WEEKDAYS))} {handoff}"
    layer: dict[str, Any] = {
        "users": [f"U0P{i}" for i in range(draw(st.integers(1, 4)))],
        "turn": draw(turns),
        "handoff": handoff,
        "anchor": (change - timedelta(days=draw(st.integers(0, 20)))).isoformat(),
    }
    if draw(st.booleans()):
        layer["restrictions"] = [
            {
                "days": draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True)),
                "from": draw(clock_times),
                "to": draw(clock_times),
            }
            for _ in range(draw(st.integers(1, 2)))
        ]
    return layer


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[OncallPolicy, datetime, datetime]:
    zone, change = draw(st.sampled_from(CHANGES))
    drawn = [draw(layers(change)) for _ in range(draw(st.integers(1, 3)))]
    policy = OncallPolicy.model_validate({"schedules": {"s": {"timezone": zone, "layers": drawn}}})
    start = datetime.combine(change, datetime.min.time(), tzinfo=UTC) - timedelta(
        hours=draw(st.integers(12, 60)), minutes=draw(st.sampled_from([0, 15, 30, 45]))
    )
    return policy, start, start + timedelta(hours=draw(st.integers(24, 96)))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_schedules_agree_with_the_oracle_across_dst_changes(
    scenario: tuple[OncallPolicy, datetime, datetime],
) -> None:
    policy, start, end = scenario
    resolver = ScheduleResolver("s", policy.schedules["s"])

    shifts = resolver.shifts(start, end)

    minutes: list[str | None] = []
    for shift in shifts:
        assert shift.end > shift.start
        assert shift.start == start + len(minutes) * MINUTE
        minutes.extend([shift.user] * ((shift.end - shift.start) // MINUTE))
    assert minutes == minute_by_minute(policy.schedules["s"], start, end)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 95 * 60))
def test_a_point_lookup_agrees_with_the_shifts_around_it(
    scenario: tuple[OncallPolicy, datetime, datetime], offset_minutes: int
) -> None:
    policy, start, _ = scenario
    resolver = ScheduleResolver("s", policy.schedules["s"])
    at = start + timedelta(minutes=offset_minutes, seconds=17)

    on_call = resolver.on_call_at(at)

    since = on_call.since or at - timedelta(days=92)  # None: no change within 92 days (one person, always)
    until = on_call.until or at + timedelta(days=92)
    around = resolver.shifts(since - MINUTE, until + MINUTE)
    assert all(s.user == on_call.user for s in around if since <= s.start and s.end <= until)
    assert (around[0].user != on_call.user) is (on_call.since is not None)
    assert (around[-1].user != on_call.user) is (on_call.until is not None)
    assert resolver.next_handoff(at) == on_call.until


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.sampled_from(CHANGES),
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=5)),
)
def test_later_wall_clock_times_never_happen_earlier(
    change: tuple[str, date], first: datetime, later_by: timedelta
) -> None:
    zone = ZoneInfo(change[0])
    local = datetime.combine(change[1], datetime.min.time()) + (first - datetime(2026, 1, 1)) % timedelta(days=1)

    earlier, later = wall_clock_instant(local, zone), wall_clock_instant(local + later_by, zone)

    assert earlier <= later
    assert local_reading(earlier, zone) >= local
    assert local_reading(earlier - timedelta(seconds=1), zone) < local
