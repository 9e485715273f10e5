"""Workspace state held by the fake: plain dataclasses that tests may read and seed directly."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    id: str
    name: str
    real_name: str
    tz: str = "UTC"
    tz_offset: int = 0
    deleted: bool = False
    is_bot: bool = False
    email: str | None = None


@dataclass
class Usergroup:
    id: str
    name: str
    handle: str
    users: list[str] = field(default_factory=list)
    updated: int = 1_700_000_000


@dataclass
class Message:
    ts: str
    user: str
    text: str = ""
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    bot_id: str | None = None
    edited_ts: str | None = None
    metadata: dict[str, Any] | None = None
    # Beyond the brief's fields: what reactions.add and file shares need to leave behind.
    reactions: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    attachments: list[dict[str, Any]] | None = None
    subtype: str | None = None  # "thread_broadcast": a reply also sent to the channel

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def in_history(self) -> bool:
        """Listed in conversations.history: top-level messages, and replies also sent to the channel."""
        return not self.is_reply or self.subtype == "thread_broadcast"


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    created: int = 0
    topic: str = ""
    purpose: str = ""
    creator: str = ""
    members: set[str] = field(default_factory=set)
    messages: list[Message] = field(default_factory=list)
    pins: set[str] = field(default_factory=set)
    is_archived: bool = False
    is_im: bool = False
    previous_names: list[str] = field(default_factory=list)

    def find_message(self, ts: str) -> Message | None:
        # Scan from the end: the messages a bot updates, pins or reacts to are almost always recent.
        for message in reversed(self.messages):
            if message.ts == ts:
                return message
        return None


@dataclass
class View:
    id: str
    type: str
    callback_id: str = ""
    private_metadata: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    title: dict[str, Any] | None = None
    state: dict[str, Any] = field(default_factory=dict)
    external_id: str = ""
    user: str | None = None
    submit: dict[str, Any] | None = None
    close: dict[str, Any] | None = None
    hash: str = ""
    root_view_id: str | None = None
    previous_view_id: str | None = None


@dataclass
class StoredFile:
    id: str
    name: str
    title: str
    length: int
    user: str
    created: int
    content: bytes | None = None  # None until the bytes are POSTed to the upload URL
    shares: dict[str, str] = field(default_factory=dict)  # channel id -> ts of the share message


@dataclass
class Canvas:
    id: str
    title: str
    channel_id: str | None
    document_content: dict[str, Any] | None
    is_channel_canvas: bool = False  # conversations.canvases.create, at most one per channel


@dataclass
class Bookmark:
    id: str
    channel_id: str
    title: str
    type: str
    link: str
    emoji: str


@dataclass
class Workspace:
    """Everything the Web API methods read and write. One per FakeSlack."""

    team_id: str
    bot_user_id: str
    bot_token: str
    bot_id: str = "B0BOT"
    app_id: str = "A0TEST"
    server_root: str = ""  # "http://127.0.0.1:<port>/" once the server listens
    socket_mode_url: str | None = None
    app_token: str | None = None  # when set, apps.connections.open refuses any other xapp- token (invalid_auth)
    canvases_enabled: bool = True
    # The most messages one conversations.history / .replies page holds, whatever `limit` asks: Slack caps some
    # apps at 15, and a small cap lets a test push a reader through many pages.
    history_page_cap: int | None = None
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    views: dict[str, View] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    canvases: dict[str, Canvas] = field(default_factory=dict)
    bookmarks: list[Bookmark] = field(default_factory=list)
    usergroups: dict[str, Usergroup] = field(default_factory=dict)
    used_triggers: set[str] = field(default_factory=set)
    trigger_users: dict[str, str] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _last_ts_us: int = 0
    # What "now" is for message timestamps: wall-clock by default; tests with a frozen clock set theirs.
    time_source: Callable[[], float] | None = None

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    def next_ts(self) -> str:
        # Wall-clock based so ts reads as a real time, but strictly increasing so two messages
        # posted in the same microsecond still get distinct, ordered ts values.
        now_us = int(self.time_source() * 1_000_000) if self.time_source else time.time_ns() // 1000
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return format_ts(self._last_ts_us)

    def channel_by_name(self, name: str) -> Channel | None:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        return None

    def im_with(self, user_id: str) -> Channel:
        for channel in self.channels.values():
            if channel.is_im and channel.members == {self.bot_user_id, user_id}:
                return channel
        channel = Channel(
            id=self.new_id("D"),
            name=user_id,
            is_private=True,
            is_im=True,
            created=int(time.time()),
            creator=self.bot_user_id,
            members={self.bot_user_id, user_id},
        )
        self.channels[channel.id] = channel
        return channel


def format_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def parse_ts(ts: str) -> int:
    """Slack ts -> integer microseconds, so ts values compare exactly. Raises ValueError."""
    seconds, _, fraction = ts.partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"not a Slack ts: {ts!r}")
    return int(seconds) * 1_000_000 + int((fraction + "000000")[:6])
