"""Periods people ask figures for: `week`, `month`, `quarter`, `30d`, `2026-Q3`, `2026-10-01..2026-10-31`.

All boundaries are local midnights in one timezone (the policy's `insights.timezone`), worked out on the wall
clock so a DST change inside a period neither shifts its start nor its end. A period is half-open: it holds
`start <= t < end`. An incident belongs to the period its declaration falls in.

- `week`, `month`, `quarter`, `year`: the current calendar one so far (from its first midnight to now). Beside
  it: the previous one to the same point (Mon 00:00 → Thu 14:00 beside last Mon 00:00 → last Thu 14:00; 1–15
  October beside 1–15 September, cut at the previous month's end when it is shorter).
- `last-week`, `last-month`, `last-quarter`, `last-year`: the previous complete one (what reports cover).
- `30d`, `12w`: that many days (weeks) up to now. Beside it: the same length just before.
- `2026-Q3`, `2026-10`, `2026`: that calendar quarter, month or year. Beside it: the one before.
- `2026-10-01..2026-10-31`: those days, both included. Beside it: as many days just before.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from incidents.insights.errors import UnknownPeriod

Unit = Literal["week", "month", "quarter", "year", "days"]

DEFAULT_PERIOD = "30d"
EXAMPLES = ("week", "month", "quarter", "30d", "2026-Q3", "2026-10-01..2026-10-31")
MAX_DAYS = 3660  # ten years: far beyond any history, and keeps the arithmetic far from datetime's limits
MIN_YEAR, MAX_YEAR = 1970, 2999
_KEYWORDS = ("week", "month", "quarter", "year", "last-week", "last-month", "last-quarter", "last-year")
_DAYS = re.compile(r"^(\d{1,5})\s*(d|days?|w|weeks?)$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\S+)\s*\.\.\s*(\S+)$")


@dataclass(frozen=True, slots=True)
class Period:
    """A window of time to compute figures over, with how to find the one to compare it with."""

    start: datetime  # inclusive, in UTC (its wall clock in `timezone` is a local midnight, or now)
    end: datetime  # exclusive, in UTC
    label: str  # e.g. "2026-Q3", "October 2026 so far", "2026-10-01..2026-10-31"
    unit: Unit  # how `previous()` steps back: a calendar unit, or a number of days
    timezone: str
    to_date: bool = False  # a calendar unit still under way: compared with the previous one to the same point

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Period:
        """The period to show beside this one: the preceding unit to the same point, or the same length."""
        zone = ZoneInfo(self.timezone)
        start, end = _wall(self.start, zone), _wall(self.end, zone)
        if self.unit == "days":
            prev_start, prev_end = start - (end - start), start
        else:
            prev_start = datetime.combine(_step_back(start.date(), self.unit), time())
            # To date: the same offset into the previous unit, cut at its end (30 days into a 28-day February).
            prev_end = min(prev_start + (end - start), start) if self.to_date else start
        if self.unit == "days":
            label = f"{prev_start.date().isoformat()}..{(prev_end - timedelta(microseconds=1)).date().isoformat()}"
        else:
            label = _calendar_label(prev_start.date(), self.unit) + (" to the same point" if self.to_date else "")
        return Period(_aware(prev_start, zone), _aware(prev_end, zone), label, self.unit, self.timezone, self.to_date)


def _wall(at: datetime, zone: ZoneInfo) -> datetime:
    return at.astimezone(zone).replace(tzinfo=None)


def _aware(wall: datetime, zone: ZoneInfo) -> datetime:
    # Held in UTC: Python subtracts and compares two datetimes sharing one tzinfo by their wall clocks, which
    # would make a month with a DST change an hour short.
    return wall.replace(tzinfo=zone).astimezone(UTC)


def _unit_start(day: date, unit: Unit) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def _step_back(start: date, unit: Unit) -> date:
    """The start of the unit before the one starting on `start`."""
    return _unit_start(start - timedelta(days=1), unit)


def _step_forward(start: date, unit: Unit) -> date:
    """The start of the unit after the one starting on `start`."""
    if unit == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_period(text: str, *, now: datetime, timezone: str) -> Period:
    """The period `text` names, in `timezone`, as of `now`; UnknownPeriod (with the nearest match) if none."""
    zone = ZoneInfo(timezone)
    wanted = " ".join(text.strip().lower().split())
    keyword = wanted.replace(" ", "-")
    today = now.astimezone(zone).date()
    now_wall = _wall(now, zone)
    if keyword in _KEYWORDS:
        unit: Unit = keyword.removeprefix("last-")  # type: ignore[assignment]
        start = _unit_start(today, unit)
        if keyword.startswith("last-"):
            prev = _step_back(start, unit)
            return _calendar(prev, start, unit, _calendar_label(prev, unit), timezone)
        wall_start = datetime.combine(start, time())
        label = f"{_calendar_label(start, unit)} so far"
        return Period(_aware(wall_start, zone), now.astimezone(UTC), label, unit, timezone, to_date=True)
    if match := _DAYS.match(wanted):
        weeks = match.group(2).startswith("w")
        count = int(match.group(1)) * (7 if weeks else 1)
        if not 1 <= count <= MAX_DAYS:
            raise UnknownPeriod(text, f"a period is 1 to {MAX_DAYS} days long", None, EXAMPLES)
        start_wall = now_wall - timedelta(days=count)
        label = f"last {int(match.group(1))} {'weeks' if weeks else 'days'}"
        return Period(_aware(start_wall, zone), now.astimezone(UTC), label, "days", timezone)
    if match := _QUARTER.match(wanted):
        first = date(_year(text, match.group(1)), 3 * int(match.group(2)) - 2, 1)
        return _calendar(first, _step_forward(first, "quarter"), "quarter", _calendar_label(first, "quarter"), timezone)
    if (match := _MONTH.match(wanted)) and 1 <= int(match.group(2)) <= 12:
        first = date(_year(text, match.group(1)), int(match.group(2)), 1)
        return _calendar(first, _step_forward(first, "month"), "month", _calendar_label(first, "month"), timezone)
    if match := _YEAR.match(wanted):
        first = date(_year(text, match.group(1)), 1, 1)
        return _calendar(first, _step_forward(first, "year"), "year", match.group(1), timezone)
    if match := _RANGE.match(wanted):
        return _range(text, match.group(1), match.group(2), timezone)
    raise UnknownPeriod(text, "", _nearest(wanted, today), EXAMPLES)


def _year(text: str, digits: str) -> int:
    year = int(digits)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UnknownPeriod(text, f"{year} is not a year between {MIN_YEAR} and {MAX_YEAR}", None, EXAMPLES)
    return year


def _calendar(first: date, after: date, unit: Unit, label: str, timezone: str) -> Period:
    zone = ZoneInfo(timezone)
    start, end = (_aware(datetime.combine(day, time()), zone) for day in (first, after))
    return Period(start, end, label, unit, timezone)


def _calendar_label(first: date, unit: Unit) -> str:
    if unit == "week":
        return f"week of {first.isoformat()}"
    if unit == "month":
        return first.strftime("%B %Y")
    if unit == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return str(first.year)


def _range(text: str, first_text: str, last_text: str, timezone: str) -> Period:
    days: list[date] = []
    for part in (first_text, last_text):
        try:
            days.append(date.fromisoformat(part))
        except ValueError:
            raise UnknownPeriod(text, f"{part} is not a date (YYYY-MM-DD)", None, EXAMPLES) from None
    first, last = days
    for day in days:
        _year(text, str(day.year))
    if last < first:
        raise UnknownPeriod(text, f"{last_text} is before {first_text}", f"{last_text}..{first_text}", EXAMPLES)
    if (last - first).days + 1 > MAX_DAYS:
        raise UnknownPeriod(text, f"a period is 1 to {MAX_DAYS} days long", None, EXAMPLES)
    label = f"{first.isoformat()}..{last.isoformat()}"
    return _calendar(first, last + timedelta(days=1), "days", label, timezone)


def _nearest(wanted: str, today: date) -> str | None:
    quarter = (today.month - 1) // 3 + 1
    candidates = [*_KEYWORDS, "30d", "90d", f"{today.year}-Q{quarter}", f"{today.year}-{today.month:02d}"]
    found = difflib.get_close_matches(wanted.replace(" ", "-"), candidates, n=1, cutoff=0.6)
    return found[0] if found else None
