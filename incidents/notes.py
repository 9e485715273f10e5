"""Manual timeline entries: notes (with a time for things that happened outside Slack) and their fixes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidents.access import is_admin
from incidents.changes import Target, authorize
from incidents.context import Context
from incidents.errors import InvalidInput, NotFound, PermissionDenied
from incidents.model import Incident
from incidents.timeline import Source, TimelineEntry

NOTE_MAX = 3000
_CLOCK = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{1,2}):(\d{2})$")


def parse_local_time(text: str, timezone: str, now: datetime) -> datetime:
    """`14:32` (today, or yesterday if that is still to come) or `2026-11-22 14:32`, in `timezone`."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise InvalidInput({"at": f"“{text}” is not a time: write it like 14:32 or 2026-11-22 14:32."})
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise InvalidInput({"at": f"“{text}” is not a time of day."})
    local_now = now.astimezone(zone)
    if match.group(1):
        try:
            day = datetime.strptime(match.group(1), "%Y-%m-%d").date()
        except ValueError as exc:
            raise InvalidInput({"at": f"“{match.group(1)}” is not a date."}) from exc
    else:
        day = local_now.date()
    at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    if not match.group(1) and at > local_now:
        at -= timedelta(days=1)  # "14:32" said at 09:00 means yesterday's 14:32
    if at > now + timedelta(minutes=1):
        raise InvalidInput({"at": "That time is in the future."})
    return at.astimezone(now.tzinfo)


def _check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput({"text": "Write the note, e.g. `/incident note Paged the DB on-call`."})
    if len(text) > NOTE_MAX:
        raise InvalidInput({"text": f"Keep a note to {NOTE_MAX} characters."})
    return text


async def add_note(ctx: Context, target: Target, text: str, *, at_text: str | None = None) -> TimelineEntry:
    """A note on the timeline, now or at a given local time of the author's."""
    text = _check_text(text)
    incident = await authorize(ctx, target)
    now = ctx.clock.now()
    at = now
    if at_text:
        at = parse_local_time(at_text, await ctx.chat.user_timezone(target.actor), now)
    assert incident.id is not None
    async with ctx.uow() as uow:
        entry_id = await uow.timeline.add_manual(incident.id, at=at, actor=target.actor, text=text, data={})
        await uow.commit()
    return TimelineEntry(id=entry_id, at=at, kind="note", source=Source.MANUAL, actor=target.actor, text=text)


async def _editable(ctx: Context, target: Target, entry_id: int) -> tuple[Incident, TimelineEntry]:
    incident = await authorize(ctx, target)
    assert incident.id is not None
    async with ctx.uow(write=False) as uow:
        entry = await uow.timeline.entry(incident.id, entry_id)
    if entry is None or entry.deleted or entry.source is not Source.MANUAL:
        raise NotFound(f"{incident.reference} has no note #{entry_id}. `/incident timeline` shows the numbers.")
    if target.actor not in (entry.actor, incident.commander) and not is_admin(ctx, target.actor):
        raise PermissionDenied("Only the note's author or the incident commander can change it.")
    return incident, entry


async def edit_note(ctx: Context, target: Target, entry_id: int, text: str) -> None:
    text = _check_text(text)
    incident, entry = await _editable(ctx, target, entry_id)
    assert incident.id is not None
    async with ctx.uow() as uow:
        await uow.timeline.update_manual(incident.id, entry.id, text=text, at=None)
        await uow.commit()


async def retime_note(ctx: Context, target: Target, entry_id: int, at_text: str) -> datetime:
    incident, entry = await _editable(ctx, target, entry_id)
    at = parse_local_time(at_text, await ctx.chat.user_timezone(target.actor), ctx.clock.now())
    assert incident.id is not None
    async with ctx.uow() as uow:
        await uow.timeline.update_manual(incident.id, entry.id, text=None, at=at)
        await uow.commit()
    return at


async def remove_note(ctx: Context, target: Target, entry_id: int) -> None:
    """Removed notes are kept for audit (marked deleted) and left out of reading and exports."""
    incident, entry = await _editable(ctx, target, entry_id)
    assert incident.id is not None
    async with ctx.uow() as uow:
        await uow.timeline.delete_manual(incident.id, entry.id, ctx.clock.now())
        await uow.commit()
