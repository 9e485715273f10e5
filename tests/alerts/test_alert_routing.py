"""Route matching (incidents/alerts/routing.py): the first matching route wins, the default route fills in."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.alerts.model import Alert
from incidents.alerts.policy import AlertsPolicy, Route
from incidents.alerts.routing import DeclarePlan, RouteTable, apply_route, declare_due, route_alert
from tests.alerts.builders import T0, an_alert

ROUTES: list[dict[str, Any]] = [
    {"name": "payments", "match": {"labels": {"team": "payments"}}, "service": "payments-api", "declare": "SEV2"},
    {"name": "prod-db", "match": {"labels_regex": {"instance": "db[0-9]+", "env": "prod|"}}, "channel": "C0DB"},
    {"name": "pages", "match": {"severity": ["Critical", "P1"]}, "declare": True, "escalation_policy": "primary"},
    {"name": "grafana", "match": {"integration": ["grafana-eu"]}, "declare_if": {"count": 3, "within": "10m"}},
    {"name": "staging", "match": {"labels": {"env": "staging"}}, "silence": True},
    {"default": True, "channel": "C0ALERTS", "escalation_policy": "default-policy",
     "severity_map": {"critical": "SEV1", "warning": "SEV3"}},
]  # fmt: skip


def table(routes: list[dict[str, Any]] = ROUTES) -> RouteTable:
    return RouteTable(AlertsPolicy.model_validate({"routes": routes}))


@pytest.mark.parametrize(
    ("alert", "route"),
    [
        (an_alert(labels={"team": "payments", "env": "staging"}), "payments"),  # first match wins
        (an_alert(labels={"instance": "db12"}), "prod-db"),  # a missing label counts as ""
        (an_alert(labels={"instance": "db12", "env": "prod"}), "prod-db"),
        (an_alert(labels={"instance": "db12", "env": "production"}), "default"),  # regexes match whole values
        (an_alert(labels={"instance": "xdb12"}), "default"),
        (an_alert(source_severity="CRITICAL"), "pages"),  # severities in any case
        (an_alert(source_severity="p1"), "pages"),
        (an_alert(source_severity=None), "default"),
        (an_alert(integration="grafana-eu"), "grafana"),
        (an_alert(integration="grafana-us"), "default"),
        (an_alert(labels={"env": "staging"}), "staging"),
        (an_alert(), "default"),
    ],
)
def test_the_first_route_that_matches_decides(alert: Alert, route: str) -> None:
    assert route_alert(table(), alert).route == route


def test_a_route_sets_what_it_names_and_takes_the_rest_from_the_default_route() -> None:
    payments = route_alert(table(), an_alert(labels={"team": "payments"}, source_severity="Warning", service="x"))

    assert payments.service == "payments-api"  # the route's service beats the alert's own
    assert payments.channel == "C0ALERTS" and payments.escalation_policy == "default-policy"
    assert payments.severity == "SEV3"  # the default route's severity map
    assert payments.declare == DeclarePlan(severity="SEV2")
    assert not payments.silenced

    db = route_alert(table(), an_alert(labels={"instance": "db1"}, service="postgres", source_severity="info"))
    assert (db.channel, db.service, db.severity) == ("C0DB", "postgres", None)  # the alert's service; unmapped


def test_a_routes_own_severity_map_entries_beat_the_default_routes() -> None:
    routes = [
        {"match": {"labels": {"team": "db"}}, "severity_map": {"WARNING": "SEV2"}},
        {"default": True, "severity_map": {"critical": "SEV1", "warning": "SEV3"}},
    ]

    decision = route_alert(table(routes), an_alert(labels={"team": "db"}, source_severity="warning"))

    assert decision.severity == "SEV2" and decision.route == "routes.0"
    assert route_alert(table(routes), an_alert(labels={"team": "db"}, source_severity="critical")).severity == "SEV1"


def test_declaring_plans() -> None:
    pages = route_alert(table(), an_alert(source_severity="critical"))
    grafana = route_alert(table(), an_alert(integration="grafana-eu", source_severity="warning"))
    staging = route_alert(table(), an_alert(labels={"env": "staging"}))

    assert pages.declare == DeclarePlan(severity="SEV1")  # `declare: true`: the mapped severity
    assert pages.escalation_policy == "primary"
    assert grafana.declare == DeclarePlan(severity="SEV3", count=3, within=timedelta(minutes=10))
    assert staging.silenced and staging.declare is None
    assert route_alert(table(), an_alert()).declare is None  # the default route declares nothing unless told


def test_applying_a_route_sets_the_service_and_severity_but_keeps_the_group() -> None:
    alert = an_alert(labels={"team": "payments"}, source_severity="critical")

    routed = apply_route(alert, route_alert(table(), alert))

    assert (routed.service, routed.severity, routed.source_severity) == ("payments-api", "SEV1", "critical")
    assert routed.group_key == alert.group_key
    # The fast copy is exactly what dataclasses.replace would make, every field included.
    assert routed == dataclasses.replace(alert, service="payments-api", severity="SEV1")


@pytest.mark.parametrize(
    ("ages_in_minutes", "due"),
    [((), False), ((1, 2), False), ((1, 2, 9), True), ((1, 2, 10), False), ((0, 0, 0), True), ((-1, 1, 2), False)],
)
def test_declare_if_counts_the_firings_within_the_window(ages_in_minutes: tuple[int, ...], due: bool) -> None:
    plan = DeclarePlan(severity=None, count=3, within=timedelta(minutes=10))
    now = T0 + timedelta(hours=1)

    # An alert exactly `within` old no longer counts; one from the future (a skewed clock) does not count yet.
    assert declare_due(plan, [now - timedelta(minutes=age) for age in ages_in_minutes], now) is due


def test_declare_at_once_needs_one_firing() -> None:
    assert declare_due(DeclarePlan(severity="SEV2"), [T0], T0)
    assert not declare_due(DeclarePlan(severity="SEV2"), [], T0)


# -- property: the compiled table routes exactly as the rules read -----------------------------------------------
LABEL_NAMES = ["team", "env", "instance"]
VALUES = ["", "payments", "prod", "staging", "db1", "db22", "Prod"]

matches = st.fixed_dictionaries(
    {},
    optional={
        "labels": st.dictionaries(st.sampled_from(LABEL_NAMES), st.sampled_from(VALUES), min_size=1, max_size=2),
        "labels_regex": st.dictionaries(
            st.sampled_from(LABEL_NAMES), st.sampled_from(["db[0-9]+", "prod|", "P.*", ".*", "(?i)prod"]), min_size=1
        ),
        "severity": st.lists(st.sampled_from(["critical", "Warning", "P1"]), min_size=1, max_size=2),
        "integration": st.lists(st.sampled_from(["am", "grafana"]), min_size=1, max_size=2),
    },
).filter(bool)
alerts = st.builds(
    an_alert,
    labels=st.dictionaries(st.sampled_from(LABEL_NAMES), st.sampled_from(VALUES), max_size=3),
    integration=st.sampled_from(["am", "grafana", "other"]),
    source_severity=st.sampled_from([None, "critical", "CRITICAL", "warning", "p1", "info"]),
)


def reference_route(routes: list[Route], alert: Alert) -> int:
    """The rules of the README, read literally, with nothing compiled or cached."""
    for index, route in enumerate(routes):
        if route.default:
            return index
        match = route.match
        assert match is not None
        labels = dict(alert.labels)
        if any(labels.get(name, "") != value for name, value in match.labels.items()):
            continue
        if any(not re.fullmatch(pattern, labels.get(name, "")) for name, pattern in match.labels_regex.items()):
            continue
        if match.severity and (alert.source_severity or "").lower() not in [s.lower() for s in match.severity]:
            continue
        if match.integration and alert.integration not in match.integration:
            continue
        return index
    raise AssertionError("the default route matches everything")


@settings(max_examples=300)
@given(st.lists(matches, min_size=0, max_size=6), st.lists(alerts, min_size=1, max_size=5))
def test_the_table_routes_every_alert_as_the_rules_read(route_matches: list[dict[str, Any]], some: list[Alert]) -> None:
    policy = AlertsPolicy.model_validate({"routes": [*({"match": m} for m in route_matches), {"default": True}]})
    compiled = RouteTable(policy)

    for alert in some:
        assert route_alert(compiled, alert).index == reference_route(policy.routes, alert)
