"""Opsgenie webhook integration: one alert action per body (`action` plus a subset of the alert's fields).

Status from the action: Create and UnAcknowledge firing, Acknowledge acknowledged, Close and Delete resolved.
Every other action (AddNote, AddTags, Escalate, AssignOwnership, a custom action, …) says nothing about the
alert's state and gives no alert. Group key: the alert's `alias` (Opsgenie's own de-duplication key), else its
`alertId`. Title `message`; severity `priority` (P1–P5); labels the `tags` (`name:value` tags split at the first
colon) and `entity`; annotations `description` and `details` (sent for Create only, cut to 1,000 characters by
Opsgenie). Idempotency: alert id + action + `updatedAt` (nanoseconds, new at every action), else the body.
"""

from __future__ import annotations

from incidents.alerts.model import Alert, AlertSourceKind, AlertStatus
from intake.context import IntakeContext
from intake.reading import (
    JsonObject,
    as_object,
    body_digest,
    instant,
    optional_text,
    required,
    required_text,
    tag_labels,
    text_map,
)

ACTIONS = {
    "create": AlertStatus.FIRING,
    "unacknowledge": AlertStatus.FIRING,
    "acknowledge": AlertStatus.ACKNOWLEDGED,
    "close": AlertStatus.RESOLVED,
    "delete": AlertStatus.RESOLVED,
}


def parse_opsgenie(body: object, context: IntakeContext) -> list[Alert]:
    """The alert of an Opsgenie webhook body (none for an action that changes no state)."""
    root = as_object(body, "")
    action = required_text(root, "action", "")
    alert = as_object(required(root, "alert", ""), "alert")
    alert_id = required_text(alert, "alertId", "alert")
    status = ACTIONS.get(action.replace(" ", "").replace("_", "").lower())
    if status is None:
        return []
    labels = tag_labels(alert.get("tags"), "alert.tags")
    entity = optional_text(alert, "entity", "alert")
    if entity:
        labels.setdefault("entity", entity)
    updated = alert.get("updatedAt")
    return [
        Alert(
            kind=AlertSourceKind.OPSGENIE,
            integration=context.integration,
            title=optional_text(alert, "message", "alert") or f"Opsgenie alert {alert_id}",
            status=status,
            started_at=instant(alert.get("createdAt"), "alert.createdAt") or context.received_at,
            idempotency_key=body_digest("opsgenie", alert_id, action, updated) if updated else body_digest(root),
            fingerprint=optional_text(alert, "alias", "alert") or alert_id,
            source_severity=optional_text(alert, "priority", "alert"),
            service=labels.get("service"),
            ended_at=(instant(updated, "alert.updatedAt") or context.received_at)
            if status is AlertStatus.RESOLVED
            else None,
            labels=labels,
            annotations=_annotations(root, alert),
        )
    ]


def _annotations(root: JsonObject, alert: JsonObject) -> dict[str, str]:
    annotations = text_map(alert.get("details"), "alert.details")
    for key in ("description", "source", "username", "tinyId"):
        value = optional_text(alert, key, "alert")
        if value:
            annotations[key] = value
    integration = optional_text(root, "integrationName", "")
    if integration:
        annotations["opsgenie_integration"] = integration
    return annotations
