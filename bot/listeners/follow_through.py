"""Action items (`/incident action(s)`, modals, the message shortcut) and the buttons on reminders and nudges."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.action_item_parser import parse_action_item
from bot.blocks import action_items as item_blocks
from bot.blocks.followup import render_followup_blocks
from bot.blocks.format import when
from bot.command_parser import ParsedCommand
from bot.errors import describe
from bot.listeners.action_item_forms import register_item_forms
from bot.views import action_items as item_views
from bot.views.forms import render_update_modal
from incidents.action_items import ActionItem, NewActionItem
from incidents.actions import (
    action_item_to_change,
    create_action_item,
    readable_action_items,
    reopen_action_item,
)
from incidents.changes import Target, acknowledge_incident, authorize
from incidents.context import Context
from incidents.digest import post_digest, preview_digest
from incidents.errors import InvalidInput, NotFound
from incidents.followup import Planner
from incidents.followup_actions import snooze_nudge, snooze_update_reminder
from incidents.naming import normalise_reference

EPHEMERAL: dict[str, Any] = {"response_type": "ephemeral", "replace_original": False}
# A button's work: (user, button value, request body, client) → an ephemeral answer, or None.
ButtonWork = Callable[[str, str, dict[str, Any], AsyncWebClient], Awaitable[str | None]]


async def action_command(
    ctx: Context, parsed: ParsedCommand, target: Target, respond: AsyncRespond, client: AsyncWebClient, trigger_id: str
) -> None:
    """`/incident action <text> [@owner] [due:…] [priority:…]`, or the form when no text is given."""
    if not parsed.rest.strip():
        incident = await authorize(ctx, target)
        view = item_views.render_new_item_modal(
            creator=target.actor, incidents=[incident], preselect=incident.reference
        )
        await client.views_open(trigger_id=trigger_id, view=view)
        return
    item = parse_action_item(parsed.rest, ctx.clock.now().date())
    if item.error:
        raise InvalidInput({"action": item.error})
    created = await create_action_item(ctx, target, NewActionItem(item.text, item.owner, item.due_on, item.priority))
    await respond(text=f"Action item #{created.id} for <@{created.owner}>, due {created.due_on:%a %d %b}.", **EPHEMERAL)


async def actions_command(ctx: Context, parsed: ParsedCommand, target: Target, respond: AsyncRespond) -> None:
    """`/incident actions [mine|open|overdue|all] [INC-…]`: in an incident channel, that incident's; else yours."""
    words = parsed.rest.lower().split()
    which = words[0] if words else ""
    # The ID may come first (the parser takes it) or after the word: `/incident actions all INC-2026-0042`.
    named = normalise_reference(words[1]) if len(words) == 2 and not target.reference else None
    if which not in ("", "mine", "open", "overdue", "all") or len(words) > (2 if named else 1):
        raise InvalidInput({"actions": "Say `/incident actions [mine|open|overdue|all] [INC-…]`."})
    target = replace(target, reference=named or target.reference)
    incident, items = await readable_action_items(ctx, target, which)
    scope = incident.reference if incident else "Your"
    kind = {"overdue": "overdue ", "all": ""}.get(which, "open ")
    mine_there = f" in {target.reference}" if incident is None and target.reference else ""
    title = f"{scope} {kind}action items{mine_there}"
    today = ctx.clock.now().date()
    await respond(text=title, blocks=item_blocks.render_action_item_list(items, today, title=title), **EPHEMERAL)


async def digest_command(ctx: Context, parsed: ParsedCommand, target: Target, respond: AsyncRespond) -> None:
    """`/incident digest [post]` (admins): the weekly digest now, as a preview only they see, or posted."""
    verb = parsed.rest.strip().lower()
    if verb == "post":
        channel = await post_digest(ctx, target.actor)
        await respond(text=f"Posted the weekly digest in <#{channel}>.", **EPHEMERAL)
    elif verb:
        raise InvalidInput({"digest": "Say `/incident digest` to preview it, or `/incident digest post` to post it."})
    else:
        notice = await preview_digest(ctx, target.actor)
        await respond(text=f"{notice.text} (preview)", blocks=render_followup_blocks(notice), **EPHEMERAL)


def register_follow_through(app: AsyncApp, ctx: Context, planner: Planner) -> None:
    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    def on_button(action_id: str, work: ButtonWork) -> None:
        async def run(
            body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
        ) -> None:
            try:
                message = await work(body["user"]["id"], str(action.get("value") or ""), body, client)
            except Exception as exc:
                message = describe(exc)
            if message:
                with contextlib.suppress(Exception):
                    await respond(text=message, **EPHEMERAL)

        app.action(action_id)(ack=just_ack, lazy=[run])

    async def post_update(user: str, reference: str, body: dict[str, Any], client: AsyncWebClient) -> None:
        incident = await authorize(ctx, Target(actor=user, reference=reference))
        await client.views_open(trigger_id=body["trigger_id"], view=render_update_modal(ctx.policy, incident))

    async def snooze(user: str, reference: str, _body: dict[str, Any], _client: AsyncWebClient) -> str:
        until = await snooze_update_reminder(ctx, planner, Target(actor=user, reference=reference))
        return f"Snoozed: the next update reminder for {reference} comes at {when(until)}."

    async def acknowledge(user: str, reference: str, _body: dict[str, Any], _client: AsyncWebClient) -> None:
        await acknowledge_incident(ctx, Target(actor=user, reference=reference))

    async def item_snooze(user: str, value: str, _body: dict[str, Any], _client: AsyncWebClient) -> str:
        await snooze_nudge(ctx, planner, user, int(value))
        return f"OK, I'll remind you about #{value} tomorrow."

    async def item_reopen(user: str, value: str, _body: dict[str, Any], _client: AsyncWebClient) -> str:
        await reopen_action_item(ctx, user, int(value))
        return f"Action item #{value} reopened."

    def opens(render: Callable[[ActionItem], dict[str, Any]]) -> ButtonWork:
        """A button that opens a form changing an item: only for someone who may change it."""

        async def work(user: str, value: str, body: dict[str, Any], client: AsyncWebClient) -> None:
            if not value.isdigit():
                raise NotFound(f"There is no action item #{value}.")
            item = await action_item_to_change(ctx, user, int(value))
            await client.views_open(trigger_id=body["trigger_id"], view=render(item))

        return work

    def complete_view(item: ActionItem) -> dict[str, Any]:
        return item_views.render_complete_modal(item.id)

    def reassign_view(item: ActionItem) -> dict[str, Any]:
        return item_views.render_reassign_modal(item.id)

    def due_view(item: ActionItem) -> dict[str, Any]:
        return item_views.render_reschedule_modal(item.id, item.due_on)

    on_button("reminder_post_update", post_update)
    on_button("reminder_snooze", snooze)
    on_button("incident_acknowledge", acknowledge)
    on_button("summary_acknowledge", acknowledge)
    on_button("item_snooze", item_snooze)
    on_button(item_blocks.REOPEN, item_reopen)
    on_button(item_blocks.DONE, opens(complete_view))
    on_button(item_blocks.REASSIGN, opens(reassign_view))
    on_button(item_blocks.DUE, opens(due_view))
    register_item_forms(app, ctx)
