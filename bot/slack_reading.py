"""Reading from Slack for the timeline: history, replies, people's names and timezones, permalinks, uploads.

Names and timezones are cached: `users.info` is called once per person per process, and a deleted or
unknown user still gets a readable name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_events import SAID_SUBTYPES, chat_message
from incidents.errors import ChatError
from incidents.timeline import ChatMessage, ts_order

# Slack's documented maximum for conversations.history / .replies is 1,000, but it recommends no more than 200.
PAGE_SIZE = 200


class SlackReader:
    def __init__(self, client: AsyncWebClient, call: Any, bot_user_id: str | None) -> None:
        self.client = client
        self._call = call  # the gateway's error-translating call
        self._me = bot_user_id  # Firebreak's own posts are system entries already, never chat
        self._users: dict[str, dict[str, Any]] = {}

    async def _pages(self, method: str, **args: Any) -> AsyncIterator[dict[str, Any]]:
        cursor: str | None = None
        while True:
            params = {**args, "limit": PAGE_SIZE, "cursor": cursor}
            data = await self._call(method, self.client.api_call(method, http_verb="GET", params=params))
            for message in data.get("messages", []):
                yield message
            cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor or not data.get("has_more", True):
                return

    async def history(self, channel_id: str) -> AsyncIterator[ChatMessage]:
        page: list[ChatMessage] = []
        async for raw in self._pages("conversations.history", channel=channel_id):
            if self._said(raw):
                page.append(self._message(channel_id, raw))
        # Slack returns newest first; the timeline is built oldest first.
        for message in sorted(page, key=lambda m: ts_order(m.ts)):
            yield message

    async def replies(self, channel_id: str, thread_ts: str) -> AsyncIterator[ChatMessage]:
        async for raw in self._pages("conversations.replies", channel=channel_id, ts=thread_ts):
            if self._said(raw):
                yield self._message(channel_id, raw)

    def _said(self, raw: dict[str, Any]) -> bool:
        return "ts" in raw and raw.get("subtype") in SAID_SUBTYPES

    def _message(self, channel_id: str, raw: dict[str, Any]) -> ChatMessage:
        message = chat_message(channel_id, raw)
        if self._me and raw.get("user") == self._me:
            return replace(message, from_firebreak=True)
        return message

    async def _user(self, user_id: str) -> dict[str, Any]:
        if user_id not in self._users:
            try:
                data = await self._call("users.info", self.client.users_info(user=user_id))
                self._users[user_id] = data.get("user") or {}
            except ChatError:
                self._users[user_id] = {}  # unknown or gone: remembered too, so it is asked once
        return self._users[user_id]

    async def user_names(self, user_ids: Iterable[str]) -> dict[str, str]:
        names: dict[str, str] = {}
        for user_id in dict.fromkeys(user_ids):
            user = await self._user(user_id)
            profile = user.get("profile") or {}
            name = profile.get("display_name") or user.get("real_name") or profile.get("real_name") or user.get("name")
            names[user_id] = f"{name or user_id}{' (deactivated)' if user.get('deleted') else ''}"
        return names

    async def user_timezone(self, user_id: str) -> str:
        return str((await self._user(user_id)).get("tz") or "UTC")

    async def permalink(self, channel_id: str, ts: str) -> str | None:
        try:
            data = await self._call(
                "chat.getPermalink", self.client.chat_getPermalink(channel=channel_id, message_ts=ts)
            )
        except ChatError:
            return None
        return str(data.get("permalink")) if data.get("permalink") else None

    async def upload(self, channel_id: str, *, filename: str, content: bytes, title: str, comment: str) -> None:
        # files_upload_v2 is slack_sdk's getUploadURLExternal + upload + completeUploadExternal.
        await self._call(
            "files.upload_v2",
            self.client.files_upload_v2(
                channel=channel_id,
                filename=filename,
                content=content,
                title=title,
                initial_comment=comment,
            ),
        )


NOTICE_EVENT = "firebreak_notice"  # follow-through: reminders, escalations, nudges, digests
EFFECT_EVENT = "firebreak_effect"  # what a change posts: its notices, the summary, the announcement
KEYED_EVENTS = frozenset({NOTICE_EVENT, EFFECT_EVENT})


def keyed(event_type: str, key: str | None) -> dict[str, Any] | None:
    """The message metadata that carries an idempotency key (None: no key, no metadata)."""
    return {"event_type": event_type, "event_payload": {"key": key}} if key else None


async def find_notice(reader: SlackReader, target: str, key: str, since_ts: float) -> str | None:
    """The ts of a message carrying `key` in its metadata in `target` (a channel, or a user's DM), if any."""
    channel = target
    if target.startswith(("U", "W")):
        data = await reader._call("conversations.open", reader.client.conversations_open(users=target))
        channel = str((data.get("channel") or {}).get("id", ""))
    args = {"channel": channel, "oldest": f"{since_ts:.6f}", "include_all_metadata": True}
    async for raw in reader._pages("conversations.history", **args):
        metadata = raw.get("metadata") or {}
        if metadata.get("event_type") in KEYED_EVENTS and (metadata.get("event_payload") or {}).get("key") == key:
            return str(raw["ts"])
    return None
