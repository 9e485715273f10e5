"""The Done table: a two-layer Europe/Berlin schedule across the October DST change, six weeks, every hour.

Layer 0 is a 24×7 weekly rotation handed off on Mondays at 09:00. Layer 1, above it, covers every night but
Friday's (22:00–06:00, across midnight) with a daily turn handed off at 02:30, which on Sunday 25 October
2026 happens twice on the wall clock (03:00 CEST falls back to 02:00 CET). An override covers the night of
the change; a swap asked for by the week's 24×7 person is taken by someone else. The expected answer comes
from `oracle.minute_by_minute`, which watches the wall clock minute by minute and shares no arithmetic with
the resolver; the `.ics` export is read back with `icalendar` and must list exactly the resolver's shifts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import icalendar

from incidents.oncall.ical_export import export_calendar, whole_shifts
from incidents.oncall.overrides import Override
from incidents.oncall.policy import OncallPolicy
from incidents.oncall.resolver import ScheduleResolver
from incidents.oncall.shifts import Shift, SourceKind
from incidents.oncall.swaps import request_swap, take_swap
from tests.oncall.oracle import MINUTE, OracleOverride, OracleSwap, minute_by_minute

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 10, 5, 0, 0, tzinfo=BERLIN).astimezone(UTC)
END = datetime(2026, 11, 16, 0, 0, tzinfo=BERLIN).astimezone(UTC)  # six weeks (and one hour: the change)
SCHEDULE = OncallPolicy.model_validate(
    {
        "schedules": {
            "platform": {
                "timezone": "Europe/Berlin",
                "layers": [
                    {
                        "name": "24x7",
                        "users": ["U0ANNA", "U0BEN", "U0CARA"],
                        "turn": "1w",
                        "handoff": "mon 09:00",
                        "anchor": "2026-10-05",
                    },
                    {
                        "name": "nights",
                        "users": ["U0DAN", "U0EVA"],
                        "turn": "1d",
                        "handoff": "02:30",
                        "anchor": "2026-10-05",
                        "restrictions": [
                            {"days": ["sat", "sun", "mon", "tue", "wed", "thu"], "from": "22:00", "to": "06:00"}
                        ],
                    },
                ],
            }
        }
    }
).schedules["platform"]


def berlin(text: str, *, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN, fold=fold).astimezone(UTC)


OVERRIDE = Override(
    id="ovr-1",
    schedule="platform",
    user="U0FINN",
    start=berlin("2026-10-24 23:00"),
    end=berlin("2026-10-25 02:15", fold=1),  # the second 02:15 of the night, in CET
    created_by="U0DAN",
    created_at=berlin("2026-10-20 10:00"),
    reason="dentist",
)
SWAP_START, SWAP_END = berlin("2026-11-03 09:00"), berlin("2026-11-05 09:00")  # U0BEN's week


def resolver_with_swap_taken() -> tuple[ScheduleResolver, list[Override]]:
    """The schedule with the override, and with U0BEN's swap asked for and taken by U0GIA."""
    before = ScheduleResolver("platform", SCHEDULE, [OVERRIDE])
    now = berlin("2026-10-21 12:00")
    swap = request_swap(
        swap_id="swp-1",
        schedule="platform",
        requester="U0BEN",
        start=SWAP_START,
        end=SWAP_END,
        now=now,
        shifts=before.shifts(SWAP_START, SWAP_END),
    )
    ids = count(2)
    taken = take_swap(
        swap,
        taker="U0GIA",
        now=now + timedelta(hours=1),
        shifts=before.shifts(SWAP_START, SWAP_END),
        new_id=lambda: f"ovr-{next(ids)}",
    )
    overrides = [OVERRIDE, *taken.overrides]
    return before.with_overrides(overrides), overrides


def expected_minutes(start: datetime, end: datetime) -> list[str | None]:
    return minute_by_minute(
        SCHEDULE,
        start,
        end,
        overrides=[OracleOverride(OVERRIDE.user, OVERRIDE.start, OVERRIDE.end, made=1)],
        swaps=[OracleSwap("U0BEN", "U0GIA", SWAP_START, SWAP_END)],
    )


def as_minutes(shifts: list[Shift], start: datetime, end: datetime) -> list[str | None]:
    minutes: list[str | None] = []
    for shift in shifts:
        assert shift.start == start + len(minutes) * MINUTE, "shifts must be consecutive"
        minutes.extend([shift.user] * ((shift.end - shift.start) // MINUTE))
    assert start + len(minutes) * MINUTE == end
    return minutes


def test_every_minute_of_six_weeks_matches_the_wall_clock_oracle() -> None:
    resolver, _ = resolver_with_swap_taken()

    shifts = resolver.shifts(START, END)

    assert as_minutes(shifts, START, END) == expected_minutes(START, END)


def test_every_hour_names_the_right_person_with_since_and_until() -> None:
    resolver, _ = resolver_with_swap_taken()
    margin = timedelta(days=8)  # the oracle runs wider, so that runs crossing the window's edge are whole
    wide = expected_minutes(START - margin, END + margin)
    hour = START
    checked = 0
    while hour < END:
        index = (hour - (START - margin)) // MINUTE
        on_call = resolver.on_call_at(hour)
        first, last = index, index
        while wide[first - 1] == wide[index]:
            first -= 1
        while wide[last + 1] == wide[index]:
            last += 1

        assert on_call.user == wide[index], hour
        assert on_call.since == START - margin + first * MINUTE, hour
        assert on_call.until == START - margin + (last + 1) * MINUTE, hour
        hour += timedelta(hours=1)
        checked += 1
    assert checked == 6 * 7 * 24 + 1  # the fall-back night has 25 hours


def test_the_night_of_the_change_hands_off_at_the_first_0230_and_the_override_ends_at_the_second_0215() -> None:
    resolver, _ = resolver_with_swap_taken()

    night = resolver.shifts(berlin("2026-10-24 21:00"), berlin("2026-10-25 07:00"))

    assert [(s.start, s.user, s.source.kind) for s in night] == [
        (berlin("2026-10-24 21:00"), "U0CARA", SourceKind.LAYER),
        (berlin("2026-10-24 22:00"), "U0EVA", SourceKind.LAYER),  # Saturday night's turn
        (berlin("2026-10-24 23:00"), "U0FINN", SourceKind.OVERRIDE),
        (berlin("2026-10-25 02:15", fold=1), "U0DAN", SourceKind.LAYER),  # 02:30 CEST passed: Sunday's turn
        (berlin("2026-10-25 06:00"), "U0CARA", SourceKind.LAYER),
    ]
    assert night[-1].end == berlin("2026-10-25 07:00")


def test_the_taken_swap_covers_only_the_requesters_own_stretches() -> None:
    _, overrides = resolver_with_swap_taken()

    taken = [(o.start, o.end, o.user, o.swap_id) for o in overrides if o.swap_id]

    assert taken == [
        (berlin("2026-11-03 09:00"), berlin("2026-11-03 22:00"), "U0GIA", "swp-1"),
        (berlin("2026-11-04 06:00"), berlin("2026-11-04 22:00"), "U0GIA", "swp-1"),
        (berlin("2026-11-05 06:00"), berlin("2026-11-05 09:00"), "U0GIA", "swp-1"),
    ]


def test_the_ics_export_parses_with_icalendar_and_lists_exactly_the_shifts() -> None:
    resolver, _ = resolver_with_swap_taken()
    shifts = whole_shifts(resolver, START, END)

    feed = export_calendar([("platform", shifts)], name="On call: platform", now=berlin("2026-10-21 12:00"))
    events = [c for c in icalendar.Calendar.from_ical(feed).walk("VEVENT")]

    exported = [(e["DTSTART"].dt, e["DTEND"].dt, str(e["X-FIREBREAK-USER"])) for e in events]
    assert exported == [(s.start, s.end, s.user) for s in shifts]
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert shifts[0].start < START < shifts[0].end  # taken whole: the week that began before the window
    assert all(not s.is_gap for s in shifts)


def test_exported_uids_are_stable_from_one_export_to_the_next() -> None:
    resolver, _ = resolver_with_swap_taken()

    def uids(start: datetime, now: datetime) -> dict[tuple[datetime, str], str]:
        feed = export_calendar(
            [("platform", whole_shifts(resolver, start, start + timedelta(days=14)))], name="x", now=now
        )
        events = icalendar.Calendar.from_ical(feed).walk("VEVENT")
        return {(e["DTSTART"].dt, str(e["X-FIREBREAK-USER"])): str(e["UID"]) for e in events}

    monday = uids(berlin("2026-10-12 10:00"), berlin("2026-10-12 10:00"))
    wednesday = uids(berlin("2026-10-14 16:20"), berlin("2026-10-14 16:20"))

    shared = monday.keys() & wednesday.keys()
    assert len(shared) > 10
    assert all(monday[key] == wednesday[key] for key in shared)
