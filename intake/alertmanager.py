"""Prometheus Alertmanager webhooks (`version: "4"`): one alert per item of `alerts`.

Group key: the item's `fingerprint`, else its labels. Idempotency: group key + `startsAt` + status, so a
notification Alertmanager repeats (same alert, same start, same status) is stored once while a new firing of
the same alert (a new `startsAt`) counts as a repeat. Title: the `summary` annotation, else the `alertname`
label, else the `description` annotation. Severity: the `severity` label; service: the `service` label.
An item without `status` takes the body's (older senders put it only there).
"""

from __future__ import annotations

from datetime import datetime

from incidents.alerts.grouping import sorted_label_parts, stable_digest
from incidents.alerts.model import Alert, AlertLink, AlertSourceKind, AlertStatus
from intake.context import IntakeContext
from intake.errors import MissingField, UnknownStatus
from intake.reading import (
    JsonObject,
    as_list,
    as_object,
    at,
    body_digest,
    instant,
    optional_text,
    required,
    text_map,
)

STATUSES = {"firing": AlertStatus.FIRING, "resolved": AlertStatus.RESOLVED}
UNTITLED = "(untitled alert)"
# Per-alert URL fields and the words for their links; Grafana adds the last four.
LINK_FIELDS = (
    ("generatorURL", "Source"),
    ("silenceURL", "Silence"),
    ("dashboardURL", "Dashboard"),
    ("panelURL", "Panel"),
    ("imageURL", "Image"),
)


def parse_alertmanager(body: object, context: IntakeContext) -> list[Alert]:
    """The alerts of an Alertmanager webhook body."""
    return parse_alert_list(body, context, AlertSourceKind.ALERTMANAGER)


def parse_alert_list(body: object, context: IntakeContext, kind: AlertSourceKind) -> list[Alert]:
    """Alertmanager's body shape, which Grafana's webhook contact point shares."""
    root = as_object(body, "")
    items = as_list(required(root, "alerts", ""), "alerts")
    body_status = optional_text(root, "status", "")
    return [
        _alert(as_object(item, at("alerts", i)), at("alerts", i), body_status, context, kind)
        for i, item in enumerate(items)
    ]


def _alert(
    item: JsonObject, path: str, body_status: str | None, context: IntakeContext, kind: AlertSourceKind
) -> Alert:
    said = optional_text(item, "status", path) or body_status
    if said is None:
        raise MissingField(at(path, "status"))
    status = STATUSES.get(said.lower())
    if status is None:
        raise UnknownStatus(at(path, "status"), said, STATUSES)
    labels = text_map(item.get("labels"), at(path, "labels"))
    annotations = text_map(item.get("annotations"), at(path, "annotations"))
    if kind is AlertSourceKind.GRAFANA:
        values = _grafana_values(item, path)
        if values:
            annotations["values"] = values
    fingerprint = optional_text(item, "fingerprint", path)
    title = annotations.get("summary") or labels.get("alertname") or annotations.get("description") or UNTITLED
    started = instant(item.get("startsAt"), at(path, "startsAt"))
    ended = instant(item.get("endsAt"), at(path, "endsAt"))
    return Alert(
        kind=kind,
        integration=context.integration,
        title=title,
        status=status,
        started_at=started or context.received_at,
        idempotency_key=_idempotency_key(context, fingerprint, labels, started, status, item),
        fingerprint=fingerprint,
        source_severity=labels.get("severity"),
        service=labels.get("service"),
        ended_at=(ended or context.received_at) if status is AlertStatus.RESOLVED else None,  # firing: a guess
        links=_links(item, path, annotations),
        labels=labels,
        annotations=annotations,
    )


def _idempotency_key(
    context: IntakeContext,
    fingerprint: str | None,
    labels: dict[str, str],
    started: datetime | None,
    status: AlertStatus,
    item: JsonObject,
) -> str:
    """The alert's identity (as its group key takes it), its start and its status: a notification repeated
    with all three unchanged is the same delivery."""
    if started is None:  # without a start time of its own, only the item itself tells deliveries apart
        return body_digest(item)
    identity = [fingerprint] if fingerprint else sorted_label_parts(labels)
    return stable_digest(context.integration, *identity, started.isoformat(), status)


def _links(item: JsonObject, path: str, annotations: dict[str, str]) -> tuple[AlertLink, ...]:
    links = [
        AlertLink(url, title)
        for key, title in LINK_FIELDS
        if key in item and (url := optional_text(item, key, path))  # most senders leave most of these out
    ]
    runbook = annotations.get("runbook_url")
    if runbook:
        links.append(AlertLink(runbook, "Runbook"))
    return tuple(links)


def _grafana_values(item: JsonObject, path: str) -> str | None:
    """Grafana's `values` ({"B": 44.2, "C": 1}) as `B=44.2, C=1`; older Grafana sends `valueString`."""
    values = item.get("values")
    if isinstance(values, dict) and values:
        return ", ".join(f"{name}={value}" for name, value in sorted(text_map(values, at(path, "values")).items()))
    return optional_text(item, "valueString", path)
