"""The text of captured messages as the chat platform writes it: markup tokens, and three escaped characters.

Slack writes a mention as `<@U123|name>`, a channel as `<#C123|name>`, a link as `<https://…|label>`, a broadcast
as `<!here>`, a user group as `<!subteam^S123|@team>` and a date as `<!date^…|fallback>`, and escapes `&`, `<`
and `>` in everything else as `&amp;`, `&lt;` and `&gt;`. Read in the right order, once: tokens first, then the
entities of the text between them, so that a user who typed a literal `<@U123>` (which arrives as
`&lt;@U123&gt;`) gets that text back, never a mention. Text that was never escaped (a raw "5xx > 5%" from an
integration) comes through unchanged: a `<…>` that is no token is text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class PieceKind(StrEnum):
    TEXT = "text"  # plain text, entities decoded
    USER = "user"  # value: the user id
    CHANNEL = "channel"  # value: the channel id
    LINK = "link"  # value: the URL
    SPECIAL = "special"  # a broadcast (@here), a user group or a date: shown as its label, never re-sent


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    value: str
    label: str = ""  # what the token says to show, "" when it says nothing


_TOKEN = re.compile(
    r"<(?:"
    r"@(?P<user>[UW][A-Z0-9]+)"
    r"|#(?P<channel>[CG][A-Z0-9]+)"
    r"|!(?P<special>[a-z]+(?:\^[^|>]*)?)"
    r"|(?P<link>(?:https?|mailto|ftp|tel):[^|>\s]+)"
    r")(?:\|(?P<label>[^>]*))?>"
)
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_BROADCASTS = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def encode_entities(text: str) -> str:
    """Plain text (typed into a form, say) as Slack writes message text: `&`, `<` and `>` escaped, so that put
    into mrkdwn it shows as typed and can forge no mention, link or broadcast."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def decode_entities(text: str) -> str:
    """`&amp;`, `&lt;` and `&gt;` to their characters, in one pass (so `&amp;lt;` becomes `&lt;`, not `<`)."""
    if "&" not in text:  # most text: nothing to decode
        return text
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def pieces(text: str) -> list[Piece]:
    """The message split into text and tokens, each decoded once."""
    if "<" not in text:  # most messages: no token, one piece of text
        return [Piece(PieceKind.TEXT, decode_entities(text))] if text else []
    return tokenized(text)


def tokenized(text: str) -> list[Piece]:
    """`pieces`, read token by token whatever the text holds (the fast paths here must agree with it)."""
    found: list[Piece] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            found.append(Piece(PieceKind.TEXT, decode_entities(text[position : match.start()])))
        label = decode_entities(match.group("label") or "")
        if match.group("user"):
            found.append(Piece(PieceKind.USER, match.group("user"), label))
        elif match.group("channel"):
            found.append(Piece(PieceKind.CHANNEL, match.group("channel"), label))
        elif match.group("link"):
            found.append(Piece(PieceKind.LINK, decode_entities(match.group("link")), label))
        else:
            found.append(Piece(PieceKind.SPECIAL, match.group("special"), label))
        position = match.end()
    if position < len(text):
        found.append(Piece(PieceKind.TEXT, decode_entities(text[position:])))
    return found


def link_urls(text: str) -> list[str]:
    """The URLs the message links to, in order: what `pieces` gives as links, without reading the rest."""
    if "<" not in text:  # no token at all
        return []
    return [decode_entities(m.group("link")) for m in _TOKEN.finditer(text) if m.group("link")]


def special_text(piece: Piece) -> str:
    """A broadcast, user group or date as words (its label, else what it is), never as a live token."""
    if piece.label:
        return piece.label
    name, _, rest = piece.value.partition("^")
    if name in _BROADCASTS:
        return _BROADCASTS[name]
    if name == "subteam":
        return "@" + rest
    return rest.partition("^")[0] if rest else "@" + name


def message_mrkdwn(text: str) -> str:
    """Text as Slack writes it (or raw from an integration, or a form) to show in mrkdwn.

    Its real mentions, channels and links stay live; broadcasts, user groups and dates become their words (a
    reader is never pinged by text someone else wrote); everything else is decoded once and escaped once, so
    `5xx &gt; 5%` shows as "5xx > 5%" and a typed `<@U123>` as that text, never as a mention.
    """
    if "<" not in text:  # no token: the text, decoded once and escaped once
        return encode_entities(decode_entities(text))
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


def channel_mention(channel: str) -> str:
    """A channel the policy names by id (`<#C…>`, which Slack shows as its name) or by name (`#name`)."""
    if re.fullmatch(r"[CG][A-Z0-9]{2,}", channel):
        return f"<#{channel}>"
    return "#" + encode_entities(channel.removeprefix("#"))


def readable(text: str, names: Mapping[str, str]) -> str:
    """Plain text for people and files: mentions as @names, channels as #names, links as `label (url)`."""
    if "<" not in text:  # most messages: only entities to decode
        return decode_entities(text)
    out: list[str] = []
    for piece in tokenized(text):
        if piece.kind is PieceKind.TEXT:
            out.append(piece.value)
        elif piece.kind is PieceKind.USER:
            out.append("@" + (names.get(piece.value) or piece.label or piece.value))
        elif piece.kind is PieceKind.CHANNEL:
            out.append("#" + (piece.label or piece.value))
        elif piece.kind is PieceKind.LINK:
            out.append(_link_text(piece))
        else:
            out.append(special_text(piece))
    return "".join(out)


def _link_text(piece: Piece) -> str:
    url = piece.value.removeprefix("mailto:")
    if not piece.label or piece.label in (piece.value, url):
        return url
    return f"{piece.label} ({piece.value})"


def mentioned_users(text: str) -> list[str]:
    """The users a message mentions (its real mentions, not text that only looks like one)."""
    if "<@" not in text:
        return []
    return [m.group("user") for m in _TOKEN.finditer(text) if m.group("user")]
