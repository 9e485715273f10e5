"""Capturing what happens in incident channels, exactly once, acknowledged only once durable.

The chat adapter turns platform events into `Capture` items; the domain decides which channels matter (an
in-memory index, so messages elsewhere are dropped without touching the database) and hands the rest to a
`CaptureSink`, which stores them (batched) and returns only when they are committed.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from incidents.timeline import ChatMessage


class CaptureKind(StrEnum):
    MESSAGE = "message"  # a new message, or one read back by backfill
    EDIT = "edit"
    DELETE = "delete"
    FLAG = "flag"  # a highlight reaction or a pin
    UNFLAG = "unflag"
    JOINED = "joined"
    LEFT = "left"


@dataclass(frozen=True)
class Capture:
    kind: CaptureKind
    channel_id: str
    at: datetime
    event_id: str | None = None  # the platform's delivery id: a retried event carries the same one
    message: ChatMessage | None = None  # MESSAGE, and EDIT (the new version)
    ts: str | None = None  # the message concerned (EDIT, DELETE, FLAG, UNFLAG)
    user: str | None = None  # who joined, left, flagged or unflagged
    flag: str | None = None  # what flags it: "pin" or "reaction:<emoji>"
    incident_id: int | None = None  # filled in by the service from the channel index


class CaptureSink(Protocol):
    async def submit(self, capture: Capture) -> None:
        """Return once `capture` is durably stored (or recognised as a duplicate)."""
        ...


ChannelLookup = Callable[[str], Awaitable[int | None]]


class IncidentChannelIndex:
    """Which channels are incident channels, answered from memory.

    Known channels are remembered for good (an incident channel stays one). Unknown ones are looked up in the
    database at most once per `miss_ttl` seconds, so that a channel opened by another process is picked up
    while messages in ordinary channels cost nothing.
    """

    def __init__(self, lookup: ChannelLookup, *, miss_ttl: float = 30.0) -> None:
        self._lookup = lookup
        self._known: dict[str, int] = {}
        self._misses: dict[str, float] = {}
        self._miss_ttl = miss_ttl

    def add(self, channel_id: str, incident_id: int) -> None:
        self._known[channel_id] = incident_id
        self._misses.pop(channel_id, None)

    def known(self, channel_id: str) -> int | None:
        return self._known.get(channel_id)

    async def incident_for(self, channel_id: str) -> int | None:
        found = self._known.get(channel_id)
        if found is not None:
            return found
        missed = self._misses.get(channel_id)
        if missed is not None and time.monotonic() - missed < self._miss_ttl:
            return None
        found = await self._lookup(channel_id)
        if found is None:
            if len(self._misses) > 10_000:  # bounded: memory stays flat however many channels there are
                self._misses.clear()
            self._misses[channel_id] = time.monotonic()
            return None
        self.add(channel_id, found)
        return found


class CaptureService:
    def __init__(self, index: IncidentChannelIndex, sink: CaptureSink) -> None:
        self.index = index
        self.sink = sink

    async def watches(self, channel_id: str) -> bool:
        """Whether what happens in this channel is captured: answered from memory (an unknown channel is
        looked up at most once in a while), so that an adapter need not even read an event elsewhere."""
        return await self.index.incident_for(channel_id) is not None

    async def capture(self, item: Capture) -> bool:
        """Store `item` if it concerns an incident channel; False (and no write) otherwise."""
        incident_id = await self.index.incident_for(item.channel_id)
        if incident_id is None:
            return False
        await self.sink.submit(_with_incident(item, incident_id))
        return True


def _with_incident(item: Capture, incident_id: int) -> Capture:
    return replace(item, incident_id=incident_id)
