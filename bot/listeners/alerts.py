"""An alert group's post: Acknowledge, Silence, Declare incident (a pre-filled form), Link to incident."""

from __future__ import annotations

import contextlib
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts_blocks import ACK, DECLARE, LINK, SILENCE
from bot.alerts_views import DECLARE_FROM_ALERT, LINK_ALERT, group_of, render_alert_declare_modal, render_link_modal
from bot.errors import describe
from bot.views.declare import (
    field_errors,
    read_declare_submission,
    render_declare_failed_view,
    render_declared_view,
    render_declaring_view,
)
from bot.views.inputs import selected_value
from incidents.alerts.context import AlertsContext
from incidents.alerts.group_actions import (
    acknowledge_group,
    declare_form_request,
    declare_from_group,
    link_group,
    silence_group,
)
from incidents.declare import DeclareRequest, validate_declaration
from incidents.errors import InvalidInput, NotFound
from incidents.model import IncidentFilter
from incidents.queries import known_services, list_incidents


async def _just_ack(ack: AsyncAck) -> None:
    await ack()


def register_alerts(app: AsyncApp, actx: AlertsContext) -> None:
    ctx = actx.core

    async def tell(respond: AsyncRespond, exc: Exception) -> None:
        await respond(text=describe(exc), response_type="ephemeral", replace_original=False)

    async def acknowledge(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        try:
            await acknowledge_group(actx, int(action["value"]), body["user"]["id"])
        except Exception as exc:
            await tell(respond, exc)

    async def silence(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        group_id, _, choice = str(action.get("selected_option", {}).get("value", "")).partition(":")
        try:
            await silence_group(actx, int(group_id), choice, body["user"]["id"])
        except Exception as exc:
            await tell(respond, exc)

    async def open_declare(
        body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        try:
            async with actx.uow(write=False) as uow:
                group = await uow.alerts.group(int(action["value"]))
            if group is None:
                raise NotFound("That alert is no longer known.")
            request = declare_form_request(actx, group)
            user = body["user"]["id"]
            view = render_alert_declare_modal(
                ctx.policy, request, group, declarer=user, known_services=await known_services(ctx)
            )
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        except Exception as exc:
            await tell(respond, exc)

    async def open_link(
        body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        try:
            async with actx.uow(write=False) as uow:
                group = await uow.alerts.group(int(action["value"]))
            if group is None:
                raise NotFound("That alert is no longer known.")
            incidents = await list_incidents(ctx, body["user"]["id"], IncidentFilter(open_only=True, limit=100))
            if not incidents:
                raise NotFound("There is no open incident to link this alert to.")
            await client.views_open(trigger_id=body["trigger_id"], view=render_link_modal(group, incidents))
        except Exception as exc:
            await tell(respond, exc)

    def submission(body: dict[str, Any], view: dict[str, Any]) -> DeclareRequest:
        values: dict[str, Any] = view.get("state", {}).get("values", {})
        return read_declare_submission(values, user_id=body["user"]["id"], view_id=view["id"])

    async def check_declare(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        request = submission(body, view)
        try:
            validate_declaration(ctx, request)
        except InvalidInput as exc:
            await ack(response_action="errors", errors=field_errors(exc.fields))
            return
        await ack(response_action="update", view=render_declaring_view(request))

    async def declare(body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        request = submission(body, view)
        try:
            validate_declaration(ctx, request)  # the ack refused what fails here: nothing to do
        except InvalidInput:
            return
        try:
            declaration = await declare_from_group(actx, group_of(view), request)
            shown = render_declared_view(declaration.incident)
        except Exception as exc:
            shown = render_declare_failed_view(describe(exc))
        with contextlib.suppress(SlackApiError):
            await client.views_update(view_id=view["id"], view=shown)

    async def submit_link(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        values: dict[str, Any] = view.get("state", {}).get("values", {})
        reference = selected_value(values, "incident") or ""
        try:
            await link_group(actx, group_of(view), reference, body["user"]["id"])
        except Exception as exc:
            await ack(response_action="errors", errors={"incident": describe(exc)[:150]})
            return
        await ack()

    app.action(ACK)(ack=_just_ack, lazy=[acknowledge])
    app.action(SILENCE)(ack=_just_ack, lazy=[silence])
    app.action(DECLARE)(ack=_just_ack, lazy=[open_declare])
    app.action(LINK)(ack=_just_ack, lazy=[open_link])
    app.view(DECLARE_FROM_ALERT)(ack=check_declare, lazy=[declare])
    app.view(LINK_ALERT)(submit_link)
