"""Durations and times of day as people write them in the policy file: `90s`, `15m`, `2h`, `1d`, `1h30m`; `18:00`."""

from __future__ import annotations

import datetime as dt
import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

_PART = re.compile(r"(\d+)\s*([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> timedelta:
    """Parse `90s`, `15m`, `2h`, `1d`, `1w` or a concatenation such as `1h30m`."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("expected a duration such as 90s, 15m, 2h or 1d")
    text = str(value).strip().lower()
    if text.isdigit():
        # A bare number is ambiguous (seconds? minutes?), so say so rather than guess.
        raise ValueError(f"'{text}' has no unit: write it like 90s, 15m, 2h or 1d")
    pos, total = 0, 0
    for match in _PART.finditer(text):
        if match.start() != pos and text[pos : match.start()].strip():
            break
        total += int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if pos == 0 or text[pos:].strip():
        raise ValueError(f"'{value}' is not a duration: write it like 90s, 15m, 2h or 1d")
    return timedelta(seconds=total)


def format_duration(delta: timedelta) -> str:
    """Render a duration compactly for people: `2d 3h`, `1h 5m`, `42s`."""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


def _serialize(delta: timedelta) -> str:
    return f"{int(delta.total_seconds())}s"


Duration = Annotated[timedelta, BeforeValidator(parse_duration), PlainSerializer(_serialize)]


def _time_of_day(value: Any) -> Any:
    """YAML 1.1 reads an unquoted `18:00` as the base-60 number 1080 (minutes), which pydantic would take for
    seconds (00:18): read it as the time it was written as. Quoted times, and `09:00` (which YAML leaves a
    string), go on to pydantic's own parsing."""
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < 24 * 60:
            return dt.time(value // 60, value % 60)
        raise ValueError(f"{value} is not a time of day: write it like 18:00")
    return value


TimeOfDay = Annotated[dt.time, BeforeValidator(_time_of_day)]
