"""Buttons: the summary's Update / Severity / Assign role / Resolve / Reopen, and Declare from Home."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import summary
from bot.errors import describe
from bot.text import problems_text
from bot.views.declare import render_declare_modal
from bot.views.forms import render_resolve_modal, render_role_modal, render_severity_modal, render_update_modal
from bot.views.home import DECLARE_ACTION
from incidents.changes import Target, authorize, reopen
from incidents.context import Context
from incidents.model import Incident
from incidents.queries import known_services

_FORMS: dict[str, Callable[[Context, Incident], dict[str, Any]]] = {
    summary.UPDATE: lambda ctx, incident: render_update_modal(ctx.policy, incident),
    summary.SEVERITY: lambda ctx, incident: render_severity_modal(ctx.policy, incident),
    summary.ROLE: lambda ctx, incident: render_role_modal(ctx.policy, incident),
    summary.RESOLVE: lambda ctx, incident: render_resolve_modal(incident),
}


async def _just_ack(ack: AsyncAck) -> None:
    await ack()


def register_actions(app: AsyncApp, ctx: Context) -> None:
    async def open_form(
        body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        target = Target(actor=body["user"]["id"], reference=action.get("value"))
        try:
            incident = await authorize(ctx, target)
            await client.views_open(trigger_id=body["trigger_id"], view=_FORMS[action["action_id"]](ctx, incident))
        except Exception as exc:
            await respond(text=describe(exc), response_type="ephemeral", replace_original=False)

    async def reopen_incident(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        target = Target(actor=body["user"]["id"], reference=action.get("value"))
        try:
            result = await reopen(ctx, target)
            message = problems_text(result.problems) if result.problems else None
        except Exception as exc:
            message = describe(exc)
        if message:
            await respond(text=message, response_type="ephemeral", replace_original=False)

    async def open_declare(body: dict[str, Any], client: AsyncWebClient) -> None:
        view = render_declare_modal(ctx.policy, declarer=body["user"]["id"], known_services=await known_services(ctx))
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    for action_id in _FORMS:
        app.action(action_id)(ack=_just_ack, lazy=[open_form])
    app.action(summary.REOPEN)(ack=_just_ack, lazy=[reopen_incident])
    app.action(DECLARE_ACTION)(ack=_just_ack, lazy=[open_declare])
    app.shortcut("declare_incident")(ack=_just_ack, lazy=[open_declare])
