"""Requests as Slack sends them to the app: signed bodies for slash commands, interactivity and events.

Payload shapes follow java-slack-sdk's app-backend samples (SlashCommandPayload, BlockActionPayload,
ViewSubmissionPayload, MessageShortcutPayload) and the Events API envelope in the java events samples.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"
TEAM_DOMAIN = "fake-team"
API_APP_ID = "A0TEST"
LEGACY_TOKEN = "verification-token-unused"  # deprecated field Slack still sends; signatures are what count

StateValues = dict[str, dict[str, dict[str, Any]]]


# -- signing ---------------------------------------------------------------------------------------
def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack adds: v0 HMAC-SHA256 of "v0:{timestamp}:{body}" keyed by the signing secret."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def signed_headers(
    body: bytes, secret: str, *, json_body: bool = False, timestamp: int | None = None
) -> dict[str, str]:
    """sign() plus the Content-Type Slack uses for that kind of body."""
    content_type = JSON_CONTENT_TYPE if json_body else FORM_CONTENT_TYPE
    return {"Content-Type": content_type, **sign(body, secret, timestamp)}


def new_trigger_id() -> str:
    """Shaped like Slack's ("12345.98765.abcd2358fdea"), unique per call."""
    return f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"


def _form(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


def _interactive(payload: dict[str, Any]) -> bytes:
    # Interactivity is form-encoded with the JSON in a single `payload` field.
    return _form({"payload": json.dumps(payload)})


def _user(user_id: str, team_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}


def _team(team_id: str) -> dict[str, str]:
    return {"id": team_id, "domain": TEAM_DOMAIN}


def _action_ts() -> str:
    return f"{time.time():.6f}"


# -- slash commands and interactivity --------------------------------------------------------------
def slash_command_body(
    *,
    text: str,
    user_id: str,
    channel_id: str,
    channel_name: str = "general",
    command: str = "/incident",
    response_url: str,
    trigger_id: str | None = None,
    team_id: str = "T0TEST",
    user_name: str | None = None,
) -> bytes:
    return _form(
        {
            "token": LEGACY_TOKEN,
            "team_id": team_id,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


def block_actions_body(
    *,
    action_id: str,
    value: str | None,
    user_id: str,
    channel_id: str | None,
    message_ts: str | None = None,
    trigger_id: str | None = None,
    response_url: str | None = None,
    view: dict[str, Any] | None = None,
    block_id: str = "b",
    team_id: str = "T0TEST",
    message: dict[str, Any] | None = None,
    action_fields: dict[str, Any] | None = None,
) -> bytes:
    """A button click by default; `action_fields` overrides the action (e.g. a static_select's
    {"type": "static_select", "selected_option": ...}). `message` is the clicked message, when it matters."""
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": "button",
        "action_ts": _action_ts(),
        "text": {"type": "plain_text", "text": action_id, "emoji": True},
    }
    if value is not None:
        action["value"] = value
    action.update(action_fields or {})
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": API_APP_ID,
        "token": LEGACY_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "team": _team(team_id),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "")}
        payload["view"] = view
    elif message_ts is not None:
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        payload["message"] = message or {"type": "message", "ts": message_ts, "text": "", "user": "UBOT"}
        payload["state"] = {"values": {}}
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": ""}
    if response_url is not None:
        payload["response_url"] = response_url
    return _interactive(payload)


def view_submission_body(
    *,
    callback_id: str,
    view_id: str,
    values: StateValues,
    user_id: str,
    private_metadata: str = "",
    trigger_id: str | None = None,
    team_id: str = "T0TEST",
    blocks: list[dict[str, Any]] | None = None,
) -> bytes:
    """`values` is view.state.values: {block_id: {action_id: <element value>}}; see the *_value helpers."""
    view = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "title": {"type": "plain_text", "text": "Modal", "emoji": True},
        "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
        "close": None,
        "blocks": blocks or [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "external_id": "",
        "state": {"values": values},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "clear_on_close": False,
        "notify_on_close": False,
        "root_view_id": view_id,
        "previous_view_id": None,
        "app_id": API_APP_ID,
        "app_installed_team_id": team_id,
        "bot_id": "B0BOT",
    }
    payload = {
        "type": "view_submission",
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "api_app_id": API_APP_ID,
        "token": LEGACY_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _interactive(payload)


def message_action_body(
    *,
    callback_id: str,
    user_id: str,
    channel_id: str,
    message: dict[str, Any],
    trigger_id: str | None = None,
    response_url: str = "https://hooks.slack.test/actions/unused",
    channel_name: str = "general",
    team_id: str = "T0TEST",
) -> bytes:
    payload = {
        "type": "message_action",
        "token": LEGACY_TOKEN,
        "action_ts": _action_ts(),
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "channel": {"id": channel_id, "name": channel_name},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url,
        "message_ts": message.get("ts", ""),
        "message": message,
    }
    return _interactive(payload)


def global_shortcut_body(
    *, callback_id: str, user_id: str, trigger_id: str | None = None, team_id: str = "T0TEST"
) -> bytes:
    payload = {
        "type": "shortcut",
        "token": LEGACY_TOKEN,
        "action_ts": _action_ts(),
        "team": _team(team_id),
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
    }
    return _interactive(payload)


# -- Events API ------------------------------------------------------------------------------------
def event_body(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    team_id: str = "T0TEST",
    api_app_id: str = API_APP_ID,
    bot_user_id: str = "UBOT",
    event_time: int | None = None,
) -> bytes:
    """The event_callback envelope (JSON). Pass a fixed `event_id` to replay a delivery, as Slack retries do."""
    envelope = {
        "token": LEGACY_TOKEN,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope).encode()


def message_event(
    *, channel: str, user: str, text: str, ts: str | None = None, thread_ts: str | None = None
) -> dict[str, Any]:
    """A plain user message event (`event` for event_body)."""
    ts = ts or f"{time.time():.6f}"
    event = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
        "client_msg_id": secrets.token_hex(16),
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def url_verification_body(challenge: str) -> bytes:
    return json.dumps({"token": LEGACY_TOKEN, "challenge": challenge, "type": "url_verification"}).encode()


# -- view.state.values entries ---------------------------------------------------------------------
def state_values(*entries: tuple[str, str, dict[str, Any]]) -> StateValues:
    """Build view.state.values from (block_id, action_id, value) triples."""
    values: StateValues = {}
    for block_id, action_id, value in entries:
        values.setdefault(block_id, {})[action_id] = value
    return values


def option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}


def plain_text_input_value(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def static_select_value(value: str | None, text: str | None = None) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": None if value is None else option(value, text)}


def multi_static_select_value(values: list[str]) -> dict[str, Any]:
    return {"type": "multi_static_select", "selected_options": [option(v) for v in values]}


def users_select_value(user_id: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user_id}


def multi_users_select_value(user_ids: list[str]) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": list(user_ids)}


def conversations_select_value(channel_id: str | None) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": channel_id}


def checkboxes_value(values: list[str]) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [option(v) for v in values]}


def radio_buttons_value(value: str | None, text: str | None = None) -> dict[str, Any]:
    return {"type": "radio_buttons", "selected_option": None if value is None else option(value, text)}


def datetimepicker_value(unix_seconds: int | None) -> dict[str, Any]:
    return {"type": "datetimepicker", "selected_date_time": unix_seconds}


def datepicker_value(date: str | None) -> dict[str, Any]:
    """`date` as Slack sends it: "YYYY-MM-DD"."""
    return {"type": "datepicker", "selected_date": date}
