"""Wiring everything together, once: the composition root. Nothing here runs at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_bolt_app
from bot.lazy import TrackedLazyListenerRunner
from bot.server import build_web_app
from bot.slack_client import web_client
from bot.slack_gateway import SlackGateway
from firebreak.settings import HINTS, Settings, SettingsError
from incidents.context import Context, SystemClock
from incidents.policy import Policy, load_policy
from incidents.ports import Clock
from storage.database import Database
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger("firebreak")
DEFAULT_POLICY_FILE = Path("firebreak.yml")


def policy_path(settings: Settings) -> Path | None:
    """FIREBREAK_CONFIG if set, else ./firebreak.yml if present, else the built-in defaults (None)."""
    if settings.firebreak_config is not None:
        return settings.firebreak_config
    return DEFAULT_POLICY_FILE if DEFAULT_POLICY_FILE.exists() else None


@dataclass
class Runtime:
    settings: Settings
    database: Database
    ctx: Context
    client: AsyncWebClient
    bolt: AsyncApp
    lazy: TrackedLazyListenerRunner
    web_app: web.Application


async def bot_user_id(client: AsyncWebClient) -> str | None:
    """Who the bot is (so it never invites itself). A rejected token stops start-up; an outage does not."""
    try:
        identity = await client.auth_test()
    except SlackApiError as exc:
        code = exc.response.get("error") if exc.response is not None else "unknown_error"
        if code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"):
            raise SettingsError(
                f"SLACK_BOT_TOKEN was rejected by Slack ({code}): {HINTS['SLACK_BOT_TOKEN']}."
            ) from None
        log.warning("auth.test failed (%s); continuing", code)
        return None
    except aiohttp.ClientError as exc:
        log.warning("Slack is unreachable at start-up (%s); continuing", exc)
        return None
    user_id = identity.get("user_id")
    return str(user_id) if user_id else None


@asynccontextmanager
async def runtime(
    settings: Settings, *, policy: Policy | None = None, clock: Clock | None = None, migrate: bool = True
) -> AsyncIterator[Runtime]:
    """Build the whole bot for `settings`; closes the HTTP session and database on exit."""
    policy = policy if policy is not None else load_policy(policy_path(settings))
    clock = clock or SystemClock()
    database = Database(settings.database_url)
    session = aiohttp.ClientSession()
    try:
        if migrate:
            await upgrade(database)
        client = web_client(token=settings.bot_token, base_url=settings.slack_api_url, session=session)
        gateway = SlackGateway(client, policy, clock, await bot_user_id(client))
        ctx = Context(uow=SqlUnitOfWorkFactory(database), chat=gateway, clock=clock, policy=policy)
        secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
        bolt, lazy = build_bolt_app(ctx, client, signing_secret=secret)
        web_app = build_web_app(bolt if secret else None, database.ping)
        yield Runtime(settings, database, ctx, client, bolt, lazy, web_app)
    finally:
        await session.close()
        await database.dispose()
