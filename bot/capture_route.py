"""The lean path for captured events: stored without going through Bolt.

Messages are most of the traffic an incident channel produces. Bolt's middleware chain costs more than the
whole capture, so these events, once the edge (bot/slack_edge.py) has verified and checked them, are stored
here and acknowledged once their batch is committed. Everything else goes on to Bolt.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from bot.capture_events import CAPTURE_EVENTS, BotIdentity, captures_from_event, event_channel
from incidents.capture import CaptureService
from incidents.policy import Policy

log = logging.getLogger(__name__)


class CaptureRoute:
    def __init__(self, service: CaptureService, policy: Policy, me: BotIdentity) -> None:
        self.service = service
        self.policy = policy
        self.me = me

    def claims(self, body: dict[str, Any]) -> bool:
        """Whether this (verified, well-formed) request is a capture event; the rest is left to Bolt."""
        event = body.get("event")
        return body.get("type") == "event_callback" and isinstance(event, dict) and event["type"] in CAPTURE_EVENTS

    async def handle(self, envelope: dict[str, Any]) -> web.Response:
        event = envelope["event"]
        # Most messages are said in channels no incident watches: they are answered without being read further.
        if not await self.service.watches(event_channel(event)):
            return web.Response(status=200)
        captures = captures_from_event(
            event,
            event_id=envelope.get("event_id"),
            me=self.me,
            highlight=self.policy.timeline.highlight_emoji,
            flag_pins=self.policy.timeline.flag_pins,
        )
        try:
            for capture in captures:
                await self.service.capture(capture)
        except Exception:
            # Not acknowledged: Slack retries, and the retry is stored once.
            log.exception("Could not store event %s", envelope.get("event_id"))
            return web.Response(status=500)
        return web.Response(status=200)
