"""Modal submissions: field errors in the modal (nothing stored), else ack at once and do the work lazily."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import describe
from bot.listeners.postmortem import draft_after_resolution
from bot.text import problems_text
from bot.views import forms
from bot.views.declare import CALLBACK_ID as DECLARE
from bot.views.declare import (
    field_errors,
    read_declare_submission,
    render_declare_failed_view,
    render_declared_view,
    render_declaring_view,
)
from bot.views.inputs import selected_value
from incidents.changes import ChangeResult, Target, assign_role, change_severity, resolve
from incidents.context import Context
from incidents.declare import DeclareRequest, declare_incident, validate_declaration
from incidents.errors import ChatError, InvalidInput
from incidents.updates import post_stakeholder_update, validate_update

log = logging.getLogger(__name__)
SETUPS_AT_ONCE = 4
Work = Callable[[Context, Target, dict[str, Any]], Awaitable[ChangeResult]]


def _values(view: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    return values


async def _show(client: AsyncWebClient, view_id: str, view: dict[str, Any]) -> bool:
    """Replace what the submitted modal shows; False when it can't be (closed by the user, Slack down)."""
    try:
        await client.views_update(view_id=view_id, view=view)
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
        log.info("Could not update the declare modal %s: %s", view_id, exc)
        return False
    return True


async def _declare(ctx: Context, client: AsyncWebClient, submission: DeclareRequest, view: dict[str, Any]) -> None:
    """Record and set up the incident, then show its ID and channel in the modal (or what went wrong)."""
    try:
        declaration = await declare_incident(ctx, submission)
    except Exception as exc:
        message = describe(exc)
        if not await _show(client, view["id"], render_declare_failed_view(message)):
            with contextlib.suppress(ChatError):
                await ctx.chat.tell_user(submission.declared_by, message, channel=_origin_channel(view))
        return
    if declaration.created:  # a duplicate submission leaves the modal to the one that created it
        await _show(client, view["id"], render_declared_view(declaration.incident))


def _origin_channel(view: dict[str, Any]) -> str | None:
    with contextlib.suppress(ValueError, TypeError):
        channel = json.loads(view.get("private_metadata") or "{}").get("channel")
        return str(channel) if channel else None
    return None


def register_views(app: AsyncApp, ctx: Context, later: AsyncLazyListenerRunner) -> None:
    """`later` runs the work after an ack (the app's tracked lazy-listener runner)."""
    # Declarations are set up a few at a time, first come first served: a burst of them then neither
    # crowds out the acks on the event loop nor has every one finish last, and Slack's rate limit on
    # creating channels is met by a queue rather than by retries.
    setups = asyncio.Semaphore(SETUPS_AT_ONCE)

    async def ack_declare(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], request: AsyncBoltRequest) -> None:
        # Only checks here, no I/O: the ack is answered at once however busy the database is.
        submission = read_declare_submission(_values(view), user_id=body["user"]["id"], view_id=view["id"])
        try:
            validate_declaration(ctx, submission)
        except InvalidInput as exc:
            await ack(response_action="errors", errors=field_errors(exc.fields))
            return
        except Exception as exc:
            await ack(response_action="errors", errors={"title": describe(exc)[:150]})
            return
        await ack(response_action="update", view=render_declaring_view(submission))

        async def declare(client: AsyncWebClient) -> None:
            async with setups:
                await _declare(ctx, client, submission, view)

        # Started here rather than registered as a Bolt lazy listener, which would deep-copy the whole
        # request (the form's state and all) first: that copy alone costs as much as the rest of this ack.
        later.start(function=declare, request=request)

    app.view(DECLARE)(ack_declare)
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
