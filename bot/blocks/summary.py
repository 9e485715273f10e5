"""The pinned live summary and the announcement: what everyone reads first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.format import button, clip, escape, mrkdwn, plain, user, when
from incidents.durations import format_duration
from incidents.model import Incident
from incidents.policy import Policy

IMPACT_LABELS = {"yes": "Yes", "no": "No", "unknown": "Unknown"}

# Action ids of the summary's buttons; listeners match on these.
ACKNOWLEDGE = "summary_acknowledge"
UPDATE, SEVERITY, ROLE, RESOLVE, REOPEN = (
    "summary_update",
    "summary_severity",
    "summary_role",
    "summary_resolve",
    "summary_reopen",
)


def _severity_label(policy: Policy, severity_id: str) -> str:
    severity = policy.severity(severity_id)
    return f"{severity_id} · {severity.name}" if severity else severity_id


def _status_label(policy: Policy, status_id: str) -> str:
    status = policy.status(status_id)
    return status.name if status else status_id


def _duration(incident: Incident, now: datetime) -> str:
    start = incident.impact_started_at or incident.declared_at
    if incident.resolved_at:
        return format_duration(incident.resolved_at - start)
    # The summary is edited only when something changes, so a duration written out would go stale while an
    # incident drags on: Slack's {ago} is worked out by each reader's client whenever it is shown.
    so_far = f"{format_duration(now - start)} so far ({now:%H:%M} UTC)"
    return f"Ongoing, started <!date^{int(start.timestamp())}^{{ago}}|{so_far}>"


def summary_text(incident: Incident, policy: Policy) -> str:
    """Notification and accessibility fallback for the summary."""
    return (
        f"{incident.reference} [{incident.severity}] {incident.title}: "
        f"{_status_label(policy, incident.status)}, commander {user(incident.commander)}"
    )


def render_summary_blocks(incident: Incident, policy: Policy, now: datetime) -> list[dict[str, Any]]:
    open_ = policy.is_open(incident.status)
    fields = [
        f"*ID*\n{incident.reference}",
        f"*Severity*\n{_severity_label(policy, incident.severity)}",
        f"*Status*\n{_status_label(policy, incident.status)}",
        f"*Commander*\n{user(incident.commander)}",
        f"*Services*\n{escape(', '.join(incident.services)) or '_none named_'}",
        f"*Customer impact*\n{IMPACT_LABELS.get(incident.customer_impact.value, 'Unknown')}",
        f"*Started*\n{when(incident.impact_started_at or incident.declared_at)}",
        f"*Duration*\n{_duration(incident, now)}",
    ]
    other_roles = [
        f"{(policy.role(r).name if policy.role(r) else r)}: {user(u)}"  # type: ignore[union-attr]
        for r, u in incident.roles.items()
        if r != "commander"
    ]
    if other_roles:
        fields.append("*Roles*\n" + "\n".join(other_roles))
    if incident.private:
        fields.append("*Visibility*\nPrivate")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(f"{incident.reference}: {incident.title}", 150)},
        {"type": "section", "fields": [mrkdwn(clip(f, 2000)) for f in fields[:10]]},
    ]
    if incident.description:
        blocks.append({"type": "section", "text": mrkdwn(clip(escape(incident.description), 3000))})
    if incident.resolution_summary and not open_:
        blocks.append(
            {"type": "section", "text": mrkdwn(clip(f"*Resolution*\n{escape(incident.resolution_summary)}", 3000))}
        )
    ref = incident.reference
    actions = [
        button("Post update", UPDATE, ref, style="primary"),
        button("Severity", SEVERITY, ref),
        button("Assign role", ROLE, ref),
    ]
    if open_ and incident.acknowledged_at is None:
        actions.insert(0, button("Acknowledge", ACKNOWLEDGE, ref, style="primary"))
    actions.append(button("Resolve", RESOLVE, ref, style="danger") if open_ else button("Reopen", REOPEN, ref))
    blocks.append({"type": "actions", "block_id": "summary_actions", "elements": actions})
    blocks.append(
        {"type": "context", "elements": [mrkdwn(f"Declared by {user(incident.declared_by)} · updated {when(now)}")]}
    )
    return blocks


def render_announcement_blocks(incident: Incident, policy: Policy) -> list[dict[str, Any]]:
    channel = f"<#{incident.channel_id}>" if incident.channel_id else "its channel"
    services = f" · Services: {escape(', '.join(incident.services))}" if incident.services else ""
    return [
        {
            "type": "section",
            "text": mrkdwn(
                clip(
                    f":rotating_light: *{incident.reference}* ({_severity_label(policy, incident.severity)}) "
                    f"*{escape(incident.title)}*\nJoin {channel} to help. Commander {user(incident.commander)}"
                    f" · Customer impact: {IMPACT_LABELS[incident.customer_impact.value]}{services}",
                    3000,
                )
            ),
        }
    ]
