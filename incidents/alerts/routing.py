"""Where an alert goes: the first route of `alerts.routes` that matches it, with the default route's settings
filling in what the route leaves unset.

Pure and precompiled: build a `RouteTable` once from the policy, then `route_alert(table, alert)` for each
alert. A route matches when every condition it gives holds: each `labels` entry equals the alert's label, each
`labels_regex` entry matches the whole label value, the sender's severity (any case) is one of `severity`, the
integration is one of `integration`. A label the alert lacks counts as the empty string.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidents.alerts.model import Alert
from incidents.alerts.policy import AlertsPolicy, Route


@dataclass(frozen=True, slots=True)
class DeclarePlan:
    """When a route declares: at the first firing alert (count 1, no window), or once `count` firing alerts
    arrived within `within`. `severity` None: the alert's mapped severity, else the policy's triage one."""

    severity: str | None
    count: int = 1
    within: timedelta | None = None


@dataclass(frozen=True, slots=True)
class RouteDecision:
    route: str  # the route's name, else `routes.<n>` (the default route: `default`)
    index: int
    service: str | None
    severity: str | None  # the policy severity the sender's severity maps to, None when unmapped
    channel: str | None  # None: the policy's announcement channel (phase 2)
    escalation_policy: str | None
    declare: DeclarePlan | None
    silenced: bool


@dataclass(frozen=True, slots=True)
class _CompiledRoute:
    index: int
    route: Route
    labels: tuple[tuple[str, str], ...]
    labels_regex: tuple[tuple[str, re.Pattern[str]], ...]
    severities: frozenset[str] | None
    integrations: frozenset[str] | None
    severity_map: dict[str, str]  # lowercased sender severity -> severity id, the default route's merged in

    def matches(self, alert: Alert) -> bool:
        labels = alert.labels
        for name, value in self.labels:
            if labels.get(name, "") != value:
                return False
        for name, pattern in self.labels_regex:
            if pattern.fullmatch(labels.get(name, "")) is None:
                return False
        if self.severities is not None and (alert.source_severity or "").lower() not in self.severities:
            return False
        return self.integrations is None or alert.integration in self.integrations


class RouteTable:
    """The policy's routes, compiled once (regexes, lower-cased severities, inherited settings)."""

    def __init__(self, alerts: AlertsPolicy) -> None:
        default = alerts.default_route
        base_map = {source.lower(): severity for source, severity in default.severity_map.items()}
        self.default = default
        self.routes = tuple(self._compile(index, route, base_map) for index, route in enumerate(alerts.routes))

    @staticmethod
    def _compile(index: int, route: Route, base_map: dict[str, str]) -> _CompiledRoute:
        match = route.match
        own_map = {source.lower(): severity for source, severity in route.severity_map.items()}
        return _CompiledRoute(
            index=index,
            route=route,
            labels=tuple(match.labels.items()) if match else (),
            labels_regex=tuple((name, re.compile(p)) for name, p in match.labels_regex.items()) if match else (),
            severities=frozenset(s.lower() for s in match.severity) if match and match.severity else None,
            integrations=frozenset(match.integration) if match and match.integration else None,
            severity_map={**base_map, **own_map},
        )


def route_alert(table: RouteTable, alert: Alert) -> RouteDecision:
    """The decision of the first route that matches `alert` (the default route matches every alert)."""
    compiled = next(c for c in table.routes if c.route.default or c.matches(alert))
    route, default = compiled.route, table.default
    severity = compiled.severity_map.get((alert.source_severity or "").lower())
    return RouteDecision(
        route=route.name or ("default" if route.default else f"routes.{compiled.index}"),
        index=compiled.index,
        service=route.service or alert.service,
        severity=severity,
        channel=route.channel or default.channel,
        escalation_policy=route.escalation_policy or default.escalation_policy,
        declare=_declare_plan(route, severity),
        silenced=route.silence,
    )


def _declare_plan(route: Route, mapped_severity: str | None) -> DeclarePlan | None:
    if route.declare_if is not None:
        rule = route.declare_if
        return DeclarePlan(severity=rule.severity or mapped_severity, count=rule.count, within=rule.within)
    if route.declare is True:
        return DeclarePlan(severity=mapped_severity)
    if isinstance(route.declare, str):
        return DeclarePlan(severity=route.declare)
    return None


def apply_route(alert: Alert, decision: RouteDecision) -> Alert:
    """The alert with the route's service and mapped severity (its group key does not change)."""
    return alert.routed(service=decision.service, severity=decision.severity)


def declare_due(plan: DeclarePlan, firing_times: Sequence[datetime], now: datetime) -> bool:
    """Whether `plan` declares now, given when the firing alerts it counts arrived (any order).

    The window is (now - within, now]: an alert exactly `within` old no longer counts.
    """
    if plan.within is None:
        return len(firing_times) >= plan.count
    since = now - plan.within
    return sum(1 for at in firing_times if since < at <= now) >= plan.count
