"""Modal submissions: field errors in the modal (nothing stored), else ack at once and do the work lazily."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import describe
from bot.listeners.declare import register_declare
from bot.listeners.postmortem import draft_after_resolution
from bot.people_fields import person_field_errors
from bot.text import problems_text
from bot.views import forms
from bot.views.inputs import selected_value
from incidents.changes import ChangeResult, Target, assign_role, change_severity, resolve
from incidents.context import Context
from incidents.errors import ChatError, InvalidInput
from incidents.updates import post_stakeholder_update, validate_update

Work = Callable[[Context, Target, dict[str, Any]], Awaitable[ChangeResult]]


def _values(view: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    return values


def register_views(app: AsyncApp, ctx: Context, later: AsyncLazyListenerRunner) -> None:
    """`later` runs the work after an ack (the app's tracked lazy-listener runner); see bot/listeners/declare.py."""
    register_declare(app, ctx, later)
    _register_change(app, ctx, forms.UPDATE, _validate_update, _update)
    _register_change(app, ctx, forms.SEVERITY, _validate_severity, _severity)
    _register_change(
        app, ctx, forms.ROLE, _validate_role, _role, people=lambda values: {"user": forms.read_role(values)[1]}
    )
    _register_change(app, ctx, forms.RESOLVE, _validate_resolve, _resolve)


Validator = Callable[[Context, dict[str, Any]], dict[str, str]]
# The people a form names, by field, checked in the ack too (see bot/people_fields.py).
People = Callable[[dict[str, Any]], dict[str, str | None]]


def _register_change(
    app: AsyncApp, ctx: Context, callback_id: str, validate: Validator, work: Work, people: People | None = None
) -> None:
    """A modal that changes an incident: validate in the ack, apply after it, report problems to the actor."""

    async def ack_change(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors = validate(ctx, _values(view))
        if not errors and people is not None:
            errors = await person_field_errors(ctx, body["user"]["id"], people(_values(view)))
        await (ack(response_action="errors", errors=errors) if errors else ack())

    async def apply(body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        target = Target(actor=body["user"]["id"], reference=view.get("private_metadata") or None)
        if validate(ctx, _values(view)):
            return
        result = None
        try:
            result = await work(ctx, target, _values(view))
            message = problems_text(result.problems) if result.problems else None
            channel = result.incident.channel_id
        except Exception as exc:
            message, channel = describe(exc), None
        if message:
            with contextlib.suppress(ChatError):
                await ctx.chat.tell_user(target.actor, message, channel=channel)
        if result is not None:  # the resolve form: the policy's severities get a postmortem draft at once
            await draft_after_resolution(ctx, result, client, target.actor)

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
