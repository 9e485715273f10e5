"""Reminders, escalations, nudges and the digest as Block Kit."""

from __future__ import annotations

from typing import Any

from bot.blocks.format import button, clip, mrkdwn
from incidents.ports import FollowUpNotice

# Button kind → (label, action id, style). Listeners match on the action ids.
BUTTONS: dict[str, tuple[str, str, str | None]] = {
    "post_update": ("Post update", "reminder_post_update", "primary"),
    "snooze": ("Snooze 15m", "reminder_snooze", None),
    "acknowledge": ("Acknowledge", "incident_acknowledge", "primary"),
    "item_done": ("Mark done", "item_done", "primary"),
    "item_snooze": ("Snooze 1 day", "item_snooze", None),
    "page_acknowledge": ("Acknowledge", "oncall_page_acknowledge", "primary"),  # on-call pages (issue 11)
}


def render_followup_blocks(notice: FollowUpNotice) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(clip(notice.text, 3000))}]
    chunk = ""
    for line in notice.lines:
        if len(chunk) + len(line) + 1 > 2900:
            blocks.append({"type": "section", "text": mrkdwn(chunk)})
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append({"type": "section", "text": mrkdwn(chunk)})
    elements = []
    for kind, value in notice.buttons:
        label, action_id, style = BUTTONS[kind]
        elements.append(button(label, action_id, value, style=style))
    if elements:
        blocks.append({"type": "actions", "elements": elements})
    return blocks[:50]
