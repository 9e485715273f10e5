"""Small formatting helpers shared by the Block Kit builders."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str, limit: int = 3000) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def clip(text: str, limit: int) -> str:
    """Cut text to a Block Kit limit, marking the cut, so a long title never makes Slack reject a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Escape user text for mrkdwn so `<`, `>` and `&` can't forge mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def when(at: datetime) -> str:
    """A timestamp each reader sees in their own timezone, with a UTC fallback for old clients."""
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{at:%Y-%m-%d %H:%M} UTC>"


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "_nobody_"


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text, 75), "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    return element
