"""Real requests, one of each kind Firebreak handles, as the fuzzer's starting points (tests/request_fuzz.py).

Built with slacksim/requests.py (which follows java-slack-sdk's samples). Left whole, each one stores
nothing: help, list, buttons and shortcuts that open a modal, submissions that fail validation, events outside
incident channels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from bot.views.action_items import RESCHEDULE
from slacksim import requests as req

FORM = req.FORM_CONTENT_TYPE
JSON = req.JSON_CONTENT_TYPE
USER = "UALICE"
CHANNEL = "CGENERAL"  # not an incident channel: events there are not captured
TRIGGER = "1234567890.1234567890.fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"
TS = "1795428000.000100"


@dataclass(frozen=True)
class Shape:
    """A real request before encoding: a slash command's form, an interactivity payload or an Events API body."""

    kind: str  # "command", "interactive" or "event"
    data: dict[str, Any]


def real_shapes(*, reference: str, response_url: str) -> list[Shape]:
    """One of each kind of request Firebreak handles, each of which stores nothing."""
    shapes = [
        Shape(
            "command",
            _form(
                req.slash_command_body(
                    text=text, user_id=USER, channel_id=CHANNEL, response_url=response_url, trigger_id=TRIGGER
                )
            ),
        )
        for text in ("help", "list all --severity SEV1", f"show {reference}", "", "bogus words")
    ]
    interactive = [
        req.block_actions_body(
            action_id="summary_update",
            value=reference,
            user_id=USER,
            channel_id=CHANNEL,
            message_ts=TS,
            trigger_id=TRIGGER,
            response_url=response_url,
        ),
        req.block_actions_body(
            action_id="home_declare", value="declare", user_id=USER, channel_id=None, trigger_id=TRIGGER
        ),
        # No severity block and no title: fails validation, and no mutation can add what is missing.
        req.view_submission_body(
            callback_id="declare_incident",
            view_id="VFUZZ1",
            values=req.state_values(
                ("title", "title", req.plain_text_input_value("")),
                ("commander", "commander", req.users_select_value(USER)),
                ("impact_started_at", "impact_started_at", req.datetimepicker_value(1795428000)),
                ("private", "private", req.checkboxes_value([])),
            ),
            user_id=USER,
            trigger_id=TRIGGER,
        ),
        req.view_submission_body(
            callback_id="change_severity",
            view_id="VFUZZ2",
            values=req.state_values(("severity", "severity", req.static_select_value("SEV9"))),
            user_id=USER,
            private_metadata=reference,
            trigger_id=TRIGGER,
        ),
        req.view_submission_body(
            callback_id=RESCHEDULE,
            view_id="VFUZZ3",
            values=req.state_values(("due", "due", req.datepicker_value("2020-01-01"))),
            user_id=USER,
            private_metadata="1",
            trigger_id=TRIGGER,
        ),
        req.global_shortcut_body(callback_id="declare_incident", user_id=USER, trigger_id=TRIGGER),
        req.message_action_body(
            callback_id="add_to_timeline",
            user_id=USER,
            channel_id=CHANNEL,
            message={"type": "message", "user": "UBOB", "text": "it broke", "ts": TS, "files": [{"name": "a.png"}]},
            trigger_id=TRIGGER,
            response_url=response_url,
        ),
    ]
    shapes += [Shape("interactive", json.loads(_form(body)["payload"])) for body in interactive]
    message = {
        **req.message_event(channel=CHANNEL, user="UBOB", text="hello <https://x.test|x>", ts=TS),
        "thread_ts": TS,
    }
    events: list[dict[str, Any]] = [
        message,
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": CHANNEL,
            "ts": TS,
            "event_ts": TS,
            "message": {"type": "message", "user": "UBOB", "text": "edited", "ts": TS},
            "previous_message": {"type": "message", "user": "UBOB", "text": "hello", "ts": TS},
        },
        {
            "type": "message",
            "subtype": "message_deleted",
            "channel": CHANNEL,
            "ts": TS,
            "deleted_ts": TS,
            "event_ts": TS,
            "previous_message": {"type": "message", "user": "UBOB", "text": "hello", "ts": TS},
        },
        {
            "type": "reaction_added",
            "user": "UBOB",
            "reaction": "pushpin",
            "item_user": "UBOB",
            "event_ts": TS,
            "item": {"type": "message", "channel": CHANNEL, "ts": TS},
        },
        {
            "type": "pin_added",
            "user": "UBOB",
            "channel_id": CHANNEL,
            "event_ts": TS,
            "item": {"type": "message", "channel": CHANNEL, "message": {"type": "message", "text": "x", "ts": TS}},
        },
        {
            "type": "member_joined_channel",
            "user": "UBOB",
            "channel": CHANNEL,
            "channel_type": "C",
            "team": "T0TEST",
            "event_ts": TS,
        },
        {"type": "app_home_opened", "user": "UBOB", "channel": "D0FUZZ", "tab": "home", "event_ts": TS},
        {"type": "channel_rename", "channel": {"id": CHANNEL, "name": "general-2", "created": 1}, "event_ts": TS},
    ]
    shapes += [
        Shape("event", json.loads(req.event_body(event, event_id="Ev0FUZZ", event_time=1795428000))) for event in events
    ]
    shapes.append(Shape("event", json.loads(req.url_verification_body("fuzz-challenge"))))
    return shapes


def _form(body: bytes) -> dict[str, Any]:
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


# -- Slack's published samples, filled in ----------------------------------------------------------
SAMPLES = Path(__file__).resolve().parent / "data" / "slack-samples"
# What each sample becomes, whole: something that opens a modal, or an event outside incident channels.
SAMPLE_FILES = {
    "java-slack-sdk/app-backend/SlashCommandPayload.json": ("command", {"command": "/incident", "text": "help"}),
    "java-slack-sdk/app-backend/ViewSubmissionPayload.json": ("interactive", {"type": "view_submission"}),
    "java-slack-sdk/app-backend/BlockActionPayload.json": ("interactive", {"type": "block_actions"}),
    "java-slack-sdk/app-backend/MessageShortcutPayload.json": ("interactive", {"callback_id": "create_action_item"}),
    "java-slack-sdk/events/MessagePayload.json": ("event", {"type": "event_callback"}),
    "java-slack-sdk/events/ReactionAddedPayload.json": ("event", {"type": "event_callback"}),
    "java-slack-sdk/events/PinAddedPayload.json": ("event", {"type": "event_callback"}),
    "java-slack-sdk/events/MemberJoinedChannelPayload.json": ("event", {"type": "event_callback"}),
    "java-slack-sdk/events/AppHomeOpenedPayload.json": ("event", {"type": "event_callback"}),
    "python-slack-events-api/reaction_added.json": ("event", {}),
    "python-slack-events-api/url_challenge.json": ("event", {}),
}


def sample_shapes(*, response_url: str) -> list[Shape]:
    """The samples in tests/data/slack-samples, their blanked values filled in as Slack would send them."""
    shapes = []
    for name, (kind, fields) in SAMPLE_FILES.items():
        data = {**_filled(json.loads((SAMPLES / name).read_text(encoding="utf-8")), response_url), **fields}
        for action in data.get("actions", [])[:1]:
            action["action_id"] = "home_declare"  # opens the declare modal
        if data.get("type") == "view_submission":
            data["view"] |= {"id": "VSAMPLE", "type": "modal", "callback_id": RESCHEDULE, "private_metadata": "1"}
        if kind == "command":
            data = {key: str(value) for key, value in data.items()}  # a form holds strings
        shapes.append(Shape(kind, data))
    return shapes


def _filled(node: Any, response_url: str, key: str = "", parent: str = "") -> Any:
    """The java-slack-sdk samples blank every value: put back ones of the right kind where Firebreak reads them."""
    if isinstance(node, dict):
        return {k: _filled(v, response_url, k, key) for k, v in node.items()}
    if isinstance(node, list):
        return [_filled(item, response_url, key, parent) for item in node]
    if node != "" and node != "0000000000.000000":
        return node
    if key.endswith("ts"):
        return TS
    if key in ("user", "user_id", "selected_user", "selected_users", "item_user") or (key, parent) == ("id", "user"):
        return "UBOB"
    if key in ("channel", "channel_id", "selected_channel", "selected_conversation", "selected_conversations"):
        return CHANNEL
    if (key, parent) == ("id", "channel"):
        return CHANNEL
    if key.endswith("date"):
        return "2026-11-23"
    return {"trigger_id": TRIGGER, "response_url": response_url}.get(key, node)
