"""Rendered `/incident list` answers, reused while nothing was written: a burst of lists renders once.

An answer is the same for the same person typing the same options in the same second (durations are shown
to the second), as long as this process committed no write since it was rendered. It is kept for `ttl`
seconds at most, so another process's writes show within that plus the storage cache's own half second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

DEFAULT_TTL = 0.5
DEFAULT_SIZE = 256


class ListAnswers:
    def __init__(
        self,
        committed_writes: Callable[[], int],
        *,
        ttl: float = DEFAULT_TTL,
        size: int = DEFAULT_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._committed_writes = committed_writes
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._writes = -1  # what committed_writes() said when the answers below were rendered
        self._answers: dict[Hashable, tuple[float, str]] = {}

    def version(self) -> int:
        """Take this before reading what an answer is rendered from, and hand it to `put`."""
        return self._committed_writes()

    def get(self, key: Hashable) -> str | None:
        writes = self._committed_writes()
        if writes != self._writes:
            self._writes, self._answers = writes, {}
            return None
        kept = self._answers.get(key)
        if kept is None:
            return None
        rendered_at, answer = kept
        if self._clock() - rendered_at >= self.ttl:
            del self._answers[key]
            return None
        return answer

    def put(self, key: Hashable, answer: str, *, version: int) -> None:
        if version != self._committed_writes():
            return  # a write committed while it was read: it may not show it
        if version != self._writes:
            self._writes, self._answers = version, {}
        if len(self._answers) >= self.size:
            del self._answers[next(iter(self._answers))]
        self._answers[key] = (self._clock(), answer)
