"""What Firebreak says about alerts: group posts, storm summaries, the integration commands' answers."""

from __future__ import annotations

from datetime import datetime

from bot.blocks.format import escape
from incidents.alerts.groups import AlertGroup
from incidents.alerts.integrations import Integration
from incidents.alerts.model import AlertStatus
from incidents.alerts.ports import RejectedBody
from incidents.alerts.storms import Storm

STATUS_WORDS = {
    AlertStatus.FIRING: "Firing",
    AlertStatus.ACKNOWLEDGED: "Acknowledged",
    AlertStatus.RESOLVED: "Resolved",
}
STATUS_ICONS = {
    AlertStatus.FIRING: ":red_circle:",
    AlertStatus.ACKNOWLEDGED: ":large_yellow_circle:",
    AlertStatus.RESOLVED: ":large_green_circle:",
}


def when(at: datetime) -> str:
    """A time every reader sees in their own timezone, with a UTC fallback."""
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{at:%Y-%m-%d %H:%M} UTC>"


def group_text(group: AlertGroup) -> str:
    """The notification text (and the fallback of the blocks)."""
    return f"{STATUS_WORDS[group.status]}: {group.title} ({group.integration}, {group.count}×)"


def group_state_line(group: AlertGroup, now: datetime) -> str:
    parts = [f"{STATUS_ICONS[group.status]} *{STATUS_WORDS[group.status]}*"]
    if group.acknowledged_by:
        parts.append(f"acknowledged by <@{group.acknowledged_by}>")
    if group.silenced(now):
        until = "until resolved" if group.silenced_until_resolved else f"until {when(group.silenced_until or now)}"
        parts.append(f"silenced {until}" + (f" by <@{group.silenced_by}>" if group.silenced_by else ""))
    if group.incident_reference:
        parts.append(f"linked to *{escape(group.incident_reference)}*")
    return " · ".join(parts)


def group_fields(group: AlertGroup) -> list[str]:
    return [
        f"*Severity*\n{escape(group.severity or group.source_severity or 'unknown')}",
        f"*Service*\n{escape(group.service or 'unknown')}",
        f"*Count*\n{group.count}",
        f"*Source*\n{escape(group.integration)}",
        f"*First seen*\n{when(group.first_seen)}",
        f"*Last seen*\n{when(group.last_seen)}",
    ]


def labels_line(group: AlertGroup) -> str:
    return "  ".join(f"`{escape(name)}={escape(value)}`" for name, value in sorted(group.labels.items()))


def links_line(group: AlertGroup) -> str:
    return " · ".join(
        f"<{link.url}|{escape(link.title or 'Link')}>"
        for link in group.links
        if link.url.startswith(("http://", "https://"))
    )


def storm_text(storm: Storm) -> str:
    return (
        f":rotating_light: Alert storm: {storm.groups} new alert groups since {when(storm.started_at)}, "
        f"{storm.alerts} alerts in all. Posting a message per group resumes when it calms down."
    )


def integration_added(integration: Integration, url: str) -> str:
    return (
        f"Integration *{integration.name}* ({integration.kind.value}) is ready. Point the sender at this URL "
        f"(shown once: keep it secret, it carries the token):\n```{url}```\n"
        "Or send the token as `Authorization: Bearer <token>` to the URL without its last segment."
    )


def integration_rotated(integration: Integration, url: str) -> str:
    return f"New token for *{integration.name}*; the old one no longer works. The URL (shown once):\n```{url}```"


def integration_line(integration: Integration) -> str:
    state = "enabled" if integration.enabled else "disabled"
    return f"• *{integration.name}* ({integration.kind.value}, {state}), added by <@{integration.created_by}>"


def integration_details(integration: Integration, rejected: list[RejectedBody]) -> str:
    lines = [integration_line(integration)]
    if not rejected:
        lines.append("No rejected bodies in the last 7 days.")
    for body in rejected:
        sample = body.body[:300].replace("```", "'''")
        lines.append(f"Rejected {when(body.received_at)}: {escape(body.reason)}\n```{sample}```")
    return "\n".join(lines)
