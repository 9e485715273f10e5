"""Handoffs: at each schedule's next change of hands, the user group, a post in its channel, a DM to the incoming.

One row of scheduled work per schedule, kind `oncall_handoff`, keyed `handoff:<schedule>`, due at the next
instant someone else (or nobody) is on call. It is planned at start-up when missing, and re-planned in the
transaction of every override or swap of the schedule (the handoff moves with them). When it fires:
- the schedule's user group (if any) is set to the person now on call (usergroups.users.update);
- the schedule's channel (if any) gets a handoff post: outgoing → incoming, until when;
- the incoming person gets a DM listing the open incidents and their own open action items;
each message keyed by the handoff's instant, so a restart sends it once; then the next handoff is planned.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta

from incidents.action_items import ActionItemFilter
from incidents.context import Context
from incidents.errors import ChatError
from incidents.followup_runner import FollowThrough
from incidents.model import IncidentFilter
from incidents.oncall.notices import ActionItemBrief, BriefingNotice, HandoffNotice, IncidentBrief, Wording
from incidents.oncall.ports import Usergroups
from incidents.ports import DueWork, UnitOfWork

log = logging.getLogger(__name__)
HANDOFF_KIND = "oncall_handoff"
_JUST_BEFORE = timedelta(seconds=1)


def handoff_key(schedule: str) -> str:
    return f"handoff:{schedule}"


class HandoffPlan:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def work(self, schedule: str, uow: UnitOfWork | None = None) -> DueWork | None:
        """The schedule's next handoff as a row (None: no change within 92 days); `uow`: with its overrides."""
        assert self.ctx.oncall is not None
        resolver = await self.ctx.oncall.resolver(schedule)
        now = self.ctx.clock.now()
        if uow is not None:  # the overrides as this transaction leaves them (the cache is refreshed after it)
            resolver = resolver.with_overrides(
                await uow.oncall.overrides(schedule, now - timedelta(days=32), now + timedelta(days=400))
            )
        due = resolver.next_handoff(now)
        if due is None:
            return None
        return DueWork(handoff_key(schedule), HANDOFF_KIND, due, data={"schedule": schedule})

    async def schedule_changed(self, uow: UnitOfWork, schedule: str) -> None:
        work = await self.work(schedule, uow)
        if work is None:
            await uow.work.remove(handoff_key(schedule))
        else:
            await uow.work.put(work)
            wake = getattr(self.ctx.planner, "on_due", None)  # the scheduler's timer, where one runs
            if wake is not None:
                wake(work.due_at)

    async def ensure(self) -> None:
        """Plan each schedule's next handoff where none is planned (start-up)."""
        if self.ctx.oncall is None:
            return
        rows = [w for name in self.ctx.oncall.oncall.schedules if (w := await self.work(name)) is not None]
        async with self.ctx.uow() as uow:
            await uow.work.put_many(rows)
            await uow.commit()


class HandoffRunner:
    def __init__(self, ctx: Context, follow: FollowThrough, usergroups: Usergroups | None, wording: Wording) -> None:
        self.ctx = ctx
        self.wording = wording
        self.follow = follow
        self.usergroups = usergroups
        self.plan = HandoffPlan(ctx)

    async def fire(self, work: DueWork) -> None:
        assert self.ctx.oncall is not None
        name = str(work.data.get("schedule"))
        schedule = self.ctx.oncall.oncall.schedules.get(name)
        if schedule is None:
            return await self.follow.finish(work, None)  # the schedule left the policy file
        resolver = await self.ctx.oncall.resolver(name)
        at = work.due_at
        incoming, outgoing = resolver.on_call_at(at), resolver.on_call_at(at - _JUST_BEFORE)
        tag = f"{work.key}@{at.isoformat()}"
        if schedule.usergroup and incoming.user and self.usergroups is not None:
            with contextlib.suppress(ChatError):  # logged by the adapter; the post and DM still go
                await self.usergroups.set_members(schedule.usergroup, [incoming.user])
        if schedule.channel:
            post = self.wording(HandoffNotice(name, outgoing.user, incoming.user, incoming.until))
            await self.follow.send_once(work, schedule.channel, post, f"{tag}:channel")
        if incoming.user:
            briefing = self.wording(await self._briefing(name, incoming.user, incoming.until))
            await self.follow.send_once(work, incoming.user, briefing, f"{tag}:dm")
        following = await self.plan.work(name)
        await self.follow.finish(
            work, replace(following, recovering=False) if following and following.due_at > at else None
        )

    async def _briefing(self, schedule: str, user: str, until: datetime | None) -> BriefingNotice:
        async with self.ctx.uow(write=False) as uow:
            incidents = await uow.incidents.search(IncidentFilter(open_only=True, limit=20))
            items = await uow.action_items.search(ActionItemFilter(owner=user, open_only=True, limit=20))
        return BriefingNotice(
            schedule,
            until,
            tuple(IncidentBrief.of(i) for i in incidents),
            tuple(ActionItemBrief(a.id, a.text, a.due_on) for a in items),
        )
