"""Schedules as the policy file defines them: a timezone, optional user group and channel, ordered layers.

A layer either rotates its `users` in turns (`turn: 1w`, `handoff: mon 09:00`, `anchor: 2026-10-05`), possibly
only within `restrictions` (local wall-clock windows such as weekdays 09:00–17:00, or 18:00–09:00 across
midnight), or follows an iCal calendar (`ical: https://…`). Later layers in the list are higher, as in
PagerDuty: where two layers cover the same moment, the one listed later decides.
"""

from __future__ import annotations

import datetime as dt
import difflib
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from incidents.durations import Duration
from incidents.oncall.policy_fields import (
    WEEKDAYS,
    ChannelRef,
    HandoffAt,
    LocalClock,
    Problems,
    Timezone,
    UsergroupId,
    UserId,
    Weekday,
    problem,
)

# The guide the issue follows asks for rotations of at most a week: longer turns wear people out.
LONGEST_TURN = timedelta(weeks=1)
SHORTEST_TURN = timedelta(hours=1)
_RESTRICTION_KEYS = ("days", "from", "to")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Restriction(_Strict):
    """A local wall-clock window, on the days it starts: `from` == `to` means the whole day (24 h)."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: LocalClock = Field(default=dt.time(0, 0), alias="from")
    end: LocalClock = Field(default=dt.time(0, 0), alias="to")

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        # Named here, not by pydantic: it would suggest the Python names (`start`) for the YAML ones (`from`).
        if isinstance(data, dict):
            found = Problems()
            for key in data:
                if key not in _RESTRICTION_KEYS:
                    nearest = difflib.get_close_matches(str(key), _RESTRICTION_KEYS, n=1)
                    said = f"did you mean '{nearest[0]}'?" if nearest else f"known keys: {', '.join(_RESTRICTION_KEYS)}"
                    found.add((str(key),), f"unknown key; {said}")
            found.raise_any("Restriction")
        return data

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


class Layer(_Strict):
    """One layer: a rotation of users, or an iCal calendar (then `ical` and, optionally, `people`)."""

    name: str | None = Field(default=None, max_length=60)
    users: list[UserId] = Field(default_factory=list, max_length=100)
    turn: Duration | None = None
    handoff: HandoffAt | None = None
    anchor: dt.date | None = None
    restrictions: list[Restriction] = Field(default_factory=list)
    ical: str | None = None
    # For iCal events that do not name a Slack user id: attendee e-mail or event title → user id.
    people: dict[str, UserId] = Field(default_factory=dict)

    @field_validator("ical")
    @classmethod
    def _url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("https://", "http://", "webcal://")):
            raise problem(f"'{url}' is not a calendar URL (https://…)")
        return url

    @model_validator(mode="after")
    def _one_kind(self) -> Layer:
        found = Problems()
        if self.ical is not None:
            for key in ("users", "turn", "handoff", "anchor", "restrictions"):
                if getattr(self, key):
                    found.add((key,), "an iCal layer takes its people and times from the calendar: remove this key")
        else:
            if not self.users:
                found.add(("users",), "a layer needs users in turn (or an `ical` calendar URL)")
            if self.turn is None:
                found.add(("turn",), "a rotating layer needs a turn length, such as 1d or 1w")
            elif not SHORTEST_TURN <= self.turn <= LONGEST_TURN or self.turn % timedelta(minutes=1):
                found.add(("turn",), "a turn is whole minutes from 1h to 1w (rotations of at most a week)")
            if self.handoff is None:
                found.add(("handoff",), "a rotating layer needs a handoff, such as mon 09:00 or 09:00")
            if self.anchor is None:
                found.add(("anchor",), "a rotating layer needs an anchor date: the first user's turn starts then")
            if self.people:
                found.add(("people",), "only an iCal layer maps calendar people to users")
        found.raise_any("Layer")
        return self

    @property
    def is_calendar(self) -> bool:
        return self.ical is not None


class Schedule(_Strict):
    timezone: Timezone
    usergroup: UsergroupId | None = None  # follows whoever is on call (handoffs.py keeps it in step)
    channel: ChannelRef | None = None  # handoff posts, load warnings
    layers: list[Layer] = Field(min_length=1, max_length=10)
