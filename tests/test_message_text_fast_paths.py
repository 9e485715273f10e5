"""The shortcuts in incidents/message_text.py (text with no `<`, no `&`, no `<@`) give what reading the text
token by token gives, on any text: hypothesis, from a fixed seed, over fragments that mean something to Slack."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.message_text import (
    Piece,
    PieceKind,
    decode_entities,
    encode_entities,
    link_urls,
    mentioned_users,
    message_mrkdwn,
    pieces,
    readable,
    special_text,
    tokenized,
)

NAMES = {"U1": "alice", "U2": "bob"}
_FRAGMENTS = st.sampled_from(
    ["<", ">", "&", "&amp;", "&lt;", "&gt;", "&amp;lt;", "<@U1>", "<@U2|bob>", "<@W9>", "<#C9|ops>", "<#G1>",
     "<https://x.test/a?b=1&amp;c=2|p99 &lt; 2s>", "<http://x.test>", "<mailto:a@b.test|a@b.test>", "<!here>",
     "<!subteam^S7|@db>", "<!date^1795428000^{date_short}|Nov 23>", "|", "@", "#", "!", " ", "\n", "é", "x",
     "5xx > 5%", "<b>", "a<b", "&quot;", "<@u1>", "<ftp://f.test>", "<tel:+1>"]
)  # fmt: skip
TEXT = st.one_of(st.lists(_FRAGMENTS, max_size=12).map("".join), st.text(max_size=40))


def _readable_token_by_token(text: str) -> str:
    """readable() as it was written before its shortcut: every piece, whatever the text."""
    out: list[str] = []
    for piece in tokenized(text):
        if piece.kind is PieceKind.TEXT:
            out.append(piece.value)
        elif piece.kind is PieceKind.USER:
            out.append("@" + (NAMES.get(piece.value) or piece.label or piece.value))
        elif piece.kind is PieceKind.CHANNEL:
            out.append("#" + (piece.label or piece.value))
        elif piece.kind is PieceKind.LINK:
            url = piece.value.removeprefix("mailto:")
            plain = not piece.label or piece.label in (piece.value, url)
            out.append(url if plain else f"{piece.label} ({piece.value})")
        else:
            out.append(special_text(piece))
    return "".join(out)


def _mrkdwn_token_by_token(text: str) -> str:
    out: list[str] = []
    for piece in tokenized(text):
        if piece.kind is PieceKind.USER:
            out.append(f"<@{piece.value}>")
        elif piece.kind is PieceKind.CHANNEL:
            out.append(f"<#{piece.value}>")
        elif piece.kind is PieceKind.LINK:
            label = f"|{encode_entities(piece.label)}" if piece.label else ""
            out.append(f"<{encode_entities(piece.value)}{label}>")
        else:
            out.append(encode_entities(special_text(piece) if piece.kind is PieceKind.SPECIAL else piece.value))
    return "".join(out)


def _values(found: list[Piece], kind: PieceKind) -> list[str]:
    return [piece.value for piece in found if piece.kind is kind]


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(TEXT)
def test_the_shortcuts_agree_with_reading_token_by_token(text: str) -> None:
    by_token = tokenized(text)
    assert pieces(text) == by_token
    assert readable(text, NAMES) == _readable_token_by_token(text)
    assert message_mrkdwn(text) == _mrkdwn_token_by_token(text)
    assert mentioned_users(text) == _values(by_token, PieceKind.USER)
    assert link_urls(text) == _values(by_token, PieceKind.LINK)
    assert decode_entities(text) == "".join(
        {"&amp;": "&", "&lt;": "<", "&gt;": ">"}.get(part, part) for part in _entity_split(text)
    )


def _entity_split(text: str) -> list[str]:
    """The text cut into entities and the rest, left to right (a reference for decode_entities)."""
    parts, i = [], 0
    while i < len(text):
        for entity in ("&amp;", "&lt;", "&gt;"):
            if text.startswith(entity, i):
                parts.append(entity)
                i += len(entity)
                break
        else:
            parts.append(text[i])
            i += 1
    return parts
