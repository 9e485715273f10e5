"""A lazy-listener runner that keeps its tasks, so slow work after an ack is never lost.

Bolt's default runner fires `asyncio.ensure_future` and forgets the task; the event loop holds tasks only
weakly, so a forgotten task can be garbage-collected mid-flight, and shutdown cannot wait for it. Keeping
the tasks lets start-up code drain them on shutdown and lets tests wait for the work instead of sleeping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from slack_bolt.lazy_listener.async_internals import to_runnable_function
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.request.async_request import AsyncBoltRequest


class TrackedLazyListenerRunner(AsyncLazyListenerRunner):
    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest) -> None:
        # Despite its name, Bolt's to_runnable_function is a coroutine that runs the wired listener.
        runnable = to_runnable_function(internal_func=function, logger=self.logger, request=request)
        task: asyncio.Task[None] = asyncio.ensure_future(runnable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait until every lazy listener started so far (and any they start) has finished.

        Callers bound the wait with `asyncio.timeout` as they see fit.
        """
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
