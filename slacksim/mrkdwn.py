"""What a Slack client shows for a mrkdwn text: tokens as names and labels, the three entities decoded once.

Tests assert on what a reader sees, not on how the bot spelled it: "5xx &gt; 5%" in mrkdwn *is* "5xx > 5%".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"<([@#!]?)([^|>]+)(?:\|([^>]*))?>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}


def _decode(text: str) -> str:
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def shown(mrkdwn: str, names: Mapping[str, str] | None = None) -> str:
    """The text a reader sees. Mentions read `@name` (from `names`, else the id), so a forged one stands out."""
    names = names or {}

    def token(match: re.Match[str]) -> str:
        sigil, body, label = match.group(1), match.group(2), match.group(3)
        if sigil == "@":
            return "@" + names.get(body, body)
        if sigil == "#":
            return "#" + (label or body)
        if sigil == "!":
            return label or "@" + body.split("^")[0]
        return label or body

    parts = []
    position = 0
    for match in _TOKEN.finditer(mrkdwn):
        parts.append(_decode(mrkdwn[position : match.start()]))
        parts.append(_decode(token(match)))
        position = match.end()
    parts.append(_decode(mrkdwn[position:]))
    return "".join(parts)
