"""Policy for follow-through: escalation, reminders, action items, working hours, the weekly digest."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from incidents.durations import Duration, TimeOfDay

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_targets(targets: list[str]) -> list[str]:
    for target in targets:
        if not target or target[0] not in "UWSCGD#":
            raise ValueError(f"'{target}' is not a user (U…), user group (S…) or channel (C…, G…, #name)")
    return targets


class EscalationLevel(_Strict):
    # How long after the previous step (the first level: after the severity's response target passes).
    after: Duration = timedelta(0)
    notify: list[str] = Field(min_length=1)

    _targets = field_validator("notify")(_check_targets)


class ManagementEscalation(_Strict):
    after: Duration = timedelta(hours=1)  # unresolved this long after declaration
    severities: list[str] = Field(default_factory=lambda: ["SEV1"])
    notify: list[str] = Field(default_factory=list)

    _targets = field_validator("notify")(_check_targets)


class Escalation(_Strict):
    levels: list[EscalationLevel] = Field(default_factory=list)
    management: ManagementEscalation = Field(default_factory=ManagementEscalation)


class Reminders(_Strict):
    snooze: Duration = timedelta(minutes=15)
    postmortem_after: Duration = timedelta(hours=48)
    postmortem_severities: list[str] = Field(default_factory=lambda: ["SEV1", "SEV2"])


class ActionItemPolicy(_Strict):
    due_high: Duration = timedelta(days=7)
    due_medium: Duration = timedelta(days=30)
    due_low: Duration = timedelta(days=90)
    nudge_before: Duration = timedelta(days=1)
    overdue_every: Duration = timedelta(days=3)


class WorkingHours(_Strict):
    start: TimeOfDay = dt.time(9, 0)
    end: TimeOfDay = dt.time(18, 0)
    days: list[str] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    default_timezone: str = "UTC"

    @field_validator("days")
    @classmethod
    def _days(cls, days: list[str]) -> list[str]:
        bad = [d for d in days if d.lower() not in WEEKDAYS]
        if bad or not days:
            raise ValueError(f"days must be some of {', '.join(WEEKDAYS)}")
        return [d.lower() for d in days]

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone '{zone}'") from exc
        return zone


class Digest(_Strict):
    enabled: bool = True
    channel: str | None = None  # default: the announcement channel
    weekday: str = "mon"
    at: TimeOfDay = dt.time(9, 0)
    timezone: str = "UTC"

    _zone = field_validator("timezone")(WorkingHours._zone.__func__)  # type: ignore[attr-defined]


class SchedulerPolicy(_Strict):
    sweep: Duration = timedelta(seconds=30)  # how often due work is looked for even without a timer
    claim_lease: Duration = timedelta(minutes=2)  # a claim older than this is presumed crashed
    retry_after: Duration = timedelta(minutes=1)  # after a failed send
    max_attempts: int = Field(default=5, ge=1)
