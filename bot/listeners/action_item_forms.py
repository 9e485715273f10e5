"""Action-item modal submissions and the "Create action item" message shortcut."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture_events import chat_message
from bot.errors import describe
from bot.people_fields import person_field_errors
from bot.text import no_incident_to_change
from bot.views import action_items as item_views
from bot.views.inputs import selected_user, text_value
from incidents.action_items import NewActionItem
from incidents.actions import change_due_date, complete_action_item, create_action_item, reassign_action_item
from incidents.changes import Target
from incidents.context import Context
from incidents.errors import ChatError, InvalidInput
from incidents.message_text import readable
from incidents.model import IncidentFilter
from incidents.queries import changeable_incidents, incident_for_channel

Apply = Callable[[str, dict[str, Any]], Awaitable[str]]


def register_item_forms(app: AsyncApp, ctx: Context) -> None:
    async def tell(user: str, text: str) -> None:
        with contextlib.suppress(ChatError):
            await ctx.chat.tell_user(user, text)

    def on_submit(
        callback_id: str, validate: Callable[[dict[str, Any]], dict[str, str]], apply: Apply, owner_field: bool = False
    ) -> None:
        """`owner_field`: the form names an owner, checked in the ack too (see bot/people_fields.py)."""

        async def ack_submission(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
            errors = validate(view)
            if not errors and owner_field:
                owner = selected_user(_values(view), "owner")
                errors = await person_field_errors(ctx, body["user"]["id"], {"owner": owner})
            await (ack(response_action="errors", errors=errors) if errors else ack())

        async def run(body: dict[str, Any], view: dict[str, Any]) -> None:
            if validate(view):
                return
            user = body["user"]["id"]
            try:
                message = await apply(user, view)
            except Exception as exc:
                message = describe(exc)
            await tell(user, message)

        app.view(callback_id)(ack=ack_submission, lazy=[run])

    def validate_new(view: dict[str, Any]) -> dict[str, str]:
        reference, text, owner, _priority, due, _source = item_views.read_new_item(view)
        errors = {} if text else {"text": "Say what needs doing."}
        if not reference:
            errors["incident"] = "Pick the incident."
        if due is not None and due < ctx.clock.now().date():
            errors["due"] = "The due date is in the past."
        return errors if owner else {**errors, "owner": "Pick an owner."}

    async def create(user: str, view: dict[str, Any]) -> str:
        reference, text, owner, priority, due, source = item_views.read_new_item(view)
        item = await create_action_item(
            ctx, Target(actor=user, reference=reference), NewActionItem(text, owner, due, priority, source=source)
        )
        due_text = f"{item.due_on:%a %d %b}"
        return f"Action item #{item.id} created for <@{item.owner}>, due {due_text} ({item.incident_reference})."

    def _values(view: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = view.get("state", {}).get("values", {})
        return values

    async def complete(user: str, view: dict[str, Any]) -> str:
        item = await complete_action_item(
            ctx, user, int(view["private_metadata"]), text_value(_values(view), "evidence")
        )
        return f"Action item #{item.id} is done. Thank you!"

    def validate_owner(view: dict[str, Any]) -> dict[str, str]:
        return {} if selected_user(_values(view), "owner") else {"owner": "Pick the new owner."}

    async def reassign(user: str, view: dict[str, Any]) -> str:
        owner = selected_user(_values(view), "owner") or ""
        item = await reassign_action_item(ctx, user, int(view["private_metadata"]), owner)
        return f"Action item #{item.id} now belongs to <@{item.owner}>."

    def _due(view: dict[str, Any]) -> date | None:
        raw = _values(view).get("due", {}).get("due", {}).get("selected_date")
        return date.fromisoformat(raw) if raw else None

    def validate_due(view: dict[str, Any]) -> dict[str, str]:
        due = _due(view)
        if due is None:
            return {"due": "Pick a date."}
        return {"due": "The due date is in the past."} if due < ctx.clock.now().date() else {}

    async def reschedule(user: str, view: dict[str, Any]) -> str:
        due = _due(view)
        if due is None:
            raise InvalidInput({"due": "Pick a date."})
        item = await change_due_date(ctx, user, int(view["private_metadata"]), due)
        return f"Action item #{item.id} is now due {item.due_on:%a %d %b}."

    on_submit(item_views.NEW, validate_new, create, owner_field=True)
    on_submit(item_views.COMPLETE, lambda _view: {}, complete)
    on_submit(item_views.REASSIGN, validate_owner, reassign, owner_field=True)
    on_submit(item_views.RESCHEDULE, validate_due, reschedule)

    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def open_from_message(body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        user = body["user"]["id"]
        try:
            channel = body["channel"]["id"]
            query = IncidentFilter(open_only=False, limit=100)
            incidents = await changeable_incidents(ctx, user, query, channel_id=channel)
            if not incidents:
                await respond(
                    text=no_incident_to_change("add an action item to"),
                    response_type="ephemeral",
                    replace_original=False,
                )
                return
            message = chat_message(channel, body["message"])
            here = await incident_for_channel(ctx, message.channel_id)
            view = item_views.render_new_item_modal(
                creator=user,
                incidents=incidents,
                text=readable(message.text, {})[:500],  # a plain-text field would show `&gt;` as it is
                # The incident where the message is, when it is one of those offered (else it would be picked unseen).
                preselect=here.reference if here and any(i.id == here.id for i in incidents) else None,
                source="shortcut",
            )
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        except Exception as exc:
            await respond(text=describe(exc), response_type="ephemeral", replace_original=False)

    app.shortcut(item_views.SHORTCUT)(ack=just_ack, lazy=[open_from_message])
