"""A quick proof that an Events API body is a plain message event the shape check would accept.

Messages are most of what Slack sends, and checking one with the pydantic shapes (bot/event_payloads.py)
costs more than the rest of capturing it. Most of them are simple: a string for every field, a list of
authorizations. `is_plain_message` says True only for such a body, after checking every field the shapes
declare that it holds, with rules at least as strict as theirs; for anything else (an unusual field, a
subtype, a value of any other type) it says False, and the edge asks pydantic, which gives the precise
reason. So the verdict on every body is the pydantic shapes' verdict, only cheaper for the common one
(tests/test_plain_message.py checks that on thousands of mutated bodies).

The fields declared are read from the models themselves: a field added to a shape and not known here makes
every body holding it go to pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from bot.capture_events import SAID_SUBTYPES
from bot.event_payloads import EventCallback, MessageEvent
from bot.slack_payloads import SlackContext

# ASCII digits and letters only, matched whole: never wider than the shapes' patterns (whose \d is Unicode's).
_TS = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,6})?")
_SLACK_ID = re.compile(r"[A-Z0-9]{1,40}")

Rule = Callable[[Any], bool]


def _str_or_none(value: Any) -> bool:
    return value is None or type(value) is str


def _ts_or_none(value: Any) -> bool:
    return value is None or (type(value) is str and _TS.fullmatch(value) is not None)


def _slack_id(value: Any) -> bool:
    return type(value) is str and _SLACK_ID.fullmatch(value) is not None


def _slack_id_or_none(value: Any) -> bool:
    return value is None or _slack_id(value)


def _flag(value: Any) -> bool:
    return value is None or type(value) is bool or type(value) is str


def _files(value: Any) -> bool:
    return value is None or (type(value) is list and all(type(f) is dict for f in value))


def _int_or_none(value: Any) -> bool:
    return value is None or type(value) is int


def _only_pydantic_can_tell(_value: Any) -> bool:
    return False


def _rules(model: type[BaseModel], proved: dict[str, Rule]) -> dict[str, Rule]:
    """A rule for every field `model` declares: those proved here, and a refusal for the others."""
    return {name: proved.get(name, _only_pydantic_can_tell) for name in model.model_fields}


# What SlackContext declares, as a plain body holds it (the shapes also take {"id": …} for the first four,
# and objects for the nested contexts: pydantic checks those).
_CONTEXT_PROVED: dict[str, Rule] = {
    "enterprise": _str_or_none,
    "team": _str_or_none,
    "user": _str_or_none,
    "channel": _str_or_none,
    "enterprise_id": _str_or_none,
    "team_id": _str_or_none,
    "user_id": _str_or_none,
    "channel_id": _str_or_none,
    "thread_ts": _str_or_none,
    "is_enterprise_install": _flag,
}
_CONTEXT = _rules(SlackContext, _CONTEXT_PROVED)


def _authorizations(value: Any) -> bool:
    return value is None or (type(value) is list and all(_follows(a, _CONTEXT) for a in value))


def _said_subtype(value: Any) -> bool:
    # None, or something someone said: then the shapes need no other field than the ts
    return value is None or (type(value) is str and value in SAID_SUBTYPES)


def _ts(value: Any) -> bool:
    return value is not None and _ts_or_none(value)


def _plain_message_event(event: Any) -> bool:
    # What the shapes require, and this proof too (a message someone said needs its ts).
    return type(event) is dict and "type" in event and "channel" in event and "ts" in event and _follows(event, _EVENT)


_ENVELOPE = _rules(
    EventCallback,
    {
        **_CONTEXT_PROVED,
        "type": lambda value: value == "event_callback",
        "event": _plain_message_event,
        "event_id": _str_or_none,
        "event_time": _int_or_none,
        "authorizations": _authorizations,
    },
)
_EVENT = _rules(
    MessageEvent,
    {
        **_CONTEXT_PROVED,
        "type": lambda value: value == "message",
        "subtype": _said_subtype,
        "event_ts": _ts_or_none,
        "channel": _slack_id,
        "user": _slack_id_or_none,
        "ts": _ts,
        "text": _str_or_none,
        "thread_ts": _ts_or_none,
        "bot_id": _str_or_none,
        "files": _files,
        "deleted_ts": _ts_or_none,
        "authorizations": _authorizations,
    },
)


def is_plain_message(body: dict[str, Any]) -> bool:
    """True only when `body` is an event_callback of a message someone said that the shape check accepts;
    False when it is anything else, or when only pydantic can tell."""
    return "event" in body and "type" in body and _follows(body, _ENVELOPE)


def _follows(data: Any, rules: dict[str, Rule]) -> bool:
    """Whether every declared field `data` holds keeps its rule; undeclared fields are ignored, as the shapes
    ignore them."""
    if type(data) is not dict:
        return False
    for key, value in data.items():
        rule = rules.get(key)
        if rule is _str_or_none:  # most fields: checked here, since a call costs as much again
            if value is not None and type(value) is not str:
                return False
        elif rule is not None and not rule(value):
            return False
    return True
