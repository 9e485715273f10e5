"""The `insights:` section of the policy file: the timezone figures are bucketed in, the root-cause categories
people pick from, and the reports posted on a schedule."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_timezone(name: str) -> str:
    """An IANA timezone name, else a ValueError naming the nearest one."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        nearest = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
        hint = f"; did you mean '{nearest[0]}'?" if nearest else " (an IANA name such as Europe/Berlin)"
        raise ValueError(f"'{name}' is not a timezone{hint}") from None
    return name


def _clock_time(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 18:00 as the base-60 integer 1080: take it back as the time it was written as.
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value < 24 * 60:
            raise ValueError(f"{value} is not a time of day: write it like '09:00'")
        return dt.time(value // 60, value % 60)
    return value


class RootCause(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=60)
    description: str = ""


class ScheduledReport(_Strict):
    every: Literal["week", "month", "quarter"]
    channel: str = Field(min_length=1)  # a channel id (C…) or name
    weekday: Weekday | None = None  # weekly reports only (default mon); others go out on the 1st
    at: dt.time = dt.time(9, 0)  # in insights.timezone

    _at = field_validator("at", mode="before")(_clock_time)

    @model_validator(mode="after")
    def _weekday_for_weeks_only(self) -> ScheduledReport:
        if self.weekday is not None and self.every != "week":
            raise ValueError(f"weekday applies to weekly reports; a {self.every}ly report goes out on the 1st")
        return self


def _default_root_causes() -> list[RootCause]:
    return [
        RootCause(id="deploy", name="Deploy or release"),
        RootCause(id="configuration", name="Configuration change"),
        RootCause(id="capacity", name="Capacity or load"),
        RootCause(id="dependency", name="Third-party dependency"),
        RootCause(id="infrastructure", name="Infrastructure or network"),
        RootCause(id="bug", name="Software bug"),
        RootCause(id="data", name="Data or migration"),
        RootCause(id="security", name="Security"),
        RootCause(id="other", name="Other"),
    ]


class InsightsPolicy(_Strict):
    timezone: str = "UTC"  # weeks, months, quarters and the heatmap's hours are this timezone's
    root_causes: list[RootCause] = Field(default_factory=_default_root_causes, min_length=1)
    reports: list[ScheduledReport] = Field(default_factory=list)

    _timezone = field_validator("timezone")(check_timezone)

    @field_validator("root_causes")
    @classmethod
    def _unique_ids(cls, causes: list[RootCause]) -> list[RootCause]:
        seen: set[str] = set()
        for cause in causes:
            if cause.id in seen:
                raise ValueError(f"id '{cause.id}' appears twice")
            seen.add(cause.id)
        return causes

    @field_validator("reports")
    @classmethod
    def _one_report_per_channel_and_period(cls, reports: list[ScheduledReport]) -> list[ScheduledReport]:
        seen: set[tuple[str, str]] = set()
        for report in reports:
            key = (report.every, report.channel)
            if key in seen:
                raise ValueError(f"two {report.every}ly reports to {report.channel}")
            seen.add(key)
        return reports

    def root_cause_names(self) -> dict[str, str]:
        return {cause.id: cause.name for cause in self.root_causes}
