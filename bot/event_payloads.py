"""The Events API bodies Firebreak relies on (see bot/slack_payloads.py for how shapes are checked).

Shapes follow java-slack-sdk's events samples and the Events API wrapper in slack-api-specs.
"""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from bot.capture_events import SAID_SUBTYPES
from bot.slack_payloads import SlackBody, SlackContext, SlackId, SlackMessage, Ts


class UrlVerification(SlackBody):
    challenge: str


class SlackEvent(SlackContext):
    type: str
    subtype: str | None = None
    event_ts: Ts | None = None


class EventCallback(SlackBody):
    event: SlackEvent
    event_id: str | None = None
    event_time: int | None = None


class MessageEvent(SlackEvent):
    channel: SlackId
    user: SlackId | None = None
    ts: Ts | None = None
    text: str | None = None
    thread_ts: Ts | None = None
    bot_id: str | None = None
    files: list[dict[str, Any]] | None = None
    message: SlackMessage | None = None
    previous_message: SlackMessage | None = None
    deleted_ts: Ts | None = None

    @model_validator(mode="after")
    def _what_the_subtype_needs(self) -> MessageEvent:
        if self.subtype in SAID_SUBTYPES and self.ts is None:
            raise ValueError("a message needs its ts")
        if self.subtype == "message_changed" and self.message is None:
            raise ValueError("message_changed needs the message")
        if self.subtype == "message_deleted" and self.deleted_ts is None:
            raise ValueError("message_deleted needs the deleted_ts")
        return self


class _ReactionItem(SlackContext):
    type: str
    channel: SlackId | None = None
    ts: Ts | None = None


class ReactionEvent(SlackEvent):
    user: SlackId
    reaction: str
    item: _ReactionItem


class _PinItem(SlackContext):
    type: str
    channel: SlackId | None = None
    message: SlackMessage | None = None


class PinEvent(SlackEvent):
    user: SlackId | None = None
    channel_id: SlackId | None = None
    item: _PinItem


class MembershipEvent(SlackEvent):
    user: SlackId
    channel: SlackId


class AppHomeOpened(SlackEvent):
    user: SlackId
    channel: str | None = None
    tab: str | None = None


EVENTS: dict[str, type[SlackEvent]] = {
    "message": MessageEvent,
    "reaction_added": ReactionEvent,
    "reaction_removed": ReactionEvent,
    "pin_added": PinEvent,
    "pin_removed": PinEvent,
    "member_joined_channel": MembershipEvent,
    "member_left_channel": MembershipEvent,
    "app_home_opened": AppHomeOpened,
}
