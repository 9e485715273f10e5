"""Every body in tests/data/alerts/ (the shared samples and each kind's documented shape) parsed into the
alerts it stands for (intake/*)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from incidents.alerts.generic_mapping import GenericMapping
from incidents.alerts.grouping import group_key
from incidents.alerts.model import Alert, AlertLink, AlertSourceKind, AlertStatus
from intake.parsers import parse_alerts

DATA = Path(__file__).resolve().parents[1] / "data" / "alerts"
RECEIVED = datetime(2026, 10, 5, 13, 10, tzinfo=UTC)
K = AlertSourceKind
FIRING, ACKNOWLEDGED, RESOLVED = AlertStatus.FIRING, AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED

UPTIME = GenericMapping.model_validate(
    {
        "alerts": "data.checks",
        "title": "name",
        "status": "state",
        "status_map": {"DOWN": "firing", "Up": "resolved"},
        "fingerprint": "id",
        "severity": "severity",
        "url": "link",
        "labels": "tags",
        "annotations": "details",
        "started_at": "since",
        "ended_at": "$.sent_at",
    }
)
SINGLE = GenericMapping.model_validate(
    {"title": "alert.title", "status": "alert.status", "labels": "alert.labels", "started_at": "alert.started"}
)


def at(hour: int, minute: int, second: int = 0, micro: int = 0, *, day: int = 5) -> datetime:
    return datetime(2026, 10, day, hour, minute, second, micro, tzinfo=UTC)


def parse(kind: AlertSourceKind, name: str, mapping: GenericMapping | None = None) -> list[Alert]:
    body = json.loads((DATA / name).read_text(encoding="utf-8"))
    return parse_alerts(kind, body, integration=kind.value, received_at=RECEIVED, mapping=mapping)


def only(alerts: list[Alert]) -> Alert:
    assert len(alerts) == 1
    return alerts[0]


# -- the shared samples ------------------------------------------------------------------------------------------
def test_the_concrete_alertmanager_body_without_status_or_fingerprint_per_alert() -> None:
    alert = only(parse(K.ALERTMANAGER, "alertmanager/prometheus-msteams_prom_post_request.json"))

    assert (alert.title, alert.status, alert.source_severity) == ("Server High Memory usage", FIRING, "warning")
    assert alert.started_at == datetime(2018, 3, 7, 11, 33, 21, 873077, tzinfo=UTC)  # -05:00, nanoseconds cut
    assert alert.fingerprint is None and alert.ended_at is None and alert.links == ()
    assert alert.labels["instance"] == "instance-with-hyphen_and_underscore" and len(alert.labels) == 5
    assert alert.group_key == group_key("alertmanager", None, alert.labels, "")  # grouped by its labels
    assert alert.annotations["description"] == "10.80.40.11 reported high memory usage with 23.28%."


def fill_in_the_format(text: str) -> str:
    """Alertmanager's documented format with its placeholders filled in and its comments taken out."""
    text = re.sub(r"\s*//[^\n]*", "", text)
    text = re.sub(r",\s*\.\.\.", "", text)  # "one or more alerts"
    for placeholder, value in {
        '"<resolved|firing>"': '"firing"',
        '"<rfc3339>"': '"2026-10-05T13:00:00Z"',
        "<string>": '"x"',
        "<int>": "0",
        "<object>": '{"alertname": "Example"}',
    }.items():
        text = text.replace(placeholder, value)
    return text


def test_the_documented_alertmanager_format_is_not_json_until_filled_in() -> None:
    text = (DATA / "alertmanager/alertmanager_webhook_payload_format.jsonc.txt").read_text(encoding="utf-8")

    with pytest.raises(json.JSONDecodeError):  # as it stands: the 400 answer, before any parser
        json.loads(text)
    alert = only(parse_alerts(K.ALERTMANAGER, json.loads(fill_in_the_format(text)), integration="am",
                              received_at=RECEIVED))  # fmt: skip

    assert (alert.title, alert.status, alert.fingerprint, alert.started_at) == ("Example", FIRING, "x", at(13, 0))
    assert alert.links == (AlertLink("x", "Source"),)


def test_the_captured_datadog_default_payload() -> None:
    alert = only(parse(K.DATADOG, "datadog/datadog_webhook_default_payload_captured.json"))

    assert (alert.title, alert.status) == ("[TEST] Host Cluster Alert", FIRING)  # [Triggered] read and taken off
    assert alert.fingerprint == "monitor:18692904"  # no alert id in the default payload: its monitor link
    assert alert.started_at == datetime(2020, 6, 3, 20, 43, 5, tzinfo=UTC)
    assert alert.links == (AlertLink("https://app.datadoghq.com/monitors#18692904?", "Monitor"),)
    assert alert.annotations["org"] == "Puppet" and alert.annotations["event_type"] == "service_check"
    assert "%%%" not in alert.annotations["message"]


# -- each kind's documented shape --------------------------------------------------------------------------------
def test_alertmanager_v4_firing_and_resolved() -> None:
    firing, resolved = parse(K.ALERTMANAGER, "alertmanager/webhook_v4_firing_and_resolved.json")

    assert (firing.title, firing.status, firing.fingerprint) == (
        "Payments p99 latency above 1s",
        FIRING,
        "5e3f4a1b2c9d8e7f",
    )
    assert (firing.source_severity, firing.service) == ("critical", "payments-api")
    assert firing.started_at == at(13, 2, 11, 412345) and firing.ended_at is None
    assert [link.title for link in firing.links] == ["Source", "Runbook"]
    assert (resolved.status, resolved.fingerprint, resolved.ended_at) == (RESOLVED, "0a1b2c3d4e5f6a7b", at(13, 1, 40))
    assert firing.group_key != resolved.group_key  # two instances, two groups


def test_grafana_contact_point() -> None:
    disk, lag = parse(K.GRAFANA, "grafana/webhook_contact_point_two_alerts.json")

    assert (disk.kind, disk.title, disk.status) == (K.GRAFANA, "/var/lib/postgresql on db-3 is 91% full", FIRING)
    assert disk.started_at == at(12, 10) and disk.source_severity == "warning"
    assert disk.annotations["values"] == "A=91.2, B=1"
    assert [link.title for link in disk.links] == ["Source", "Silence", "Dashboard", "Panel", "Runbook"]
    assert (lag.title, lag.status, lag.ended_at) == ("Replication lag", RESOLVED, at(12, 5))  # no summary: alertname
    assert [link.title for link in lag.links] == ["Source", "Silence"]  # empty URLs are no links


def test_datadog_recommended_payload_triggered_then_recovered() -> None:
    triggered = only(parse(K.DATADOG, "datadog/recommended_payload_triggered.json"))
    recovered = only(parse(K.DATADOG, "datadog/recommended_payload_recovered.json"))

    assert (triggered.title, triggered.status) == ("Checkout error rate above 5% on env:prod", FIRING)
    assert (triggered.source_severity, triggered.service, triggered.started_at) == ("P2", "checkout", at(13, 0))
    assert triggered.labels == {"env": "prod", "service": "checkout", "team": "payments", "monitor": ""}
    assert [link.title for link in triggered.links] == ["Event", "Monitor"]
    assert (recovered.status, recovered.ended_at) == (RESOLVED, at(13, 15))
    assert recovered.group_key == triggered.group_key
    assert recovered.idempotency_key != triggered.idempotency_key


def test_sentry_issue_alert_then_the_issue_resolved() -> None:
    alert = only(parse(K.SENTRY, "sentry/issue_alert_triggered.json"))
    resolved = only(parse(K.SENTRY, "sentry/issue_resolved.json"))

    assert (alert.title, alert.status, alert.fingerprint) == ("KeyError: 'currency'", FIRING, "issue:4407731122")
    assert (alert.source_severity, alert.service, alert.started_at) == ("error", "checkout", at(13, 4, 31, 218000))
    assert alert.labels["environment"] == "production"
    assert alert.annotations["rule"] == "Checkout errors in production"
    assert (resolved.status, resolved.group_key) == (RESOLVED, alert.group_key)  # the resolve closes that group
    assert resolved.links == (AlertLink("https://sentry.io/organizations/example/issues/4407731122/", "Sentry issue"),)


def test_sentry_metric_alert_critical_then_resolved() -> None:
    critical = only(parse(K.SENTRY, "sentry/metric_alert_critical.json"))
    resolved = only(parse(K.SENTRY, "sentry/metric_alert_resolved.json"))

    assert (critical.title, critical.status, critical.source_severity) == (
        "Critical: Checkout error burst",
        FIRING,
        "critical",
    )
    assert critical.fingerprint == "metric_alert:118" and critical.started_at == at(13, 0)
    assert critical.labels == {
        "alert_rule": "Checkout error burst",
        "projects": "checkout",
        "environment": "production",
    }
    assert (resolved.status, resolved.ended_at, resolved.group_key) == (RESOLVED, at(13, 31), critical.group_key)


def test_pagerduty_events_v2_trigger_acknowledge_resolve() -> None:
    trigger = only(parse(K.PAGERDUTY, "pagerduty/events_v2_trigger.json"))
    acknowledge = only(parse(K.PAGERDUTY, "pagerduty/events_v2_acknowledge.json"))
    resolve = only(parse(K.PAGERDUTY, "pagerduty/events_v2_resolve.json"))

    assert (trigger.title, trigger.status, trigger.source_severity) == (
        "Queue depth above 10000 on orders-worker",
        FIRING,
        "error",
    )
    assert trigger.started_at == at(13, 7, 45, 120000)  # `+0000`, as PagerDuty writes it
    assert trigger.labels == {
        "source": "orders-worker-3.prod.example.com",
        "component": "rabbitmq",
        "group": "orders",
        "class": "queue depth",
    }
    assert trigger.annotations == {"queue": "orders.created", "depth": "12840", "consumers": "0"}
    assert [link.title for link in trigger.links] == ["Runbook", "Orders monitoring"]
    assert (acknowledge.status, acknowledge.title) == (ACKNOWLEDGED, "")  # keeps its group's title
    assert resolve.status is RESOLVED and resolve.ended_at == RECEIVED
    assert trigger.group_key == acknowledge.group_key == resolve.group_key


def test_pagerduty_webhooks_v3() -> None:
    triggered = only(parse(K.PAGERDUTY, "pagerduty/webhook_v3_incident_triggered.json"))
    reprioritised = only(parse(K.PAGERDUTY, "pagerduty/webhook_v3_incident_priority_updated.json"))

    assert (triggered.title, triggered.status, triggered.fingerprint) == (
        "Queue depth above 10000 on orders-worker",
        FIRING,
        "Q2ORDERS77",
    )
    assert (triggered.service, triggered.source_severity, triggered.started_at) == ("Orders API", "high", at(13, 8, 1))
    assert triggered.annotations == {"event_type": "incident.triggered", "number": "4211"}
    # Any event about the incident carries its current status: this one says it was acknowledged, and P1.
    assert (reprioritised.status, reprioritised.source_severity) == (ACKNOWLEDGED, "P1")
    assert reprioritised.group_key == triggered.group_key
    assert parse(K.PAGERDUTY, "pagerduty/webhook_v3_incident_annotated.json") == []  # a note: no alert state


def test_opsgenie_create_acknowledge_close_and_a_note() -> None:
    create = only(parse(K.OPSGENIE, "opsgenie/create.json"))
    acknowledge = only(parse(K.OPSGENIE, "opsgenie/acknowledge.json"))
    close = only(parse(K.OPSGENIE, "opsgenie/close.json"))

    assert (create.title, create.status, create.fingerprint) == (
        "Search p99 latency above 800ms",
        FIRING,
        "search-latency-p99",
    )
    assert (create.source_severity, create.service, create.started_at) == ("P2", "search", at(13, 5, 0, 123000))
    assert create.labels == {"service": "search", "env": "prod", "p99": "", "entity": "search-api"}
    assert create.annotations["region"] == "eu-west-1" and create.annotations["tinyId"] == "812"
    assert acknowledge.status is ACKNOWLEDGED and close.status is RESOLVED
    assert close.ended_at == at(13, 20, 0, 789000)  # updatedAt, in nanoseconds
    assert create.group_key == acknowledge.group_key == close.group_key
    assert len({create.idempotency_key, acknowledge.idempotency_key, close.idempotency_key}) == 3
    assert parse(K.OPSGENIE, "opsgenie/add_note.json") == []


def test_generic_list_of_checks() -> None:
    login, status_page = parse(K.GENERIC, "generic/uptime_checks.json", UPTIME)

    assert (login.title, login.status, login.fingerprint) == ("Login page answers", FIRING, "chk-login")
    assert (login.source_severity, login.service, login.started_at) == ("high", "identity", RECEIVED)
    assert login.links == (AlertLink("https://uptime.example.com/checks/chk-login", "Source"),)
    assert login.annotations == {"http_status": "503", "attempts": "3"}
    assert (status_page.status, status_page.started_at, status_page.ended_at) == (RESOLVED, at(13, 2), at(13, 9))


def test_generic_single_alert() -> None:
    alert = only(parse(K.GENERIC, "generic/single_alert.json", SINGLE))

    assert (alert.title, alert.status, alert.service) == ("Nightly backup did not finish", FIRING, "billing-db")
    assert alert.started_at == at(0, 30) and alert.labels == {"job": "backup", "service": "billing-db"}


SAMPLES = sorted(
    (path.parent.name, path.relative_to(DATA).as_posix())
    for path in DATA.glob("*/*.json")
    if path.parent.name != "LICENSES"
)


@pytest.mark.parametrize(("kind", "name"), SAMPLES)
def test_every_sample_gives_alerts_with_keys_and_aware_times(kind: str, name: str) -> None:
    mapping = {"generic/uptime_checks.json": UPTIME, "generic/single_alert.json": SINGLE}.get(name)

    for alert in parse(AlertSourceKind(kind), name, mapping):
        assert re.fullmatch(r"[0-9a-f]{32}", alert.group_key) and re.fullmatch(r"[0-9a-f]{32}", alert.idempotency_key)
        assert alert.started_at.tzinfo is UTC and (alert.ended_at is None or alert.ended_at.tzinfo is UTC)
        assert alert.integration == kind and alert.kind == kind


def test_a_redelivered_body_gives_the_same_idempotency_keys() -> None:
    for kind, name in SAMPLES:
        mapping = {"generic/uptime_checks.json": UPTIME, "generic/single_alert.json": SINGLE}.get(name)
        first = parse(AlertSourceKind(kind), name, mapping)
        body = json.loads((DATA / name).read_text(encoding="utf-8"))
        later = parse_alerts(AlertSourceKind(kind), body, integration=kind, received_at=at(18, 0), mapping=mapping)
        assert [a.idempotency_key for a in first] == [a.idempotency_key for a in later], name


@pytest.mark.parametrize("count", [0, 1, 5, 137])
def test_a_body_with_n_alerts_is_n_alerts_in_order(count: int) -> None:
    items = [
        {"status": "firing", "labels": {"alertname": "Probe", "target": f"t{i}"}, "startsAt": "2026-10-05T13:00:00Z"}
        for i in range(count)
    ]

    alerts = parse_alerts(K.ALERTMANAGER, {"alerts": items}, integration="am", received_at=RECEIVED)

    assert [alert.labels["target"] for alert in alerts] == [f"t{i}" for i in range(count)]
    assert len({alert.group_key for alert in alerts}) == count
