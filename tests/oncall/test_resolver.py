"""The resolver's rules, case by case: precedence, gaps, restrictions, DST handoffs, calendars, lookups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from incidents.oncall.overrides import Override
from incidents.oncall.policy import OncallPolicy
from incidents.oncall.resolver import ScheduleResolver
from incidents.oncall.shifts import GAP, CalendarEntry, ShiftSource, SourceKind

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str, zone: ZoneInfo = BERLIN, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone, fold=fold).astimezone(UTC)


def resolver(
    *layers: dict[str, Any], zone: str = "Europe/Berlin", overrides: list[Override] | None = None
) -> ScheduleResolver:
    policy = OncallPolicy.model_validate({"schedules": {"s": {"timezone": zone, "layers": list(layers)}}})
    return ScheduleResolver("s", policy.schedules["s"], overrides or [])


def rotation(users: list[str], turn: str = "1w", handoff: str = "mon 09:00", **more: Any) -> dict[str, Any]:
    return {"users": users, "turn": turn, "handoff": handoff, "anchor": "2026-10-05", **more}


def override(user: str, start: datetime, end: datetime, made: str = "2026-10-01 00:00", oid: str = "o1") -> Override:
    return Override(oid, "s", user, start, end, created_by="U0BOSS", created_at=at(made))


def test_a_weekly_rotation_hands_off_on_mondays_at_0900_local_whatever_the_offset() -> None:
    weekly = resolver(rotation(["U0A", "U0B"]))

    shifts = weekly.shifts(at("2026-10-19 00:00"), at("2026-11-03 00:00"))

    assert [(s.start, s.user) for s in shifts] == [
        (at("2026-10-19 00:00"), "U0B"),  # the turn from Monday 12th (the anchor's was U0A's)
        (at("2026-10-19 09:00"), "U0A"),  # 07:00 UTC in summer time
        (at("2026-10-26 09:00"), "U0B"),  # 08:00 UTC after the change: the week that had 169 hours
        (at("2026-11-02 09:00"), "U0A"),
    ]
    assert shifts[2].start - shifts[1].start == timedelta(hours=169)


def test_the_anchor_sets_whose_turn_it_is_and_the_layer_runs_before_it_too() -> None:
    weekly = resolver(rotation(["U0A", "U0B", "U0C"], anchor="2026-10-07"))  # a Wednesday: first handoff Mon 12th

    assert weekly.on_call_at(at("2026-10-12 09:00")).user == "U0A"
    assert weekly.on_call_at(at("2026-10-12 08:59")).user == "U0C"
    assert weekly.on_call_at(at("2026-09-01 12:00")).user == "U0A"  # long before the anchor: still rotating


def test_later_layers_are_higher_and_a_restricted_layer_leaves_the_rest_to_the_one_below() -> None:
    two = resolver(
        rotation(["U0BASE"]),
        rotation(
            ["U0DAY"],
            turn="1d",
            handoff="09:00",
            restrictions=[{"days": ["mon", "tue"], "from": "09:00", "to": "17:00"}],
        ),
    )

    monday = two.shifts(at("2026-10-19 08:00"), at("2026-10-19 18:00"))
    wednesday = two.shifts(at("2026-10-21 08:00"), at("2026-10-21 18:00"))

    assert [(s.start, s.user, s.source.layer) for s in monday] == [
        (at("2026-10-19 08:00"), "U0BASE", 0),
        (at("2026-10-19 09:00"), "U0DAY", 1),
        (at("2026-10-19 17:00"), "U0BASE", 0),
    ]
    assert [s.user for s in wednesday] == ["U0BASE"]


def test_a_window_across_midnight_opens_on_its_day_and_closes_the_next_morning() -> None:
    nights = resolver(rotation(["U0N"], restrictions=[{"days": ["fri"], "from": "18:00", "to": "09:00"}]))

    shifts = nights.shifts(at("2026-10-16 12:00"), at("2026-10-18 12:00"))  # Friday noon to Sunday noon

    assert [(s.start, s.end, s.user) for s in shifts] == [
        (at("2026-10-16 12:00"), at("2026-10-16 18:00"), None),
        (at("2026-10-16 18:00"), at("2026-10-17 09:00"), "U0N"),
        (at("2026-10-17 09:00"), at("2026-10-18 12:00"), None),
    ]
    assert all(s.source == GAP for s in shifts if s.user is None)


def test_a_handoff_in_the_spring_forward_gap_happens_at_the_change() -> None:
    nightly = resolver(rotation(["U0A", "U0B"], turn="1d", handoff="02:30", anchor="2026-03-20"))

    shifts = nightly.shifts(at("2026-03-28 12:00"), at("2026-03-30 12:00"))

    assert [s.start for s in shifts][1:] == [
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 02:30 does not exist: 03:00 CEST, the first instant after
        at("2026-03-30 02:30"),
    ]
    assert shifts[1].end - shifts[1].start == timedelta(hours=23, minutes=30)


def test_an_hourly_turn_inside_the_spring_gap_vanishes_without_a_gap_or_double_cover() -> None:
    hourly = resolver(rotation(["U0A", "U0B", "U0C"], turn="1h", handoff="00:00", anchor="2026-03-29"))

    shifts = hourly.shifts(at("2026-03-29 00:00"), at("2026-03-29 05:00"))

    # 00:00 A, 01:00 B, 02:00 C (does not exist: no time at all), 03:00 A, 04:00 B
    assert [(s.start.hour, s.user) for s in shifts] == [(23, "U0A"), (0, "U0B"), (1, "U0A"), (2, "U0B")]
    assert all(a.end == b.start for a, b in pairwise(shifts))


def test_an_override_beats_every_layer_and_the_newest_of_two_overlapping_decides() -> None:
    older = override("U0OLD", at("2026-10-20 10:00"), at("2026-10-20 14:00"), oid="o1")
    newer = override("U0NEW", at("2026-10-20 12:00"), at("2026-10-20 13:00"), made="2026-10-02 00:00", oid="o2")
    with_overrides = resolver(rotation(["U0A"]), overrides=[newer, older])

    shifts = with_overrides.shifts(at("2026-10-20 09:00"), at("2026-10-20 15:00"))

    assert [(s.start.hour, s.user, s.source.override_id) for s in shifts] == [
        (7, "U0A", None),
        (8, "U0OLD", "o1"),
        (10, "U0NEW", "o2"),
        (11, "U0OLD", "o1"),
        (12, "U0A", None),
    ]


def test_a_lookup_says_since_and_until_across_sources_and_who_is_next() -> None:
    weekly = resolver(
        rotation(["U0A", "U0B"]),
        overrides=[override("U0B", at("2026-10-25 12:00"), at("2026-10-26 09:00"))],  # B starts early
    )

    now = weekly.on_call_at(at("2026-10-25 15:00"))
    upcoming = weekly.next_on_call(at("2026-10-25 15:00"))

    assert (now.user, now.since, now.until) == ("U0B", at("2026-10-25 12:00"), at("2026-11-02 09:00"))
    assert now.source == ShiftSource(SourceKind.OVERRIDE, override_id="o1")
    assert weekly.next_handoff(at("2026-10-25 15:00")) == at("2026-11-02 09:00")
    assert upcoming is not None and upcoming.user == "U0A"


def test_a_gap_is_answered_as_a_gap_with_its_bounds() -> None:
    daytime = resolver(
        rotation(["U0A"], restrictions=[{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}])
    )

    answer = daytime.on_call_at(at("2026-10-24 12:00"))  # a Saturday

    assert answer.is_gap and answer.source.kind is SourceKind.GAP
    assert (answer.since, answer.until) == (at("2026-10-23 17:00"), at("2026-10-26 09:00"))


def test_one_person_always_on_call_has_no_handoff_in_sight() -> None:
    answer = resolver(rotation(["U0A"])).on_call_at(at("2026-10-24 12:00"))

    assert (answer.user, answer.since, answer.until) == ("U0A", None, None)


def test_an_ical_layer_covers_what_its_calendar_says_and_nothing_before_it_is_read() -> None:
    policy = OncallPolicy.model_validate(
        {"schedules": {"s": {"timezone": "UTC", "layers": [rotation(["U0A"]), {"ical": "https://x.example/c.ics"}]}}}
    )
    entries = [
        CalendarEntry(at("2026-10-20 10:00"), at("2026-10-20 16:00"), "U0CAL", "Cal"),
        CalendarEntry(at("2026-10-20 12:00"), at("2026-10-20 13:00"), "U0LUNCH", "Lunch cover"),  # inside: takes over
        CalendarEntry(at("2026-10-20 17:00"), at("2026-10-20 18:00"), None, "Someone unknown"),
    ]
    unread = ScheduleResolver("s", policy.schedules["s"])
    read = ScheduleResolver("s", policy.schedules["s"], calendars={1: entries})

    shifts = read.shifts(at("2026-10-20 09:00"), at("2026-10-20 19:00"))

    assert [s.user for s in unread.shifts(at("2026-10-20 09:00"), at("2026-10-20 19:00"))] == ["U0A"]
    assert [(s.user, s.source.kind) for s in shifts] == [
        ("U0A", SourceKind.LAYER),
        ("U0CAL", SourceKind.CALENDAR),
        ("U0LUNCH", SourceKind.CALENDAR),
        ("U0CAL", SourceKind.CALENDAR),
        ("U0A", SourceKind.LAYER),
    ]


def test_with_overrides_builds_the_same_schedule_with_other_overrides() -> None:
    base = resolver(rotation(["U0A"]))
    changed = base.with_overrides([override("U0B", at("2026-10-20 10:00"), at("2026-10-20 11:00"))])

    assert base.on_call_at(at("2026-10-20 10:30")).user == "U0A"
    assert changed.on_call_at(at("2026-10-20 10:30")).user == "U0B"
    assert base.shifts(at("2026-10-20 11:00"), at("2026-10-20 10:00")) == []
