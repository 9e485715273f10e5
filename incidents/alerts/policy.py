"""The `alerts:` section of the policy file: routes, storms, re-firing, rate limits and generic mappings.

Validated when the file is loaded (`firebreak check-config` too), with each problem naming its key, e.g.
`alerts.routes.1.match.labels_regex: instance: 'db[' is not a valid regular expression (…)`. What depends on
the rest of the policy (severity ids, statuses) is checked by `check_against_policy`, which runs once the
severities and statuses above it have been read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from incidents.alerts.generic_mapping import GenericMapping
from incidents.alerts.model import integration_name_problem
from incidents.alerts.rate_limit import RateLimit
from incidents.alerts.validation import Strict, problem
from incidents.durations import Duration

_CHANNEL = re.compile(r"^(#[a-z0-9_-]{1,80}|[CG][A-Z0-9]{2,})$")


class RouteMatch(Strict):
    """What a route matches; every condition given must hold. A label the alert lacks counts as "" (as in
    Alertmanager), so `labels: {env: ""}` matches alerts without an `env` label."""

    labels: dict[str, str] = Field(default_factory=dict)
    labels_regex: dict[str, str] = Field(default_factory=dict)  # whole-value match, Python `re` syntax
    severity: list[str] = Field(default_factory=list)  # the sender's severities, any case
    integration: list[str] = Field(default_factory=list)  # integration names

    @field_validator("labels_regex")
    @classmethod
    def _compiles(cls, patterns: dict[str, str]) -> dict[str, str]:
        for name, pattern in patterns.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise problem(f"{name}: '{pattern}' is not a valid regular expression ({exc})") from exc
        return patterns

    @field_validator("integration")
    @classmethod
    def _integration_names(cls, names: list[str]) -> list[str]:
        for name in names:
            said = integration_name_problem(name)
            if said:
                raise problem(said)
        return names

    @property
    def is_empty(self) -> bool:
        return not (self.labels or self.labels_regex or self.severity or self.integration)


class DeclareIf(Strict):
    """Declare once `count` firing alerts routed here arrive within `within` (new groups and repeats alike)."""

    count: int = Field(ge=1, le=10_000)
    within: Duration
    severity: str | None = None  # None: the alert's mapped severity, else the policy's triage severity

    @field_validator("within")
    @classmethod
    def _positive(cls, within: timedelta) -> timedelta:
        if within <= timedelta(0):
            raise problem("must be longer than 0s")
        return within


class Route(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=60)
    default: bool = False
    match: RouteMatch | None = None
    service: str | None = Field(default=None, min_length=1, max_length=80)  # unset: the alert's own service
    # Unset here: taken from the default route (severity_map: the default route's, updated with this one's).
    severity_map: dict[str, str] = Field(default_factory=dict)  # sender's severity (any case) -> severity id
    channel: str | None = None
    escalation_policy: str | None = Field(default=None, min_length=1, max_length=60)
    # Never inherited: declaring and silencing are said route by route.
    declare: str | bool | None = None  # a severity id, or true for the mapped severity
    declare_if: DeclareIf | None = None
    silence: bool = False

    @field_validator("channel")
    @classmethod
    def _channel(cls, channel: str | None) -> str | None:
        if channel is not None and not _CHANNEL.fullmatch(channel):
            raise problem(f"'{channel}' is not a channel: give its ID (C…, G…) or #name")
        return channel

    @model_validator(mode="after")
    def _coherent(self) -> Route:
        if self.default and self.match is not None:
            raise problem("the default route matches everything: remove its `match`")
        if not self.default and (self.match is None or self.match.is_empty):
            raise problem("a route needs a `match` (labels, labels_regex, severity or integration)")
        if self.declare not in (None, False) and self.declare_if is not None:
            raise problem("give either `declare` or `declare_if`, not both")
        if self.silence and (self.declare not in (None, False) or self.declare_if is not None):
            raise problem("a silenced route cannot declare")
        return self


class IntegrationSettings(Strict):
    rate_limit: RateLimit | None = None  # None: alerts.rate_limit
    generic: GenericMapping | None = None  # required for an integration of kind `generic`


def _default_routes() -> list[Route]:
    return [Route(default=True)]


class AlertsPolicy(Strict):
    routes: list[Route] = Field(default_factory=_default_routes)
    # New groups a minute in one channel past which it gets one storm summary instead of a post per group.
    storm_threshold: int = Field(default=10, ge=1, le=10_000)
    # A group that fires again this soon after it resolved is reopened rather than a new one opened.
    refire_window: Duration = timedelta(hours=1)
    # Where an incident goes when all its linked groups have resolved and no person changed it since.
    on_all_resolved: str = "monitoring"
    rate_limit: RateLimit = RateLimit(requests=600, per=timedelta(minutes=1))
    integrations: dict[str, IntegrationSettings] = Field(default_factory=dict)

    @field_validator("routes")
    @classmethod
    def _one_default_route_last(cls, routes: list[Route]) -> list[Route]:
        defaults = [index for index, route in enumerate(routes) if route.default]
        if not defaults:
            raise problem("a default route is required: end the list with `- default: true`")
        if len(defaults) > 1 or defaults[0] != len(routes) - 1:
            raise problem("exactly one route is the default, and it comes last (routes after it would never match)")
        names = [route.name for route in routes if route.name]
        if len(names) != len(set(names)):
            raise problem("route names must differ")
        return routes

    @field_validator("refire_window")
    @classmethod
    def _not_negative(cls, window: timedelta) -> timedelta:
        if window < timedelta(0):
            raise problem("cannot be negative")
        return window

    @field_validator("integrations")
    @classmethod
    def _integration_names(cls, integrations: dict[str, IntegrationSettings]) -> dict[str, IntegrationSettings]:
        for name in integrations:
            said = integration_name_problem(name)
            if said:
                raise problem(said)
        return integrations

    @property
    def default_route(self) -> Route:
        return self.routes[-1]

    def rate_limit_for(self, integration: str) -> RateLimit:
        settings = self.integrations.get(integration)
        return settings.rate_limit if settings and settings.rate_limit else self.rate_limit

    def generic_mapping_for(self, integration: str) -> GenericMapping | None:
        settings = self.integrations.get(integration)
        return settings.generic if settings else None


def check_against_policy(alerts: AlertsPolicy, info: ValidationInfo) -> AlertsPolicy:
    """Check the ids the section names against the policy's severities and statuses, read before it.

    Used as the `alerts` field's validator on `Policy`; when those fields were themselves invalid they are
    missing from `info.data` and their own errors are reported instead.
    """
    severities = info.data.get("severities")
    triage = info.data.get("triage")
    if severities is not None and triage is not None:
        known = {item.id.lower(): item.id for item in [*severities, triage]}
        for where, severity in _severities_named(alerts):
            if severity.lower() not in known:
                raise problem(f"{where}: '{severity}' is not a severity (known: {', '.join(known.values())})")
    statuses = info.data.get("statuses")
    if statuses is not None:
        status = next((s for s in statuses if s.id == alerts.on_all_resolved.strip().lower()), None)
        if status is None:
            ids = ", ".join(s.id for s in statuses)
            raise problem(f"on_all_resolved: '{alerts.on_all_resolved}' is not a status (statuses: {ids})")
        if status.marks == "closed":
            raise problem(f"on_all_resolved: '{status.id}' marks the incident closed; alerts never close one")
    return alerts


def _severities_named(alerts: AlertsPolicy) -> Iterable[tuple[str, str]]:
    for index, route in enumerate(alerts.routes):
        for source, severity in route.severity_map.items():
            yield f"routes.{index}.severity_map.{source}", severity
        if isinstance(route.declare, str):
            yield f"routes.{index}.declare", route.declare
        if route.declare_if is not None and route.declare_if.severity is not None:
            yield f"routes.{index}.declare_if.severity", route.declare_if.severity


# The type of the `alerts` field of the policy: the section, checked against the rest of the policy.
AlertsSection = Annotated[AlertsPolicy, AfterValidator(check_against_policy)]
