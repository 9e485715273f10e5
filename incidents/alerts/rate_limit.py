"""Per-integration rate limits as written in the policy: `600/1m`, `10/s`, or `{requests: 600, per: 1m}`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field, field_validator, model_validator

from incidents.alerts.validation import Strict, problem
from incidents.durations import Duration, parse_duration


class RateLimit(Strict):
    """At most `requests` bodies per `per` from one integration (a token bucket that holds `requests`)."""

    requests: int = Field(ge=1, le=1_000_000)
    per: Duration

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        count, slash, window = value.partition("/")
        if not slash or not count.strip().isdigit():
            raise problem(f"'{value}' is not a rate: write it like 600/1m or 10/s")
        window = window.strip()
        try:  # `10/s` reads as "10 a second": a bare unit means one of it
            per = parse_duration(f"1{window}" if window.isalpha() else window)
        except ValueError as exc:
            raise problem(f"'{value}' is not a rate: {exc}") from exc
        return {"requests": int(count), "per": per}

    @field_validator("per")
    @classmethod
    def _positive(cls, per: timedelta) -> timedelta:
        if per <= timedelta(0):
            raise problem("must be longer than 0s")
        return per

    @property
    def per_second(self) -> float:
        return self.requests / self.per.total_seconds()

    def __str__(self) -> str:
        return f"{self.requests}/{int(self.per.total_seconds())}s"
