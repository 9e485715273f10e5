"""Backfill: what was said in incident channels while the bot was down, captured once, with no gaps.

Slack's channel history lists top-level messages only; a reply shows there just as its parent's `reply_count`
and `latest_reply`, and the parent may be older than anything new. So backfill walks the channel's whole
history (never only what is newer than the last captured message: at start-up, live events are captured beside
it, so "the last captured message" may be newer than what was missed), stores every message the timeline does
not hold, and reads the replies of each thread whose parent says it has replies the timeline does not hold.
A channel whose history has not changed costs one walk of its history and no replies call.

Everything goes through the same capture path as live events, keyed on the message's ts, so nothing is ever
stored twice, even when a live event and backfill meet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from incidents.capture import Capture, CaptureKind
from incidents.context import Context
from incidents.errors import ChatError
from incidents.model import Incident, IncidentFilter
from incidents.timeline import ChatMessage, StoredThread, ts_order

log = logging.getLogger(__name__)
BATCH = 100  # messages handed to the capture writer at once: its group commit stores them together


@dataclass(frozen=True)
class BackfillReport:
    reference: str
    messages: int  # messages and replies captured that the timeline did not hold yet


def thread_has_news(parent: ChatMessage, stored: StoredThread | None) -> bool:
    """Whether a thread may hold replies the timeline lacks, judged from its parent alone (no Slack call).

    A newer latest reply means replies were added; more replies than stored means one was missed in the middle
    (say, before a live reply that was captured). Replies deleted while the bot was down lower Slack's count,
    so a thread that lost one and missed one in its middle is not detected; its newest reply always is.
    """
    if parent.reply_count <= 0:
        return False
    if stored is None:
        return True
    newer = parent.latest_reply is not None and ts_order(parent.latest_reply) > ts_order(stored.newest_reply)
    return newer or parent.reply_count > stored.replies


async def backfill(ctx: Context, incident: Incident) -> BackfillReport:
    """Capture what the incident's channel holds and its timeline does not: messages, and replies in threads."""
    assert ctx.capture is not None and incident.id is not None
    if incident.channel_id is None:
        return BackfillReport(incident.reference, 0)
    channel = incident.channel_id
    ctx.capture.index.add(channel, incident.id)
    async with ctx.uow(write=False) as uow:
        known = await uow.timeline.captured_message_ts(incident.id)
        threads = await uow.timeline.stored_threads(incident.id)
    missed: list[ChatMessage] = []
    with_news: list[str] = []
    async for message in ctx.chat.history(channel):
        if not message.from_firebreak and message.ts not in known:
            missed.append(message)
        if thread_has_news(message, threads.get(message.ts)):
            with_news.append(message.ts)
    count = await _store(ctx, missed, known)
    for thread_ts in with_news:
        replies = [r async for r in ctx.chat.replies(channel, thread_ts) if r.ts != thread_ts]
        count += await _store(ctx, (r for r in replies if not r.from_firebreak and r.ts not in known), known)
    return BackfillReport(incident.reference, count)


async def _store(ctx: Context, messages: Iterable[ChatMessage], known: set[str]) -> int:
    """Capture `messages`, a batch at a time, remembering them in `known` (a thread broadcast is listed twice)."""
    assert ctx.capture is not None
    fresh: list[ChatMessage] = []
    for message in messages:
        if message.ts not in known:
            known.add(message.ts)
            fresh.append(message)
    stored = 0
    for start in range(0, len(fresh), BATCH):
        captures = [
            Capture(CaptureKind.MESSAGE, m.channel_id, ctx.clock.now(), message=m) for m in fresh[start : start + BATCH]
        ]
        stored += sum(await asyncio.gather(*(ctx.capture.capture(c) for c in captures)))
    return stored


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
