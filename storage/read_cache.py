"""Recent search answers, so a burst of `/incident list` reads the database once.

Correct within this process: every committed write session empties the cache (Database wires that up), and an
answer is kept only if no write committed while it was being read. Another process's writes (PostgreSQL
allows several) are seen within `ttl` seconds at worst. Readers asking for an answer that is being read
right now wait for that read instead of starting their own, so an expired answer is not read 32 times over.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable

from incidents.model import Incident
from storage.mapping import copy_incident

# Seconds; bounds how stale an answer may be after another process's write. Half of the one second promised,
# as the bot keeps its rendered answers as long again (bot/list_answers.py).
DEFAULT_TTL = 0.5
DEFAULT_SIZE = 256  # answers kept (a filter per viewer, so roughly the people listing at once)

Answer = tuple[Incident, ...]


class ReadCache:
    def __init__(
        self, *, ttl: float = DEFAULT_TTL, size: int = DEFAULT_SIZE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.size = size
        self._clock = clock
        # Bumped by every committed write: an answer read at an older version is never kept.
        self.version = 0
        self._answers: dict[Hashable, tuple[float, Answer]] = {}
        # Reads under way since the last write, each resolving to its answer (None if it failed).
        self._reading: dict[Hashable, asyncio.Future[Answer | None]] = {}

    def invalidate(self) -> None:
        self.version += 1
        self._answers = {}
        self._reading = {}  # whoever asks from now on must see the write: no joining reads begun before it

    async def answer(self, key: Hashable, read: Callable[[], Awaitable[list[Incident]]]) -> list[Incident]:
        """The answer for `key`: a copy of a recent one, of one being read now, or else `read()` (then kept)."""
        kept = self._answers.get(key)
        if kept is not None:
            stored_at, incidents = kept
            if self._clock() - stored_at < self.ttl:
                return _copies(incidents)
            del self._answers[key]
        under_way = self._reading.get(key)
        if under_way is not None:
            shared = await asyncio.shield(under_way)  # our caller giving up must not cancel the others' read
            return _copies(shared) if shared is not None else await read()
        return await self._read(key, read)

    async def _read(self, key: Hashable, read: Callable[[], Awaitable[list[Incident]]]) -> list[Incident]:
        version = self.version
        under_way: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        self._reading[key] = under_way
        shared: Answer | None = None
        try:
            incidents = await read()
            shared = tuple(copy_incident(i) for i in incidents)
            if version == self.version:  # else a write committed meanwhile: this answer may predate it
                self._keep(key, shared)
            return incidents
        finally:
            if self._reading.get(key) is under_way:
                del self._reading[key]
            under_way.set_result(shared)  # None: the read failed, and those waiting read for themselves

    def _keep(self, key: Hashable, answer: Answer) -> None:
        if len(self._answers) >= self.size:
            # Forget the oldest answer (dicts keep insertion order); simpler than an LRU and as good here.
            del self._answers[next(iter(self._answers))]
        self._answers[key] = (self._clock(), answer)


def _copies(incidents: Answer) -> list[Incident]:
    # Callers own what they get (they may change and save it): hand out copies, never the kept objects.
    return [copy_incident(i) for i in incidents]
