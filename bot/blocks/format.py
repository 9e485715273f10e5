"""Small formatting helpers shared by the Block Kit builders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidents.message_text import channel_mention as channel_mention
from incidents.message_text import encode_entities


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str, limit: int = 3000) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def clip(text: str, limit: int) -> str:
    """Cut text to a Block Kit limit, marking the cut, so a long title never makes Slack reject a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Escape user text for mrkdwn so `<`, `>` and `&` can't forge mentions or links."""
    return encode_entities(text)


def clip_mrkdwn(text: str, limit: int) -> str:
    """`clip` for mrkdwn: the cut never leaves half a token (`<https://…`) or half an entity (`&am`)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    ampersand = cut.rfind("&")
    if ampersand > cut.rfind(";") and len(cut) - ampersand <= 5:
        cut = cut[:ampersand]
    return cut + "…"


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
