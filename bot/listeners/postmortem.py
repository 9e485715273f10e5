"""`/incident postmortem …`, its modals, the Track buttons, and drafting on resolution."""

from __future__ import annotations

import contextlib
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import postmortem as blocks
from bot.command_parser import ParsedCommand
from bot.errors import describe
from bot.people_fields import person_field_errors
from bot.postmortem_posting import announce_publication, post_postmortem
from bot.text import problems_text
from bot.views import postmortem as views
from incidents.actions import default_due
from incidents.changes import ChangeResult, Target
from incidents.context import Context
from incidents.errors import ChatError, InvalidInput
from incidents.postmortem_publish import publish_postmortem
from incidents.postmortems import (
    SECTION_MAX,
    auto_draft_due,
    draft_postmortem,
    edit_section,
    editable_postmortem,
    editable_sections,
    read_postmortem,
    send_for_review,
    suggestion,
    track_suggestion,
)


async def postmortem_command(
    ctx: Context, parsed: ParsedCommand, target: Target, respond: AsyncRespond, client: AsyncWebClient, trigger: str
) -> None:
    words = parsed.rest.split()
    verb = words[0].lower() if words else ""
    problems: list[str] = []
    if verb in ("", "redraft", "regenerate"):
        reading = await read_postmortem(ctx, target)
        incident, current = reading.incident, reading.postmortem
        if current is not None and not verb and not reading.may_post:
            # Reading it needs only sight; posting it into the channel again would be a change.
            await respond(
                text=blocks.reading_text(incident, current), response_type="ephemeral", replace_original=False
            )
            return
        if current is None or verb:
            current = await draft_postmortem(ctx, target)
            message = blocks.draft_line(current)
        else:
            message = (
                f"Posted v{current.version} of {incident.reference}'s postmortem ({current.status.label.lower()})."
            )
        problems = await post_postmortem(ctx, client, incident, current)
    elif verb == "edit":
        await _open_editor(ctx, target, client, trigger, words[1] if len(words) > 1 else None)
        return
    elif verb == "review":
        postmortem, problems = await send_for_review(ctx, target)
        message = f"v{postmortem.version} of {postmortem.reference}'s postmortem is in review."
    elif verb == "publish":
        publication = await publish_postmortem(ctx, target)
        announce_problems, announced_in = await announce_publication(ctx, client, publication)
        problems = publication.problems + announce_problems
        message = blocks.published_text(publication.postmortem, closed=publication.closed, announced=announced_in)
    else:
        message = blocks.USAGE
    if problems:
        message += "\n" + problems_text(problems)
    await respond(text=message, response_type="ephemeral", replace_original=False)


async def _open_editor(ctx: Context, target: Target, client: AsyncWebClient, trigger: str, key: str | None) -> None:
    postmortem = await editable_postmortem(ctx, target)
    if key is None:
        await client.views_open(trigger_id=trigger, view=views.render_pick_modal(postmortem))
        return
    section = next((s for s in editable_sections(postmortem) if s.key == key.lower()), None)
    if section is None:
        keys = ", ".join(s.key for s in editable_sections(postmortem))
        raise InvalidInput({"section": f"There is no section “{key}” to edit. Choose one of: {keys}."})
    await client.views_open(trigger_id=trigger, view=views.render_section_modal(postmortem, section))


async def draft_after_resolution(ctx: Context, result: ChangeResult, client: AsyncWebClient, actor: str) -> None:
    """Called where incidents get resolved in Slack: the policy's severities get a draft at once."""
    incident = result.incident
    try:
        if not await auto_draft_due(ctx, incident):
            return
        postmortem = await draft_postmortem(ctx, Target(actor=actor, reference=incident.reference), automatic=True)
        problems = await post_postmortem(ctx, client, incident, postmortem, automatic=True)
        message = problems_text(problems) if problems else None
    except Exception as exc:
        message = describe(exc)
    if message:
        with contextlib.suppress(ChatError):
            await ctx.chat.tell_user(actor, message, channel=incident.channel_id)


def register_postmortem(app: AsyncApp, ctx: Context) -> None:
    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def tell(user: str, text: str, channel: str | None = None) -> None:
        with contextlib.suppress(ChatError):
            await ctx.chat.tell_user(user, text, channel=channel)

    async def ack_pick(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        reference, key = views.picked_section(view)
        if not key:
            await ack(response_action="errors", errors={"section": "Pick a section."})
            return
        try:
            postmortem = await editable_postmortem(ctx, Target(actor=body["user"]["id"], reference=reference))
            section = postmortem.document.section(key)
            if section is None:
                raise InvalidInput({"section": "That section is gone; pick another."})
        except Exception as exc:
            await ack(response_action="errors", errors={"section": describe(exc)[:150]})
            return
        await ack(response_action="update", view=views.render_section_modal(postmortem, section))

    def edit_errors(view: dict[str, Any]) -> dict[str, str]:
        _reference, _key, text = views.read_section_edit(view)
        if not text:
            return {"text": "Write the section (or a line saying why there is nothing to say)."}
        return {"text": f"Keep a section to {SECTION_MAX} characters."} if len(text) > SECTION_MAX else {}

    async def ack_edit(ack: AsyncAck, view: dict[str, Any]) -> None:
        errors = edit_errors(view)
        await (ack(response_action="errors", errors=errors) if errors else ack())

    async def save_edit(body: dict[str, Any], view: dict[str, Any]) -> None:
        if edit_errors(view):
            return
        user = body["user"]["id"]
        reference, key, text = views.read_section_edit(view)
        try:
            postmortem = await edit_section(ctx, Target(actor=user, reference=reference), key, text)
            section = postmortem.document.section(key)
            await tell(user, blocks.saved_text(postmortem, section.title if section else key))
        except Exception as exc:
            await tell(user, describe(exc))

    async def open_track(
        body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        user = body["user"]["id"]
        try:
            parsed = blocks.read_track_value(str(action.get("value") or ""))
            if parsed is None:
                raise InvalidInput({"value": "That button is out of date; run `/incident postmortem` again."})
            reference, version, index = parsed
            postmortem, suggested = await suggestion(ctx, Target(actor=user, reference=reference), version, index)
            due = default_due(ctx, suggested.priority, ctx.clock.now().date())
            view = views.render_track_modal(postmortem, index, suggested, owner=user, due=due)
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        except Exception as exc:
            await respond(text=describe(exc), response_type="ephemeral", replace_original=False)

    def track_errors(view: dict[str, Any]) -> dict[str, str]:
        _reference, _version, _index, _text, owner, due = views.read_track(view)
        errors = {} if owner else {"owner": "Pick an owner."}
        if due is not None and due < ctx.clock.now().date():
            errors["due"] = "The due date is in the past."
        return errors

    async def ack_track(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors = track_errors(view)
        if not errors:
            owner = views.read_track(view)[4]
            errors = await person_field_errors(ctx, body["user"]["id"], {"owner": owner})
        await (ack(response_action="errors", errors=errors) if errors else ack())

    async def create_tracked(body: dict[str, Any], view: dict[str, Any]) -> None:
        if track_errors(view):
            return
        user = body["user"]["id"]
        reference, version, index, text, owner, due = views.read_track(view)
        try:
            item = await track_suggestion(
                ctx, Target(actor=user, reference=reference), version, index, owner=owner or user, due_on=due, text=text
            )
            await tell(user, f"Tracking it as action item #{item.id} for <@{item.owner}>, due {item.due_on:%a %d %b}.")
        except Exception as exc:
            await tell(user, describe(exc))

    app.view(views.PICK)(ack_pick)
    app.view(views.EDIT)(ack=ack_edit, lazy=[save_edit])
    app.action(blocks.TRACK)(ack=just_ack, lazy=[open_track])
    app.view(views.TRACK_ITEM)(ack=ack_track, lazy=[create_tracked])
