"""What `/incident search` narrows by besides words: `--service`, `--severity` and `--since`.

The options are taken out of the command's text before the rest is parsed as a query, so an option's value
is never searched for; inside quotes, `--service` is just words. An option may be given more than once or with
comma-separated values (any of them matches), and as `--service=api` too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from incidents.durations import parse_duration
from incidents.errors import InvalidInput
from incidents.model import Incident
from incidents.search.query import Query, clean_text, parse_query

OPTIONS = ("--service", "--severity", "--since")
# A quoted stretch, perhaps excluded (kept whole: options inside it are words), or a run of other characters.
_CHUNK = re.compile(r'-?"[^"]*"|[^\s"]+|"')
_OPTION_LIKE = re.compile(r"^--[A-Za-z]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Empty sets admit everything; `since` compares with when the incident was declared."""

    services: frozenset[str] = frozenset()  # lower case
    severities: frozenset[str] = frozenset()  # upper case
    since: datetime | None = None

    def admits(self, incident: Incident) -> bool:
        """Whether the incident passes these filters (the engines apply the same rules in SQL)."""
        if self.services and not self.services & {service.lower() for service in incident.services}:
            return False
        if self.severities and incident.severity.upper() not in self.severities:
            return False
        return self.since is None or incident.declared_at >= self.since


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: Query
    filters: SearchFilters


def parse_search_request(text: str, *, now: datetime, timezone: tzinfo = UTC) -> SearchRequest:
    """Split `/incident search`'s text into the query and its filters.

    Raises InvalidInput (keyed by option name) for an unknown `--option`, one without a value, or a `--since`
    that is neither a duration (`30d`, `2w`) nor a date (`2026-10-01`, midnight in `timezone`).
    """
    chunks = _CHUNK.findall(clean_text(text))
    words: list[str] = []
    values: dict[str, list[str]] = {option: [] for option in OPTIONS}
    index = 0
    while index < len(chunks):
        chunk = chunks[index]
        index += 1
        if not _OPTION_LIKE.match(chunk):
            words.append(chunk)
            continue
        name, _, value = chunk.partition("=")
        if name.lower() not in OPTIONS:
            raise InvalidInput({name: _unknown_option(name)})
        if not value:
            if index >= len(chunks) or _OPTION_LIKE.match(chunks[index]):
                raise InvalidInput({name: f"{name} needs a value, e.g. {name} {_EXAMPLES[name.lower()]}"})
            value = chunks[index].strip('"')
            index += 1
        values[name.lower()].extend(part for part in value.split(",") if part.strip())
    filters = SearchFilters(
        services=frozenset(value.strip().lower() for value in values["--service"]),
        severities=frozenset(value.strip().upper() for value in values["--severity"]),
        since=_since(values["--since"], now=now, timezone=timezone),
    )
    return SearchRequest(parse_query(" ".join(words)), filters)


_EXAMPLES = {"--service": "checkout", "--severity": "SEV1", "--since": "30d"}


def _unknown_option(name: str) -> str:
    hint = difflib.get_close_matches(name.lower(), OPTIONS, n=1)
    suggestion = f"did you mean {hint[0]}?" if hint else f"the options are {', '.join(OPTIONS)}."
    return f"{name} is not an option: {suggestion} To search for it, put it in quotes."


def _since(values: list[str], *, now: datetime, timezone: tzinfo) -> datetime | None:
    """The latest of the given starting points (each value narrows further, like repeating a filter)."""
    starts = [_one_since(value.strip(), now=now, timezone=timezone) for value in values]
    return max(starts) if starts else None


def _one_since(value: str, *, now: datetime, timezone: tzinfo) -> datetime:
    problem = f"'{value}' is neither a duration nor a date: write it like 30d, 2w or 2026-10-01"
    if _DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput({"--since": problem}) from None
        return datetime(day.year, day.month, day.day, tzinfo=timezone).astimezone(UTC)
    try:
        span = parse_duration(value)
    except ValueError:
        raise InvalidInput({"--since": problem}) from None
    try:
        return now - span
    except OverflowError:  # `--since 99999999d`: everything
        return datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
