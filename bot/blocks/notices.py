"""How a change looks when it is announced in the incident channel (and to stakeholders)."""

from __future__ import annotations

from typing import Any

from bot.blocks.format import clip, escape, mrkdwn, user
from incidents.model import Incident
from incidents.ports import Notice

_ICONS = {
    "status_changed": ":arrows_counterclockwise:",
    "severity_changed": ":warning:",
    "role_assigned": ":bust_in_silhouette:",
    "resolved": ":white_check_mark:",
    "reopened": ":leftwards_arrow_with_hook:",
    "stakeholder_update": ":mega:",
}


def notice_text(incident: Incident, notice: Notice) -> str:
    return f"{incident.reference}: {notice.text}"


def render_notice_blocks(incident: Incident, notice: Notice) -> list[dict[str, Any]]:
    icon = _ICONS.get(notice.kind, ":information_source:")
    if notice.kind == "stakeholder_update":
        head = f"{icon} *Update on {incident.reference}: {escape(incident.title)}* ({notice.text})"
        blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(clip(head, 3000))}]
        for label, value in notice.fields:
            blocks.append({"type": "section", "text": mrkdwn(clip(f"*{label}*\n{escape(value)}", 3000))})
        blocks.append({"type": "context", "elements": [mrkdwn(f"Posted by {user(notice.actor)}")]})
        return blocks
    # Notice texts are written by the domain with mentions (<@U…>) in them, so they are not escaped.
    return [
        {"type": "section", "text": mrkdwn(clip(f"{icon} {notice.text}", 3000))},
        {"type": "context", "elements": [mrkdwn(f"{incident.reference} · by {user(notice.actor)}")]},
    ]
