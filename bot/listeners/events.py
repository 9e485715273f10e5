"""Events API: channel membership (who may change an incident) and the App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.views.home import render_home
from incidents.context import Context
from incidents.membership import member_joined, member_left
from incidents.model import IncidentFilter
from incidents.queries import list_incidents


def register_events(app: AsyncApp, ctx: Context) -> None:
    @app.event("member_joined_channel")
    async def on_join(event: dict[str, Any]) -> None:
        await member_joined(ctx, event["channel"], event["user"])

    @app.event("member_left_channel")
    async def on_leave(event: dict[str, Any]) -> None:
        await member_left(ctx, event["channel"], event["user"])

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        incidents = await list_incidents(ctx, user, IncidentFilter(open_only=True, limit=40))
        await client.views_publish(user_id=user, view=render_home(incidents, ctx.policy, ctx.clock.now(), user_id=user))

    # Subscribed for later use (renames, archives); acknowledged so Slack does not retry them.
    @app.event("channel_rename")
    @app.event("channel_archive")
    async def on_channel_change() -> None:
        return None
