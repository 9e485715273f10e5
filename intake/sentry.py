"""Sentry integration-platform webhooks, told apart by what `data` holds (the `Sentry-Hook-Resource` header
says the same, but the body is enough):

- issue alerts (`event_alert`, `data.event`, action `triggered`): firing; group key the issue id, so every
  event of one issue is a repeat; severity the event's `level`; idempotency the event id and rule.
- metric alerts (`metric_alert`, `data.metric_alert`, action `critical` / `warning` / `resolved`): group key
  the alert rule's id (a rule that fires again within `alerts.refire_window` reopens its group); severity the
  action (`critical`, `warning`); idempotency the whole body.
- issues (`issue`, `data.issue`, action `created` / `unresolved` firing, `resolved` / `archived` / `ignored`
  resolved, `assigned` carries no alert state and gives no alert): group key the issue id, so a resolved issue
  closes the group its issue alert opened; idempotency the whole body.
"""

from __future__ import annotations

from incidents.alerts.model import Alert, AlertLink, AlertSourceKind, AlertStatus
from intake.context import IntakeContext
from intake.errors import MissingField, UnknownStatus
from intake.reading import (
    JsonObject,
    as_object,
    at,
    body_digest,
    instant,
    optional_text,
    required,
    required_text,
    tag_labels,
)

METRIC_ACTIONS = {"critical": AlertStatus.FIRING, "warning": AlertStatus.FIRING, "resolved": AlertStatus.RESOLVED}
ISSUE_ACTIONS = {
    "created": AlertStatus.FIRING,
    "unresolved": AlertStatus.FIRING,
    "resolved": AlertStatus.RESOLVED,
    "archived": AlertStatus.RESOLVED,
    "ignored": AlertStatus.RESOLVED,
}
ISSUE_ACTIONS_WITHOUT_STATE = frozenset({"assigned"})


def parse_sentry(body: object, context: IntakeContext) -> list[Alert]:
    """The alerts of a Sentry webhook body (none for an issue webhook that changes no state)."""
    root = as_object(body, "")
    action = required_text(root, "action", "")
    data = as_object(required(root, "data", ""), "data")
    if "metric_alert" in data:
        return [_metric_alert(root, data, action, context)]
    if "event" in data:
        if action.lower() != "triggered":
            raise UnknownStatus("action", action, ("triggered",))
        return [_issue_alert(data, context)]
    if "issue" in data:
        return _issue(root, data, action, context)
    raise MissingField("data.event")


def _issue_alert(data: JsonObject, context: IntakeContext) -> Alert:
    event = as_object(data["event"], "data.event")
    issue_id = required_text(event, "issue_id", "data.event")
    rule = optional_text(data, "triggered_rule", "data")
    labels = tag_labels(event.get("tags"), "data.event.tags")
    annotations = {"rule": rule} if rule else {}
    culprit = optional_text(event, "culprit", "data.event")
    if culprit:
        annotations["culprit"] = culprit
    event_id = optional_text(event, "event_id", "data.event")
    started = instant(event.get("datetime"), "data.event.datetime") or instant(
        event.get("timestamp"), "data.event.timestamp"
    )
    web_url = optional_text(event, "web_url", "data.event")
    return Alert(
        kind=AlertSourceKind.SENTRY,
        integration=context.integration,
        title=optional_text(event, "title", "data.event") or rule or f"Sentry issue {issue_id}",
        status=AlertStatus.FIRING,
        started_at=started or context.received_at,
        idempotency_key=body_digest("sentry-event", event_id, rule) if event_id else body_digest(data),
        fingerprint=f"issue:{issue_id}",
        source_severity=optional_text(event, "level", "data.event"),
        service=labels.get("service"),
        links=(AlertLink(web_url, "Sentry event"),) if web_url else (),
        labels=labels,
        annotations=annotations,
    )


def _metric_alert(root: JsonObject, data: JsonObject, action: str, context: IntakeContext) -> Alert:
    status = METRIC_ACTIONS.get(action.lower())
    if status is None:
        raise UnknownStatus("action", action, METRIC_ACTIONS)
    incident = as_object(data["metric_alert"], "data.metric_alert")
    rule = as_object(required(incident, "alert_rule", "data.metric_alert"), "data.metric_alert.alert_rule")
    rule_id = required_text(rule, "id", "data.metric_alert.alert_rule")
    title = (
        optional_text(data, "description_title", "data")
        or optional_text(rule, "name", "data.metric_alert.alert_rule")
        or f"Sentry metric alert {rule_id}"
    )
    started = instant(incident.get("date_started"), "data.metric_alert.date_started")
    closed = instant(incident.get("date_closed"), "data.metric_alert.date_closed")
    labels = {"alert_rule": optional_text(rule, "name", "data.metric_alert.alert_rule") or rule_id}
    projects = rule.get("projects")
    if isinstance(projects, list) and projects:
        labels["projects"] = ",".join(str(project) for project in projects)
    environment = optional_text(rule, "environment", "data.metric_alert.alert_rule")
    if environment:
        labels["environment"] = environment
    description = optional_text(data, "description_text", "data")
    web_url = optional_text(data, "web_url", "data")
    return Alert(
        kind=AlertSourceKind.SENTRY,
        integration=context.integration,
        title=title,
        status=status,
        started_at=started or context.received_at,
        idempotency_key=body_digest(root),
        fingerprint=f"metric_alert:{rule_id}",
        source_severity=action.lower() if status is AlertStatus.FIRING else None,
        ended_at=(closed or context.received_at) if status is AlertStatus.RESOLVED else None,
        links=(AlertLink(web_url, "Sentry alert"),) if web_url else (),
        labels=labels,
        annotations={"description": description} if description else {},
    )


def _issue(root: JsonObject, data: JsonObject, action: str, context: IntakeContext) -> list[Alert]:
    if action.lower() in ISSUE_ACTIONS_WITHOUT_STATE:
        return []
    status = ISSUE_ACTIONS.get(action.lower())
    if status is None:
        raise UnknownStatus("action", action, [*ISSUE_ACTIONS, *ISSUE_ACTIONS_WITHOUT_STATE])
    issue = as_object(data["issue"], "data.issue")
    issue_id = required_text(issue, "id", "data.issue")
    project = issue.get("project")
    labels = {}
    if isinstance(project, dict) and (slug := optional_text(project, "slug", at("data.issue", "project"))):
        labels["project"] = slug
    url = optional_text(issue, "web_url", "data.issue") or optional_text(issue, "permalink", "data.issue")
    short_id = optional_text(issue, "shortId", "data.issue")
    return [
        Alert(
            kind=AlertSourceKind.SENTRY,
            integration=context.integration,
            title=optional_text(issue, "title", "data.issue") or f"Sentry issue {issue_id}",
            status=status,
            started_at=instant(issue.get("firstSeen"), "data.issue.firstSeen") or context.received_at,
            idempotency_key=body_digest(root),
            fingerprint=f"issue:{issue_id}",
            source_severity=optional_text(issue, "level", "data.issue"),
            ended_at=context.received_at if status is AlertStatus.RESOLVED else None,
            links=(AlertLink(url, "Sentry issue"),) if url else (),
            labels=labels,
            annotations={"issue": short_id} if short_id else {},
        )
    ]
