"""Follow-through scheduling at scale: the cost of a pass, memory, and how late reminders fire.

Builds 1,000 open incidents and 10,000 open action items in a fresh SQLite database (bulk SQL, then the
planner puts their scheduled work, as a start-up reconcile does), and prints:
- the time of one scheduling pass with nothing due (what the sweep costs) and with 100 items due, next to a
  baseline measured in the same run: the bare indexed query for due rows with the sqlite3 module;
- the process's RSS before and after;
- the lateness of reminders under the real APScheduler timer: work made due a few seconds ahead, sent
  through the fake Slack, arrival minus due time.
Targets: a pass under 50 ms; reminders sent within 1 s of their due time.

    .venv/bin/python bench/scheduler.py
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import rss_mb
from firebreak.runtime import runtime
from firebreak.settings import Settings
from incidents.context import SystemClock
from incidents.ports import DueWork
from slacksim import FakeSlack
from slacksim.recorder import Call


class SendTimingSlack(FakeSlack):
    """Notes when each channel first received a message (wall-clock, comparable with due times)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_at: dict[str, float] = {}
        self.all_sent = asyncio.Event()
        self._expected = 0

    def expect(self, count: int) -> None:
        self.sent_at.clear()
        self._expected = count

    async def _record(self, call: Call) -> None:
        if call.method == "chat.postMessage" and call.ok and str(call.args.get("channel", "")).startswith("C"):
            self.sent_at.setdefault(str(call.args["channel"]), time.time())
            if self._expected and len(self.sent_at) >= self._expected:
                self.all_sent.set()
        await super()._record(call)


INCIDENTS, ITEMS = 1_000, 10_000


def _populate(path: Path, now: datetime) -> None:
    """Rows as the use cases would write them, in bulk (the bench measures scheduling, not declaring)."""
    db = sqlite3.connect(path)
    stamp = now.replace(tzinfo=None).isoformat(sep=" ")
    due = (now + timedelta(days=30)).date().isoformat()
    db.executemany(
        "INSERT INTO incidents (id, reference, year, number, title, description, severity, status, is_open,"
        " customer_impact, private, declared_by, declared_at, acknowledged_at, resolution_summary, reopened_count,"
        " channel_id, channel_name) VALUES (?, ?, 2026, ?, ?, '', 'SEV2', 'investigating', 1, 'unknown', 0,"
        " 'UALICE', ?, ?, '', 0, ?, ?)",
        [
            (n, f"INC-2026-{n:04d}", n, f"Incident {n}", stamp, stamp, f"CINC{n:06d}", f"inc-2026-{n:04d}")
            for n in range(1, INCIDENTS + 1)
        ],
    )
    db.executemany(
        "INSERT INTO incident_roles (incident_id, role, user_id) VALUES (?, 'commander', 'UALICE')",
        [(n,) for n in range(1, INCIDENTS + 1)],
    )
    db.executemany(
        "INSERT INTO action_items (incident_id, text, owner, created_by, created_at, due_on, priority, status,"
        " source, evidence, reopened_count, data) VALUES (?, ?, ?, 'UALICE', ?, ?, 'medium', 'open', 'command',"
        " '', 0, '{}')",
        [(1 + n % INCIDENTS, f"Follow-up {n}", f"U{n % 50:08d}", stamp, due) for n in range(ITEMS)],
    )
    db.commit()
    db.close()


def _unacknowledged(path: Path, channels: list[str]) -> None:
    db = sqlite3.connect(path)
    stamp = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    rows = [
        (INCIDENTS + 1 + n, f"INC-2026-{INCIDENTS + 1 + n:04d}", INCIDENTS + 1 + n, stamp, channel)
        for n, channel in enumerate(channels)
    ]
    db.executemany(
        "INSERT INTO incidents (id, reference, year, number, title, description, severity, status, is_open,"
        " customer_impact, private, declared_by, declared_at, resolution_summary, reopened_count, channel_id)"
        " VALUES (?, ?, 2026, ?, 'Late', '', 'SEV2', 'investigating', 1, 'unknown', 0, 'UALICE', ?, '', 0, ?)",
        rows,
    )
    db.commit()
    db.close()


def _baseline(path: Path, now: datetime) -> float:
    db = sqlite3.connect(path)
    stamp = now.replace(tzinfo=None).isoformat(sep=" ")
    times = []
    for _ in range(50):
        start = time.perf_counter()
        db.execute(
            "SELECT * FROM scheduled_work WHERE state = 'pending' AND due_at <= ? ORDER BY due_at LIMIT 200", (stamp,)
        ).fetchall()
        db.execute("SELECT min(due_at) FROM scheduled_work WHERE state = 'pending'").fetchone()
        times.append(time.perf_counter() - start)
    db.close()
    return statistics.median(times) * 1000


async def main() -> None:
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        async with SendTimingSlack() as slack:
            for n in range(50):
                slack.add_user(f"U{n:08d}", name=f"user{n}")
            settings = Settings(
                _env_file=None,
                slack_bot_token="xoxb-test-token",
                slack_signing_secret="s",  # type: ignore[call-arg]
                slack_api_url=slack.base_url,
                database_url=f"sqlite+aiosqlite:///{path}",
            )
            rss_start = rss_mb()
            async with runtime(settings, clock=clock) as rt:
                _populate(path, clock.now())
                start = time.perf_counter()
                await rt.follow_through.reconcile()
                reconcile_s = time.perf_counter() - start
                async with rt.ctx.uow(write=False) as uow:
                    planned = await uow.work.next_due()
                idle = []
                for _ in range(30):
                    start = time.perf_counter()
                    await rt.follow_through.run_due()
                    idle.append((time.perf_counter() - start) * 1000)
                baseline_ms = _baseline(path, clock.now())

                # 100 pieces of work due now: a busy pass (each sends one message to the fake Slack).
                async with rt.ctx.uow() as uow:
                    for n in range(100):
                        await uow.work.put(DueWork(f"digest-bench-{n}", "digest", clock.now() - timedelta(seconds=1)))
                    await uow.commit()
                start = time.perf_counter()
                await rt.follow_through.run_due()
                busy_ms = (time.perf_counter() - start) * 1000

                # Lateness under the real timer: 20 unacknowledged incidents falling due over the next 3 s.
                late = [slack.add_channel(f"late-{n}") for n in range(20)]
                _unacknowledged(path, [c.id for c in late])
                due = {c.id: clock.now() + timedelta(seconds=1 + n * 0.1) for n, c in enumerate(late)}
                slack.expect(len(late))
                await rt.scheduler.start()
                async with rt.ctx.uow() as uow:
                    for n, channel in enumerate(late):
                        number = INCIDENTS + 1 + n
                        data = {"reference": f"INC-2026-{number:04d}", "level": 0}
                        work = DueWork(f"ack:{number}", "ack", due[channel.id], incident_id=number, data=data)
                        await uow.work.put(work)
                        rt.scheduler.wake_at(due[channel.id])  # what the planner does when it plans work
                    await uow.commit()
                async with asyncio.timeout(15):
                    await slack.all_sent.wait()
                lateness = [slack.sent_at[c] - due[c].timestamp() for c in due]
                await rt.scheduler.stop()
                rss_end = rss_mb()

    p50, worst = statistics.median(idle), max(idle)
    print(f"Scheduling with {INCIDENTS:,} open incidents and {ITEMS:,} open action items (SQLite)")
    print(f"  planned rows: reconcile took {reconcile_s:.2f} s; next due {planned}")
    print(f"  baseline (sqlite3, the same due-rows query):  {baseline_ms:7.2f} ms")
    print(
        f"  one pass, nothing due: median {p50:7.2f} ms, worst {worst:7.2f} ms  "
        f"({p50 / baseline_ms:.1f}x baseline)   target < 50 ms: {'PASS' if worst < 50 else 'FAIL'}"
    )
    print(f"  one pass, 100 due (100 sends):  {busy_ms:7.2f} ms  ({busy_ms / 100:.2f} ms a piece of work)")
    print(f"  RSS: {rss_start:.0f} MB before, {rss_end:.0f} MB after")
    worst_late = max(lateness)
    print(
        f"  reminders under the APScheduler timer: lateness median {statistics.median(lateness) * 1000:.0f} ms, "
        f"worst {worst_late * 1000:.0f} ms   target within 1 s: {'PASS' if worst_late <= 1.0 else 'FAIL'}"
    )


if __name__ == "__main__":
    asyncio.run(main())
