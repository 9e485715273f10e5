"""On-call Block Kit (issue 11): the override's Replace offer and the swap request's Take shift / Cancel."""

from __future__ import annotations

from typing import Any

from bot.blocks.format import button, clip, mrkdwn

REPLACE = "oncall_override_replace"
KEEP = "oncall_override_keep"
TAKE = "oncall_swap_take"
CANCEL = "oncall_swap_cancel"


def replace_offer(text: str, value: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": mrkdwn(clip(text, 3000))},
        {
            "type": "actions",
            "elements": [button("Replace", REPLACE, value, style="danger"), button("Keep them", KEEP, "keep")],
        },
    ]


def swap_request(text: str, swap_id: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": mrkdwn(clip(text, 3000))},
        {
            "type": "actions",
            "elements": [button("Take shift", TAKE, swap_id, style="primary"), button("Cancel", CANCEL, swap_id)],
        },
    ]


def settled(text: str) -> list[dict[str, Any]]:
    """A message whose buttons are done with."""
    return [{"type": "section", "text": mrkdwn(clip(text, 3000))}]
