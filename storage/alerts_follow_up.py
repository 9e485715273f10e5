"""What a batch of alerts leaves to do, written in its transaction: posts and storm summaries to make or edit,
declarations to consider (a `declare_if` window counts the route's firing alerts stored so far, this batch's
included), lines on linked incidents' timelines, and incidents to check for auto-resolve."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.alerts.groups import AlertGroup, GroupChange
from incidents.alerts.receiving import FoldOutcome
from incidents.alerts.work import declare_work, declares_now, post_work, resolve_work, storm_work, timeline_event
from incidents.ports import DueWork
from storage.alerts_tables import AlertRow
from storage.incident_store import SqlIncidentStore

_A = cast(Table, AlertRow.__table__)


async def follow_up(session: AsyncSession, outcome: FoldOutcome, now: datetime) -> list[DueWork]:
    """The work rows the batch plans (the caller writes them), after writing its timeline lines."""
    work: dict[str, DueWork] = {}
    for group in outcome.changed:
        if group.needs_post and group.channel:
            item = post_work(group, now)
            work[item.key] = item
    for storm in outcome.storms.values():
        item = storm_work(storm, now)
        work[item.key] = item
    incidents = SqlIncidentStore(session, lock_rows=False)
    counted: dict[str, bool] = {}
    for group, change, alert in outcome.changes:
        if (
            declares_now(group, change, now)
            and group.id is not None
            and await _declare_due(session, group, now, counted)
        ):
            item = declare_work(group, now)
            work[item.key] = item
        if group.incident_reference is not None:
            event = timeline_event(group, change, alert, now)
            if event is not None:
                await incidents.add_event(group.incident_reference, event)
            if change is GroupChange.RESOLVED:
                item = resolve_work(group, now)
                work[item.key] = item
    return list(work.values())


async def _declare_due(session: AsyncSession, group: AlertGroup, now: datetime, counted: dict[str, bool]) -> bool:
    plan = group.declare or {}
    count, within = int(plan.get("count") or 1), plan.get("within_s")
    if count <= 1 or within is None:
        return True
    if group.route not in counted:
        since = now.timestamp() - float(within)
        stmt = select(func.count()).where(
            _A.c.route == group.route,
            _A.c.status == "firing",
            _A.c.received_at > datetime.fromtimestamp(since, now.tzinfo),
        )
        counted[group.route] = int((await session.execute(stmt)).scalar_one()) >= count
    return counted[group.route]
