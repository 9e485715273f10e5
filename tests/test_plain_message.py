"""The edge's fast paths give the verdicts the slow ones give, on every body.

`is_plain_message` (bot/plain_message.py) may only say True for a body the pydantic shapes accept, and must
say it for the messages Slack sends most; the JSON parser the edge uses (jiter, through pydantic_core) must
accept exactly what json.loads accepts, with the same result. Checked on every single mutation of real
message bodies (a field removed, or given a value of another kind), then on random multiple mutations and
random texts (hypothesis, from a fixed seed: derandomize).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.capture_support import EventSpec, message_body
from bot.event_payloads import EventCallback, MessageEvent
from bot.plain_message import is_plain_message
from bot.slack_edge import MalformedBody, model_problem, parse_body, shape_problem
from bot.slack_payloads import SlackContext
from slacksim import requests as req

TS = "1795428000.000100"


def _envelope(event: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(req.event_body(event, event_id="Ev0PLAIN", event_time=1795428000))
    return body


def _bases() -> list[dict[str, Any]]:
    """Plain messages as Slack sends them: said by a person, in a thread, by a bot, with a file, /me."""
    said = req.message_event(channel="CGENERAL", user="UBOB", text="hello <https://x.test|x> &amp; more", ts=TS)
    bench: dict[str, Any] = json.loads(message_body(EventSpec(channels=("C0INC",), start=0, count=1, ts_base=1), 7))
    return [
        bench,
        _envelope(said),
        _envelope({**said, "thread_ts": TS}),
        _envelope({**said, "subtype": "bot_message", "bot_id": "B0BOT", "username": "deploys", "user": None}),
        _envelope({**said, "subtype": "file_share", "files": [{"name": "a.png", "title": "graph"}]}),
        _envelope({**said, "subtype": "me_message"}),
        _envelope({**said, "subtype": "thread_broadcast", "thread_ts": TS}),
    ]


BASES = _bases()
# Every key a shape declares anywhere a plain message holds one, and a few it does not.
KEYS = sorted(
    set(EventCallback.model_fields) | set(MessageEvent.model_fields) | set(SlackContext.model_fields) | {"extra"}
)
# Values of every kind, and strings just inside and just outside the shapes' patterns.
VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 2**70, 1.5, float("nan"), "", " ", "message", "event_callback", "bot_message",
    "message_changed", "message_deleted", "channel_join", "C0INC", "c0inc", "C0INC\n", "U" * 40, "U" * 41,
    TS, "1795428000", "17954280000", "1795428000.", "1795428000.1234567", "１２３", "١٢٣.٤", " 1795428000",
    {}, {"id": "UBOB"}, {"id": 1}, {"type": "message", "ts": TS}, [], [{}], [{"team_id": "T1"}], [{"team_id": 1}],
    [{"event": None}], [None], [1], ["a"], [{"name": "a.png"}],
]  # fmt: skip
WHERE = ("envelope", "event", "authorization")


def _target(body: dict[str, Any], where: str) -> dict[str, Any] | None:
    if where == "envelope":
        return body
    event = body.get("event")
    if where == "event":
        return event if isinstance(event, dict) else None
    auths = body.get("authorizations")
    return auths[0] if isinstance(auths, list) and auths and isinstance(auths[0], dict) else None


def _mutated(base: dict[str, Any], where: str, key: str, value: Any, *, remove: bool = False) -> dict[str, Any]:
    body = copy.deepcopy(base)
    target = _target(body, where)
    if target is not None:
        if remove:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)
    return body


def _same_verdict(body: dict[str, Any]) -> None:
    expected = model_problem(body)
    if is_plain_message(body):
        assert expected is None, f"the fast path accepts what the shapes refuse ({expected}): {body}"
    assert shape_problem(body) == expected


@pytest.mark.parametrize("base", BASES, ids=lambda b: str(b["event"].get("subtype") or b["event"]["channel"]))
def test_messages_slack_sends_take_the_fast_path(base: dict[str, Any]) -> None:
    assert model_problem(base) is None
    assert is_plain_message(base)


def test_every_single_mutation_of_a_plain_message_gets_the_shapes_verdict() -> None:
    checked = refused = fast = 0
    for base in BASES:
        for where in WHERE:
            for key in KEYS:
                bodies = [_mutated(base, where, key, None, remove=True)]
                bodies += [_mutated(base, where, key, value) for value in VALUES]
                for body in bodies:
                    _same_verdict(body)
                    checked += 1
                    refused += model_problem(body) is not None
                    fast += is_plain_message(body)
    # Both verdicts were exercised, and the fast path still takes what it can.
    assert checked > 10_000 and refused > checked // 4 and fast > checked // 4, (checked, refused, fast)


_VALUE = st.one_of(
    st.sampled_from(VALUES),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
        max_leaves=8,
    ),
)
_MUTATION = st.tuples(st.sampled_from(WHERE), st.sampled_from(KEYS), _VALUE, st.booleans())


@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BASES), st.lists(_MUTATION, min_size=1, max_size=4))
def test_random_mutations_of_a_plain_message_get_the_shapes_verdict(
    base: dict[str, Any], mutations: list[tuple[str, str, Any, bool]]
) -> None:
    body = base
    for where, key, value, remove in mutations:
        body = _mutated(body, where, key, value, remove=remove)
    _same_verdict(body)


# -- JSON: the edge's parser against the standard library's ----------------------------------------
def _by_the_standard_library(text: str) -> dict[str, Any] | str:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return "refused"
    return parsed if isinstance(parsed, dict) else "not an object"


def _by_the_edge(text: str) -> dict[str, Any] | str:
    try:
        return parse_body(text.encode("utf-8", "surrogatepass"), "application/json")
    except MalformedBody as exc:
        return "refused" if str(exc).endswith("is not JSON") else "not an object"


_JSON_TEXT = st.one_of(
    st.builds(json.dumps, st.dictionaries(st.text(max_size=5), _VALUE, max_size=4), ensure_ascii=st.booleans()),
    st.lists(st.sampled_from(['{', '}', '[', ']', '"', ':', ',', '\\', 'u', 'd800', 'dc00', '\\ud83d', '\\u00e9',
                              '1', '-', '0', '.', 'e', '+', 'NaN', 'Infinity', 'true', 'null', 'a', ' ', '\t',
                              '\n', '\x00', '\x1f', '\ufeff', 'é', '"k"', '{"a":']),
             max_size=30).map(lambda parts: "{" + "".join(parts)),
)  # fmt: skip


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(_JSON_TEXT)
def test_the_edge_reads_json_exactly_as_the_standard_library_does(text: str) -> None:
    if text.isspace() or not text or _has_lone_surrogate(text):
        return  # not UTF-8 on the wire, or empty: refused before parsing
    by_edge, by_library = _by_the_edge(text), _by_the_standard_library(text)
    assert json.dumps(by_edge, sort_keys=True) == json.dumps(by_library, sort_keys=True)


@pytest.mark.parametrize(
    "text",
    ['{"a":"\\ud800"}', '{"a":"\\udc00x"}', "\ufeff{}", '{"a":"x\ty"}', '{"a":01}', '{"a":.5}', '{"a":NaN}',
     '{"a":1,"a":2}', '{"a":' + "[" * 300 + "]" * 300 + "}", '{"a":' + "[" * 5000 + "]" * 5000 + "}"],
)  # fmt: skip
def test_json_the_two_parsers_treat_differently_gets_the_standard_librarys_verdict(text: str) -> None:
    assert json.dumps(_by_the_edge(text)) == json.dumps(_by_the_standard_library(text))


def _has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)
