"""Building the Bolt app: explicit registration of every listener, and the tracked lazy runner."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.bolt_authorization import authorize_without_slack
from bot.capture_events import BotIdentity
from bot.lazy import TrackedLazyListenerRunner
from bot.listeners.actions import register_actions
from bot.listeners.alert_commands import register_alert_commands
from bot.listeners.alerts import register_alerts
from bot.listeners.commands import register_commands
from bot.listeners.events import register_events
from bot.listeners.follow_through import register_follow_through
from bot.listeners.oncall import register_oncall
from bot.listeners.postmortem import register_postmortem
from bot.listeners.search import register_search
from bot.listeners.timeline import register_timeline
from bot.listeners.views import register_views
from incidents.alerts.context import AlertsContext
from incidents.capture import CaptureService
from incidents.context import Context
from incidents.followup import Planner

# What AsyncApp reads from the environment while it is built, whatever it is given: SLACK_BOT_TOKEN (then warns,
# at every start, that it will be unused, since it is given a client), SLACK_CLIENT_ID with SLACK_CLIENT_SECRET
# (which turn on its OAuth flow, and with it ignore the bot token: a multi-workspace install Firebreak is not),
# and SLACK_VERIFICATION_TOKEN. Firebreak's settings are its only configuration.
BOLT_READS_FROM_ENVIRONMENT = ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_VERIFICATION_TOKEN")


@contextmanager
def _out_of_bolts_sight() -> Iterator[None]:
    """The environment without what Bolt would read, while Bolt is built (no await: nothing else runs meanwhile)."""
    hidden = {name: os.environ.pop(name) for name in BOLT_READS_FROM_ENVIRONMENT if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(hidden)


def build_bolt_app(
    ctx: Context,
    client: AsyncWebClient,
    *,
    signing_secret: str | None,
    capture: CaptureService,
    me: BotIdentity,
    planner: Planner,
    alerts: AlertsContext | None = None,
) -> tuple[AsyncApp, TrackedLazyListenerRunner]:
    """The Bolt app on `client`, acking before any slow work (process_before_response) with tracked lazies."""
    with _out_of_bolts_sight():
        app = AsyncApp(
            client=client,
            signing_secret=signing_secret or "socket-mode-only",
            # Without a signing secret only Socket Mode requests arrive, and those are not signed.
            request_verification_enabled=signing_secret is not None,
            process_before_response=True,
            logger=logging.getLogger("firebreak.bolt"),
        )
    authorize_without_slack(app, client.token or "", me)
    runner = TrackedLazyListenerRunner(logging.getLogger("firebreak.lazy"))
    # Bolt offers no constructor argument for this; see bot/lazy.py for why the default runner won't do.
    app._async_listener_runner.lazy_listener_runner = runner
    if alerts is not None:  # issue 12: `/incident integration …`, before the other /incident listeners
        register_alert_commands(app, alerts)
    if ctx.search is not None:  # before the general /incident listener: it takes its own subcommands
        register_search(app, ctx, ctx.search)
    register_commands(app, ctx)
    register_views(app, ctx, runner)
    register_actions(app, ctx)
    register_events(app, ctx, capture, me)
    register_timeline(app, ctx)
    register_follow_through(app, ctx, planner)
    register_postmortem(app, ctx)
    if alerts is not None:  # issue 12: the buttons and forms of alert posts
        register_alerts(app, alerts)
    register_oncall(app, ctx)  # on-call (issue 11)
    return app, runner
