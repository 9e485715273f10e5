"""Doing the work that is due: exactly once, across restarts and replicas.

1. Claim: due rows are marked `firing` in one transaction (two runners cannot claim the same row).
2. Re-check: the incident or item is read afresh; work that is no longer relevant is dropped unsent.
3. Send: each message carries an idempotency key. A key already recorded as sent is never sent again; a
   row whose earlier claim expired (its runner crashed) first looks for its key in Slack before sending, so a
   crash between sending and recording still sends once.
4. Record and plan: the send is recorded, and the next occurrence replaces the row (or the row goes).
A failed send is retried later (rate limits: after Retry-After), or dropped with the reason logged when
retrying cannot help; it never stops the runner. Slack effects of changes (effects.py) are rows here too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from incidents import effect_runner
from incidents.action_items import ActionItemFilter
from incidents.context import Context
from incidents.digest import WEEK, digest_channel
from incidents.effects import EFFECT_KINDS, flush_done
from incidents.errors import ChatError
from incidents.followup import Planner, next_digest, next_nudge, nudge_key
from incidents.followup_notices import digest_notice, escalation_notice, nudge_notice, reminder_notice
from incidents.model import Incident, IncidentFilter, TimelineEvent
from incidents.ports import DueWork, FollowThroughMetrics, FollowUpNotice
from incidents.search.after_declaration import SIMILAR, run_similar_work
from incidents.working_hours import is_working_time, next_working_time, zone

log = logging.getLogger(__name__)

# Slack errors that retrying cannot fix: the work is dropped (and logged) rather than retried forever.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "user_not_found",
        "account_inactive",
        "not_in_channel",
        "cannot_dm_bot",
        "user_disabled",
        "invalid_auth",
        "missing_scope",
        "restricted_action",
    }
)
CLAIM_BATCH = 200
BATCH = 100  # incidents planned per transaction at start-up


class _Unmeasured:
    def work_fired(self, kind: str, late_by: timedelta) -> None:
        return None


class FollowThrough:
    def __init__(
        self,
        ctx: Context,
        planner: Planner,
        *,
        metrics: FollowThroughMetrics | None = None,
        other_work: Mapping[str, Callable[[DueWork], Awaitable[None]]] | None = None,
    ) -> None:
        self.ctx = ctx
        self.planner = planner
        self.metrics = metrics or _Unmeasured()
        # Work of other slices by kind (alerts: posts, storms, declarations), run by its own handler.
        self.other_work = dict(other_work or {})
        # Kinds of work other slices do on this machinery (on-call pages, handoffs: issue 11), by kind.
        self.handlers: dict[str, Callable[[DueWork], Awaitable[None]]] = {}
        self.reconcilers: list[Callable[[], Awaitable[None]]] = []  # and what plans their rows at start-up

    async def reconcile(self) -> None:
        """Plan what is missing (start-up, or after an upgrade brought incidents that predate a rule).

        Work already planned is left as it is. Writes are committed in small batches, so the one SQLite writer
        is never held for long while the bot is already serving.
        """
        async with self.ctx.uow(write=False) as uow:
            planned = await uow.work.keys()
            incidents = await uow.incidents.search(IncidentFilter(open_only=False, limit=5000))
            items = await uow.action_items.search(ActionItemFilter(open_only=True, limit=1_000_000))
        planned_incidents = {int(k.split(":")[1]) for k in planned if k.split(":")[0] in ("update", "ack", "mgmt")}
        missing = [
            i
            for i in incidents
            if i.id not in planned_incidents
            and (self.ctx.policy.is_open(i.status) or (i.resolved_at and i.postmortem_published_at is None))
        ]
        for start in range(0, len(missing), BATCH):
            async with self.ctx.uow() as uow:
                for incident in missing[start : start + BATCH]:
                    await self.planner.incident_changed(uow, incident)
                await uow.commit()
        now = self.ctx.clock.now()
        nudges = [self.planner.nudge_work(item, now) for item in items if nudge_key(item.id) not in planned]
        for start in range(0, len(nudges), BATCH * 5):
            async with self.ctx.uow() as uow:
                await uow.work.put_many(nudges[start : start + BATCH * 5])
                await uow.commit()
        async with self.ctx.uow() as uow:
            await self.planner.ensure_digest(uow)
            await uow.commit()
        for reconcile in self.reconcilers:
            await reconcile()

    async def run_due(self) -> datetime | None:
        """Do everything due now; returns when the next work falls due (None: nothing scheduled)."""
        now = self.ctx.clock.now()
        async with self.ctx.uow() as uow:
            # Slack effects this process finished are deleted first, so they are never claimed again.
            await flush_done(self.ctx, uow)
            claimed = await uow.work.claim_due(now, lease=self.ctx.policy.scheduler.claim_lease, limit=CLAIM_BATCH)
            await uow.commit()
        for work in claimed:
            self.metrics.work_fired(work.kind, now - work.due_at)
            await self._fire(work)
        async with self.ctx.uow(write=False) as uow:
            return await uow.work.next_due()

    async def flush_done(self) -> None:
        """Delete the Slack effects this process finished (a replica that does not run the scheduler)."""
        await effect_runner.flush(self.ctx)

    async def _fire(self, work: DueWork) -> None:
        if work.kind in EFFECT_KINDS:
            return await effect_runner.run_scheduled(self.ctx, work)
        if work.kind in self.other_work:
            return await self.other_work[work.kind](work)
        handlers = {
            "update": self._update,
            "ack": self._ack,
            "mgmt": self._management,
            "postmortem": self._postmortem,
            "nudge": self._nudge,
            "digest": self._digest,
            **self.handlers,
            SIMILAR: self._similar,  # search: the similar-incidents post after a declaration
        }
        try:
            await handlers[work.kind](work)
        except ChatError as exc:
            await self._failed(work, exc.code, exc.retry_after)
        except Exception:
            log.exception("Scheduled work %s failed", work.key)
            await self._failed(work, "internal_error")

    async def _failed(self, work: DueWork, code: str, retry_after: float | None = None) -> None:
        policy = self.ctx.policy.scheduler
        async with self.ctx.uow() as uow:
            if code in PERMANENT or work.attempts >= policy.max_attempts:
                log.warning("Dropping scheduled work %s after %d attempt(s): %s", work.key, work.attempts, code)
                await uow.work.remove(work.key)
            else:
                # A rate limit's Retry-After was already waited out by the client as often as it retries.
                wait = max(policy.retry_after, timedelta(seconds=retry_after or 0))
                retry = replace(work, due_at=self.ctx.clock.now() + wait, recovering=False)
                await uow.work.put(retry)
            await uow.commit()

    async def _send(self, work: DueWork, target: str, notice: FollowUpNotice, key: str) -> bool:
        """Send once per key; True when this call sent it."""
        async with self.ctx.uow(write=False) as uow:
            if await uow.work.was_sent(key):
                return False
        now = self.ctx.clock.now()
        if work.recovering and await self.ctx.chat.find_notice(target, key, since=work.due_at - timedelta(minutes=1)):
            channel, ts = target, None
        else:
            channel, ts = await self.ctx.chat.send_notice(target, notice, key=key)
        async with self.ctx.uow() as uow:
            await uow.work.record_sent(key, channel, ts, now)
            await uow.commit()
        return ts is not None

    async def send_once(self, work: DueWork, target: str, notice: FollowUpNotice, key: str) -> bool:
        """Send `notice` once per `key`, ever (see the module's steps); for the handlers of other slices."""
        return await self._send(work, target, notice, key)

    async def finish(self, work: DueWork, next_work: DueWork | None) -> None:
        """Remove the work (or replace it by `next_work`) once done; for the handlers of other slices."""
        await self._finish(work, next_work)

    async def _similar(self, work: DueWork) -> None:
        await run_similar_work(self.ctx, work)
        await self._finish(work, None)

    async def _finish(
        self, work: DueWork, next_work: DueWork | None, event: TimelineEvent | None = None, reference: str | None = None
    ) -> None:
        async with self.ctx.uow() as uow:
            if next_work is not None:
                await uow.work.put(next_work)
            else:
                await uow.work.remove(work.key)
            if event is not None and reference is not None:
                await uow.incidents.add_event(reference, event)
            await uow.commit()

    async def _incident(self, work: DueWork) -> Incident | None:
        reference = work.data.get("reference")
        if not reference:
            return None
        async with self.ctx.uow(write=False) as uow:
            return await uow.incidents.get(str(reference))

    async def _update(self, work: DueWork) -> None:
        incident = await self._incident(work)
        if incident is None or not self.ctx.policy.is_open(incident.status) or incident.channel_id is None:
            return await self._finish(work, None)
        severity = self.ctx.policy.severity(incident.severity)
        cadence = severity.update_cadence if severity else None
        if cadence is None:
            return await self._finish(work, None)
        # An update may have been posted since this was planned: then the reminder waits for the new due time.
        async with self.ctx.uow() as uow:
            await self.planner.incident_changed(uow, incident)
            planned = await uow.work.get(work.key)
            await uow.commit()
        now = self.ctx.clock.now()
        if planned is not None and planned.due_at > now and planned.due_at != work.due_at:
            return
        key = f"{work.key}@{work.due_at.isoformat()}"
        await self._send(work, incident.channel_id, reminder_notice(incident, cadence), key)
        await self._finish(work, replace(work, due_at=now + cadence, recovering=False))

    async def _notify_all(
        self, work: DueWork, incident: Incident, targets: list[str], notice: FollowUpNotice, tag: str
    ) -> None:
        assert incident.channel_id is not None
        await self._send(work, incident.channel_id, notice, f"{work.key}@{tag}:channel")
        for target in targets:
            if target.startswith(("U", "W")):
                await self._send(work, target, notice, f"{work.key}@{tag}:{target}")
                try:
                    await self.ctx.chat.invite(incident.channel_id, [target])
                except ChatError as exc:
                    log.info("Could not invite %s to %s: %s", target, incident.reference, exc.code)
            elif target.startswith(("C", "G", "#")):
                await self._send(work, target, notice, f"{work.key}@{tag}:{target}")
            # User groups (S…) are mentioned in the channel notice itself.

    async def _ack(self, work: DueWork) -> None:
        incident = await self._incident(work)
        if incident is None or incident.acknowledged_at is not None or not self.ctx.policy.is_open(incident.status):
            return await self._finish(work, None)
        if incident.channel_id is None:
            return await self._finish(work, None)
        levels = self.ctx.policy.escalation.levels
        level = int(work.data.get("level", 0))
        targets = list(levels[level].notify) if level < len(levels) else []
        notice = escalation_notice(incident, level, targets, has_levels=bool(levels))
        await self._notify_all(work, incident, targets, notice, f"level{level}")
        event = TimelineEvent(
            "escalated", self.ctx.clock.now(), None, notice.text, {"level": level + 1, "notified": targets}
        )
        following = None
        if level + 1 < len(levels):
            due = self.ctx.clock.now() + levels[level + 1].after
            following = replace(work, due_at=due, data={**work.data, "level": level + 1}, recovering=False)
        await self._finish(work, following, event, incident.reference)

    async def _management(self, work: DueWork) -> None:
        incident = await self._incident(work)
        if incident is None or not self.ctx.policy.is_open(incident.status) or incident.channel_id is None:
            return await self._finish(work, None)
        targets = list(self.ctx.policy.escalation.management.notify)
        notice = escalation_notice(incident, -1, targets, has_levels=True)
        await self._notify_all(work, incident, targets, notice, "management")
        event = TimelineEvent("management_escalated", self.ctx.clock.now(), None, notice.text, {"notified": targets})
        await self._finish(work, None, event, incident.reference)

    async def _postmortem(self, work: DueWork) -> None:
        incident = await self._incident(work)
        if incident is None or incident.postmortem_published_at is not None or incident.resolved_at is None:
            return await self._finish(work, None)
        notice = reminder_notice(incident, None)
        commander = incident.commander or incident.declared_by
        await self._send(work, commander, notice, f"{work.key}@dm")
        if incident.channel_id:
            await self._send(work, incident.channel_id, notice, f"{work.key}@channel")
        await self._finish(work, None)

    async def _nudge(self, work: DueWork) -> None:
        assert work.action_item_id is not None
        async with self.ctx.uow(write=False) as uow:
            item = await uow.action_items.get(work.action_item_id)
        if item is None or item.status.value != "open":
            return await self._finish(work, None)
        now = self.ctx.clock.now()
        hours = self.ctx.policy.working_hours
        tz = zone(await self.ctx.chat.user_timezone(item.owner), hours.default_timezone)
        if not is_working_time(now, hours, tz):
            # Not now: the owner's working day starts later. Same stage, moved; nothing sent.
            return await self._finish(work, replace(work, due_at=next_working_time(now, hours, tz), recovering=False))
        stage = str(work.data.get("stage", "due"))
        await self._send(
            work,
            item.owner,
            nudge_notice(item, stage, now.astimezone(tz).date()),
            f"{work.key}@{stage}:{work.due_at.date().isoformat()}",
        )
        next_stage, due = next_nudge(item, self.ctx.policy, now + timedelta(minutes=1))
        await self._finish(work, replace(work, due_at=due, data={"stage": next_stage}, recovering=False))

    async def _digest(self, work: DueWork) -> None:
        channel = digest_channel(self.ctx.policy)
        now = self.ctx.clock.now()
        if channel:
            notice = await digest_notice(self.ctx, since=now - WEEK)
            await self._send(work, channel, notice, f"digest@{work.due_at.date().isoformat()}")
        await self._finish(work, replace(work, due_at=next_digest(self.ctx.policy, now), recovering=False))
