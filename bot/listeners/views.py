"""Modal submissions: field errors in the modal (nothing stored), else ack and do the work lazily."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.errors import describe
from bot.text import problems_text
from bot.views import forms
from bot.views.declare import CALLBACK_ID as DECLARE
from bot.views.declare import field_errors, read_declare_submission, render_declared_view
from bot.views.inputs import selected_value
from incidents.changes import ChangeResult, Target, assign_role, change_severity, resolve
from incidents.context import Context
from incidents.declare import incident_for_submission, record_declaration, set_up_incident
from incidents.errors import ChatError, InvalidInput
from incidents.updates import post_stakeholder_update, validate_update

Work = Callable[[Context, Target, dict[str, Any]], Awaitable[ChangeResult]]


def _values(view: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    return values


def _origin_channel(view: dict[str, Any]) -> str | None:
    with contextlib.suppress(ValueError, TypeError):
        channel = json.loads(view.get("private_metadata") or "{}").get("channel")
        return str(channel) if channel else None
    return None


def register_views(app: AsyncApp, ctx: Context) -> None:
    async def ack_declare(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        request = read_declare_submission(_values(view), user_id=body["user"]["id"], view_id=view["id"])
        try:
            incident, _created = await record_declaration(ctx, request)
        except InvalidInput as exc:
            await ack(response_action="errors", errors=field_errors(exc.fields))
            return
        except Exception as exc:
            await ack(response_action="errors", errors={"title": describe(exc)[:150]})
            return
        await ack(response_action="update", view=render_declared_view(incident))

    async def set_up(body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        try:
            incident = await incident_for_submission(ctx, view["id"])
            if incident is not None:
                await set_up_incident(ctx, incident.reference)
        except Exception as exc:
            with contextlib.suppress(ChatError):
                await ctx.chat.tell_user(user, describe(exc), channel=_origin_channel(view))

    app.view(DECLARE)(ack=ack_declare, lazy=[set_up])
    _register_change(app, ctx, forms.UPDATE, _validate_update, _update)
    _register_change(app, ctx, forms.SEVERITY, _validate_severity, _severity)
    _register_change(app, ctx, forms.ROLE, _validate_role, _role)
    _register_change(app, ctx, forms.RESOLVE, _validate_resolve, _resolve)


Validator = Callable[[Context, dict[str, Any]], dict[str, str]]


def _register_change(app: AsyncApp, ctx: Context, callback_id: str, validate: Validator, work: Work) -> None:
    """A modal that changes an incident: validate in the ack, apply after it, report problems to the actor."""

    async def ack_change(ack: AsyncAck, view: dict[str, Any]) -> None:
        errors = validate(ctx, _values(view))
        await (ack(response_action="errors", errors=errors) if errors else ack())

    async def apply(body: dict[str, Any], view: dict[str, Any]) -> None:
        target = Target(actor=body["user"]["id"], reference=view.get("private_metadata") or None)
        if validate(ctx, _values(view)):
            return
        try:
            result = await work(ctx, target, _values(view))
            message = problems_text(result.problems) if result.problems else None
            channel = result.incident.channel_id
        except Exception as exc:
            message, channel = describe(exc), None
        if message:
            with contextlib.suppress(ChatError):
                await ctx.chat.tell_user(target.actor, message, channel=channel)

    app.view(callback_id)(ack=ack_change, lazy=[apply])


def _validate_update(ctx: Context, values: dict[str, Any]) -> dict[str, str]:
    try:
        validate_update(ctx, forms.read_update(values))
    except InvalidInput as exc:
        return exc.fields
    return {}


async def _update(ctx: Context, target: Target, values: dict[str, Any]) -> ChangeResult:
    return await post_stakeholder_update(ctx, target, forms.read_update(values))


def _validate_severity(ctx: Context, values: dict[str, Any]) -> dict[str, str]:
    from_form = selected_value(values, "severity") or ""
    return {} if ctx.policy.severity(from_form) else {"severity": "Pick a severity."}


async def _severity(ctx: Context, target: Target, values: dict[str, Any]) -> ChangeResult:
    severity = selected_value(values, "severity") or ""
    return await change_severity(ctx, target, severity, forms.read_note(values, "note"))


def _validate_role(ctx: Context, values: dict[str, Any]) -> dict[str, str]:
    role, user = forms.read_role(values)
    errors = {} if ctx.policy.role(role) else {"role": "Pick a role."}
    return errors if user else {**errors, "user": "Pick a person."}


async def _role(ctx: Context, target: Target, values: dict[str, Any]) -> ChangeResult:
    role, user = forms.read_role(values)
    return await assign_role(ctx, target, role, user)


def _validate_resolve(ctx: Context, values: dict[str, Any]) -> dict[str, str]:
    summary = forms.read_note(values, "summary")
    return {} if summary else {"summary": "Say in a sentence or two what resolved it."}


async def _resolve(ctx: Context, target: Target, values: dict[str, Any]) -> ChangeResult:
    return await resolve(ctx, target, forms.read_note(values, "summary"))
