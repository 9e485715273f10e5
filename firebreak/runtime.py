"""Wiring everything together, once: the composition root. Nothing here runs at import time."""

from __future__ import annotations

import gc
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
from bot.capture_events import BotIdentity
from bot.capture_route import CaptureRoute
from bot.lazy import TrackedLazyListenerRunner
from bot.oncall_slack import SlackUsergroups
from bot.server import build_web_app
from bot.slack_client import web_client
from bot.slack_edge import SlackEdge
from bot.slack_gateway import SlackGateway
from firebreak.alerts_wiring import AlertsWiring, alerts_wiring
from firebreak.ical_fetcher import HttpCalendarFetcher
from firebreak.metrics import Metrics, build_metrics, metrics_page
from firebreak.oncall_wiring import add_oncall_routes, oncall_work
from firebreak.search_wiring import index_catching_up, search_services
from firebreak.settings import HINTS, Settings, SettingsError
from incidents.capture import CaptureService, IncidentChannelIndex
from incidents.context import Context, SystemClock
from incidents.followup import Planner
from incidents.followup_runner import FollowThrough
from incidents.oncall.roster import OncallRoster
from incidents.policy import Policy, load_policy
from incidents.ports import Clock
from postmortem.drafter import PostmortemDrafter
from postmortem.model_metrics import ModelMetrics
from postmortem.openai_model import OpenAIChatModel
from scheduling.leader import leadership_for
from scheduling.scheduler import FollowThroughScheduler
from storage.capture_writer import GroupCommitWriter
from storage.channels import incident_channels, incident_id_for_channel
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


def postmortem_drafter(settings: Settings, metrics: ModelMetrics | None = None) -> PostmortemDrafter:
    """The language model when FIREBREAK_LLM_MODEL names one and a key or a base URL says where; else the template."""
    model = settings.firebreak_llm_model
    if not model:
        return PostmortemDrafter()
    if settings.openai_api_key is None and settings.openai_base_url is None:
        log.warning("FIREBREAK_LLM_MODEL is set without OPENAI_API_KEY or OPENAI_BASE_URL: template drafts only")
        return PostmortemDrafter()
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return PostmortemDrafter(
        OpenAIChatModel(model=model, api_key=key, base_url=settings.openai_base_url, metrics=metrics)
    )


@dataclass
class Runtime:
    settings: Settings
    database: Database
    ctx: Context
    client: AsyncWebClient
    bolt: AsyncApp
    lazy: TrackedLazyListenerRunner
    web_app: web.Application
    writer: GroupCommitWriter
    planner: Planner
    follow_through: FollowThrough
    scheduler: FollowThroughScheduler
    metrics: Metrics
    alerts: AlertsWiring


async def bot_identity(client: AsyncWebClient) -> BotIdentity:
    """Who the bot is (so it never invites or records itself). A rejected token stops start-up; an outage does not."""
    try:
        identity = await client.auth_test()
    except SlackApiError as exc:
        code = exc.response.get("error") if exc.response is not None else "unknown_error"
        if code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"):
            raise SettingsError(
                f"SLACK_BOT_TOKEN was rejected by Slack ({code}): {HINTS['SLACK_BOT_TOKEN']}."
            ) from None
        log.warning("auth.test failed (%s); continuing", code)
        return BotIdentity()
    except aiohttp.ClientError as exc:
        log.warning("Slack is unreachable at start-up (%s); continuing", exc)
        return BotIdentity()
    return BotIdentity(user_id=identity.get("user_id") or None, bot_id=identity.get("bot_id") or None)


@asynccontextmanager
async def runtime(
    settings: Settings, *, policy: Policy | None = None, clock: Clock | None = None, migrate: bool = True
) -> AsyncIterator[Runtime]:
    """Build the whole bot for `settings`; closes the HTTP session and database on exit."""
    policy = policy if policy is not None else load_policy(policy_path(settings))
    clock = clock or SystemClock()
    database = Database(settings.database_url)
    metrics = build_metrics(settings.slack_api_url)
    writer = GroupCommitWriter(database, clock, metrics=metrics.capture)
    session = aiohttp.ClientSession()
    drafter = postmortem_drafter(settings, metrics.model)
    alerts: AlertsWiring | None = None
    try:
        await database.open()
        if migrate:
            await upgrade(database)
        client = web_client(
            token=settings.bot_token, base_url=settings.slack_api_url, session=session, observer=metrics.slack_calls
        )
        me = await bot_identity(client)
        gateway = SlackGateway(client, policy, clock, me.user_id)
        uow = SqlUnitOfWorkFactory(database)
        index = IncidentChannelIndex(lambda channel: incident_id_for_channel(uow, channel))
        for channel_id, incident_id in await incident_channels(uow):
            index.add(channel_id, incident_id)
        writer.start()
        capture = CaptureService(index, writer)
        planner = Planner(policy, clock)
        roster = OncallRoster(policy.oncall, uow, clock, feed_base_url=settings.firebreak_public_url)
        ctx = Context(
            uow=uow,
            chat=gateway,
            clock=clock,
            policy=policy,
            capture=capture,
            planner=planner,
            drafter=drafter,
            oncall=roster,
            search=search_services(settings, database, client, session),
        )
        alerts = alerts_wiring(database, ctx, client, public_url=settings.firebreak_public_url)  # issue 12
        follow_through = FollowThrough(ctx, planner, metrics=metrics.scheduler, other_work=alerts.handlers())
        follow_through.handlers.update(  # on-call pages, handoffs, iCal layers (issue 11)
            oncall_work(ctx, follow_through, usergroups=SlackUsergroups(client), fetcher=HttpCalendarFetcher(session))
        )
        scheduler = FollowThroughScheduler(
            follow_through,
            leadership_for(settings.database_url, database.write_engine),
            clock,
            sweep=policy.scheduler.sweep,
        )
        planner.on_due = ctx.outbox.on_due = scheduler.wake_at
        secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
        bolt, lazy = build_bolt_app(
            ctx, client, signing_secret=secret, capture=capture, me=me, planner=planner, alerts=alerts.actx
        )
        edge = SlackEdge(bolt, secret, metrics.requests, CaptureRoute(capture, policy, me)) if secret else None
        web_app = build_web_app(edge, database.ping, metrics=metrics_page(metrics, database, clock))
        add_oncall_routes(web_app, ctx)  # private on-call iCal feeds (issue 11)
        alerts.serve(web_app)
        alerts.start()
        # What is built by now (modules, classes, the wiring) lives as long as the bot: kept out of the cyclic
        # collector, so that the collections a burst of new objects triggers (20,000 timeline entries read at
        # once, a flood of events) do not walk it all again. Walking it was 40% of a timeline read. O(1).
        gc.freeze()
        async with index_catching_up(database, settings.firebreak_search_index_interval):
            yield Runtime(
                settings,
                database,
                ctx,
                client,
                bolt,
                lazy,
                web_app,
                writer,
                planner,
                follow_through,
                scheduler,
                metrics,
                alerts,
            )
    finally:
        if alerts is not None:
            await alerts.stop()
        gc.unfreeze()  # collectable again once the bot is gone (tests build one per test)
        await writer.stop()
        await drafter.close()
        await session.close()
        await database.dispose()
