"""Firing an escalation-policy step: resolve whom it notifies now, page them once each, keep the record.

A step row (see paging_plan.py) is done by the follow-through runner, so a restart or a second replica never
sends it twice: each message carries an idempotency key (`<row key>@<user>`, `@channel`), found again after a
crash between sending and recording; the pages (keyed by the firing and the person), the timeline entries and
the row's removal are one transaction after the sends. When it fires:
- the incident (if any) is read afresh: acknowledged, resolved or gone, and the step is dropped unsent; a page
  not about an incident stops once any page of its group is acknowledged;
- a schedule step pages whoever is on call at that moment; a gap, or someone deactivated, is noted on the
  timeline and the next firing is brought forward to now, the later ones as much (somebody is paged instead);
- `users` with `mode: all` pages each (deactivated ones skipped with a note); `round_robin` pages one, the
  next after the one paged last time for this step of this policy, whatever the incident (the cursor is kept
  in the database; the person chosen is stored with the firing, so a restart pages the same person);
- a user group is mentioned in the incident channel; a channel is posted to;
- each page is stored (incident, person, step, when, out of that person's working hours), the person invited
  to the incident channel, and the channel told; past `oncall.load` limits the schedule's channel is told,
  once per person per week.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from incidents.context import Context
from incidents.errors import ChatError
from incidents.followup_runner import FollowThrough
from incidents.model import Incident, TimelineEvent
from incidents.oncall.escalation_plan import plan_escalation, round_robin_pick
from incidents.oncall.escalation_policy import EscalationStep
from incidents.oncall.notices import IncidentBrief, LoadNotice, PagedNotice, PageNotice, StepNotice, Wording
from incidents.oncall.ports import Page
from incidents.oncall.routing import ActiveCheck
from incidents.oncall.timeline_notes import gap_note, paged_note, skipped_note
from incidents.ports import DueWork, UnitOfWork
from incidents.working_hours import is_working_time, zone


def page_id(key: str) -> str:
    """A page's id from what identifies it (the firing and the person): the same firing, the same page."""
    return hashlib.sha256(key.encode()).hexdigest()[:40]


@dataclass
class Firing:
    users: list[tuple[str, str | None]]  # (user, the schedule they are on call for)
    elsewhere: list[str]  # user groups and channels told
    notes: list[str]
    bring_forward: bool = False


class PageRunner:
    def __init__(self, ctx: Context, follow: FollowThrough, wording: Wording) -> None:
        assert ctx.oncall is not None
        self.ctx = ctx
        self.wording = wording
        self.roster = ctx.oncall
        self.follow = follow
        self.active = ActiveCheck(ctx.chat)

    async def fire(self, work: DueWork) -> None:
        data = work.data
        group, policy, run, index = (
            str(data["group"]),
            str(data.get("policy") or ""),
            int(data["run"]),
            int(data["step"]),
        )
        manual = bool(data.get("paged_by"))  # paged by hand: goes whatever the incident's state
        async with self.ctx.uow(write=False) as uow:  # one read: the incident afresh, and whether it stopped
            incident = await uow.incidents.get(str(data["reference"])) if data.get("reference") else None
            stopped = await uow.oncall.group_acknowledged(group)
        if stopped or (data.get("reference") and not manual and not self._pages_for(incident)):
            return await self.follow.finish(work, None)
        step = self._step(work)
        if step is None:
            return await self.follow.finish(work, None)  # the policy file changed since this was planned
        firing = await self._targets(work, step, policy, index)
        now = self.ctx.clock.now()
        pages = [
            Page(
                id=page_id(f"{work.key}@{user}"),
                user=user,
                sent_at=now,
                incident_id=incident.id if incident else None,
                group=group,
                paged_by=data.get("paged_by"),
                policy=policy or None,
                run=run,
                step=index,
                schedule=schedule,
                message=str(data.get("message", "")),
                out_of_hours=await self._out_of_hours(user, now),
            )
            for user, schedule in firing.users
        ]
        commanding = incident is not None and any(p.user == incident.commander for p in pages)
        commander_from = await self._commander_from(incident) if commanding else None
        brief = IncidentBrief.of(incident) if incident is not None else None
        for page in pages:
            notice = PageNotice(
                page.id,
                brief,
                schedule=page.schedule,
                policy=policy or None,
                step=index,
                paged_by=page.paged_by,
                message=page.message,
                commander_from=commander_from if incident and incident.commander == page.user else None,
            )
            await self.follow.send_once(work, page.user, self.wording(notice), f"{work.key}@{page.user}")
            if incident is not None and incident.channel_id:
                with contextlib.suppress(ChatError):  # already there, or cannot be: the DM reached them anyway
                    await self.ctx.chat.invite(incident.channel_id, [page.user])
        for target in firing.elsewhere:
            if target.startswith(("C", "G", "#")):
                told = self.wording(StepNotice(target, brief, policy, index))
                await self.follow.send_once(work, target, told, f"{work.key}@{target}")
        if incident is not None and brief is not None and incident.channel_id:
            users = tuple(p.user for p in pages)
            groups = tuple(t for t in firing.elsewhere if t.startswith("S"))
            paged = PagedNotice(brief, users, groups, policy, index, data.get("paged_by"))
            await self.follow.send_once(work, incident.channel_id, self.wording(paged), f"{work.key}@channel")
        await self._record(work, incident, pages, firing, policy, index)
        await self._load_warnings(work, pages, now)

    def _step(self, work: DueWork) -> EscalationStep | None:
        """The step this row fires: of its policy, or a page's own (a person or a schedule, paged by hand)."""
        if "target" in work.data:
            return EscalationStep.model_validate(work.data["target"])
        definition = self.roster.oncall.escalation_policies.get(str(work.data["policy"]))
        index = int(work.data["step"])
        return definition.steps[index] if definition is not None and index < len(definition.steps) else None

    def _pages_for(self, incident: Incident | None) -> bool:
        return incident is not None and incident.acknowledged_at is None and self.ctx.policy.is_open(incident.status)

    async def _commander_from(self, incident: Incident | None) -> str | None:
        if incident is None:
            return None
        async with self.ctx.uow(write=False) as uow:
            events = await uow.incidents.events(incident.reference)
        declared = next((e for e in events if e.kind == "declared"), None)
        found = declared.data.get("on_call_commander") if declared is not None else None
        return str(found) if found else None

    async def _targets(self, work: DueWork, step: EscalationStep, policy: str, index: int) -> Firing:
        firing = Firing([], [], [])
        if step.schedule is not None:
            on_call = await self.roster.on_call(step.schedule)
            if on_call.user is None:
                firing.notes.append(gap_note(step.schedule))
                firing.bring_forward = True
            elif not await self.active(on_call.user):
                firing.notes.append(skipped_note(on_call.user, step.schedule))
                firing.bring_forward = True
            else:
                firing.users.append((on_call.user, step.schedule))
        elif step.users is not None and step.mode == "round_robin":
            user = await self._round_robin(work, step.users, policy, index, firing)
            if user is not None:
                firing.users.append((user, None))
        elif step.users is not None:
            for user in step.users:
                if await self.active(user):
                    firing.users.append((user, None))
                else:
                    firing.notes.append(skipped_note(user))
        elif step.usergroup is not None:
            firing.elsewhere.append(step.usergroup)
        elif step.channel is not None:
            firing.elsewhere.append(step.channel)
        return firing

    async def _round_robin(
        self, work: DueWork, users: list[str], policy: str, index: int, firing: Firing
    ) -> str | None:
        """The one user this firing pages: chosen once (stored with the firing), the cursor moved on."""
        skip = {user for user in users if not await self.active(user)}
        firing.notes += [skipped_note(user) for user in users if user in skip]
        async with self.ctx.uow() as uow:
            # The choice is kept with the firing (position + 1; 0: not chosen yet), so a restart pages the same one.
            chosen_key = f"pick:{work.key}"
            chosen = await uow.oncall.cursor(chosen_key)
            if chosen:
                return users[(chosen - 1) % len(users)]
            cursor_key = f"{policy}:{index}"
            user, position = round_robin_pick(users, await uow.oncall.cursor(cursor_key), skip)
            if user is None:
                return None
            await uow.oncall.set_cursor(cursor_key, position)
            await uow.oncall.set_cursor(chosen_key, users.index(user) + 1)
            await uow.commit()
        return user

    async def _out_of_hours(self, user: str, at: datetime) -> bool:
        hours = self.ctx.policy.working_hours
        try:
            tz = zone(await self.ctx.chat.user_timezone(user), hours.default_timezone)
        except ChatError:
            tz = zone(hours.default_timezone)
        return not is_working_time(at, hours, tz)

    async def _bring_forward(self, uow: UnitOfWork, work: DueWork, now: datetime) -> None:
        """Nobody to page at this step: the policy's next firing comes now instead of after the wait, and the
        ones after it as much sooner (the waits between them stay as they are)."""
        root = str(work.data.get("root", work.data["policy"]))
        keys = [
            f"page:{work.data['group']}:{s.policy}:{s.run}:{s.index}" for s in plan_escalation(self.roster.oncall, root)
        ]
        if work.key not in keys:
            return
        later = [w for k in keys[keys.index(work.key) + 1 :] if (w := await uow.work.get(k)) is not None]
        pending = [w for w in later if w.state == "pending"]
        if not pending or pending[0].due_at <= now:
            return
        sooner = pending[0].due_at - now
        for following in pending:
            await uow.work.put(replace(following, due_at=following.due_at - sooner, recovering=False))
        if self.follow.planner.on_due is not None:
            self.follow.planner.on_due(now)

    async def _record(
        self, work: DueWork, incident: Incident | None, pages: list[Page], firing: Firing, policy: str, index: int
    ) -> None:
        now = self.ctx.clock.now()
        async with self.ctx.uow() as uow:  # what the firing did, and the row gone, in one transaction
            for page in pages:
                await uow.oncall.add_page(page)
            if firing.bring_forward:
                await self._bring_forward(uow, work, now)
            if incident is not None and pages:
                await uow.incidents.add_members(incident.reference, [p.user for p in pages], now)
            if incident is not None:
                for note in firing.notes:
                    await uow.incidents.add_event(incident.reference, TimelineEvent("page_skipped", now, None, note))
                text = paged_note([p.user for p in pages], firing.elsewhere, policy, index)
                data = {
                    "policy": policy,
                    "step": index + 1,
                    "run": int(work.data["run"]),
                    "notified": [p.user for p in pages] + firing.elsewhere,
                }
                await uow.incidents.add_event(incident.reference, TimelineEvent("paged", now, None, text, data))
            await uow.work.remove(work.key)
            await uow.commit()

    async def _load_warnings(self, work: DueWork, pages: list[Page], now: datetime) -> None:
        limits = self.roster.oncall.load
        if limits.max_pages_week is None and limits.max_out_of_hours_week is None:
            return
        for page in pages:
            schedule = self.roster.oncall.schedules.get(page.schedule or "")
            if schedule is None or schedule.channel is None:
                continue
            local = now.astimezone(zone(schedule.timezone))
            week = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
            async with self.ctx.uow(write=False) as uow:
                found = [p for p in await uow.oncall.pages_of(page.user, week) if p.group]
            late = sum(1 for p in found if p.out_of_hours)
            over: list[tuple[str, int]] = []
            if limits.max_pages_week is not None and len(found) > limits.max_pages_week:
                over.append(("pages", limits.max_pages_week))
            if limits.max_out_of_hours_week is not None and late > limits.max_out_of_hours_week:
                over.append(("out_of_hours", limits.max_out_of_hours_week))
            if over:
                notice = LoadNotice(page.schedule or "", page.user, len(found), late, tuple(over))
                key = f"load:{page.schedule}:{page.user}:{week.date().isoformat()}"
                await self.follow.send_once(work, schedule.channel, self.wording(notice), key)
