"""The zero-latency fake Slack (slacksim) in a spawned process of its own, for bench/ack.py.

Real Slack's CPU is not on our machine: with the fake in the bot's process, every Web API call a declaration
makes would cost the bot's core the fake's work too (parsing the call, updating the workspace, answering).
In its own process the fake runs on the machine's other core and the bot's event loop does only its own work.

The fake notes when each channel's first successful `pins.add` arrived (`time.perf_counter()`, i.e.
CLOCK_MONOTONIC on Linux, so comparable with the send times the load generator records in its process); the
bench asks for those times over a pipe once a round has settled, so recording stays one dict store per pin.
Set-up happens in the child before it serves (users, channels) or over the same pipe (the views Slack would
know of before a submission arrives). Response URLs and trigger ids are issued in the parent, in Slack's
shape, with a prefix the child accepts, so building a request needs no round trip to the child.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import os
import secrets
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from slacksim import Call, FakeSlack, View

_SPAWN = multiprocessing.get_context("spawn")
BENCH_RESPONSE_KEY = "RBENCH"  # response URL keys with this prefix count as issued by the fake


@dataclass(frozen=True)
class FakeSlackSetup:
    """What the child seeds before it serves: the bot's token, users (id -> name), channels (name -> members)."""

    bot_token: str
    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, Sequence[str]] = field(default_factory=dict)
    cpus: frozenset[int] | None = None  # CPUs to pin the child to (None: let the scheduler place it)


class FakeSlackProcess:
    """The fake Slack in a spawned process; the parent asks it things over a pipe (see `_serve`)."""

    def __init__(self, setup: FakeSlackSetup) -> None:
        self.setup = setup
        self._conn, self._child = _SPAWN.Pipe()
        self._process = _SPAWN.Process(target=_main, args=(setup, self._child), daemon=True)
        self._keys = itertools.count(1)
        self.base_url = ""  # the Web API base URL, ending with "api/"
        self.channel_ids: dict[str, str] = {}  # name -> id of the channels in `setup`

    @property
    def pid(self) -> int:
        return self._process.pid or 0

    async def start(self) -> None:
        self._process.start()
        self._child.close()  # the child holds its own end: a dead child now reads as EOF here
        self.base_url, self.channel_ids = await self._receive()

    async def ask(self, *message: Any) -> Any:
        await asyncio.get_running_loop().run_in_executor(None, self._conn.send, message)
        return await self._receive()

    async def _receive(self) -> Any:
        loop = asyncio.get_running_loop()
        try:
            kind, value = await loop.run_in_executor(None, self._conn.recv)
        except (EOFError, OSError):
            await loop.run_in_executor(None, self._process.join, 5)
            raise RuntimeError(
                f"the fake Slack process died (exit code {self._process.exitcode}); see its traceback"
            ) from None
        if kind == "error":
            raise RuntimeError(f"fake Slack: {value}")
        return value

    async def add_views(self, view_ids: Sequence[str], *, callback_id: str, user: str) -> None:
        """Views Slack knows of (the modals being submitted), so the bot's views.update on them succeeds."""
        await self.ask("views", list(view_ids), callback_id, user)

    async def pinned_at(self, channels: Sequence[str]) -> dict[str, float]:
        """When the first successful pins.add for each of `channels` arrived (perf_counter); absent if none."""
        result: dict[str, float] = await self.ask("pinned", list(channels))
        return result

    def new_response_url(self) -> str:
        """A response URL on the fake, shaped like FakeSlack's own, that the child accepts."""
        key = f"{BENCH_RESPONSE_KEY}{next(self._keys):08d}{secrets.token_hex(4)}"
        return f"{self.base_url.removesuffix('api/')}response/{key}"

    @staticmethod
    def new_trigger_id() -> str:
        """A Slack-shaped trigger id (not tied to a user: the requests that carry one here open no view)."""
        return f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"

    async def stop(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(EOFError, BrokenPipeError, RuntimeError):
                await self.ask("stop")
            await asyncio.get_running_loop().run_in_executor(None, self._process.join, 10)
        if self._process.is_alive():
            self._process.terminate()
        self._conn.close()


@contextlib.asynccontextmanager
async def fake_slack_process(setup: FakeSlackSetup) -> AsyncIterator[FakeSlackProcess]:
    slack = FakeSlackProcess(setup)
    try:
        await slack.start()
        yield slack
    finally:
        await slack.stop()


# -- the child -------------------------------------------------------------------------------------
class _IssuedKeys(set[str]):
    """FakeSlack's issued response keys, plus every key the bench's parent process issued."""

    def __contains__(self, key: object) -> bool:
        return (isinstance(key, str) and key.startswith(BENCH_RESPONSE_KEY)) or super().__contains__(key)


class PinTimingSlack(FakeSlack):
    """The fake Slack, noting when each channel's first successful `pins.add` arrived (one dict store)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_keys = _IssuedKeys()
        self.pinned_at: dict[str, float] = {}

    async def _record(self, call: Call) -> None:
        if call.method == "pins.add" and call.ok:
            self.pinned_at.setdefault(str(call.args.get("channel")), time.perf_counter())
        await super()._record(call)


def _main(setup: FakeSlackSetup, conn: Connection) -> None:
    if setup.cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, setup.cpus)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(setup, conn))


async def _serve(setup: FakeSlackSetup, conn: Connection) -> None:
    slack = PinTimingSlack(bot_token=setup.bot_token, latency=0.0)
    for user_id, name in setup.users.items():
        slack.add_user(user_id, name=name, real_name=name.title())
    channel_ids = {name: slack.add_channel(name, members=list(members)).id for name, members in setup.channels.items()}
    loop = asyncio.get_running_loop()
    async with slack:
        conn.send(("ok", (slack.base_url, channel_ids)))
        while True:
            name, *args = await loop.run_in_executor(None, conn.recv)
            if name == "stop":
                break
            try:
                conn.send(("ok", _command(slack, name, args)))
            except Exception as exc:  # reported to the bench, which fails the run
                conn.send(("error", repr(exc)))
    conn.send(("ok", None))


def _command(slack: PinTimingSlack, name: str, args: list[Any]) -> Any:
    if name == "views":
        view_ids, callback_id, user = args
        for view_id in view_ids:
            slack.views[view_id] = View(id=view_id, type="modal", callback_id=callback_id, user=user)
        return None
    if name == "pinned":
        return {channel: slack.pinned_at[channel] for channel in args[0] if channel in slack.pinned_at}
    raise ValueError(f"unknown command {name!r}")
