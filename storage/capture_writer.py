"""Group commit: one writer task stores captured events in batches, each caller released once committed.

One ORM commit per event caps out near 700 events/s on SQLite, and several writers only add lock errors.
Here every caller queues its item and waits; the single writer takes everything queued, writes it in one
transaction, commits, and releases them all. Batches form by themselves while a commit is in flight, so
there is no timer and no added latency when traffic is light.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.capture import Capture, CaptureKind
from incidents.ports import Clock
from storage.capture_metrics import CaptureMetrics
from storage.capture_rows import entry_row, message_row
from storage.database import Database
from storage.dialect import upsert
from storage.tables import MemberRow, ProcessedEventRow, TimelineEntryRow

log = logging.getLogger(__name__)
_Pending = tuple[Capture, asyncio.Future[None]]
KEEP_EVENT_IDS = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)


class GroupCommitWriter:
    def __init__(
        self, database: Database, clock: Clock, *, max_batch: int = 1000, metrics: CaptureMetrics | None = None
    ) -> None:
        self._database = database
        self._metrics = metrics or CaptureMetrics()
        self._clock = clock
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # for benchmarks and tests: how many transactions were needed
        self._inserts: dict[str, Any] = {}
        self._pruned_at: datetime | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="capture-writer")

    async def stop(self) -> None:
        """Write what is queued, then stop."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def submit(self, capture: Capture) -> None:
        if self._task is None:
            raise RuntimeError("the capture writer is not running")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((capture, done))
        await done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            started = time.perf_counter()
            try:
                await self._write([capture for capture, _ in batch])
                outcome: BaseException | None = None
                self._metrics.batch_committed(len(batch), time.perf_counter() - started)
            except Exception as exc:  # the callers answer 500 and Slack retries: nothing is lost
                log.exception("Capture batch of %d failed", len(batch))
                self._metrics.batch_failed()
                outcome = exc
            for _, done in batch:
                if not done.done():
                    done.set_exception(outcome) if outcome else done.set_result(None)
                self._queue.task_done()

    async def _write(self, batch: list[Capture]) -> None:
        # Messages are idempotent by their own key (incident, message ts): a retried delivery of one is the
        # same row, so they skip the event-id check. Edits, deletes, flags and joins are not, so they keep it.
        messages = [message_row(c) for c in batch if c.kind is CaptureKind.MESSAGE]
        others = [c for c in batch if c.kind is not CaptureKind.MESSAGE]
        if not others:
            # The common case: plain Core on one connection, one cached statement run for all the rows.
            async with self._database.write_engine.begin() as conn:
                await conn.execute(self._message_insert(conn.dialect.name), messages)
        else:
            async with self._database.session(write=True) as session, session.begin():
                if messages:
                    await session.execute(self._message_insert(session.get_bind().dialect.name), messages)
                for capture in await self._first_deliveries(session, others):
                    await self._apply(session, capture)
        self.batches += 1
        await self._prune_event_ids()

    def _message_insert(self, dialect: str) -> Any:
        """`INSERT … ON CONFLICT DO NOTHING` executed with a list of rows (executemany), so SQLAlchemy compiles
        it once: a multi-row `.values([...])` would be compiled again for every batch."""
        if dialect not in self._inserts:
            insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
            self._inserts[dialect] = insert_for(TimelineEntryRow).on_conflict_do_nothing(
                index_elements=[TimelineEntryRow.incident_id, TimelineEntryRow.message_ts]
            )
        return self._inserts[dialect]

    async def _prune_event_ids(self) -> None:
        """Slack retries a delivery for minutes, not days: event ids older than a day are forgotten."""
        now = self._clock.now()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        async with self._database.write_engine.begin() as conn:
            await conn.execute(delete(ProcessedEventRow).where(ProcessedEventRow.received_at < now - KEEP_EVENT_IDS))

    async def _first_deliveries(self, session: AsyncSession, batch: list[Capture]) -> list[Capture]:
        """Drop retried deliveries (same event_id), within the batch and across batches."""
        seen: set[str] = set()
        unique: list[Capture] = []
        for capture in batch:
            if capture.event_id is None or capture.event_id not in seen:
                unique.append(capture)
                if capture.event_id:
                    seen.add(capture.event_id)
        if not seen:
            return unique
        now = self._clock.now()
        stmt = upsert(session, ProcessedEventRow, [{"event_id": e, "received_at": now} for e in seen])
        new = set((await session.scalars(stmt.on_conflict_do_nothing().returning(ProcessedEventRow.event_id))).all())
        return [c for c in unique if c.event_id is None or c.event_id in new]

    async def _apply(self, session: AsyncSession, capture: Capture) -> None:
        if capture.kind in (CaptureKind.JOINED, CaptureKind.LEFT):
            await self._membership(session, capture)
            return
        row = await self._entry(session, capture)
        if capture.kind is CaptureKind.EDIT and capture.message is not None:
            if row is None:
                await session.execute(insert(TimelineEntryRow).values(message_row(capture)))
            elif row.text != capture.message.text:
                row.edits = [*row.edits, {"text": row.text, "at": capture.at.isoformat()}]
                row.text = capture.message.text
        elif capture.kind is CaptureKind.DELETE:
            if row is None:  # deleted before we saw it: keep a tombstone so a late copy stays deleted
                tombstone = {**entry_row(capture, kind="message", text=""), "deleted_at": capture.at}
                await session.execute(insert(TimelineEntryRow).values(tombstone))
            else:
                row.deleted_at = capture.at
        elif capture.kind in (CaptureKind.FLAG, CaptureKind.UNFLAG) and row is not None and capture.flag:
            flags = set(row.flags)
            (flags.add if capture.kind is CaptureKind.FLAG else flags.discard)(capture.flag)
            row.flags, row.flagged = sorted(flags), bool(flags)
        await session.flush()

    async def _entry(self, session: AsyncSession, capture: Capture) -> TimelineEntryRow | None:
        stmt = select(TimelineEntryRow).where(
            TimelineEntryRow.incident_id == capture.incident_id, TimelineEntryRow.message_ts == capture.ts
        )
        return (await session.scalars(stmt)).first()

    async def _membership(self, session: AsyncSession, capture: Capture) -> None:
        assert capture.incident_id is not None and capture.user is not None
        if capture.kind is CaptureKind.JOINED:
            values: dict[str, Any] = {
                "incident_id": capture.incident_id,
                "user_id": capture.user,
                "joined_at": capture.at,
                "left_at": None,
            }
            stmt = upsert(session, MemberRow, [values]).on_conflict_do_update(
                index_elements=[MemberRow.incident_id, MemberRow.user_id], set_={"left_at": None}
            )
            await session.execute(stmt)
        else:
            await session.execute(
                update(MemberRow)
                .where(MemberRow.incident_id == capture.incident_id, MemberRow.user_id == capture.user)
                .values(left_at=capture.at)
            )
        verb = "joined" if capture.kind is CaptureKind.JOINED else "left"
        entry = entry_row(capture, kind=verb, text=f"<@{capture.user}> {verb} the channel")
        await session.execute(insert(TimelineEntryRow).values({**entry, "actor": capture.user, "message_ts": None}))
