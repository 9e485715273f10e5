"""Signed but malformed requests: a 400 with the reason (never a 5xx), nothing stored, one warning each."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest

from slacksim import requests as req
from tests.harness import BotClient, stored_rows

FORM = req.FORM_CONTENT_TYPE
JSON = req.JSON_CONTENT_TYPE


def interactive(payload: Any) -> bytes:
    """An interactivity request whose `payload` field holds this (a str is sent as it is)."""
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)}).encode()


def user(user_id: str = "UALICE") -> dict[str, str]:
    return {"id": user_id, "username": "alice", "team_id": "T0TEST"}


def envelope(event: Any, **fields: Any) -> bytes:
    body = {"token": "t", "team_id": "T0TEST", "api_app_id": "A0TEST", "type": "event_callback", "event_id": "Ev1"}
    return json.dumps({**body, "event": event, **fields}).encode()


def command(**fields: str) -> bytes:
    base = {
        "command": "/incident",
        "text": "declare Broken",
        "user_id": "UALICE",
        "channel_id": "CGENERAL",
        "team_id": "T0TEST",
        "trigger_id": "1.2.abc",
        "response_url": "https://hooks.slack.test/commands/1",
    }
    return urlencode({k: v for k, v in {**base, **fields}.items() if v != "<drop>"}).encode()


MALFORMED: dict[str, tuple[bytes, str]] = {
    # Interactivity
    "payload is not JSON": (interactive("{not json"), FORM),
    "payload is empty": (interactive(""), FORM),
    "payload is null": (interactive("null"), FORM),
    "payload is a list": (interactive([]), FORM),
    "payload is a string": (interactive('"block_actions"'), FORM),
    "block_actions without user or actions": (interactive({"type": "block_actions"}), FORM),
    "block_actions with a string user": (
        interactive({"type": "block_actions", "user": "UALICE", "actions": [{"action_id": "summary_update"}]}),
        FORM,
    ),
    "block_actions with a string for actions": (
        interactive({"type": "block_actions", "user": user(), "trigger_id": "1.2.a", "actions": "summary_update"}),
        FORM,
    ),
    "block_actions with no actions": (
        interactive({"type": "block_actions", "user": user(), "trigger_id": "1.2.a", "actions": []}),
        FORM,
    ),
    "view_submission without view": (interactive({"type": "view_submission", "user": user()}), FORM),
    "view_submission with a string view": (
        interactive({"type": "view_submission", "user": user(), "view": "declare_incident"}),
        FORM,
    ),
    "view_submission with state values of the wrong shape": (
        interactive(
            {
                "type": "view_submission",
                "user": user(),
                "view": {
                    "id": "V1",
                    "callback_id": "declare_incident",
                    "private_metadata": "",
                    "state": {"values": {"title": "Broken"}},
                },
            }
        ),
        FORM,
    ),
    "shortcut without user": (interactive({"type": "shortcut", "callback_id": "declare_incident"}), FORM),
    # Events API
    "event body is not JSON": (b'{"type": "event_callback", "event": ', JSON),
    "event body is null": (b"null", JSON),
    "event is not an object": (envelope("message"), JSON),
    "event_callback without event": (json.dumps({"type": "event_callback", "event_id": "Ev1"}).encode(), JSON),
    "event without a type": (envelope({"channel": "CGENERAL"}), JSON),
    "message without ts": (envelope({"type": "message", "channel": "CINCIDENT", "user": "UBOB", "text": "hi"}), JSON),
    "message with a ts that is not a time": (
        envelope({"type": "message", "channel": "CINCIDENT", "user": "UBOB", "text": "hi", "ts": "soon"}),
        JSON,
    ),
    "member_joined_channel without user": (
        envelope({"type": "member_joined_channel", "channel": "CINCIDENT", "event_ts": "1.0"}),
        JSON,
    ),
    "app_home_opened without user": (envelope({"type": "app_home_opened", "tab": "home", "event_ts": "1.0"}), JSON),
    "reaction_added with a string item": (
        envelope({"type": "reaction_added", "user": "UBOB", "reaction": "pushpin", "item": "x", "event_ts": "1.0"}),
        JSON,
    ),
    "authorizations is not a list": (
        envelope({"type": "app_home_opened", "user": "UBOB", "event_ts": "1.0"}, authorizations=5),
        JSON,
    ),
    # Slash commands
    "command without user_id": (command(user_id="<drop>"), FORM),
    "command without channel_id": (command(channel_id="<drop>"), FORM),
    "command without trigger_id": (command(trigger_id="<drop>"), FORM),
    # Neither
    "empty body": (b"", FORM),
    "a form that is none of Slack's": (urlencode({"hello": "world"}).encode(), FORM),
    "not UTF-8": (b"payload=\xff\xfe", FORM),
}


@pytest.fixture
async def incident_channel(bot: BotClient) -> str:
    incident = await bot.declare("Rows exist before the malformed requests")
    assert incident.channel_id is not None
    return incident.channel_id


@pytest.mark.parametrize("case", sorted(MALFORMED))
async def test_a_signed_malformed_request_is_a_400_with_one_warning_and_stores_nothing(
    bot: BotClient, database_url: str, incident_channel: str, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, content_type = MALFORMED[case]
    body = body.replace(b"CINCIDENT", incident_channel.encode())
    rows_before, calls_before = stored_rows(database_url), len(bot.slack.calls)
    caplog.clear()

    with caplog.at_level(logging.INFO):
        reply = await bot.post(body, content_type=content_type)
        await bot.settle()

    assert reply.status == 400, (reply.status, reply.body)
    assert isinstance(reply.body, str) and 0 < len(reply.body) <= 200, reply.body
    assert stored_rows(database_url) == rows_before
    assert bot.slack.calls[calls_before:] == []
    complaints = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(complaints) == 1, [r.getMessage() for r in complaints]
    assert complaints[0].levelno == logging.WARNING and complaints[0].exc_info is None


@pytest.mark.parametrize("case", ["payload is not JSON", "event is not an object", "command without user_id"])
async def test_an_unsigned_malformed_request_is_still_a_401(bot: BotClient, case: str) -> None:
    body, content_type = MALFORMED[case]

    reply = await bot.post(body, content_type=content_type, secret="not-the-signing-secret")

    assert reply.status == 401


async def test_a_malformed_event_asks_slack_not_to_retry_it(bot: BotClient) -> None:
    reply = await bot.post(envelope("message"), content_type=JSON)

    assert reply.status == 400
    assert reply.headers.get("X-Slack-No-Retry") == "1"


async def test_a_json_body_sent_as_a_form_is_read_as_json_like_slack_means_it(bot: BotClient) -> None:
    # Bolt reads a body that starts with "{" as JSON whatever its Content-Type says; the check must agree.
    reply = await bot.post(req.url_verification_body("abc123"), content_type=FORM)

    assert reply.status == 200
    assert isinstance(reply.body, dict) and reply.body == {"challenge": "abc123"}


async def test_a_retried_event_with_the_retry_headers_is_still_accepted(bot: BotClient, incident_channel: str) -> None:
    message = req.message_event(channel=incident_channel, user="UBOB", text="still here")
    retry = {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"}

    first = await bot.event(message, event_id="Ev0TWICE")
    again = await bot.event(message, event_id="Ev0TWICE", headers=retry)

    assert (first.status, again.status) == (200, 200)


@pytest.mark.parametrize("timestamp", ["soon", "9" * 5000, "-1", "１２３"])
async def test_a_timestamp_that_is_not_a_time_is_a_401_not_a_crash(bot: BotClient, timestamp: str) -> None:
    body = command(text="help")

    reply = await bot.post(body, content_type=FORM, headers={"X-Slack-Request-Timestamp": timestamp})

    assert reply.status == 401


async def test_slacks_certificate_check_is_answered(bot: BotClient) -> None:
    reply = await bot.post(urlencode({"ssl_check": "1", "token": "t"}).encode(), content_type=FORM)

    assert reply.status == 200


async def test_a_command_whose_text_says_payload_is_still_a_command(bot: BotClient, incident_channel: str) -> None:
    # A form containing the word "payload" is not an interactivity payload (Bolt's own parser takes it for one).
    reply = await bot.command("note the webhook payload was malformed", channel=incident_channel)

    assert reply.status == 200
    answer = str(bot.slack.calls_to("response_url")[-1].args["text"])
    assert answer.startswith("Noted as #")
