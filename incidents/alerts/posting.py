"""Posting and editing alert messages from durable state: a group's post, a channel's storm summary.

Each runs as scheduled work (see work.py), rendering the group (or storm) as it is when it runs, so the latest
state wins. The version shown is recorded with the post; a change that landed meanwhile leaves the row due
again POST_GAP later, so no change is lost and no message is edited more often than that. Slack refusing for a
reason that may pass (a rate limit, an outage) leaves the row due again after Retry-After; a refusal that
cannot pass (an archived channel) drops it, with the reason logged.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from incidents.alerts.context import AlertsContext
from incidents.alerts.work import POST_GAP
from incidents.errors import ChatError
from incidents.ports import DueWork

log = logging.getLogger(__name__)


async def retry_or_drop(actx: AlertsContext, work: DueWork, exc: ChatError) -> None:
    """Leave `work` due again after Retry-After, or drop it when retrying cannot help."""
    policy = actx.core.policy.scheduler
    async with actx.uow() as uow:
        if not exc.retryable or work.attempts >= policy.max_attempts:
            log.warning("Dropping alert work %s after %d attempt(s): %s", work.key, work.attempts, exc.code)
            await uow.work.remove(work.key)
        else:
            wait = max(timedelta(seconds=exc.retry_after or 0), policy.retry_after)
            await uow.work.put(replace(work, due_at=actx.core.clock.now() + wait, recovering=False))
        await uow.commit()


async def post_group(actx: AlertsContext, work: DueWork) -> None:
    """Post the group's message, or edit it to show the group as it is now."""
    group_id = int(work.data["group"])
    async with actx.uow(write=False) as uow:
        group = await uow.alerts.group(group_id)
    if group is None or not group.posts or group.channel is None:
        async with actx.uow() as uow:
            await uow.work.remove(work.key)
            await uow.commit()
        return
    now = actx.core.clock.now()
    shown, channel, ts = group.version, group.channel, group.post_ts
    try:
        if ts is None and work.recovering:  # an earlier attempt may have posted it before its process died
            since = group.first_seen - timedelta(minutes=1)
            ts = await actx.core.chat.find_notice(group.channel, work.key, since=since)
        if ts is None:
            channel, ts = await actx.chat.post_group(group.channel, group, now=now, key=work.key)
        else:
            await actx.chat.update_group(group.channel, ts, group, now=now)
    except ChatError as exc:
        return await retry_or_drop(actx, work, exc)
    async with actx.uow() as uow:
        current = await uow.alerts.group(group_id, lock=True)
        if current is not None:
            current.channel, current.post_ts = channel, ts
            current.posted_version, current.posted_at = shown, now
            await uow.alerts.save_group(current)
        if current is not None and current.version > shown:
            await uow.work.put(replace(work, due_at=now + POST_GAP, attempts=0, recovering=False))
        else:
            await uow.work.remove(work.key)
        await uow.commit()
    if current is not None and current.version > shown and actx.core.outbox.on_due is not None:
        actx.core.outbox.on_due(now + POST_GAP)


async def post_storm(actx: AlertsContext, work: DueWork) -> None:
    """Post the channel's storm summary, or edit it with the counts as they are now."""
    channel = str(work.data["channel"])
    async with actx.uow(write=False) as uow:
        storm = await uow.alerts.storm(channel)
    if storm is None or storm.posted_version >= storm.version:
        async with actx.uow() as uow:
            await uow.work.remove(work.key)
            await uow.commit()
        return
    now = actx.core.clock.now()
    shown, ts = storm.version, storm.ts
    try:
        if ts is None:
            ts = await actx.chat.post_storm(channel, storm)
        else:
            await actx.chat.update_storm(channel, ts, storm)
    except ChatError as exc:
        return await retry_or_drop(actx, work, exc)
    async with actx.uow() as uow:
        current = await uow.alerts.storm(channel)
        if current is not None and current.started_at == storm.started_at:
            current.ts, current.posted_version, current.posted_at = ts, shown, now
            await uow.alerts.save_storm(current)
        # A change meanwhile, or a new storm begun since we read this one: due again.
        again = current is not None and current.posted_version < current.version
        if again:
            await uow.work.put(replace(work, due_at=now + POST_GAP, attempts=0, recovering=False))
        else:
            await uow.work.remove(work.key)
        await uow.commit()
    if again and actx.core.outbox.on_due is not None:
        actx.core.outbox.on_due(now + POST_GAP)
