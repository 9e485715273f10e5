"""Slack events → the domain's Capture items. Pure: both the lean HTTP path and Bolt's listeners use it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from incidents.capture import Capture, CaptureKind
from incidents.message_text import link_urls
from incidents.timeline import ChatMessage, FileRef, ts_to_datetime

# Event types the capture path owns (message covers message.channels and message.groups).
CAPTURE_EVENTS = frozenset(
    {
        "message",
        "reaction_added",
        "reaction_removed",
        "pin_added",
        "pin_removed",
        "member_joined_channel",
        "member_left_channel",
    }
)
# Message subtypes that are something someone said (or an integration posted).
SAID_SUBTYPES = frozenset({None, "bot_message", "file_share", "thread_broadcast", "me_message"})


@dataclass(frozen=True)
class BotIdentity:
    """Firebreak's own user and bot ids: its posts are recorded as typed system entries, not as chat."""

    user_id: str | None = None
    bot_id: str | None = None

    def is_me(self, event: dict[str, Any]) -> bool:
        user, bot = event.get("user"), event.get("bot_id")
        return bool((user and user == self.user_id) or (bot and bot == self.bot_id))


def chat_message(channel_id: str, message: dict[str, Any]) -> ChatMessage:
    text = str(message.get("text") or "")
    files = tuple(
        FileRef(
            name=str(f.get("name") or f.get("title") or ""),
            filetype=str(f.get("filetype") or ""),
            permalink=str(f.get("permalink") or ""),
            title=str(f.get("title") or ""),
        )
        for f in message.get("files") or []
        if isinstance(f, dict)
    )
    return ChatMessage(
        channel_id=channel_id,
        ts=str(message["ts"]),
        text=text,
        user=message.get("user"),
        bot_id=message.get("bot_id"),
        bot_name=message.get("username") or (message.get("bot_profile") or {}).get("name"),
        thread_ts=message.get("thread_ts"),
        files=files,
        links=tuple(dict.fromkeys(url for url in link_urls(text) if url[:4] == "http")),
        reply_count=int(message.get("reply_count") or 0),
        latest_reply=str(message["latest_reply"]) if message.get("latest_reply") else None,
    )


def event_channel(event: dict[str, Any]) -> str:
    """The channel whose timeline an event concerns: every capture made of it is for this channel."""
    kind = event.get("type")
    if kind in ("reaction_added", "reaction_removed"):
        return str((event.get("item") or {}).get("channel"))
    if kind in ("pin_added", "pin_removed"):
        return str(event.get("channel_id") or (event.get("item") or {}).get("channel"))
    return str(event.get("channel"))


def captures_from_event(
    event: dict[str, Any], *, event_id: str | None, me: BotIdentity, highlight: Iterable[str], flag_pins: bool = True
) -> list[Capture]:
    """What to capture from one event; empty for events that are not worth a row."""
    kind = event.get("type")
    at = ts_to_datetime(str(event.get("event_ts") or event.get("ts") or "0"))
    if kind == "message":
        return _message(event, event_id=event_id, me=me, at=at)
    if kind in ("reaction_added", "reaction_removed"):
        item = event.get("item") or {}
        if item.get("type") != "message" or event.get("reaction") not in set(highlight):
            return []
        flag = CaptureKind.FLAG if kind == "reaction_added" else CaptureKind.UNFLAG
        return [
            Capture(
                flag,
                event_channel(event),
                at,
                event_id,
                ts=str(item.get("ts")),
                user=event.get("user"),
                flag=f"reaction:{event['reaction']}:{event.get('user')}",
            )
        ]
    if kind in ("pin_added", "pin_removed") and flag_pins:
        item = event.get("item") or {}
        ts = (item.get("message") or {}).get("ts")
        if item.get("type") != "message" or not ts:
            return []
        flag = CaptureKind.FLAG if kind == "pin_added" else CaptureKind.UNFLAG
        return [Capture(flag, event_channel(event), at, event_id, ts=str(ts), user=event.get("user"), flag="pin")]
    if kind in ("member_joined_channel", "member_left_channel"):
        if event.get("user") == me.user_id:
            return []
        which = CaptureKind.JOINED if kind == "member_joined_channel" else CaptureKind.LEFT
        return [Capture(which, event_channel(event), at, event_id, user=event.get("user"))]
    return []


def _message(event: dict[str, Any], *, event_id: str | None, me: BotIdentity, at: Any) -> list[Capture]:
    channel, subtype = event_channel(event), event.get("subtype")
    if subtype in SAID_SUBTYPES:
        if me.is_me(event) or "ts" not in event:
            return []
        return [Capture(CaptureKind.MESSAGE, channel, at, event_id, message=chat_message(channel, event))]
    if subtype == "message_changed":
        new = event.get("message") or {}
        if me.is_me(new) or "ts" not in new or new.get("subtype") == "tombstone":
            return []
        message = chat_message(channel, new)
        return [Capture(CaptureKind.EDIT, channel, at, event_id, message=message, ts=message.ts)]
    if subtype == "message_deleted":
        previous = event.get("previous_message") or {}
        if me.is_me(previous) or not event.get("deleted_ts"):
            return []
        return [Capture(CaptureKind.DELETE, channel, at, event_id, ts=str(event["deleted_ts"]))]
    return []  # joins, topic changes, our own pins…: recorded elsewhere or not worth a row
