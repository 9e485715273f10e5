"""Events API through Bolt: capture events arriving over Socket Mode, and the App Home tab.

Over HTTP, capture events take the lean path (bot/capture_route.py) and never reach these listeners. The App
Home is acknowledged first and published after the ack: reading and publishing it must never turn a Slack or
database failure into a 5xx, which Slack would only retry.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_events import CAPTURE_EVENTS, BotIdentity, captures_from_event
from bot.errors import describe
from bot.slack_calls import call_slack
from bot.views.home import render_home
from incidents.action_items import ActionItemFilter
from incidents.actions import list_action_items
from incidents.capture import CaptureService
from incidents.context import Context
from incidents.errors import ChatError
from incidents.queries import home


def register_events(app: AsyncApp, ctx: Context, capture: CaptureService, me: BotIdentity) -> None:
    async def on_capture_event(body: dict[str, Any], event: dict[str, Any]) -> None:
        timeline = ctx.policy.timeline
        for item in captures_from_event(
            event,
            event_id=body.get("event_id"),
            me=me,
            highlight=timeline.highlight_emoji,
            flag_pins=timeline.flag_pins,
        ):
            await capture.capture(item)

    for event_type in sorted(CAPTURE_EVENTS):
        app.event(event_type)(on_capture_event)

    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def publish_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        try:
            incidents, last_update = await home(ctx, user)
            items = await list_action_items(ctx, ActionItemFilter(owner=user, open_only=True, limit=50))
            now = ctx.clock.now()
            view = render_home(incidents, ctx.policy, now, user_id=user, last_update=last_update, items=items)
            await call_slack("views.publish", client.views_publish(user_id=user, view=view))
        except ChatError:
            pass  # call_slack logged it in one line; the tab is published again the next time it is opened
        except Exception as exc:
            describe(exc)  # logged with an error id; nobody is looking at a reply

    app.event("app_home_opened")(ack=just_ack, lazy=[publish_home])

    # Subscribed for later use (renames, archives); acknowledged so Slack does not retry them.
    @app.event("channel_rename")
    @app.event("channel_archive")
    async def on_channel_change() -> None:
        return None
