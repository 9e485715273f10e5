"""What a monitoring alert is once its sender's body has been read: one shape for every kind of sender."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from incidents.alerts.grouping import group_key

INTEGRATION_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class AlertSourceKind(StrEnum):
    """The kinds of sender an integration can be; each has a parser in `intake/`."""

    ALERTMANAGER = "alertmanager"
    GRAFANA = "grafana"  # Grafana unified alerting's webhook contact point
    DATADOG = "datadog"
    SENTRY = "sentry"
    PAGERDUTY = "pagerduty"  # Events API v2 bodies and v3 webhooks
    OPSGENIE = "opsgenie"
    GENERIC = "generic"  # any JSON, read through the dotted paths of alerts.integrations.<name>.generic


class AlertStatus(StrEnum):
    FIRING = "firing"
    ACKNOWLEDGED = "acknowledged"  # only from senders that have the notion (PagerDuty, Opsgenie)
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class AlertLink:
    url: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert as its sender reported it, normalised; `group_key` is derived (see `grouping.group_key`).

    `source_severity` is the sender's own word (`critical`, `P2`, `error`); `severity` is the policy's severity
    id a route mapped it to, None until `routing.apply_route` has been applied. `started_at` is the sender's
    start time, else when the body was received. `idempotency_key` is the same for a retried delivery of the
    same alert state (how each kind derives it is documented in intake/); unique per integration.
    """

    kind: AlertSourceKind
    integration: str
    title: str
    status: AlertStatus
    started_at: datetime
    idempotency_key: str
    fingerprint: str | None = None
    source_severity: str | None = None
    severity: str | None = None
    service: str | None = None
    ended_at: datetime | None = None
    links: tuple[AlertLink, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    group_key: str = field(init=False)

    def __post_init__(self) -> None:
        # Derived here, before any route is chosen, so that a resolve that a later route would send elsewhere
        # still closes the group its firing opened.
        key = group_key(self.integration, self.fingerprint, self.labels, self.title)
        object.__setattr__(self, "group_key", key)

    def routed(self, *, service: str | None, severity: str | None) -> Alert:
        """This alert with a route's service and mapped severity: the same group, its key not derived again."""
        # Neither field enters the group key, so the copy keeps it; copying the slots is several times cheaper
        # than dataclasses.replace, which would run __post_init__ (and the hash) again for every alert routed.
        copied = object.__new__(Alert)
        for name in Alert.__slots__:
            object.__setattr__(copied, name, getattr(self, name))
        object.__setattr__(copied, "service", service)
        object.__setattr__(copied, "severity", severity)
        return copied


def integration_name_problem(name: str) -> str | None:
    """Why `name` cannot name an integration (it appears in URLs and commands), or None if it can."""
    if INTEGRATION_NAME.fullmatch(name):
        return None
    return (
        f"'{name}' is not an integration name: use 1 to 40 lowercase letters, digits, '-' or '_', "
        "starting with a letter or digit"
    )
