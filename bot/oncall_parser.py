"""Reading `/incident oncall …` and `/incident page …` text. Pure: times are read in the reader's timezone.

Moments: `now`, `18:00` (today), `today 18:00`, `tomorrow 09:00`, `mon 09:00` (the next Monday, today if
later than now), `2026-12-24` (midnight), `2026-12-24 18:00` or `2026-12-24T18:00`. An end may also be a
length after the start: `4h`, `30m`, `2d`, `1h30m`. Local times follow the schedules' daylight-saving rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.command_parser import parse_user
from incidents.durations import parse_duration
from incidents.oncall.wall_clock import wall_clock_instant

VERBS = ("shifts", "override", "swap", "export", "help")
WRITES = ("override", "swap", "export")  # answered after the ack
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{1,2}:\d{2}))?$")
_SPAN = re.compile(r"^(\d+)d$")


class MomentError(ValueError):
    """A time that could not be read; the message says what was expected."""


@dataclass(frozen=True)
class OncallArgs:
    verb: str  # "" (who is on call), or one of VERBS
    words: list[str] = field(default_factory=list)


def parse_oncall(rest: str) -> OncallArgs:
    words = rest.split()
    if words and words[0].lower() in VERBS:
        return OncallArgs(words[0].lower(), words[1:])
    return OncallArgs("", words)


def is_write(rest: str) -> bool:
    return parse_oncall(rest).verb in WRITES


def parse_days(word: str) -> int | None:
    match = _SPAN.match(word.lower())
    return int(match.group(1)) if match else None


def _clock(word: str) -> time | None:
    match = _CLOCK.match(word)
    return time(int(match.group(1)), int(match.group(2))) if match else None


def read_moment(words: list[str], at: int, now: datetime, zone: ZoneInfo) -> tuple[datetime, int]:
    """The moment starting at words[at], and the index after it."""
    if at >= len(words):
        raise MomentError("Say when: `now`, `18:00`, `tomorrow 09:00`, `mon 09:00` or `2026-12-24 18:00`.")
    word, local_now = words[at].lower(), now.astimezone(zone)
    following = _clock(words[at + 1]) if at + 1 < len(words) else None
    if word == "now":
        return now, at + 1
    if (clock := _clock(word)) is not None:
        return _instant(local_now.date(), clock, zone), at + 1
    if word in ("today", "tomorrow") and following is not None:
        day = local_now.date() + timedelta(days=1 if word == "tomorrow" else 0)
        return _instant(day, following, zone), at + 2
    if word[:3] in _DAYS and word in (_DAYS[_DAYS.index(word[:3])], _full(word[:3])) and following is not None:
        ahead = (_DAYS.index(word[:3]) - local_now.weekday()) % 7
        moment = _instant(local_now.date() + timedelta(days=ahead), following, zone)
        return (moment if moment > now else moment + timedelta(days=7)), at + 2
    if (match := _DATE.match(word)) is not None:
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise MomentError(f"`{words[at]}` is not a date.") from None
        if match.group(4):
            clock = _clock(match.group(4))
            if clock is None:
                raise MomentError(f"`{words[at]}` is not a time (24-hour clock).")
            return _instant(day, clock, zone), at + 1
        if following is not None:
            return _instant(day, following, zone), at + 2
        return _instant(day, time(0, 0), zone), at + 1
    raise MomentError(
        f"I can't read `{words[at]}` as a time: say `now`, `18:00`, `tomorrow 09:00`, `2026-12-24 18:00`."
    )


def read_end(words: list[str], at: int, start: datetime, now: datetime, zone: ZoneInfo) -> tuple[datetime, int]:
    """An end: a length after `start` (`4h`) or a moment."""
    if at < len(words) and re.match(r"^\d+[smhdw](\d+[smhdw])*$", words[at].lower()):
        try:
            return start + parse_duration(words[at].lower()), at + 1
        except ValueError:
            raise MomentError(f"`{words[at]}` is not a length such as `4h`.") from None
    return read_moment(words, at, now, zone)


def read_user(word: str) -> str | None:
    return parse_user(word)


def _full(day: str) -> str:
    return {"mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday"}.get(
        day, {"sat": "saturday", "sun": "sunday"}.get(day, day)
    )


def _instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return wall_clock_instant(datetime.combine(day, clock), zone)
