"""Recording of every request the fake answers, waiting on it, and failures queued for the next calls."""

from __future__ import annotations

import asyncio
import json
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Call:
    method: str  # e.g. "chat.postMessage"; "response_url" / "upload_url" for posts to those URLs
    args: dict[str, Any]  # parsed body, JSON-valued arguments decoded
    ok: bool
    error: str | None
    status: int  # HTTP status returned
    url: str | None = None  # for "response_url" calls: which response URL was posted to


@dataclass(frozen=True, slots=True)
class _Injected:
    error: str
    status: int
    retry_after: int | None = None
    disconnect: bool = False  # close the connection without answering, as when Slack can't be reached


class CallRecorder:
    """What FakeSlack records and injects; kept apart from HTTP so recording stays a list append."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._by_method: dict[str, list[Call]] = {}
        self._injections: dict[str, deque[_Injected]] = {}
        self._limited_until: dict[str, float] = {}
        # Slack's posting limit: about one message a second per channel (chat.postMessage and chat.update).
        self._channel_rate: float | None = None
        self._channel_last: dict[str, float] = {}
        self._changed = asyncio.Condition()
        self._waiters = 0

    # -- failure injection -----------------------------------------------------------------------
    def fail_next(self, method: str, error: str, *, times: int = 1) -> None:
        """The next `times` calls to `method` answer {"ok": false, "error": error} (HTTP 200) untouched.

        `response_url` answers 404 and `upload_url` (the file server of the two-step upload) 500, as those do."""
        status = {"response_url": 404, "upload_url": 500}.get(method, 200)
        self._injections.setdefault(method, deque()).extend([_Injected(error, status)] * times)

    def rate_limit_next(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls to `method` get HTTP 429 with a Retry-After header."""
        injected = _Injected("ratelimited", 429, retry_after)
        self._injections.setdefault(method, deque()).extend([injected] * times)

    def disconnect_next(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls to `method` are not answered: the connection closes (nothing is done)."""
        self._injections.setdefault(method, deque()).extend([_Injected("disconnected", 0, disconnect=True)] * times)

    def rate_limit_for(self, method: str, *, seconds: int) -> None:
        """Slack limits `method` for `seconds` of the workspace's clock: every call until then gets HTTP 429 with
        the Retry-After still to wait, however often it is retried (what Slack does in a storm)."""
        self._limited_until[method] = self._clock() + seconds

    def limit_messages_per_channel(self, per_second: float = 1.0) -> None:
        """From now on, a chat.postMessage or chat.update to a channel sooner than 1/`per_second` after the last
        one that succeeded there gets HTTP 429 with the Retry-After still to wait (Slack's "1 per second per
        channel" posting limit, which it enforces in bursts)."""
        self._channel_rate = per_second

    def _channel_limited(self, method: str, channel: str | None) -> _Injected | None:
        if self._channel_rate is None or method not in ("chat.postMessage", "chat.update") or not channel:
            return None
        now, gap = self._clock(), 1.0 / self._channel_rate
        last = self._channel_last.get(channel)
        if last is not None and now - last < gap:
            return _Injected("ratelimited", 429, max(1, math.ceil(gap - (now - last))))
        self._channel_last[channel] = now
        return None

    def _clock(self) -> float:
        raise NotImplementedError  # the server reads the workspace's clock

    def _take_injection(self, method: str) -> _Injected | None:
        until = self._limited_until.get(method)
        if until is not None:
            left = until - self._clock()
            if left > 0:
                return _Injected("ratelimited", 429, max(1, math.ceil(left)))
            del self._limited_until[method]
        queue = self._injections.get(method)
        return queue.popleft() if queue else None

    # -- recording -------------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return list(self._by_method.get(method, ()))

    def clear_calls(self) -> None:
        self.calls.clear()
        self._by_method.clear()

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._by_method.setdefault(call.method, []).append(call)
        if self._waiters:  # skip the lock entirely when nobody waits (the benchmark case)
            async with self._changed:
                self._changed.notify_all()

    async def wait_for(
        self,
        method: str,
        *,
        count: int = 1,
        where: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented test-facing signature
    ) -> list[Call]:
        """The first `count` calls to `method` (matching `where`), waiting for them as they are recorded."""
        matched: list[Call] = []
        scanned = 0

        def enough() -> bool:
            nonlocal scanned
            bucket = self._by_method.get(method, [])
            if scanned > len(bucket):  # clear_calls() ran meanwhile
                scanned = 0
            for call in bucket[scanned:]:
                if where is None or where(call):
                    matched.append(call)
            scanned = len(bucket)
            return len(matched) >= count

        self._waiters += 1
        try:
            async with self._changed, asyncio.timeout(timeout):
                await self._changed.wait_for(enough)
        except TimeoutError:
            raise AssertionError(self._timeout_report(method, count, len(matched), timeout)) from None
        finally:
            self._waiters -= 1
        return matched[:count]

    def _timeout_report(self, method: str, count: int, got: int, timeout: float) -> str:
        lines = [f"waited {timeout}s for {count} matching call(s) to {method}, saw {got}. Calls so far:"]
        shown = self.calls[-50:]
        if len(self.calls) > len(shown):
            lines.append(f"  ... {len(self.calls) - len(shown)} earlier calls omitted")
        for call in shown:
            args = json.dumps(call.args, default=str)
            args = args if len(args) <= 200 else args[:197] + "..."
            lines.append(f"  {call.method} status={call.status} ok={call.ok} error={call.error} args={args}")
        return "\n".join(lines) if shown else lines[0] + " none"
