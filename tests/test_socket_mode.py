"""Socket Mode: with SLACK_APP_TOKEN the bot also takes requests over Slack's websocket, beside HTTP on PORT."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from firebreak.serve import serve
from slacksim import FakeSlack
from tests.conftest import make_settings
from tests.harness import SIGNING_SECRET
from tests.socket_mode_support import (
    APP_TOKEN,
    WAIT,
    SlackSocket,
    events_api_envelope,
    free_port,
    slash_command_envelope,
)
from tests.socket_mode_support import slack_socket as slack_socket  # fixture


@pytest.mark.parametrize("signing_secret", [SIGNING_SECRET, None], ids=["http-and-socket", "socket-only"])
async def test_the_bot_serves_socket_mode_and_healthz_then_stops_cleanly(
    slack: FakeSlack,
    slack_socket: SlackSocket,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    signing_secret: str | None,
) -> None:
    monkeypatch.chdir(tmp_path)  # built-in policy, whatever firebreak.yml the repository holds
    port = free_port()
    settings = make_settings(
        slack, database_url, slack_app_token=APP_TOKEN, slack_signing_secret=signing_secret, port=port
    )
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(settings, stop=stop))
    try:
        async with asyncio.timeout(WAIT):
            ws = await asyncio.shield(slack_socket.connected)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "fake"},
                "connection_info": {"app_id": "A0TEST"},
            }
        )

        command = await slack_socket.send(slash_command_envelope("env-command-1", "help", slack.new_response_url()))
        joined = {
            "type": "member_joined_channel",
            "user": "UBOB",
            "channel": "CGENERAL",
            "channel_type": "C",
            "team": "T0TEST",
            "event_ts": f"{time.time():.6f}",
        }
        event = await slack_socket.send(events_api_envelope("env-event-1", joined))

        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            health_status, health = resp.status, await resp.json()
            assert not serving.done()
    finally:
        stop.set()
        async with asyncio.timeout(WAIT):
            await serving

    assert "/incident" in command["payload"]["text"]
    assert event == {"envelope_id": "env-event-1"}
    assert (health_status, health["status"]) == (200, "ok")
    opened = slack.calls_to("apps.connections.open")
    # The fake answers ok only to an xapp- token (a bot token gets not_allowed_token_type).
    assert [(call.ok, call.error) for call in opened] == [(True, None)]
    assert serving.exception() is None
