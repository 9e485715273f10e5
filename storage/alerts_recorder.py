"""Group commit for alerts: one writer task stores the alerts of many bodies in one transaction, together with
what they change (groups, storms, work for Slack, timeline lines), and releases each sender once committed.

As the capture path does (storage/capture_writer.py): every request queues its body and waits; the writer
takes everything queued, writes it, commits and answers them all, so batches form by themselves under load
and cost no added latency when traffic is light. A retried delivery repeats its alerts' idempotency keys: the
insert skips them (ON CONFLICT DO NOTHING … RETURNING says which were new) and only new alerts change groups.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.alerts.groups import AlertGroup
from incidents.alerts.model import Alert
from incidents.alerts.policy import AlertsPolicy
from incidents.alerts.ports import ReceivedBody
from incidents.alerts.receiving import GroupId, fold_batch, storm_since
from incidents.alerts.routing import RouteDecision
from incidents.alerts.storms import Storm
from incidents.ports import Clock
from storage.alerts_follow_up import follow_up
from storage.alerts_rows import group_from_mapping, group_values, storm_from_row, storm_values
from storage.alerts_tables import AlertGroupRow, AlertRow, AlertStormRow
from storage.database import Database
from storage.dialect import insert_for, upsert
from storage.work_store import SqlWorkStore

log = logging.getLogger(__name__)
_Pending = tuple[ReceivedBody, asyncio.Future[None]]
_A = cast(Table, AlertRow.__table__)
_G = cast(Table, AlertGroupRow.__table__)
# What folding an alert into an existing group can change (see incidents/alerts/groups.receive).
FOLDED_SCALARS = ("title", "count", "last_seen", "resolved_at", "silenced_until_resolved", "version")
FOLDED = (*FOLDED_SCALARS, "status", "labels", "links")
_INSERT_GROUP = _G.insert().returning(_G.c.id)  # compiled once, run with each new group's values
_BY_ID = _G.c.id == bindparam("group_id")
_UPDATE_SCALARS = update(_G).where(_BY_ID).values({c: bindparam(c) for c in (*FOLDED_SCALARS, "status")})
_UPDATE_FOLDED = update(_G).where(_BY_ID).values({c: bindparam(c) for c in FOLDED})


class AlertRecorder:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        policy: AlertsPolicy,
        *,
        default_channel: str | None,
        max_batch: int = 500,
    ) -> None:
        self._database = database
        self._clock = clock
        self._policy = policy
        self._default_channel = default_channel
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._inserts: dict[str, Any] = {}
        self.batches = 0  # for benchmarks and tests: how many transactions were needed
        # Told when Slack work falls due (the scheduler's timer; set by the composition root).
        self.on_due: Callable[[datetime], None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="alert-recorder")

    async def stop(self) -> None:
        """Write what is queued, then stop."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def record(self, body: ReceivedBody) -> None:
        if self._task is None:
            raise RuntimeError("the alert recorder is not running")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((body, done))
        await done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            for part, outcome, due in await self._write_batch(batch):
                for _, done in part:
                    if not done.done():
                        done.set_exception(outcome) if outcome else done.set_result(None)
                if due is not None and self.on_due is not None:
                    self.on_due(due)
            for _ in batch:
                self._queue.task_done()

    async def _write_batch(
        self, batch: list[_Pending]
    ) -> list[tuple[list[_Pending], BaseException | None, datetime | None]]:
        """Write the batch in one transaction; if it fails, each body alone, so that one body the database
        refuses fails only its own sender (503: nothing of it is stored, and it retries)."""
        try:
            return [(batch, None, await self._write([body for body, _ in batch]))]
        except Exception as exc:
            if len(batch) == 1:
                log.exception(
                    "Storing a body of %d alert(s) from %s failed", len(batch[0][0].alerts), batch[0][0].integration
                )
                return [(batch, exc, None)]
        return [outcome for pending in batch for outcome in await self._write_batch([pending])]

    async def _write(self, bodies: list[ReceivedBody]) -> datetime | None:
        """Store one batch; returns when the earliest Slack work it planned falls due (None: none planned)."""
        now = self._clock.now()
        async with self._database.session(write=True) as session, session.begin():
            new = await self._insert_alerts(session, bodies)
            if not new:
                self.batches += 1
                return None
            current = await self._current_groups(session, {(a.integration, a.group_key) for a, _ in new})
            loaded = {g.id: (dict(g.labels), list(g.links)) for g in current.values() if g.id is not None}
            # Storms count groups opened: only channels where one may open need asking (most batches repeat).
            channels = {
                channel
                for alert, decision in new
                if (channel := decision.channel or self._default_channel)
                and ((found := current.get((alert.integration, alert.group_key))) is None or found.resolved_at)
            }
            opened, storms = await self._storm_state(session, sorted(channels), now)
            outcome = fold_batch(
                new,
                current,
                now=now,
                refire_window=self._policy.refire_window,
                storm_threshold=self._policy.storm_threshold,
                opened_last_minute=opened,
                storms=storms,
                default_channel=self._default_channel,
            )
            await self._save_groups(session, outcome.changed, loaded)
            for storm in outcome.storms.values():
                await session.execute(
                    upsert(session, AlertStormRow, [storm_values(storm)]).on_conflict_do_update(
                        index_elements=[AlertStormRow.channel],
                        set_={k: v for k, v in storm_values(storm).items() if k != "channel"},
                    )
                )
            work = await follow_up(session, outcome, now)
            if work:
                await SqlWorkStore(session).put_many(work)
        self.batches += 1
        return min((w.due_at for w in work), default=None)

    async def _insert_alerts(
        self, session: AsyncSession, bodies: list[ReceivedBody]
    ) -> list[tuple[Alert, RouteDecision]]:
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        routed: dict[tuple[str, str], tuple[Alert, RouteDecision]] = {}
        for body in bodies:
            for alert, decision in body.alerts:
                key = (alert.integration, alert.idempotency_key)
                if key in rows:
                    continue  # the same alert state twice in one batch (a retry that raced the first delivery)
                routed[key] = (alert, decision)
                rows[key] = {
                    "integration": alert.integration,
                    "idempotency_key": alert.idempotency_key[:200],
                    "group_key": alert.group_key,
                    "status": alert.status.value,
                    "title": alert.title[:300],
                    "route": decision.route[:60],
                    "source_severity": alert.source_severity[:40] if alert.source_severity else None,
                    "started_at": alert.started_at,
                    "ended_at": alert.ended_at,
                    "received_at": body.received_at,
                    "labels": dict(alert.labels),
                }
        if not rows:
            return []
        stmt = self._insert(session.get_bind().dialect.name)
        result = await session.execute(stmt, list(rows.values()))
        inserted = {(r[0], r[1]) for r in result.all()}
        return [routed[key] for key in rows if (key[0], rows[key]["idempotency_key"]) in inserted]

    def _insert(self, dialect: str) -> Any:
        """Compiled once per dialect; run with a list of rows, it returns the keys of those actually inserted."""
        if dialect not in self._inserts:
            self._inserts[dialect] = (
                insert_for(dialect, _A)
                .on_conflict_do_nothing(index_elements=[_A.c.integration, _A.c.idempotency_key])
                .returning(_A.c.integration, _A.c.idempotency_key)
            )
        return self._inserts[dialect]

    async def _current_groups(self, session: AsyncSession, keys: set[GroupId]) -> dict[GroupId, AlertGroup]:
        found: dict[GroupId, AlertGroup] = {}
        by_integration: dict[str, list[str]] = {}
        for integration, group_key in keys:
            by_integration.setdefault(integration, []).append(group_key)
        for integration, group_keys in by_integration.items():
            stmt = select(_G).where(_G.c.integration == integration, _G.c.group_key.in_(group_keys))
            for row in (await session.execute(stmt)).all():
                group = group_from_mapping(row)
                known = found.get((integration, group.group_key))
                if known is None or known.episode < group.episode:
                    found[(integration, group.group_key)] = group
        return found

    async def _storm_state(
        self, session: AsyncSession, channels: Sequence[str], now: datetime
    ) -> tuple[dict[str, int], dict[str, Storm | None]]:
        if not channels:
            return {}, {}
        stmt = (
            select(_G.c.channel, func.count())
            .where(_G.c.channel.in_(channels), _G.c.first_seen > storm_since(now))
            .group_by(_G.c.channel)
        )
        opened = {str(channel): int(count) for channel, count in (await session.execute(stmt)).all()}
        storms: dict[str, Storm | None] = dict.fromkeys(channels)
        rows = await session.execute(select(AlertStormRow.__table__).where(AlertStormRow.channel.in_(channels)))
        for row in rows.all():
            storms[row._mapping["channel"]] = storm_from_row(row)
        return opened, storms

    async def _save_groups(
        self, session: AsyncSession, groups: list[AlertGroup], loaded: Mapping[int, tuple[object, object]]
    ) -> None:
        """Insert new groups; update the others with one statement per shape (executemany), leaving out the
        labels and links when they are what was loaded (most repeats): encoding them is most of the cost."""
        same, moved = [], []
        for group in groups:
            if group.id is None:
                group.id = (await session.execute(_INSERT_GROUP, group_values(group))).scalar_one()
                continue
            row = {"group_id": group.id, **{c: getattr(group, c) for c in FOLDED_SCALARS}, "status": group.status.value}
            if loaded.get(group.id) == (group.labels, group.links):
                same.append(row)
            else:
                links = [{"url": link.url, "title": link.title} for link in group.links]
                moved.append({**row, "labels": group.labels, "links": links})
        if same:
            await session.execute(_UPDATE_SCALARS, same)
        if moved:
            await session.execute(_UPDATE_FOLDED, moved)
