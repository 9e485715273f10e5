"""Block Kit for alert groups and storm summaries (wording in bot/alerts_text.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.alerts_text import group_fields, group_state_line, labels_line, links_line, storm_text
from bot.blocks.format import clip, clip_mrkdwn, escape, mrkdwn, plain
from incidents.alerts.groups import AlertGroup
from incidents.alerts.model import AlertStatus
from incidents.alerts.storms import Storm

ACK, DECLARE, SILENCE, LINK = "alert_acknowledge", "alert_declare", "alert_silence", "alert_link"
SILENCE_CHOICES = (("1h", "1 hour"), ("4h", "4 hours"), ("24h", "24 hours"), ("resolved", "Until resolved"))


def render_group_blocks(group: AlertGroup, now: datetime) -> list[dict[str, Any]]:
    assert group.id is not None
    value = str(group.id)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(clip_mrkdwn(f"*{escape(group.title)}*", 3000))},
        {"type": "context", "elements": [mrkdwn(clip_mrkdwn(group_state_line(group, now), 3000))]},
        {"type": "section", "fields": [mrkdwn(field) for field in group_fields(group)]},
    ]
    if group.labels:
        blocks.append({"type": "context", "elements": [mrkdwn(clip_mrkdwn(labels_line(group), 3000))]})
    if links := links_line(group):
        blocks.append({"type": "context", "elements": [mrkdwn(clip_mrkdwn(links, 3000))]})
    buttons: list[dict[str, Any]] = []
    if group.status is AlertStatus.FIRING and not group.acknowledged_by:
        buttons.append({"type": "button", "action_id": ACK, "text": plain("Acknowledge"), "value": value})
    if group.incident_id is None:
        buttons.append(
            {
                "type": "button",
                "action_id": DECLARE,
                "text": plain("Declare incident"),
                "value": value,
                "style": "danger",
            }
        )
        buttons.append({"type": "button", "action_id": LINK, "text": plain("Link to incident"), "value": value})
    if group.status is not AlertStatus.RESOLVED:
        options = [{"text": plain(label), "value": f"{value}:{choice}"} for choice, label in SILENCE_CHOICES]
        buttons.append(
            {"type": "static_select", "action_id": SILENCE, "placeholder": plain("Silence"), "options": options}
        )
    if buttons:
        blocks.append({"type": "actions", "block_id": f"alert_group:{value}", "elements": buttons})
    return blocks


def render_storm_blocks(storm: Storm) -> list[dict[str, Any]]:
    return [{"type": "section", "text": mrkdwn(clip(storm_text(storm), 3000))}]
