"""APScheduler 3 as a timer over the database: one `wake` job at the next due time, plus a periodic sweep.

The database is the source of truth for what is due. At start-up the timer is derived from it; every change
that makes work due sooner moves the `wake` job earlier; the sweep catches changes made by other processes
and claims that crashed. Only the leader (see leader.py) runs work; standbys keep trying to become it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from incidents.followup_runner import FollowThrough
from incidents.ports import Clock
from scheduling import jobs
from scheduling.leader import Leadership

log = logging.getLogger(__name__)


MORE_PASSES = 50  # passes one wake may make while work is still due (then the timer takes over)


class FollowThroughScheduler:
    def __init__(self, runner: FollowThrough, leadership: Leadership, clock: Clock, *, sweep: timedelta) -> None:
        self.runner = runner
        self.leadership = leadership
        self.clock = clock
        self.sweep = sweep
        self.id = uuid.uuid4().hex
        self.scheduler = AsyncIOScheduler()
        self.is_leader = False
        self._lock = asyncio.Lock()  # one pass at a time in this process
        self._planned: datetime | None = None

    async def start(self) -> None:
        jobs.register(self.id, self)
        # On this event loop: jobs are coroutines run by the loop, never blocking it.
        self.scheduler.start()
        seconds = max(self.sweep.total_seconds(), 1.0)
        self.scheduler.add_job(
            jobs.check_leadership,
            "interval",
            seconds=seconds,
            args=[self.id],
            id="sweep",
            replace_existing=True,
            max_instances=1,
            coalesce=True,
        )
        await self.keep_leadership()

    async def stop(self) -> None:
        """No new passes; the one in flight (if any) finishes its sends and records before we let go.

        APScheduler's asyncio executor cancels running jobs on shutdown, so we wait for the pass first.
        """
        self.is_leader = False  # passes starting from now on return at once
        async with self._lock:
            if self.scheduler.running:  # stopping twice is harmless
                self.scheduler.shutdown(wait=False)
            jobs.unregister(self.id)
            await self.leadership.release()
            await self._flush()  # Slack effects done since the last pass: nobody need look at them again

    async def keep_leadership(self) -> None:
        """Become (or stay) the leader; the leader runs what is due on every sweep."""
        try:
            self.is_leader = await self.leadership.try_acquire()
        except Exception:
            log.exception("Could not check the scheduler lock")
            self.is_leader = False
        if self.is_leader:
            await self.run_now()
        else:
            await self._flush()  # the leader's pass does this for itself

    async def _flush(self) -> None:
        try:
            await self.runner.flush_done()
        except Exception:  # the database may be briefly unavailable: the next sweep tries again
            log.exception("Could not record the Slack effects done")

    async def run_now(self) -> None:
        if not self.is_leader:
            return
        async with self._lock:
            try:
                next_due = await self.runner.run_due()
                # Still due (more than one pass claims, or due while it ran): go on now. A wake planned from
                # inside this job would find it still running and be skipped, leaving the work to the sweep.
                for _ in range(MORE_PASSES):
                    if next_due is None or next_due > self.clock.now():
                        break
                    next_due = await self.runner.run_due()
            except Exception:  # the database may be briefly unavailable: the sweep tries again
                log.exception("Follow-through pass failed")
                return
        self._plan(next_due)

    def wake_at(self, due: datetime) -> None:
        """Called when a change makes work due at `due`: move the timer earlier if needed."""
        if self._planned is None or due < self._planned:
            self._plan(due)

    def _plan(self, due: datetime | None) -> None:
        self._planned = due
        if due is None or not self.scheduler.running:
            return
        # A due time in the past runs at once, once: missed ticks are not replayed.
        run_at = max(due, self.clock.now())
        self.scheduler.add_job(
            jobs.run_due_work,
            "date",
            run_date=run_at,
            args=[self.id],
            id="wake",
            replace_existing=True,
            misfire_grace_time=None,
            # Planned at the end of a pass, it may come due before that pass's job has returned: a second
            # instance then waits for the lock instead of being skipped (which left the work to the sweep).
            max_instances=2,
        )

    @property
    def planned(self) -> datetime | None:
        return self._planned
