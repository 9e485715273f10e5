"""The timeline: every word of an incident, captured once, in one ordered record.

Entries come from three sources: `chat` (messages captured from the incident channel, by people and by
other bots), `system` (Firebreak's own changes: declared, status, severity, roles, updates) and `manual`
(notes, and messages added from elsewhere with the message shortcut).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    CHAT = "chat"
    SYSTEM = "system"
    MANUAL = "manual"


# System kinds that are key events by nature (always shown among the key events, flagged or not).
KEY_KINDS = frozenset(
    {"declared", "status_changed", "severity_changed", "role_assigned", "stakeholder_update", "resolved", "reopened"}
)


@dataclass(frozen=True)
class FileRef:
    name: str
    filetype: str
    permalink: str
    title: str = ""  # what the sharer called it, where the platform gives one beside the file's name


@dataclass(frozen=True)
class ChatMessage:
    """A message as the chat platform reports it, whether live (an event) or read back (history)."""

    channel_id: str
    ts: str
    text: str
    user: str | None = None
    bot_id: str | None = None
    bot_name: str | None = None
    thread_ts: str | None = None
    files: tuple[FileRef, ...] = ()
    links: tuple[str, ...] = ()
    reply_count: int = 0  # a thread's parent: how many replies it has, and the newest one's ts
    latest_reply: str | None = None
    from_firebreak: bool = False  # Firebreak's own post: never chat, but people may reply to it in a thread
    permalink: str | None = None  # known without asking the platform (the message shortcut's payload)

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass(frozen=True)
class StoredThread:
    """What the timeline holds of a thread: its newest reply and how many replies (deleted ones left out)."""

    newest_reply: str
    replies: int


@dataclass
class TimelineEntry:
    id: int
    at: datetime
    kind: str  # message, note, joined, left, or a system kind (declared, status_changed, …)
    source: Source
    actor: str | None
    text: str
    data: dict[str, Any] = field(default_factory=dict)
    message_ts: str | None = None
    thread_ts: str | None = None
    flagged: bool = False
    deleted: bool = False
    edits: list[dict[str, str]] = field(default_factory=list)  # earlier texts, oldest first: {"text", "at"}
    files: list[dict[str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    permalink: str | None = None

    @property
    def is_key_event(self) -> bool:
        return self.flagged or (self.source is Source.SYSTEM and self.kind in KEY_KINDS)

    @property
    def edited(self) -> bool:
        return bool(self.edits)


def ts_order(ts: str) -> Decimal:
    """Message ids in time order, exactly (a float loses the last microsecond digits of a Slack ts)."""
    return Decimal(ts)


def ts_to_datetime(ts: str) -> datetime:
    """Slack message ids are Unix times with microseconds; they are also when the message was sent."""
    return datetime.fromtimestamp(float(ts), tz=UTC)
