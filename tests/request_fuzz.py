"""Malformed requests made from real ones (tests/request_shapes.py): keys dropped, types swapped, nulls, huge
strings, wrong content types, truncated JSON. Deterministic for a given random.Random seed.

Every real shape stores nothing when left whole, and a mutation only takes away or replaces, so no mutant can
store anything either: whatever lands in the database came from a request the bot mishandled.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.request_shapes import FORM, JSON, Shape

Path = tuple[str | int, ...]


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
