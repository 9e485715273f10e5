"""The one gateway every Web API call goes through; implements the domain's IncidentChat port.

Renders domain objects with the Block Kit builders and turns Slack errors into ChatError, so the domain
never sees a Slack exception. Rate limits are honoured by the client's retry handler (Retry-After).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.followup import render_followup_blocks
from bot.blocks.notices import notice_text, render_notice_blocks
from bot.blocks.summary import render_announcement_blocks, render_summary_blocks, summary_text
from bot.slack_calls import call_slack
from bot.slack_people import SlackPeople
from bot.slack_reading import EFFECT_EVENT, NOTICE_EVENT, SlackReader, find_notice, keyed
from incidents.errors import ChannelNameTaken, ChatError
from incidents.model import ChannelRef, Incident
from incidents.policy import Policy
from incidents.ports import Clock, FollowUpNotice, Notice

log = logging.getLogger(__name__)


class SlackGateway:
    def __init__(self, client: AsyncWebClient, policy: Policy, clock: Clock, bot_user_id: str | None = None) -> None:
        self.client = client
        self.policy = policy
        self.clock = clock
        self.bot_user_id = bot_user_id
        reader = self._reader = SlackReader(client, call_slack, bot_user_id)
        self.history, self.replies, self.user_names = reader.history, reader.replies, reader.user_names
        self.user_timezone, self.permalink, self.upload = reader.user_timezone, reader.permalink, reader.upload
        self.person = SlackPeople(client, clock).person

    async def create_channel(self, name: str, *, private: bool) -> ChannelRef:
        try:
            data = await call_slack(
                "conversations.create", self.client.conversations_create(name=name, is_private=private)
            )
        except ChatError as exc:
            if exc.code == "name_taken":
                raise ChannelNameTaken(name) from exc
            raise
        channel = data["channel"]
        return ChannelRef(id=channel["id"], name=channel["name"])

    async def describe_channel(self, channel_id: str, *, topic: str, purpose: str) -> None:
        await call_slack("conversations.setTopic", self.client.conversations_setTopic(channel=channel_id, topic=topic))
        await call_slack(
            "conversations.setPurpose", self.client.conversations_setPurpose(channel=channel_id, purpose=purpose)
        )

    async def invite(self, channel_id: str, user_ids: Sequence[str]) -> None:
        # One user per call: a single bad id would otherwise fail the whole batch, and we say who failed.
        failed: dict[str, ChatError] = {}
        for user_id in user_ids:
            if user_id == self.bot_user_id:
                continue
            try:
                await call_slack(
                    "conversations.invite", self.client.conversations_invite(channel=channel_id, users=user_id)
                )
            except ChatError as exc:
                if exc.code != "already_in_channel":
                    failed[user_id] = exc
        if failed:
            codes = ", ".join(sorted({e.code for e in failed.values()}))
            # Retrying is worth it only if it can help every one of them (one call per person: see effects).
            transient = all(e.retryable for e in failed.values())
            waits = [e.retry_after for e in failed.values() if e.retry_after is not None]
            retry_after = max(waits, default=None) if transient else None
            raise ChatError(codes, users=tuple(failed), retry_after=retry_after, transient=transient)

    async def post_summary(self, incident: Incident, *, key: str | None = None) -> str:
        assert incident.channel_id is not None
        data = await call_slack(
            "chat.postMessage",
            self.client.chat_postMessage(
                channel=incident.channel_id,
                text=summary_text(incident, self.policy),
                blocks=render_summary_blocks(incident, self.policy, self.clock.now()),
                metadata=keyed(EFFECT_EVENT, key),
            ),
        )
        return str(data["ts"])

    async def pin(self, channel_id: str, ts: str) -> None:
        try:
            await call_slack("pins.add", self.client.pins_add(channel=channel_id, timestamp=ts))
        except ChatError as exc:
            if exc.code != "already_pinned":
                raise

    async def update_summary(self, incident: Incident) -> None:
        assert incident.channel_id is not None and incident.summary_ts is not None
        await call_slack(
            "chat.update",
            self.client.chat_update(
                channel=incident.channel_id,
                ts=incident.summary_ts,
                text=summary_text(incident, self.policy),
                blocks=render_summary_blocks(incident, self.policy, self.clock.now()),
            ),
        )

    async def announce(self, channel: str, incident: Incident, *, key: str | None = None) -> None:
        await call_slack(
            "chat.postMessage",
            self.client.chat_postMessage(
                channel=channel,
                text=f"{incident.reference} declared: {incident.title}",
                blocks=render_announcement_blocks(incident, self.policy),
                unfurl_links=False,
                metadata=keyed(EFFECT_EVENT, key),
            ),
        )

    async def post_notice(self, channel: str, incident: Incident, notice: Notice, *, key: str | None = None) -> None:
        await call_slack(
            "chat.postMessage",
            self.client.chat_postMessage(
                channel=channel,
                text=notice_text(incident, notice),
                blocks=render_notice_blocks(incident, notice),
                metadata=keyed(EFFECT_EVENT, key),
            ),
        )

    async def tell_user(self, user_id: str, text: str, *, channel: str | None = None) -> None:
        if channel:
            try:
                await call_slack(
                    "chat.postEphemeral", self.client.chat_postEphemeral(channel=channel, user=user_id, text=text)
                )
                return
            except ChatError:
                pass  # not in the channel (yet): a DM still reaches them
        await call_slack("chat.postMessage", self.client.chat_postMessage(channel=user_id, text=text))

    async def send_notice(self, target: str, notice: FollowUpNotice, *, key: str) -> tuple[str, str | None]:
        # The key travels as message metadata, so a send whose record was lost can be found in history.
        data = await call_slack(
            "chat.postMessage",
            self.client.chat_postMessage(
                channel=target,
                text=notice.text,
                blocks=render_followup_blocks(notice),
                unfurl_links=False,
                metadata=keyed(NOTICE_EVENT, key),
            ),
        )
        return str(data.get("channel", target)), (str(data["ts"]) if data.get("ts") else None)

    async def find_notice(self, target: str, key: str, *, since: datetime) -> str | None:
        return await find_notice(self._reader, target, key, since.timestamp())

    async def channel_members(self, channel_id: str) -> set[str]:
        members: set[str] = set()
        cursor: str | None = None
        while True:
            data = await call_slack(
                "conversations.members",
                self.client.conversations_members(channel=channel_id, limit=200, cursor=cursor),
            )
            members.update(data.get("members", []))
            cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return members
