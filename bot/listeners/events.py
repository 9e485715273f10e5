"""Events API through Bolt: capture events arriving over Socket Mode, and the App Home tab.

Over HTTP, capture events take the lean path (bot/capture_route.py) and never reach these listeners.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_events import CAPTURE_EVENTS, BotIdentity, captures_from_event
from bot.views.home import render_home
from incidents.action_items import ActionItemFilter
from incidents.actions import list_action_items
from incidents.capture import CaptureService
from incidents.context import Context
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

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        incidents, last_update = await home(ctx, user)
        items = await list_action_items(ctx, ActionItemFilter(owner=user, open_only=True, limit=50))
        view = render_home(incidents, ctx.policy, ctx.clock.now(), user_id=user, last_update=last_update, items=items)
        await client.views_publish(user_id=user, view=view)

    # Subscribed for later use (renames, archives); acknowledged so Slack does not retry them.
    @app.event("channel_rename")
    @app.event("channel_archive")
    async def on_channel_change() -> None:
        return None
