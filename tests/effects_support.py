"""Helpers for tests of Slack effects: a bot on a given database, what is still pending, what a channel shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from firebreak.runtime import runtime
from incidents.policy import Policy
from slacksim import FakeSlack
from tests.conftest import make_settings
from tests.harness import BotClient, FrozenClock, serve_app


@asynccontextmanager
async def running_bot(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> AsyncIterator[BotClient]:
    """The whole bot on `database_url`, as the `bot` fixture builds it; leaving it is a crash (nothing is flushed)."""
    slack.workspace.time_source = lambda: clock.now().timestamp()
    async with runtime(make_settings(slack, database_url), policy=policy, clock=clock) as rt:
        runner, url = await serve_app(rt.web_app)
        async with aiohttp.ClientSession() as http:
            try:
                yield BotClient(rt, slack, url, http)
            finally:
                await rt.lazy.drain()
                await runner.cleanup()


async def pending_effects(bot: BotClient) -> list[str]:
    """Keys of the Slack effects still to be done (rows of scheduled work)."""
    async with bot.ctx.uow(write=False) as uow:
        return sorted(k for k in await uow.work.keys() if k.startswith("effect:"))


def texts_in(slack: FakeSlack, channel_id: str | None) -> list[str]:
    """What a reader of the channel sees, oldest first (the message text)."""
    assert channel_id is not None
    return [m.text for m in slack.channels[channel_id].messages]
