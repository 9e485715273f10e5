"""Helpers for timeline tests: people talking in a channel, as Slack delivers it."""

from __future__ import annotations

from typing import Any

from incidents.timeline import TimelineEntry
from slacksim import requests as req
from tests.harness import BotClient, Reply


async def say(
    bot: BotClient,
    channel: str,
    user: str,
    text: str,
    *,
    thread_ts: str | None = None,
    event_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[str, Reply]:
    """Post a message in the fake workspace (so history has it) and deliver its event to the bot."""
    message = bot.slack.add_message(channel, user=user, text=text, thread_ts=thread_ts)
    event = {
        **req.message_event(channel=channel, user=user, text=text, ts=message.ts, thread_ts=thread_ts),
        **(extra or {}),
    }
    return message.ts, await bot.event(event, event_id=event_id)


async def entries(bot: BotClient, reference: str, *, include_deleted: bool = False) -> list[TimelineEntry]:
    incident = await bot.stored(reference)
    assert incident is not None and incident.id is not None
    async with bot.ctx.uow(write=False) as uow:
        found: list[TimelineEntry] = await uow.timeline.entries(incident.id, include_deleted=include_deleted)
        return found


def chat(found: list[TimelineEntry]) -> list[TimelineEntry]:
    return [e for e in found if e.source.value == "chat" and e.kind == "message"]
