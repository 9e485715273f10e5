"""PagerDuty: Events API v2 bodies (what monitoring tools send to PagerDuty, pointed here instead) and v3
webhooks (what PagerDuty sends about its incidents), told apart by shape (`event_action` or `event`).

Events API v2: `event_action` trigger / acknowledge / resolve; group key `dedup_key` (a trigger without one
falls back to the labels: source, component, group, class); title `payload.summary` (required for a trigger:
acknowledge and resolve bodies carry no payload and keep their group's title); severity `payload.severity`;
labels the source, component, group and class; `payload.custom_details` the annotations; idempotency the whole
body (the API has no event id).

Webhooks v3: one event per body. An event about an incident (`event.data.type` `incident`) is an alert in the
incident's current `status` (triggered, acknowledged, resolved), whatever the event type, so even a
`incident.priority_updated` keeps the group current; events about notes, responders, status updates or
services carry no alert state and give no alert. Group key the incident id; severity its priority (P1…),
else its urgency; idempotency the event id.
"""

from __future__ import annotations

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
    required_text,
    text_map,
)

EVENT_ACTIONS = {
    "trigger": AlertStatus.FIRING,
    "acknowledge": AlertStatus.ACKNOWLEDGED,
    "resolve": AlertStatus.RESOLVED,
}
INCIDENT_STATUSES = {
    "triggered": AlertStatus.FIRING,
    "acknowledged": AlertStatus.ACKNOWLEDGED,
    "resolved": AlertStatus.RESOLVED,
}
_LABEL_FIELDS = ("source", "component", "group", "class")


def parse_pagerduty(body: object, context: IntakeContext) -> list[Alert]:
    """The alerts of a PagerDuty Events API v2 body or v3 webhook."""
    root = as_object(body, "")
    if "event" in root and "event_action" not in root:
        return _webhook(root, context)
    return [_event(root, context)]


def _event(root: JsonObject, context: IntakeContext) -> Alert:
    said = required_text(root, "event_action", "")
    status = EVENT_ACTIONS.get(said.lower())
    if status is None:
        raise UnknownStatus("event_action", said, EVENT_ACTIONS)
    payload = as_object(root.get("payload") or {}, "payload")
    summary = optional_text(payload, "summary", "payload")
    dedup_key = optional_text(root, "dedup_key", "")
    if status is AlertStatus.FIRING and summary is None:
        raise MissingField("payload.summary")
    if status is not AlertStatus.FIRING and dedup_key is None:
        raise MissingField("dedup_key")  # an acknowledge or resolve names what it acknowledges or resolves
    labels = {key: value for key in _LABEL_FIELDS if (value := optional_text(payload, key, "payload"))}
    return Alert(
        kind=AlertSourceKind.PAGERDUTY,
        integration=context.integration,
        title=summary or "",
        status=status,
        started_at=instant(payload.get("timestamp"), "payload.timestamp") or context.received_at,
        idempotency_key=body_digest("pagerduty-event", root),
        fingerprint=dedup_key,
        source_severity=optional_text(payload, "severity", "payload"),
        ended_at=context.received_at if status is AlertStatus.RESOLVED else None,
        links=_event_links(root),
        labels=labels,
        annotations=text_map(payload.get("custom_details"), "payload.custom_details"),
    )


def _event_links(root: JsonObject) -> tuple[AlertLink, ...]:
    links = []
    for index, item in enumerate(as_list(root.get("links") or [], "links")):
        link = as_object(item, at("links", index))
        links.append(
            AlertLink(
                required_text(link, "href", at("links", index)), optional_text(link, "text", at("links", index)) or ""
            )
        )
    client_url = optional_text(root, "client_url", "")
    if client_url:
        links.append(AlertLink(client_url, optional_text(root, "client", "") or "Monitoring"))
    return tuple(links)


def _webhook(root: JsonObject, context: IntakeContext) -> list[Alert]:
    event = as_object(root["event"], "event")
    event_id = required_text(event, "id", "event")
    event_type = required_text(event, "event_type", "event")
    data = as_object(required(event, "data", "event"), "event.data")
    if optional_text(data, "type", "event.data") != "incident":
        return []  # a note, a responder, a status update, a service: nothing about the alert's state
    said = required_text(data, "status", "event.data")
    status = INCIDENT_STATUSES.get(said.lower())
    if status is None:
        raise UnknownStatus("event.data.status", said, INCIDENT_STATUSES)
    incident_id = required_text(data, "id", "event.data")
    service = _summary(data, "service")
    priority = _summary(data, "priority")
    urgency = optional_text(data, "urgency", "event.data")
    labels = {
        key: value for key, value in (("service", service), ("urgency", urgency), ("priority", priority)) if value
    }
    url = optional_text(data, "html_url", "event.data")
    number = optional_text(data, "number", "event.data")
    annotations = {"event_type": event_type, **({"number": number} if number else {})}
    occurred = instant(event.get("occurred_at"), "event.occurred_at")
    return [
        Alert(
            kind=AlertSourceKind.PAGERDUTY,
            integration=context.integration,
            title=optional_text(data, "title", "event.data") or f"PagerDuty incident {incident_id}",
            status=status,
            started_at=instant(data.get("created_at"), "event.data.created_at") or occurred or context.received_at,
            idempotency_key=body_digest("pagerduty-webhook", event_id),
            fingerprint=incident_id,
            source_severity=priority or urgency,
            service=service,
            ended_at=(occurred or context.received_at) if status is AlertStatus.RESOLVED else None,
            links=(AlertLink(url, "PagerDuty incident"),) if url else (),
            labels=labels,
            annotations=annotations,
        )
    ]


def _summary(data: JsonObject, key: str) -> str | None:
    """The `summary` of a reference object such as `service` or `priority` (null when the incident has none)."""
    reference = data.get(key)
    return optional_text(reference, "summary", at("event.data", key)) if isinstance(reference, dict) else None
