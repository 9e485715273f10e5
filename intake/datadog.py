"""Datadog webhooks: the default payload, or the payload Firebreak recommends (a superset of it):

    {"id": "$ID", "alert_id": "$ALERT_ID", "aggreg_key": "$AGGREG_KEY", "alert_cycle_key": "$ALERT_CYCLE_KEY",
     "title": "$EVENT_TITLE", "alert_transition": "$ALERT_TRANSITION", "alert_priority": "$ALERT_PRIORITY",
     "alert_scope": "$ALERT_SCOPE", "date": "$DATE", "last_updated": "$LAST_UPDATED", "link": "$LINK",
     "tags": "$TAGS", "body": "$EVENT_MSG", "event_type": "$EVENT_TYPE",
     "org": {"id": "$ORG_ID", "name": "$ORG_NAME"}}

One body is one alert. Status: `alert_transition` (Triggered, Re-Triggered, Warn, No Data, Renotify… firing;
Recovered resolved), else the `[Triggered]`-style prefix of the title. Group key: `aggreg_key`, else `alert_id`
with `alert_scope`, else the monitor id in the body's monitor link, else the title without its prefixes (never
the tags: they say where, not what). Idempotency: the event `id`, else the whole body. Times: `date` and
`last_updated`, milliseconds since 1970 as Datadog sends them.
"""

from __future__ import annotations

import re

from incidents.alerts.model import Alert, AlertLink, AlertSourceKind, AlertStatus
from intake.context import IntakeContext
from intake.errors import MissingField, UnknownStatus
from intake.reading import JsonObject, as_object, body_digest, instant, optional_text, required_text, tag_labels

# $ALERT_TRANSITION values folded to letters only ("Re-Triggered" -> "retriggered").
TRANSITIONS = {
    "triggered": AlertStatus.FIRING,
    "retriggered": AlertStatus.FIRING,
    "warn": AlertStatus.FIRING,
    "rewarn": AlertStatus.FIRING,
    "nodata": AlertStatus.FIRING,
    "renodata": AlertStatus.FIRING,
    "renotify": AlertStatus.FIRING,
    "recovered": AlertStatus.RESOLVED,
}
_PRIORITY = re.compile(r"^p[1-5]$")
_PREFIX = re.compile(r"^\s*\[([^\]]*)\]\s*")
_MONITOR_URL = re.compile(r"https?://[^\s)\]]*/monitors[#/](\d+)[^\s)\]]*")


def parse_datadog(body: object, context: IntakeContext) -> list[Alert]:
    """The alert of a Datadog webhook body."""
    root = as_object(body, "")
    title, title_transition = _title_and_transition(required_text(root, "title", ""))
    said = optional_text(root, "alert_transition", "") or title_transition
    if said is None:
        raise MissingField("alert_transition")
    status = TRANSITIONS.get(re.sub(r"[^a-z]", "", said.lower()))
    if status is None:
        raise UnknownStatus("alert_transition", said, ("Triggered", "Re-Triggered", "Warn", "No Data", "Recovered"))
    message = optional_text(root, "body", "") or ""
    monitor = _MONITOR_URL.search(message)
    labels = tag_labels(root.get("tags"), "tags")
    happened = instant(root.get("date"), "date") or instant(root.get("last_updated"), "last_updated")
    event_id = optional_text(root, "id", "")
    return [
        Alert(
            kind=AlertSourceKind.DATADOG,
            integration=context.integration,
            title=title,
            status=status,
            started_at=happened or context.received_at,
            idempotency_key=body_digest("datadog-event", event_id) if event_id else body_digest(root),
            fingerprint=_fingerprint(root, monitor, title),
            source_severity=optional_text(root, "alert_priority", "") or optional_text(root, "alert_type", ""),
            service=labels.get("service"),
            ended_at=happened if status is AlertStatus.RESOLVED else None,
            links=_links(root, monitor),
            labels=labels,
            annotations=_annotations(root, message),
        )
    ]


def _title_and_transition(raw: str) -> tuple[str, str | None]:
    """`[P2] [Triggered] [TEST] Disk full` -> ("[TEST] Disk full", "Triggered"): the priority and transition
    prefixes Datadog adds are taken off; any other bracketed words are part of the title."""
    title, transition = raw, None
    while found := _PREFIX.match(title):
        word = found.group(1).strip()
        folded = re.sub(r"[^a-z]", "", word.lower())
        if folded in TRANSITIONS:
            transition = transition or word
        elif not _PRIORITY.match(word.lower()):
            break
        title = title[found.end() :]
    return title.strip() or raw, transition


def _fingerprint(root: JsonObject, monitor: re.Match[str] | None, title: str) -> str:
    aggregate = optional_text(root, "aggreg_key", "")
    if aggregate:
        return aggregate
    alert_id = optional_text(root, "alert_id", "")
    if alert_id:
        scope = optional_text(root, "alert_scope", "")
        return f"{alert_id}:{scope}" if scope else alert_id
    return f"monitor:{monitor.group(1)}" if monitor else f"title:{title}"


def _links(root: JsonObject, monitor: re.Match[str] | None) -> tuple[AlertLink, ...]:
    links = []
    link = optional_text(root, "link", "")
    if link:
        links.append(AlertLink(link, "Event"))
    if monitor:
        links.append(AlertLink(monitor.group(0), "Monitor"))
    return tuple(links)


def _annotations(root: JsonObject, message: str) -> dict[str, str]:
    # Datadog wraps the monitor's message in `%%%` markers (its Markdown block delimiters).
    annotations = {"message": message.replace("%%%", "").strip()} if message else {}
    for key in ("event_type", "alert_scope", "alert_cycle_key", "alert_id"):
        value = optional_text(root, key, "")
        if value:
            annotations[key] = value
    org = root.get("org")
    if isinstance(org, dict):
        name = optional_text(org, "name", "org")
        if name:
            annotations["org"] = name
    return annotations
