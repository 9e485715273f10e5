"""The planner: what follow-through is due, and when, kept in step with every change.

The database holds one row per piece of pending work. Every use case that changes an incident or an action
item asks the planner, in the same transaction, to put the work that now applies and remove what no longer
does. The scheduler only turns the earliest row into a timer; it can be rebuilt from the rows at any time.

Kinds of work, and the key that makes each one row:
- `update:<incident>`: remind the commander when no update was posted within the severity's cadence.
- `ack:<incident>`: nobody acknowledged within the response target; then the escalation levels in turn.
- `mgmt:<incident>`: a severity the policy names still unresolved after `escalation.management.after`.
- `postmortem:<incident>`: a resolved SEV1/SEV2 without a published postmortem after `postmortem_after`.
- `nudge:<item>`: an action item's owner, before the due date, on it, then every few days while overdue.
- `digest`: the weekly digest.
- `page:<incident>:<policy>:<run>:<step>`: a step of the incident's escalation policy (on-call, issue 11; see
  incidents/oncall/paging_plan.py). Where a policy pages, it replaces the `ack:` escalation levels.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from incidents.action_items import ActionItem, ItemStatus
from incidents.followup_policy import WEEKDAYS
from incidents.model import Incident
from incidents.oncall.paging_plan import PAGE_KIND, PagingPlan
from incidents.policy import Policy
from incidents.ports import Clock, DueWork, UnitOfWork
from incidents.working_hours import zone

UPDATE_KINDS = ("declared", "status_changed", "stakeholder_update")
INCIDENT_KINDS = ("update", "ack", "mgmt")
PLANNED_KINDS = (
    *INCIDENT_KINDS,
    "postmortem",
    PAGE_KIND,
)  # an incident's rows that are the planner's (not Slack effects)


def update_key(incident_id: int) -> str:
    return f"update:{incident_id}"


def nudge_key(item_id: int) -> str:
    return f"nudge:{item_id}"


class Planner:
    def __init__(self, policy: Policy, clock: Clock, on_due: Callable[[datetime], None] | None = None) -> None:
        self.policy = policy
        self.clock = clock
        self.on_due = on_due  # tells the scheduler's timer about work due sooner than it planned for
        self.paging = PagingPlan(policy.oncall)  # on-call escalation policies (issue 11)

    async def _put(self, uow: UnitOfWork, work: DueWork) -> None:
        await uow.work.put(work)
        if self.on_due is not None:
            self.on_due(work.due_at)

    async def incident_changed(self, uow: UnitOfWork, incident: Incident) -> None:
        """Put the incident's work that now applies and remove what no longer does: one read of its rows, then
        only the writes that change something (a brand-new incident costs one select and one or two inserts)."""
        assert incident.id is not None
        existing = await uow.work.for_incident(incident.id, kinds=PLANNED_KINDS)
        wanted: list[DueWork] = []
        if self.policy.is_open(incident.status):
            wanted += await self._update_reminder(uow, incident, existing)
            wanted += self._acknowledgement(incident, existing)
            wanted += self._management(incident, existing)
        wanted += self._postmortem(incident, existing)
        is_open = self.policy.is_open(incident.status)
        wanted += await self.paging.changed(uow, incident, existing, open_=is_open)  # on-call (issue 11)
        keys = {w.key for w in wanted}
        for key in existing.keys() - keys:
            await uow.work.remove(key)
        for work in wanted:
            if existing.get(work.key) != work:
                await self._put(uow, work)

    async def incident_opened(self, uow: UnitOfWork, incident: Incident) -> None:
        """Plan a just-declared incident's work, now that its channel exists, without reading anything first.

        Nothing can have been planned for it yet, except by a change someone made in the instant since it was
        declared; that change planned from fresher facts, so rows that exist are kept (insert-if-absent)."""
        assert incident.id is not None
        wanted = self._acknowledgement(incident, {}) + self._management(incident, {})
        wanted += self.paging.opened(incident)  # on-call (issue 11)
        severity = self.policy.severity(incident.severity)
        cadence = severity.update_cadence if severity else None
        if cadence and incident.channel_id is not None:
            data = {"reference": incident.reference, "last_update": incident.declared_at.isoformat()}
            wanted.append(
                DueWork(
                    update_key(incident.id),
                    "update",
                    incident.declared_at + cadence,
                    incident_id=incident.id,
                    data=data,
                )
            )
        await uow.work.put_many(wanted)
        if self.on_due is not None:
            for work in wanted:
                self.on_due(work.due_at)

    async def _update_reminder(
        self, uow: UnitOfWork, incident: Incident, existing: dict[str, DueWork]
    ) -> list[DueWork]:
        assert incident.id is not None
        severity = self.policy.severity(incident.severity)
        cadence = severity.update_cadence if severity else None
        if not cadence or incident.channel_id is None:
            return []
        key = update_key(incident.id)
        latest = await uow.timeline.latest_of_kinds([incident.id], UPDATE_KINDS)
        last = latest.get(incident.id, incident.declared_at)
        current = existing.get(key)
        snoozed = current.data.get("snoozed_until") if current else None
        due = last + cadence
        if snoozed and datetime.fromisoformat(snoozed) > due:
            due = datetime.fromisoformat(snoozed)
        data = {"reference": incident.reference, "last_update": last.isoformat()}
        if snoozed:
            data["snoozed_until"] = snoozed
        if current is not None and current.due_at == due and current.data == data:
            return [current]
        return [DueWork(key, "update", due, incident_id=incident.id, data=data)]

    def _acknowledgement(self, incident: Incident, existing: dict[str, DueWork]) -> list[DueWork]:
        assert incident.id is not None
        key = f"ack:{incident.id}"
        if incident.acknowledged_at is not None or self.paging.pages(incident):  # a policy pages instead
            return []
        if key in existing:
            return [existing[key]]  # keeps its escalation level
        severity = self.policy.severity(incident.severity)
        target = severity.response_target if severity else timedelta(minutes=15)
        levels = self.policy.escalation.levels
        due = incident.declared_at + target + (levels[0].after if levels else timedelta(0))
        return [DueWork(key, "ack", due, incident_id=incident.id, data={"reference": incident.reference, "level": 0})]

    def _management(self, incident: Incident, existing: dict[str, DueWork]) -> list[DueWork]:
        assert incident.id is not None
        management = self.policy.escalation.management
        key = f"mgmt:{incident.id}"
        if not management.notify or incident.severity.lower() not in {s.lower() for s in management.severities}:
            return []
        if key in existing:
            return [existing[key]]
        due = incident.declared_at + management.after
        return [DueWork(key, "mgmt", due, incident_id=incident.id, data={"reference": incident.reference})]

    def _postmortem(self, incident: Incident, existing: dict[str, DueWork]) -> list[DueWork]:
        assert incident.id is not None
        key = f"postmortem:{incident.id}"
        reminders = self.policy.reminders
        due_for = (
            incident.resolved_at is not None
            and incident.postmortem_published_at is None
            and incident.severity.lower() in {s.lower() for s in reminders.postmortem_severities}
        )
        if not due_for or incident.resolved_at is None:
            return []
        if key in existing:
            return [existing[key]]
        due = incident.resolved_at + reminders.postmortem_after
        return [DueWork(key, "postmortem", due, incident_id=incident.id, data={"reference": incident.reference})]

    async def snooze_update_reminder(self, uow: UnitOfWork, incident: Incident) -> datetime:
        assert incident.id is not None
        until = self.clock.now() + self.policy.reminders.snooze
        existing = await uow.work.get(update_key(incident.id))
        data = {
            **(existing.data if existing else {}),
            "reference": incident.reference,
            "snoozed_until": until.isoformat(),
        }
        await self._put(uow, DueWork(update_key(incident.id), "update", until, incident_id=incident.id, data=data))
        return until

    async def action_item_changed(self, uow: UnitOfWork, item: ActionItem) -> None:
        key = nudge_key(item.id)
        if item.status is not ItemStatus.OPEN:
            await uow.work.remove(key)
            return
        await self._put(uow, self.nudge_work(item, self.clock.now(), catch_up=True))

    def nudge_work(self, item: ActionItem, now: datetime, *, catch_up: bool = False) -> DueWork:
        """`catch_up` (an item just created or changed): a stage whose moment has passed is due now."""
        stage, due = (nudge_after_change if catch_up else next_nudge)(item, self.policy, now)
        return DueWork(nudge_key(item.id), "nudge", due, action_item_id=item.id, data={"stage": stage})

    async def ensure_digest(self, uow: UnitOfWork) -> None:
        digest = self.policy.digest
        if not digest.enabled:
            await uow.work.remove("digest")
            return
        existing = await uow.work.get("digest")
        if existing is None:
            await self._put(uow, DueWork("digest", "digest", next_digest(self.policy, self.clock.now())))


def _nominal(day: date, policy: Policy) -> datetime:
    """A day's nudge time before working hours are applied: the start of the working day, in UTC terms of
    the policy's default timezone. The runner moves it into the owner's own working hours."""
    tz = zone(policy.working_hours.default_timezone)
    return datetime.combine(day, policy.working_hours.start, tzinfo=tz)


def next_nudge(item: ActionItem, policy: Policy, now: datetime) -> tuple[str, datetime]:
    """The next nudge for an open item: (stage, when), from now on."""
    rules = policy.action_items
    before = _nominal(item.due_on - timedelta(days=max(1, rules.nudge_before.days)), policy)
    on_due = _nominal(item.due_on, policy)
    if now < before:
        return "before", before
    if now < on_due:
        return "due", on_due
    every = max(rules.overdue_every, timedelta(hours=1))
    overdue = on_due + every
    while overdue <= now:
        overdue += every
    return "overdue", overdue


def nudge_after_change(item: ActionItem, policy: Policy, now: datetime) -> tuple[str, datetime]:
    """The nudge for an item just created, reopened, reassigned or rescheduled: (stage, when).

    A stage whose moment has already passed (an item due today, created after the due-day moment; one created
    inside `nudge_before`; one overdue when reopened) is due now, and the runner sends it at the owner's next
    working-hours moment, which may be now. Otherwise it is the next stage, as usual. Each send is keyed by
    stage and day, so a nudge already sent that day is not sent again.
    """
    rules = policy.action_items
    before = _nominal(item.due_on - timedelta(days=max(1, rules.nudge_before.days)), policy)
    on_due = _nominal(item.due_on, policy)
    if now < before:
        return "before", before
    if now < on_due:
        return "before", now
    return ("due" if now < on_due + max(rules.overdue_every, timedelta(hours=1)) else "overdue"), now


def next_digest(policy: Policy, now: datetime) -> datetime:
    digest = policy.digest
    tz = zone(digest.timezone)
    local = now.astimezone(tz)
    target_day = WEEKDAYS.index(digest.weekday)
    for days_ahead in range(8):
        day = (local + timedelta(days=days_ahead)).date()
        candidate = datetime.combine(day, digest.at, tzinfo=tz)
        if day.weekday() == target_day and candidate > local:
            return candidate.astimezone(now.tzinfo)
    raise AssertionError("unreachable: some day in the next 8 is the digest day")
