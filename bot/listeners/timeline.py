"""`/incident timeline …` and `/incident note …`, the export buttons, and the message shortcut."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.format import when
from bot.blocks.timeline import EXPORT_ACTIONS, render_timeline_blocks, timeline_fallback
from bot.capture_events import chat_message
from bot.command_parser import ParsedCommand
from bot.errors import describe
from bot.text import no_incident_to_change
from bot.views.shortcut import (
    CALLBACK_ID,
    payload_permalink,
    read_shortcut_submission,
    render_add_to_timeline_modal,
)
from incidents.backfill import backfill
from incidents.changes import Target, authorize
from incidents.context import Context
from incidents.errors import ChatError, InvalidInput
from incidents.model import IncidentFilter
from incidents.notes import add_note, edit_note, remove_note, retime_note
from incidents.queries import changeable_incidents
from incidents.reading import add_message_to_timeline, read_timeline, timeline_file
from incidents.timeline_export import FORMATS

NOTE_USAGE = (
    "`/incident note <text>` · `/incident note at 14:32 <text>` · `/incident note edit <#> <text>` · "
    "`/incident note time <#> 14:35` · `/incident note remove <#>`"
)


async def timeline_command(ctx: Context, parsed: ParsedCommand, target: Target, respond: AsyncRespond) -> None:
    words = parsed.rest.split()
    if words and words[0].lower() == "sync":
        incident = await authorize(ctx, target)
        report = await backfill(ctx, incident)
        await respond(
            text=f"{incident.reference}: caught up; {report.messages} message(s) missing from the timeline captured.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    if words and words[0].lower() == "export":
        fmt = words[1].lower() if len(words) > 1 else "md"
        if fmt not in FORMATS:
            raise InvalidInput({"format": f"Export as {', '.join(FORMATS)}, e.g. `/incident timeline export csv`."})
        await export(ctx, target, fmt)
        return
    timeline = await read_timeline(ctx, target)
    await respond(
        text=timeline_fallback(timeline),
        blocks=render_timeline_blocks(timeline),
        response_type="ephemeral",
        replace_original=False,
    )


async def export(ctx: Context, target: Target, fmt: str) -> None:
    """Upload the whole timeline as a file to the incident's channel, in the reader's timezone."""
    await authorize(ctx, target, doing="export its timeline (the file goes into its channel)")
    timeline = await read_timeline(ctx, target)
    incident = timeline.incident
    if incident.channel_id is None:
        raise InvalidInput({"channel": f"{incident.reference} has no channel to upload to."})
    try:
        zone = ZoneInfo(await ctx.chat.user_timezone(target.actor))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    content = await timeline_file(ctx, timeline, fmt, zone)
    await ctx.chat.upload(
        incident.channel_id,
        filename=f"{incident.reference}-timeline.{fmt}",
        content=content.encode(),
        title=f"{incident.reference} timeline",
        comment=f"Timeline of {incident.reference}, exported by <@{target.actor}>",
    )


async def note_command(ctx: Context, parsed: ParsedCommand, target: Target, respond: AsyncRespond) -> None:
    words = parsed.rest.split(maxsplit=2)
    verb = words[0].lower() if words else ""
    if verb in ("edit", "time", "remove"):
        if len(words) < 2 or not words[1].lstrip("#").isdigit() or (verb != "remove" and len(words) < 3):
            raise InvalidInput({"note": NOTE_USAGE})
        entry_id = int(words[1].lstrip("#"))
        if verb == "edit":
            await edit_note(ctx, target, entry_id, words[2])
            message = f"Note #{entry_id} updated."
        elif verb == "time":
            at = await retime_note(ctx, target, entry_id, words[2])
            message = f"Note #{entry_id} now at {at:%Y-%m-%d %H:%M} UTC."
        else:
            await remove_note(ctx, target, entry_id)
            message = f"Note #{entry_id} removed (kept for audit, left out of the timeline)."
    elif verb == "at":
        rest = parsed.rest.split(maxsplit=2)[1:]
        parts = rest[0:1] + (rest[1].split(maxsplit=1) if len(rest) > 1 else [])
        # `at 14:32 text` or `at 2026-11-22 14:32 text`
        if len(parts) >= 2 and ":" in parts[1] and "-" in parts[0]:
            at_text, text = f"{parts[0]} {parts[1]}", parts[2] if len(parts) > 2 else ""
        else:
            at_text, text = parts[0] if parts else "", " ".join(parts[1:])
        entry = await add_note(ctx, target, text, at_text=at_text)
        message = f"Noted as #{entry.id} at {when(entry.at)}."
    elif not parsed.rest.strip():
        raise InvalidInput({"note": NOTE_USAGE})
    else:
        entry = await add_note(ctx, target, parsed.rest)
        message = f"Noted as #{entry.id}."
    await respond(text=message, response_type="ephemeral", replace_original=False)


def register_timeline(app: AsyncApp, ctx: Context) -> None:
    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def export_clicked(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        target = Target(actor=body["user"]["id"], reference=action.get("value"))
        try:
            await export(ctx, target, EXPORT_ACTIONS[action["action_id"]])
        except Exception as exc:
            await respond(text=describe(exc), response_type="ephemeral", replace_original=False)

    for action_id in EXPORT_ACTIONS:
        app.action(action_id)(ack=just_ack, lazy=[export_clicked])

    async def open_shortcut(body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        user = body["user"]["id"]
        try:
            channel = body["channel"]["id"]
            incidents = await changeable_incidents(
                ctx, user, IncidentFilter(open_only=True, limit=100), channel_id=channel
            )
            if not incidents:
                await respond(
                    text=no_incident_to_change("add this to", open_only=True),
                    response_type="ephemeral",
                    replace_original=False,
                )
                return
            message = replace(chat_message(channel, body["message"]), permalink=payload_permalink(body))
            view = render_add_to_timeline_modal(incidents, message, preselect=await _incident_here(ctx, message))
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        except Exception as exc:
            await respond(text=describe(exc), response_type="ephemeral", replace_original=False)

    async def ack_submission(ack: AsyncAck, view: dict[str, Any]) -> None:
        reference, _message, _note = read_shortcut_submission(view)
        await (ack() if reference else ack(response_action="errors", errors={"incident": "Pick an incident."}))

    async def apply_submission(body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        reference, message, note = read_shortcut_submission(view)
        try:
            incident = await add_message_to_timeline(ctx, Target(actor=user, reference=reference), message, note)
            text, channel = f"Added to the timeline of {incident.reference}.", incident.channel_id
        except Exception as exc:
            text, channel = describe(exc), None
        with contextlib.suppress(ChatError):
            await ctx.chat.tell_user(user, text, channel=channel)

    app.shortcut(CALLBACK_ID)(ack=just_ack, lazy=[open_shortcut])
    app.view(CALLBACK_ID)(ack=ack_submission, lazy=[apply_submission])


async def _incident_here(ctx: Context, message: Any) -> str | None:
    async with ctx.uow(write=False) as uow:
        incident = await uow.incidents.get_by_channel(message.channel_id)
    return incident.reference if incident else None
