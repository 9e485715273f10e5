"""Reading an iCal layer's calendar into entries, and refreshing it while keeping the last good copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from incidents.oncall.calendar_refresh import refresh_calendar
from incidents.oncall.ical_layer import CalendarUnreadable, calendar_entries
from incidents.oncall.ports import CachedCalendar, CalendarFetchFailed

BERLIN = ZoneInfo("Europe/Berlin")
CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:nightly@test
DTSTART;TZID=Europe/Berlin:20261022T020000
DTEND;TZID=Europe/Berlin:20261022T060000
RRULE:FREQ=DAILY;COUNT=6
EXDATE;TZID=Europe/Berlin:20261024T020000
SUMMARY:On call <@U0ALICE>
END:VEVENT
BEGIN:VEVENT
UID:allday@test
DTSTART;VALUE=DATE:20261024
SUMMARY:Bob Builder
ATTENDEE;CN=Bob:mailto:Bob@Example.com
END:VEVENT
BEGIN:VEVENT
UID:floating@test
DTSTART:20261026T100000
DURATION:PT2H
SUMMARY:Carol
END:VEVENT
BEGIN:VEVENT
UID:stranger@test
DTSTART:20261026T130000Z
DTEND:20261026T140000Z
SUMMARY:A contractor
DESCRIPTION:nobody we know
END:VEVENT
BEGIN:VEVENT
UID:cancelled@test
DTSTART:20261026T150000Z
DTEND:20261026T160000Z
SUMMARY:U0DAVE1 cancelled
STATUS:CANCELLED
END:VEVENT
END:VCALENDAR
"""


def berlin(text: str, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN, fold=fold).astimezone(UTC)


def test_events_become_entries_with_recurrences_expanded_and_people_matched() -> None:
    entries = calendar_entries(
        CALENDAR,
        berlin("2026-10-22 00:00"),
        berlin("2026-10-27 00:00"),
        BERLIN,
        people={"bob@example.com": "U0BOB", "carol": "U0CAROL"},
    )

    assert [(e.start, e.end, e.user) for e in entries] == [
        (berlin("2026-10-22 02:00"), berlin("2026-10-22 06:00"), "U0ALICE"),
        (berlin("2026-10-23 02:00"), berlin("2026-10-23 06:00"), "U0ALICE"),
        (berlin("2026-10-24 00:00"), berlin("2026-10-25 00:00"), "U0BOB"),  # all day, in the schedule's zone
        (berlin("2026-10-25 02:00"), berlin("2026-10-25 06:00"), "U0ALICE"),  # 02:00 twice: the first (CEST)
        (berlin("2026-10-26 02:00"), berlin("2026-10-26 06:00"), "U0ALICE"),
        (berlin("2026-10-26 10:00"), berlin("2026-10-26 12:00"), "U0CAROL"),  # floating: the schedule's zone
        (datetime(2026, 10, 26, 13, tzinfo=UTC), datetime(2026, 10, 26, 14, tzinfo=UTC), None),
    ]
    assert entries[-1].title == "A contractor"


def test_a_time_in_the_spring_gap_follows_the_schedules_wall_clock_rule() -> None:
    text = CALENDAR.replace("20261022T020000", "20260328T023000").replace("20261022T060000", "20260328T060000")

    entries = calendar_entries(text, berlin("2026-03-29 00:00"), berlin("2026-03-29 12:00"), BERLIN)

    assert entries[0].start == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:30 does not exist: 03:00 CEST


@pytest.mark.parametrize("text", ["not a calendar", "BEGIN:VCALENDAR\nBEGIN:VEVENT\n", ""])
def test_text_that_is_not_a_calendar_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(CalendarUnreadable) as refused:
        calendar_entries(text, berlin("2026-10-22 00:00"), berlin("2026-10-23 00:00"), BERLIN)

    assert str(refused.value).startswith("not a readable iCal calendar")


class FakeFetcher:
    def __init__(self, answers: list[str | Exception]) -> None:
        self.answers = answers
        self.urls: list[str] = []

    async def fetch(self, url: str) -> str:
        self.urls.append(url)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class MemoryCache:
    def __init__(self) -> None:
        self.kept: dict[tuple[str, int], CachedCalendar] = {}

    async def last_good(self, schedule: str, layer: int) -> CachedCalendar | None:
        return self.kept.get((schedule, layer))

    async def keep(self, schedule: str, layer: int, calendar: CachedCalendar) -> None:
        self.kept[(schedule, layer)] = calendar


async def test_a_refresh_keeps_the_last_good_copy_when_the_source_fails_or_sends_garbage() -> None:
    fetcher = FakeFetcher([CALENDAR, CalendarFetchFailed("HTTP 503"), "<html>login</html>"])
    cache = MemoryCache()
    now = berlin("2026-10-22 00:00")

    async def refresh(at: datetime) -> tuple[bool, str | None, datetime | None]:
        outcome = await refresh_calendar(
            fetcher=fetcher, cache=cache, schedule="s", layer=1, url="https://x.example/c.ics", zone=BERLIN, now=at
        )
        return outcome.refreshed, outcome.problem, outcome.calendar.fetched_at if outcome.calendar else None

    first = await refresh(now)
    failed = await refresh(now + timedelta(minutes=15))
    garbage = await refresh(now + timedelta(minutes=30))

    assert first == (True, None, now)
    assert failed == (False, "HTTP 503", now)
    assert garbage[0] is False and garbage[1] is not None and garbage[2] == now
    assert cache.kept[("s", 1)].text == CALENDAR


async def test_a_calendar_never_fetched_has_no_copy_to_fall_back_on() -> None:
    outcome = await refresh_calendar(
        fetcher=FakeFetcher([CalendarFetchFailed("unreachable")]),
        cache=MemoryCache(),
        schedule="s",
        layer=0,
        url="https://x.example/c.ics",
        zone=BERLIN,
        now=berlin("2026-10-22 00:00"),
    )

    assert outcome.calendar is None and outcome.problem == "unreachable"
