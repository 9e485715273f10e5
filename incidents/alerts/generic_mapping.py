"""How a `generic` integration's JSON is read: dotted paths to each field, set in the policy.

    alerts:
      integrations:
        my-checker:
          generic:
            alerts: data.items          # optional: a list, one alert per item; without it the body is one alert
            title: name
            status: state
            status_map: {alerting: firing, ok: resolved}
            fingerprint: id
            labels: tags                # an object, or a list of "name:value" strings
            started_at: $.sent_at       # `$.` reads from the body's root instead of the item

A path is keys separated by dots; a number indexes a list (`checks.0.name`); `\\.` is a dot inside a key
(`labels.app\\.kubernetes\\.io/name`).
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from incidents.alerts.model import AlertStatus
from incidents.alerts.validation import Strict, problem

ROOT = "$"
_UNESCAPED_DOT = re.compile(r"(?<!\\)\.")


def path_parts(path: str) -> tuple[str, ...]:
    """The keys of a dotted path, `$` first when it reads from the body's root; ValueError when malformed."""
    parts = tuple(part.replace("\\.", ".") for part in _UNESCAPED_DOT.split(path.strip()))
    if not path.strip() or any(not part for part in parts):
        raise ValueError(f"'{path}' is not a dotted path such as data.title or alerts.0.labels")
    if ROOT in parts[1:]:
        raise ValueError(f"'{path}': `$` may only begin a path")
    return parts


class GenericMapping(Strict):
    alerts: str | None = None
    title: str
    status: str
    # The sender's status values, any case, to firing / acknowledged / resolved. Empty: the sender must say
    # one of those three itself; a value not listed is refused (422) and named.
    status_map: dict[str, AlertStatus] = Field(default_factory=dict)
    fingerprint: str | None = None
    severity: str | None = None
    service: str | None = None
    started_at: str | None = None  # RFC 3339, or seconds / milliseconds since 1970; absent: when received
    ended_at: str | None = None
    url: str | None = None
    labels: str | None = None
    annotations: str | None = None  # an object of details shown with the alert

    @field_validator(
        "alerts",
        "title",
        "status",
        "fingerprint",
        "severity",
        "service",
        "started_at",
        "ended_at",
        "url",
        "labels",
        "annotations",
    )
    @classmethod
    def _dotted(cls, path: str | None) -> str | None:
        if path is not None:
            try:
                path_parts(path)
            except ValueError as exc:
                raise problem(str(exc)) from exc
        return path

    @field_validator("status_map")
    @classmethod
    def _distinct_in_any_case(cls, status_map: dict[str, AlertStatus]) -> dict[str, AlertStatus]:
        folded = [value.lower() for value in status_map]
        if len(folded) != len(set(folded)):
            raise problem("the same status value is listed twice (values are compared in any case)")
        return status_map
