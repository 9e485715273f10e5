"""Slack's side towards an app: signed slash commands, clicks, modal submissions and events, sent to the app's
Request URL as Slack sends them, with the trigger ids and response URLs of this simulator."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from . import requests as req
from .server import FakeSlack
from .state import View


@dataclass(frozen=True)
class AppReply:
    """The app's HTTP answer: its status and its body (JSON when it sent JSON)."""

    status: int
    body: dict[str, Any] | str | None

    @property
    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}


class AppDriver:
    def __init__(self, slack: FakeSlack, request_url: str, signing_secret: str, http: aiohttp.ClientSession) -> None:
        self.slack = slack
        self.request_url = request_url
        self.signing_secret = signing_secret
        self.http = http

    async def post(self, body: bytes, *, json_body: bool = False) -> AppReply:
        headers = req.signed_headers(body, self.signing_secret, json_body=json_body)
        async with self.http.post(self.request_url, data=body, headers=headers) as resp:
            raw = await resp.text()
            parsed: dict[str, Any] | str | None = raw or None
            if raw and resp.content_type == "application/json":
                parsed = json.loads(raw)
            return AppReply(resp.status, parsed)

    async def command(self, text: str, *, user: str, channel: str, command: str = "/incident") -> AppReply:
        found = self.slack.channels.get(channel)
        body = req.slash_command_body(
            text=text,
            user_id=user,
            channel_id=channel,
            channel_name=found.name if found else "",
            command=command,
            response_url=self.slack.new_response_url(),
            trigger_id=self.slack.new_trigger_id(user),
            team_id=self.slack.workspace.team_id,
        )
        return await self.post(body)

    async def submit(self, view: View, values: req.StateValues, *, user: str) -> AppReply:
        """Submit a modal the app opened (a View of this workspace) with `values` (view.state.values)."""
        body = req.view_submission_body(
            callback_id=view.callback_id,
            view_id=view.id,
            values=values,
            user_id=user,
            private_metadata=view.private_metadata,
            team_id=self.slack.workspace.team_id,
            blocks=view.blocks,
        )
        return await self.post(body)

    async def click(self, action_id: str, value: str, *, user: str, channel: str, message_ts: str) -> AppReply:
        """A button in a message."""
        body = req.block_actions_body(
            action_id=action_id,
            value=value,
            user_id=user,
            channel_id=channel,
            message_ts=message_ts,
            trigger_id=self.slack.new_trigger_id(user),
            response_url=self.slack.new_response_url(),
            team_id=self.slack.workspace.team_id,
        )
        return await self.post(body)

    async def event(self, event: dict[str, Any]) -> AppReply:
        body = req.event_body(event, team_id=self.slack.workspace.team_id, bot_user_id=self.slack.workspace.bot_user_id)
        return await self.post(body, json_body=True)

    async def say(self, channel: str, user: str, text: str, *, thread_ts: str | None = None) -> tuple[str, AppReply]:
        """A person posts a message: it is added to the channel's history and its event delivered to the app."""
        message = self.slack.add_message(channel, user=user, text=text, thread_ts=thread_ts)
        event = req.message_event(channel=channel, user=user, text=text, ts=message.ts, thread_ts=thread_ts)
        return message.ts, await self.event(event)

    async def join(self, channel: str, user: str) -> AppReply:
        """A person joins a channel: added to its members, and member_joined_channel delivered to the app."""
        self.slack.channels[channel].members.add(user)
        event = {
            "type": "member_joined_channel",
            "user": user,
            "channel": channel,
            "channel_type": "C",
            "team": self.slack.workspace.team_id,
            "event_ts": self.slack.workspace.next_ts(),
        }
        return await self.event(event)

    async def react(self, channel: str, user: str, ts: str, emoji: str) -> AppReply:
        """A person adds a reaction to a message (recorded on it, and the event delivered)."""
        message = self.slack.channels[channel].find_message(ts)
        if message is not None:
            message.reactions.setdefault(emoji, []).append(user)
        event = {
            "type": "reaction_added",
            "user": user,
            "reaction": emoji,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "item_user": message.user if message else None,
            "event_ts": self.slack.workspace.next_ts(),  # when the reaction was added
        }
        return await self.event(event)

    def latest_view(self, callback_id: str) -> View:
        """The modal the app opened last with this callback id."""
        for view in reversed(list(self.slack.views.values())):
            if view.callback_id == callback_id:
                return view
        raise LookupError(f"the app opened no {callback_id} view")
