"""The small values people write in the `oncall:` section: times of day, handoffs, ids, timezones.

Each parser raises a `PydanticCustomError` so that check-config prints the problem as written here, after the
key it belongs to (`oncall.schedules.primary.layers.0.handoff: 'mon 25:00' is not a time`), without pydantic's
"Value error," prefix. `Problems` gathers errors found across keys (a reference to an unknown schedule) so that
each is reported at its own key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, PlainSerializer, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = dict(zip(_FULL_NAMES, WEEKDAYS, strict=True))
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL = re.compile(r"^([CG][A-Z0-9]{2,}|#[a-z0-9][a-z0-9._-]{0,79})$")
# Schedule and policy names are typed in commands (`/incident oncall primary`), so they stay plain.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def problem(message: str) -> PydanticCustomError:
    """A validation error whose text check-config shows exactly as given."""
    return PydanticCustomError("oncall", message)


class Problems:
    """Problems found while checking references across the section, each at its own key (loc)."""

    def __init__(self) -> None:
        self._details: list[InitErrorDetails] = []

    def add(self, loc: tuple[str | int, ...], message: str) -> None:
        self._details.append(InitErrorDetails(type=problem(message), loc=loc, input=None))

    def raise_any(self, title: str) -> None:
        """Raise them as one ValidationError; pydantic prefixes each loc with the enclosing keys."""
        if self._details:
            raise ValidationError.from_exception_data(title, self._details)


def parse_clock(value: Any) -> dt.time:
    """`09:00` as a time of day. An unquoted `09:00` reaches us from YAML as 540 (base 60: minutes)."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return dt.time(value // 60, value % 60)
    match = _CLOCK.match(str(value).strip()) if isinstance(value, str) else None
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise problem(f"'{value}' is not a time: write it like 09:00 (24-hour clock)")
    return dt.time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True, slots=True)
class Handoff:
    """When a turn changes hands: a time of day, and for turns counted in weeks usually a weekday too."""

    at: dt.time
    weekday: int | None = None  # 0 = Monday; None: the anchor date's own weekday

    def __str__(self) -> str:
        clock = f"{self.at:%H:%M}"
        return clock if self.weekday is None else f"{WEEKDAYS[self.weekday]} {clock}"


def parse_handoff(value: Any) -> Handoff:
    """`mon 09:00` or `09:00` (in the schedule's timezone)."""
    if isinstance(value, Handoff):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Handoff(at=parse_clock(value))
    text = str(value).strip().lower() if isinstance(value, str) else ""
    day, _, clock = text.rpartition(" ")
    day = _DAY_NAMES.get(day.strip(), day.strip())
    if day and day not in WEEKDAYS:
        raise problem(f"'{value}' is not a handoff: write it like mon 09:00 or 09:00")
    try:
        at = parse_clock(clock)
    except PydanticCustomError:
        raise problem(f"'{value}' is not a time: write it like mon 09:00 (24-hour clock)") from None
    return Handoff(at=at, weekday=WEEKDAYS.index(day) if day else None)


def parse_weekday(value: Any) -> str:
    """`mon` (or `monday`, any case) as the short name."""
    text = value.strip().lower() if isinstance(value, str) else ""
    day = _DAY_NAMES.get(text, text)
    if day not in WEEKDAYS:
        raise problem(f"'{value}' is not a day: write mon, tue, wed, thu, fri, sat or sun")
    return day


def parse_timezone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise problem(f"unknown timezone '{value}': use an IANA name such as Europe/Berlin") from None
    return str(value)


def _matching(pattern: re.Pattern[str], what: str) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            raise problem(f"'{value}' is not {what}")
        return value

    return check


def check_name(value: str, what: str) -> str | None:
    """Why `value` cannot name a schedule or policy, or None when it can."""
    if not _NAME.match(value):
        return f"'{value}' cannot name a {what}: use lower-case letters, digits, - and _ (it is typed in commands)"
    return None


LocalClock = Annotated[dt.time, BeforeValidator(parse_clock), PlainSerializer(lambda t: f"{t:%H:%M}")]
HandoffAt = Annotated[Handoff, BeforeValidator(parse_handoff), PlainSerializer(str)]
Weekday = Annotated[str, BeforeValidator(parse_weekday)]
Timezone = Annotated[str, BeforeValidator(parse_timezone)]
UserId = Annotated[str, BeforeValidator(_matching(_USER_ID, "a Slack user id (U…)"))]
UsergroupId = Annotated[str, BeforeValidator(_matching(_USERGROUP_ID, "a Slack user group id (S…)"))]
ChannelRef = Annotated[str, BeforeValidator(_matching(_CHANNEL, "a Slack channel (an id C… or G…, or #name)"))]
