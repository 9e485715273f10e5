"""Reading an incident's timeline, for the people allowed to see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from incidents.access import visible
from incidents.changes import Target, authorize
from incidents.context import Context
from incidents.message_text import mentioned_users
from incidents.model import Incident
from incidents.timeline import ChatMessage, TimelineEntry, ts_to_datetime
from incidents.timeline_export import render


@dataclass(frozen=True)
class Timeline:
    incident: Incident
    entries: list[TimelineEntry]

    @property
    def key_events(self) -> list[TimelineEntry]:
        return [e for e in self.entries if e.is_key_event]


async def read_timeline(ctx: Context, target: Target, *, include_deleted: bool = False) -> Timeline:
    async with ctx.uow(write=False) as uow:
        incident = await visible(ctx, uow, actor=target.actor, reference=target.reference, channel_id=target.channel_id)
        assert incident.id is not None
        return Timeline(incident, await uow.timeline.entries(incident.id, include_deleted=include_deleted))


async def incident_timeline(ctx: Context, incident: Incident) -> Timeline:
    """The timeline of an incident whose access the caller has already checked (it is posting into its channel)."""
    assert incident.id is not None
    async with ctx.uow(write=False) as uow:
        return Timeline(incident, await uow.timeline.entries(incident.id))


async def timeline_file(ctx: Context, timeline: Timeline, fmt: str, zone: tzinfo) -> str:
    """The whole timeline as a file's content (md, json or csv): people by name, times in `zone`."""
    people = {e.actor for e in timeline.entries if e.actor}
    for entry in timeline.entries:
        people.update(mentioned_users(entry.text))
    names = await ctx.chat.user_names(sorted(people))
    return render(fmt, timeline.incident, timeline.entries, names, zone)


async def add_message_to_timeline(ctx: Context, target: Target, message: ChatMessage, note: str = "") -> Incident:
    """The message shortcut: a message from any channel onto an incident's timeline, keeping its author,
    time and permalink. A message from the incident's own channel is already captured, so it is flagged."""
    incident = await authorize(ctx, target)
    assert incident.id is not None
    # The platform's own permalink; where it will not give one (a private channel the bot is not in), the one
    # the shortcut could make.
    permalink = await ctx.chat.permalink(message.channel_id, message.ts) or message.permalink
    async with ctx.uow() as uow:
        flagged = message.channel_id == incident.channel_id and await uow.timeline.flag(
            incident.id, message.ts, f"shortcut:{target.actor}"
        )
        if not flagged:
            data = {
                "channel": message.channel_id,
                "ts": message.ts,
                "added_by": target.actor,
                "note": note,
                "permalink": permalink,
                "bot_name": message.bot_name,
            }
            await uow.timeline.add_manual(
                incident.id,
                at=ts_to_datetime(message.ts),
                actor=message.user or message.bot_id or "unknown",
                text=message.text,
                kind="message",
                data={k: v for k, v in data.items() if v},
            )
        await uow.commit()
    return incident
