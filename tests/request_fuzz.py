"""Malformed requests made from real ones: Slack's shapes with keys dropped, types swapped, nulls, huge strings,
wrong content types and truncated JSON. Deterministic for a given random.Random seed.

The real shapes are the builders of tests/slack_requests.py (which follow java-slack-sdk's samples). Every one
of them, left whole, is a request that stores nothing (help, list, forms that open a modal, form submissions
that fail validation, events outside incident channels), and a mutation only takes away or replaces, so no
mutant can store anything either: whatever lands in the database came from a request the bot mishandled.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from bot.views.action_items import RESCHEDULE
from tests import slack_requests as req

FORM = req.FORM_CONTENT_TYPE
JSON = req.JSON_CONTENT_TYPE
USER = "UALICE"
CHANNEL = "CGENERAL"  # not an incident channel: events there are not captured
TRIGGER = "1234567890.1234567890.fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"
TS = "1795428000.000100"

Path = tuple[str | int, ...]


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


# -- mutations of the data -------------------------------------------------------------------------
def _paths(node: Any, prefix: Path = ()) -> list[Path]:
    """Every key and list item below `node`, each as the path to it."""
    found: list[Path] = []
    children: list[tuple[str | int, Any]] = []
    if isinstance(node, dict):
        children = list(node.items())
    elif isinstance(node, list):
        children = list(enumerate(node))
    for key, child in children:
        path = (*prefix, key)
        found.append(path)
        found.extend(_paths(child, path))
    return found


def _parent(data: Any, path: Path) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _junk_string(rng: random.Random) -> str:
    return rng.choice(
        [
            "",
            " ",
            "x" * rng.randrange(3_000, 120_000),
            "é🔥" * rng.randrange(1_000, 20_000),
            "\x00\n\r\t",
            "\ud800",  # a lone surrogate: valid JSON, not encodable as UTF-8
            "&lt;script&gt; <@U123|x> <!channel>",
            "1e400",
            "-1",
            "nan",
            "{}",
            "[",
            "9" * 40,
        ]
    )


def _another_type(rng: random.Random, value: Any) -> Any:
    candidates: list[Any] = [
        None,
        0,
        -7,
        2**70,
        1.5,
        True,
        False,
        "",
        "x",
        [],
        [1, "a"],
        {},
        {"id": 5},
        _junk_string(rng),
    ]
    return rng.choice([c for c in candidates if type(c) is not type(value)])


def mutate_data(rng: random.Random, data: dict[str, Any], *, form: bool) -> dict[str, Any]:
    """One to three of: drop a key, null it, swap its type, empty it, fill it with a huge or odd string."""
    mutant = copy.deepcopy(data)
    for _ in range(rng.choice((1, 1, 2, 3))):
        paths = _paths(mutant)
        if not paths:
            break
        path = rng.choice(paths)
        parent, key = _parent(mutant, path), path[-1]
        how = rng.choice(("drop", "drop", "null", "swap", "swap", "empty", "string"))
        if form:  # a form holds strings only: drop a field, or change what it says
            how = "drop" if how in ("drop", "null") else "string"
        if how == "drop":
            del parent[key]
        elif how == "null":
            parent[key] = None
        elif how == "swap":
            parent[key] = _another_type(rng, parent[key])
        elif how == "empty":
            parent[key] = type(parent[key])() if isinstance(parent[key], dict | list | str) else None
        else:
            parent[key] = _junk_string(rng)
    return mutant


# -- encoding, and mutations of the encoding ----------------------------------------------------------
@dataclass(frozen=True)
class WireRequest:
    body: bytes
    content_type: str


def encode(shape: Shape, data: dict[str, Any]) -> WireRequest:
    if shape.kind == "command":
        return WireRequest(urlencode(data, errors="surrogatepass").encode(), FORM)
    text = json.dumps(data)
    if shape.kind == "interactive":
        return WireRequest(urlencode({"payload": text}).encode(), FORM)
    return WireRequest(text.encode(), JSON)


def mutate_wire(rng: random.Random, shape: Shape, wire: WireRequest) -> WireRequest:
    """Truncated JSON, the wrong Content-Type, a JSON payload sent bare, bytes that are not UTF-8, nothing."""
    how = rng.choice(("truncate", "truncate_payload", "content_type", "bare_payload", "not_utf8", "empty", "nested"))
    if how == "truncate" and wire.body:
        return WireRequest(wire.body[: rng.randrange(len(wire.body))], wire.content_type)
    if how == "truncate_payload" and shape.kind == "interactive":
        text = json.dumps(shape.data)
        return WireRequest(urlencode({"payload": text[: rng.randrange(len(text))]}).encode(), FORM)
    if how == "content_type":
        other = rng.choice((FORM, JSON, "text/plain", "application/json; charset=latin-1", ""))
        return WireRequest(wire.body, other)
    if how == "bare_payload" and shape.kind == "interactive":
        return WireRequest(json.dumps(shape.data).encode(), rng.choice((FORM, JSON)))
    if how == "not_utf8":
        cut = rng.randrange(len(wire.body) + 1)
        return WireRequest(wire.body[:cut] + b"\xff\xfe\xc3" + wire.body[cut:], wire.content_type)
    if how == "nested":  # deeper than any parser should follow
        depth = rng.randrange(500, 5_000)
        return WireRequest(b'{"type": "event_callback", "event": ' + b"[" * depth + b"]" * depth + b"}", JSON)
    return WireRequest(b"", wire.content_type)


def fuzzed_requests(rng: random.Random, shapes: list[Shape], count: int) -> list[WireRequest]:
    """`count` mutants of the shapes: mostly of their data, some of their encoding, a few left whole."""
    requests = []
    for _ in range(count):
        shape = rng.choice(shapes)
        roll = rng.random()
        if roll < 0.05:
            requests.append(encode(shape, shape.data))
        elif roll < 0.8:
            requests.append(encode(shape, mutate_data(rng, shape.data, form=shape.kind == "command")))
        else:
            requests.append(mutate_wire(rng, shape, encode(shape, shape.data)))
    return requests
