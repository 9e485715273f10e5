"""The "Add to incident timeline" message shortcut's modal."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from bot.blocks.format import clip, clip_mrkdwn, mrkdwn
from bot.views.inputs import input_block, modal, option, selected_value, static_select, text_input, text_value
from incidents.message_text import message_mrkdwn
from incidents.model import Incident
from incidents.timeline import ChatMessage

CALLBACK_ID = "add_to_timeline"
# private_metadata holds at most 3000 characters: the message's text is cut to fit, the permalink keeps the rest.
_TEXT_ROOM = 2400


def payload_permalink(payload: dict[str, Any]) -> str | None:
    """The message's permalink as Slack forms them, from the shortcut's payload (its workspace's domain).

    chat.getPermalink is asked first; this is for where it refuses (a private channel the bot is not in)."""
    domain = (payload.get("team") or {}).get("domain")
    channel = (payload.get("channel") or {}).get("id")
    message = payload.get("message") or {}
    ts = str(message.get("ts") or payload.get("message_ts") or "")
    if not domain or not channel or not ts:
        return None
    link = f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    thread = message.get("thread_ts")
    return f"{link}?thread_ts={thread}&cid={channel}" if thread and thread != ts else link


def render_add_to_timeline_modal(
    incidents: list[Incident], message: ChatMessage, *, preselect: str | None
) -> dict[str, Any]:
    choices = [option(clip(f"{i.reference} {i.title}", 75), i.reference) for i in incidents]
    metadata = json.dumps(
        {
            "c": message.channel_id,
            "ts": message.ts,
            "u": message.user,
            "b": message.bot_id,
            "n": message.bot_name,
            "p": message.permalink,
            "t": message.text[:_TEXT_ROOM],
        }
    )
    blocks = [
        {"type": "section", "text": mrkdwn(clip_mrkdwn(f"> {message_mrkdwn(message.text) or '_(no text)_'}", 3000))},
        input_block("incident", "Incident", static_select(choices, initial=preselect)),
        input_block("note", "Why it matters", text_input(max_length=500), optional=True),
    ]
    return modal(CALLBACK_ID, "Add to timeline", blocks, submit="Add", metadata=metadata[:3000])


def read_shortcut_submission(view: dict[str, Any]) -> tuple[str | None, ChatMessage, str]:
    values = view.get("state", {}).get("values", {})
    meta: dict[str, Any] = {}
    with contextlib.suppress(ValueError, TypeError):
        meta = json.loads(view.get("private_metadata") or "{}")
    message = ChatMessage(
        channel_id=str(meta.get("c", "")),
        ts=str(meta.get("ts", "0")),
        text=str(meta.get("t", "")),
        user=meta.get("u"),
        bot_id=meta.get("b"),
        bot_name=meta.get("n"),
        permalink=meta.get("p") or None,
    )
    return selected_value(values, "incident"), message, text_value(values, "note")
