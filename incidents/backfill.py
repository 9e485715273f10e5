"""Backfill: what was said in incident channels while the bot was down, captured once.

Reads the channel history since the last captured message, and the replies of every known thread since
then, and feeds them through the same capture path as live events, so duplicates are impossible.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from incidents.capture import Capture, CaptureKind
from incidents.context import Context
from incidents.errors import ChatError
from incidents.model import Incident, IncidentFilter
from incidents.timeline import ChatMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackfillReport:
    reference: str
    messages: int  # read back from the channel (stored once: already captured ones are skipped)


async def backfill(ctx: Context, incident: Incident) -> BackfillReport:
    assert ctx.capture is not None and incident.id is not None
    if incident.channel_id is None:
        return BackfillReport(incident.reference, 0)
    ctx.capture.index.add(incident.channel_id, incident.id)
    async with ctx.uow(write=False) as uow:
        oldest = await uow.timeline.last_message_ts(incident.id)
        threads = set(await uow.timeline.thread_parents(incident.id))
    count = 0
    async for message in ctx.chat.history(incident.channel_id, oldest=oldest):
        count += await _store(ctx, message)
        if message.reply_count:
            threads.add(message.ts)
    for thread_ts in sorted(threads):
        async for reply in ctx.chat.replies(incident.channel_id, thread_ts, oldest=oldest):
            if reply.ts != thread_ts:
                count += await _store(ctx, reply)
    return BackfillReport(incident.reference, count)


async def _store(ctx: Context, message: ChatMessage) -> int:
    assert ctx.capture is not None
    capture = Capture(CaptureKind.MESSAGE, message.channel_id, ctx.clock.now(), message=message)
    return int(await ctx.capture.capture(capture))


async def backfill_open_incidents(ctx: Context) -> list[BackfillReport]:
    """At start-up: catch up every open incident's channel. One failing channel does not stop the others."""
    async with ctx.uow(write=False) as uow:
        incidents = await uow.incidents.search(IncidentFilter(open_only=True, limit=1000))
    reports = []
    for incident in incidents:
        try:
            reports.append(await backfill(ctx, incident))
        except ChatError as exc:
            log.warning("Backfill of %s failed: %s", incident.reference, exc.code)
    return reports
