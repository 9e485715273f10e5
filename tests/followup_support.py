"""Helpers for follow-through tests: run what is due, and read the notices Firebreak sent."""

from __future__ import annotations

from typing import Any

from slacksim import FakeSlack
from tests.harness import BotClient


async def run_due(bot: BotClient) -> None:
    await bot.runtime.follow_through.run_due()
    await bot.settle()


def notices(slack: FakeSlack, *, kind: str | None = None, to: str | None = None) -> list[dict[str, Any]]:
    """chat.postMessage calls that carried a follow-through key (reminders, escalations, nudges, digests)."""
    found = []
    for call in slack.calls_to("chat.postMessage"):
        metadata = call.args.get("metadata") or {}
        if not call.ok or metadata.get("event_type") != "firebreak_notice":
            continue
        if to is not None and call.args.get("channel") != to:
            continue
        if kind is not None and kind not in str(metadata.get("event_payload", {}).get("key", "")):
            continue
        found.append(call.args)
    return found
