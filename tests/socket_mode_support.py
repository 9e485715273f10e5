"""Slack's side of Socket Mode for tests: a websocket server the bot connects to, and the envelopes Slack sends."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from firebreak.serve import serve
from firebreak.settings import Settings
from slacksim import FakeSlack
from tests.harness import serve_app

APP_TOKEN = "xapp-1-A0TEST-1-socketmode"
WAIT = 10  # seconds; a bound on real conditions, never a pause


@dataclass
class SlackSocket:
    """Slack's side of the websocket: records the connection and every text frame the bot sends."""

    connected: asyncio.Future[web.WebSocketResponse] = field(default_factory=asyncio.Future)
    received: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()  # answers the client's pings itself (autoping)
        await ws.prepare(request)
        if not self.connected.done():
            self.connected.set_result(ws)
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.received.put_nowait(json.loads(message.data))
        return ws

    async def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send one envelope and return the bot's acknowledgement of it."""
        ws = self.connected.result()
        await ws.send_json(envelope)
        async with asyncio.timeout(WAIT):
            reply = await self.received.get()
        assert reply.get("envelope_id") == envelope["envelope_id"], reply
        return reply


@pytest.fixture
async def slack_socket(slack: FakeSlack) -> AsyncIterator[SlackSocket]:
    server = SlackSocket()
    app = web.Application()
    app.router.add_get("/link", server.handle)
    runner, url = await serve_app(app)
    slack.socket_mode_url = url.replace("http://", "ws://") + "link"
    try:
        yield server
    finally:
        await runner.cleanup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        port: int = probe.getsockname()[1]
        return port


def slash_command_envelope(envelope_id: str, text: str, response_url: str) -> dict[str, Any]:
    payload = {
        "token": "unused",
        "team_id": "T0TEST",
        "team_domain": "fake-team",
        "channel_id": "CGENERAL",
        "channel_name": "general",
        "user_id": "UALICE",
        "user_name": "alice",
        "command": "/incident",
        "text": text,
        "api_app_id": "A0TEST",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1234.5678.abcdef",
    }
    return {"envelope_id": envelope_id, "type": "slash_commands", "accepts_response_payload": True, "payload": payload}


def events_api_envelope(envelope_id: str, event: dict[str, Any]) -> dict[str, Any]:
    payload = {
        "token": "unused",
        "team_id": "T0TEST",
        "api_app_id": "A0TEST",
        "event": event,
        "type": "event_callback",
        "event_id": "Ev0SOCKET1",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": "T0TEST",
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    }
    return {
        "envelope_id": envelope_id,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": payload,
    }


def interactive_envelope(envelope_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"envelope_id": envelope_id, "type": "interactive", "accepts_response_payload": True, "payload": payload}


@asynccontextmanager
async def serving_over_socket_mode(settings: Settings, slack_socket: SlackSocket) -> AsyncIterator[asyncio.Task[None]]:
    """The real bot (`serve`) connected to `slack_socket` and greeted as Slack does; stopped cleanly on exit."""
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(settings, stop=stop))
    try:
        async with asyncio.timeout(WAIT):
            ws = await asyncio.shield(slack_socket.connected)
        hello = {"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}, "connection_info": {}}
        await ws.send_json(hello)
        yield serving
    finally:
        stop.set()
        async with asyncio.timeout(WAIT):
            await serving
