"""The lean path for captured events: verified, parsed and stored without going through Bolt.

Messages are most of the traffic an incident channel produces. Bolt's middleware chain costs more than the
whole capture, so these events are recognised from the raw body, their signature verified, and they are
acknowledged once their batch is committed. Everything else goes on to Bolt.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from bot.capture_events import CAPTURE_EVENTS, BotIdentity, captures_from_event
from incidents.capture import CaptureService
from incidents.policy import Policy

log = logging.getLogger(__name__)


class CaptureRoute:
    def __init__(self, service: CaptureService, policy: Policy, signing_secret: str, me: BotIdentity) -> None:
        self.service = service
        self.policy = policy
        self.verifier = SignatureVerifier(signing_secret)
        self.me = me

    def claims(self, body: bytes) -> dict[str, Any] | None:
        """The parsed envelope when it is a capture event; None leaves the request to Bolt."""
        # A cheap look before parsing: slash commands and interactivity are form-encoded, not JSON.
        if not body.startswith(b"{") or b'"event_callback"' not in body:
            return None
        try:
            envelope = json.loads(body)
        except ValueError:
            return None
        event = envelope.get("event") if isinstance(envelope, dict) else None
        if not isinstance(event, dict) or event.get("type") not in CAPTURE_EVENTS:
            return None
        claimed: dict[str, Any] = envelope
        return claimed

    async def handle(self, request: web.Request, body: bytes, envelope: dict[str, Any]) -> web.Response:
        if not self.verifier.is_valid(
            body=body,
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
        ):
            return web.Response(status=401)
        captures = captures_from_event(
            envelope["event"],
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
