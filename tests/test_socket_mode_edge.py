"""Requests over Socket Mode get the HTTP edge's shape check: a malformed one is acknowledged (so Slack does not
deliver it again) and dropped with one warning; nothing is stored and no listener runs."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from slacksim import FakeSlack
from slacksim import requests as req
from tests.conftest import make_settings
from tests.harness import stored_rows
from tests.socket_mode_support import (
    APP_TOKEN,
    WAIT,
    SlackSocket,
    events_api_envelope,
    free_port,
    interactive_envelope,
    serving_over_socket_mode,
    slash_command_envelope,
)
from tests.socket_mode_support import slack_socket as slack_socket  # fixture


def _click_without_actions() -> dict[str, Any]:
    body = req.block_actions_body(action_id="item_due", value="1", user_id="UALICE", channel_id=None)
    payload: dict[str, Any] = json.loads(parse_qs(body.decode())["payload"][0])
    del payload["actions"]
    return payload


def _malformed(slack: FakeSlack) -> list[dict[str, Any]]:
    command = slash_command_envelope("env-command", "help", slack.new_response_url())
    del command["payload"]["user_id"]
    joined = {"type": "member_joined_channel", "channel": "CGENERAL", "channel_type": "C", "event_ts": "1.0"}
    return [
        command,
        events_api_envelope("env-event", joined),  # no `user`
        interactive_envelope("env-click", _click_without_actions()),
        {**interactive_envelope("env-text", {}), "payload": "not an object"},
    ]


@pytest.mark.parametrize("signing_secret", ["secret", None], ids=["http-and-socket", "socket-only"])
async def test_a_malformed_request_is_acknowledged_and_dropped(
    slack: FakeSlack,
    slack_socket: SlackSocket,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    signing_secret: str | None,
) -> None:
    monkeypatch.chdir(tmp_path)  # built-in policy, whatever firebreak.yml the repository holds
    settings = make_settings(
        slack, database_url, slack_app_token=APP_TOKEN, slack_signing_secret=signing_secret, port=free_port()
    )
    async with serving_over_socket_mode(settings, slack_socket):
        rows = stored_rows(database_url)
        envelopes = _malformed(slack)
        with caplog.at_level(logging.WARNING):
            replies = [await slack_socket.send(envelope) for envelope in envelopes]
        assert stored_rows(database_url) == rows
        help_answer = await slack_socket.send(slash_command_envelope("env-ok", "help", slack.new_response_url()))

    assert replies == [{"envelope_id": e["envelope_id"]} for e in envelopes]  # acked, and no listener answered
    warnings = [r.getMessage() for r in caplog.records if "Malformed Slack request" in r.getMessage()]
    assert len(warnings) == len(envelopes) and "user_id: is missing" in warnings[0], warnings
    assert "event.user: is missing" in warnings[1] and "actions: is missing" in warnings[2], warnings
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "/incident" in help_answer["payload"]["text"]  # a well-formed one is answered as before


class _Records(logging.Handler):
    """Every record logged anywhere, and an event set once one matches `until`."""

    def __init__(self, until: str) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.until = until
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if self.until in record.getMessage():
            self.seen.set()


async def test_a_dropped_connection_logs_one_line_warnings_and_no_traceback(
    slack: FakeSlack, slack_socket: SlackSocket, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = make_settings(slack, database_url, slack_app_token=APP_TOKEN, port=free_port())
    records = _Records(until="Failed to connect")
    root = logging.getLogger()
    root.addHandler(records)
    try:
        async with serving_over_socket_mode(settings, slack_socket):
            # Slack goes away: the connection closes, and the address it hands out next refuses the handshake.
            slack.socket_mode_url = slack.base_url.replace("http://", "ws://") + "gone?ticket=ONE-TIME-TICKET"
            await slack_socket.connected.result().close()
            async with asyncio.timeout(WAIT):
                await records.seen.wait()
    finally:
        root.removeHandler(records)

    assert [r.getMessage() for r in records.records if r.exc_info or r.exc_text] == []
    failed = [r for r in records.records if "Failed to connect" in r.getMessage()]
    assert failed and all(r.levelno == logging.WARNING and "\n" not in r.getMessage() for r in failed)
    assert all(r.getMessage().startswith("Socket Mode: ") for r in failed)
    assert "ONE-TIME-TICKET" not in " ".join(
        r.getMessage() for r in records.records
    )  # a credential, however short-lived
    assert [r.getMessage() for r in records.records if r.levelno >= logging.ERROR] == []
