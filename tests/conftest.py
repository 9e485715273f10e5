"""Fixtures: a fake Slack workspace, the real bot serving HTTP against it, and a frozen clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from slack_sdk.http_retry import async_handler, builtin_async_handlers

from firebreak.runtime import runtime
from firebreak.settings import Settings
from incidents.policy import Channels, Policy
from slacksim import FakeSlack
from tests.harness import SIGNING_SECRET, BotClient, FrozenClock, serve_app

pytest_plugins = ["tests.postgres"]

PEOPLE = {"UALICE": "alice", "UBOB": "bob", "UCAROL": "carol", "UDAVE": "dave", "UADMIN": "admin", "UEVE": "eve"}


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(bot_token="xoxb-test-token") as fake:
        for user_id, name in PEOPLE.items():
            fake.add_user(user_id, name=name, real_name=name.title())
        fake.add_channel("general", members=list(PEOPLE))
        fake.add_channel("incidents", members=list(PEOPLE))
        fake.add_channel("sev1-stakeholders", members=["UADMIN"])
        fake.add_channel("stakeholders", members=["UADMIN"])
        yield fake


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def policy(slack: FakeSlack) -> Policy:
    def channel_id(name: str) -> str:
        found = slack.channel_by_name(name)
        assert found is not None
        return found.id

    return Policy(
        channels=Channels(
            announcement=channel_id("incidents"),
            stakeholders={"SEV1": channel_id("sev1-stakeholders"), "SEV2": channel_id("stakeholders")},
        ),
        admins=["UADMIN"],
    )


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'firebreak.db'}"


def make_settings(slack: FakeSlack, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test-token",
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.base_url,
        "database_url": database_url,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
async def bot(slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str) -> AsyncIterator[BotClient]:
    settings = make_settings(slack, database_url)
    slack.workspace.time_source = lambda: clock.now().timestamp()  # Slack's ts follow the test's clock
    async with runtime(settings, policy=policy, clock=clock) as rt:
        runner, url = await serve_app(rt.web_app)
        async with aiohttp.ClientSession() as http:
            try:
                yield BotClient(rt, slack, url, http)
            finally:
                await rt.lazy.drain()
                await runner.cleanup()


@pytest.fixture
def client_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """What slack_sdk's retry handlers would have slept (Retry-After, backoff), recorded instead of slept.

    Nothing else changes: the client still retries as often as it is configured to, in the same order.
    """
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)  # still lets other tasks run, as a real wait would

    stand_in = SimpleNamespace(sleep=record)
    monkeypatch.setattr(builtin_async_handlers, "asyncio", stand_in)
    monkeypatch.setattr(async_handler, "asyncio", stand_in)
    return waits
