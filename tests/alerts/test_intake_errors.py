"""Bodies the parsers cannot read: each gives a typed error naming the path (the 422 answer's reason), and no
JSON at all, however odd, makes a parser fail in any other way."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents.alerts.generic_mapping import GenericMapping
from incidents.alerts.model import Alert, AlertSourceKind
from intake.errors import AlertBodyError, InvalidValue, MissingField, MissingMapping, UnknownStatus, WrongType
from intake.parsers import parse_alerts

K = AlertSourceKind
RECEIVED = datetime(2026, 10, 5, 13, 10, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[1] / "data" / "alerts"
MAPPING = GenericMapping.model_validate(
    {"alerts": "data.checks", "title": "name", "status": "state", "status_map": {"DOWN": "firing", "UP": "resolved"}}
)
PLAIN = GenericMapping.model_validate({"title": "t", "status": "s", "labels": "l", "started_at": "at"})
FIRING_ITEM = {"status": "firing", "labels": {"alertname": "A"}}


def parse(kind: AlertSourceKind, body: object, mapping: GenericMapping | None = None) -> list[Alert]:
    return parse_alerts(kind, body, integration="source", received_at=RECEIVED, mapping=mapping)


@pytest.mark.parametrize(
    ("kind", "body", "error", "message"),
    [
        (K.ALERTMANAGER, [], WrongType, "(body): expected an object, got an array"),
        (K.ALERTMANAGER, {}, MissingField, "alerts: missing"),
        (K.ALERTMANAGER, {"alerts": {}}, WrongType, "alerts: expected an array, got an object"),
        (K.ALERTMANAGER, {"alerts": [1]}, WrongType, "alerts.0: expected an object, got a number"),
        (K.ALERTMANAGER, {"alerts": [{}]}, MissingField, "alerts.0.status: missing"),
        (
            K.ALERTMANAGER,
            {"alerts": [FIRING_ITEM, {"status": "pending"}]},
            UnknownStatus,
            "alerts.1.status: unknown status value 'pending' (known: firing, resolved)",
        ),
        (K.ALERTMANAGER, {"alerts": [{**FIRING_ITEM, "labels": ["a"]}]}, WrongType, "alerts.0.labels: expected an"),
        (K.ALERTMANAGER, {"alerts": [{**FIRING_ITEM, "startsAt": "yesterday"}]}, InvalidValue, "alerts.0.startsAt: 'y"),
        (
            K.ALERTMANAGER,
            {"alerts": [{**FIRING_ITEM, "startsAt": {}}]},
            WrongType,
            "alerts.0.startsAt: expected a time",
        ),
        (K.ALERTMANAGER, {"alerts": [{**FIRING_ITEM, "fingerprint": [1]}]}, WrongType, "alerts.0.fingerprint"),
        (K.GRAFANA, {"status": "alerting", "alerts": [{"labels": {}}]}, UnknownStatus, "alerts.0.status: unknown"),
        (K.DATADOG, {}, MissingField, "title: missing"),
        (K.DATADOG, {"title": "Disk full"}, MissingField, "alert_transition: missing"),
        (K.DATADOG, {"title": "x", "alert_transition": "Exploded"}, UnknownStatus, "'Exploded' (known: Triggered"),
        (K.DATADOG, {"title": "[Triggered] x", "tags": 5}, WrongType, "tags: expected an array, got a number"),
        (K.DATADOG, {"title": "[Triggered] x", "date": "soon"}, InvalidValue, "date: 'soon' is not an RFC 3339 time"),
        (K.DATADOG, {"title": "[Triggered] x", "date": "1e400"}, InvalidValue, "date: '1e400' is not an RFC 3339"),
        (K.SENTRY, {}, MissingField, "action: missing"),
        (K.SENTRY, {"action": "triggered"}, MissingField, "data: missing"),
        (K.SENTRY, {"action": "triggered", "data": {}}, MissingField, "data.event: missing"),
        (K.SENTRY, {"action": "triggered", "data": {"event": {}}}, MissingField, "data.event.issue_id: missing"),
        (K.SENTRY, {"action": "resolved", "data": {"event": {}}}, UnknownStatus, "action: unknown status value"),
        (K.SENTRY, {"action": "exploded", "data": {"metric_alert": {}}}, UnknownStatus, "(known: critical, warn"),
        (K.SENTRY, {"action": "critical", "data": {"metric_alert": {}}}, MissingField, "data.metric_alert.alert_rule"),
        (K.SENTRY, {"action": "merged", "data": {"issue": {"id": "1"}}}, UnknownStatus, "action: unknown status"),
        (K.SENTRY, {"action": "created", "data": {"issue": {}}}, MissingField, "data.issue.id: missing"),
        (K.PAGERDUTY, {}, MissingField, "event_action: missing"),
        (K.PAGERDUTY, {"event_action": "snooze"}, UnknownStatus, "(known: trigger, acknowledge, resolve)"),
        (K.PAGERDUTY, {"event_action": "trigger"}, MissingField, "payload.summary: missing"),
        (K.PAGERDUTY, {"event_action": "resolve"}, MissingField, "dedup_key: missing"),
        (K.PAGERDUTY, {"event_action": "trigger", "payload": "x"}, WrongType, "payload: expected an object"),
        (
            K.PAGERDUTY,
            {"event_action": "trigger", "payload": {"summary": "s"}, "links": [{"text": "t"}]},
            MissingField,
            "links.0.href: missing",
        ),
        (K.PAGERDUTY, {"event": {}}, MissingField, "event.id: missing"),
        (
            K.PAGERDUTY,
            {"event": {"id": "e", "event_type": "incident.triggered", "data": {"type": "incident", "status": "x"}}},
            UnknownStatus,
            "event.data.status: unknown status value 'x'",
        ),
        (
            K.PAGERDUTY,
            {"event": {"id": "e", "event_type": "t", "data": {"type": "incident", "status": "resolved"}}},
            MissingField,
            "event.data.id: missing",
        ),
        (K.OPSGENIE, {}, MissingField, "action: missing"),
        (K.OPSGENIE, {"action": "Create"}, MissingField, "alert: missing"),
        (K.OPSGENIE, {"action": "Create", "alert": {}}, MissingField, "alert.alertId: missing"),
        (K.OPSGENIE, {"action": "Create", "alert": {"alertId": "a", "tags": 7}}, WrongType, "alert.tags: expected"),
        (
            K.OPSGENIE,
            {"action": "Create", "alert": {"alertId": "a", "createdAt": 1e300}},
            InvalidValue,
            "alert.createdAt: 1e+300 is not a time since 1970",
        ),
        (K.GENERIC, {"data": {"checks": {}}}, WrongType, "data.checks: expected an array, got an object"),
        (K.GENERIC, {"data": {"checks": [{"state": "DOWN"}]}}, MissingField, "data.checks.0.name: missing"),
        (
            K.GENERIC,
            {"data": {"checks": [{"name": "n", "state": "Flapping"}]}},
            UnknownStatus,
            "data.checks.0.state: unknown status value 'Flapping' (known: DOWN, UP)",
        ),
        (K.GENERIC, {"data": "nothing"}, WrongType, "data: expected an object or array, got a string"),
        (K.GENERIC, {"data": {"checks": [{"name": {"x": 1}}]}}, WrongType, "data.checks.0.name: expected a string"),
    ],
)
def test_a_body_that_cannot_be_read_names_where(
    kind: AlertSourceKind, body: object, error: type[AlertBodyError], message: str
) -> None:
    mapping = MAPPING if kind is K.GENERIC else None

    with pytest.raises(AlertBodyError) as raised:
        parse(kind, body, mapping)

    assert type(raised.value) is error
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"{raised.value.path or '(body)'}: ")


def test_generic_statuses_without_a_map_are_the_three_in_any_case() -> None:
    assert parse(K.GENERIC, {"t": "x", "s": "RESOLVED"}, PLAIN)[0].status.value == "resolved"
    with pytest.raises(UnknownStatus, match="s: unknown status value 'ok' \\(known: firing, acknowledged, resolved\\)"):
        parse(K.GENERIC, {"t": "x", "s": "ok"}, PLAIN)


def test_generic_without_a_mapping_is_a_configuration_problem_not_a_body_problem() -> None:
    with pytest.raises(MissingMapping, match=r"alerts\.integrations\.source\.generic"):
        parse(K.GENERIC, {}, None)


def test_events_without_alert_state_give_no_alerts() -> None:
    assert parse(K.SENTRY, {"action": "assigned", "data": {"issue": {"id": "1"}}}) == []
    assert parse(K.OPSGENIE, {"action": "TakeOwnership", "alert": {"alertId": "a"}}) == []
    service_event = {"event": {"id": "e", "event_type": "service.updated", "data": {"type": "service", "id": "P"}}}
    assert parse(K.PAGERDUTY, service_event) == []
    assert parse(K.ALERTMANAGER, {"alerts": []}) == []


def test_received_at_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_alerts(K.ALERTMANAGER, {"alerts": []}, integration="x", received_at=datetime(2026, 1, 1))


# -- property: whatever JSON arrives, a parser answers with alerts or a typed error --------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
SAMPLES = [
    (K(path.parent.name), json.loads(path.read_text(encoding="utf-8")))
    for path in sorted(DATA.glob("*/*.json"))
    if path.parent.name != "generic"
] + [(K.GENERIC, json.loads((DATA / "generic/uptime_checks.json").read_text(encoding="utf-8")))]


def answers_or_refuses(kind: AlertSourceKind, body: object) -> None:
    try:
        alerts = parse(kind, body, MAPPING if kind is K.GENERIC else None)
    except AlertBodyError:
        return
    assert all(isinstance(alert, Alert) for alert in alerts)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(list(AlertSourceKind)), json_values)
def test_any_json_is_read_or_refused_with_a_typed_error(kind: AlertSourceKind, body: object) -> None:
    answers_or_refuses(kind, body)


def places(value: object, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a decoded body."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLES), st.data())
def test_a_sample_with_any_value_replaced_or_removed_is_read_or_refused(
    sample: tuple[AlertSourceKind, object], data: st.DataObject
) -> None:
    kind, original = sample
    body = copy.deepcopy(original)
    path = data.draw(st.sampled_from(places(body)[1:]))
    parent: Any = body
    for step in path[:-1]:
        parent = parent[step]
    if data.draw(st.booleans()):
        parent[path[-1]] = data.draw(json_values)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])

    answers_or_refuses(kind, body)
