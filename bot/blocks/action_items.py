"""Action items as Block Kit: the `/incident actions` list, and the Home tab's section."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.format import button, clip, mrkdwn
from incidents.action_items import ActionItem, ItemStatus
from incidents.message_text import message_mrkdwn

DONE, REASSIGN, DUE, REOPEN = "item_done", "item_reassign", "item_due", "item_reopen"
SHOWN = 20  # two blocks an item, under the 50 blocks of a message


def item_line(item: ActionItem, today: date) -> str:
    if item.status is ItemStatus.DONE:
        state = f":white_check_mark: done {item.done_at:%d %b}" if item.done_at else ":white_check_mark: done"
    elif item.is_overdue(today):
        state = f":red_circle: overdue since {item.due_on:%d %b}"
    else:
        state = f"due {item.due_on:%a %d %b}"
    return (
        f"*#{item.id}* {message_mrkdwn(item.text)}\n<@{item.owner}> · {item.priority.value} · {state} · "
        f"{item.incident_reference}"
    )


def render_action_item_list(items: list[ActionItem], today: date, *, title: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(f"*{title}* ({len(items)})")}]
    if not items:
        blocks.append({"type": "section", "text": mrkdwn("Nothing here. :tada:")})
    for item in items[:SHOWN]:
        blocks.append({"type": "section", "text": mrkdwn(clip(item_line(item, today), 3000))})
        value = str(item.id)
        if item.status is ItemStatus.OPEN:
            elements = [
                button("Done", DONE, value, style="primary"),
                button("Reassign", REASSIGN, value),
                button("Change due date", DUE, value),
            ]
        else:
            elements = [button("Reopen", REOPEN, value)]
        blocks.append({"type": "actions", "elements": elements})
    if len(items) > SHOWN:
        blocks.append({"type": "context", "elements": [mrkdwn(f"…and {len(items) - SHOWN} more")]})
    return blocks


def home_section(items: list[ActionItem], today: date) -> list[dict[str, Any]]:
    if not items:
        return [{"type": "section", "text": mrkdwn("*Your open action items*\nNone. :tada:")}]
    lines = [item_line(i, today).replace("\n", " · ") for i in items[:15]]
    more = f"\n…and {len(items) - 15} more: `/incident actions mine`" if len(items) > 15 else ""
    return [{"type": "section", "text": mrkdwn(clip("*Your open action items*\n" + "\n".join(lines) + more, 3000))}]
