"""Alerts benchmark, end to end: the real bot over HTTP with a fake Slack, in one run beside a bare aiohttp
handler that only parses the same bodies (the baseline). Imported by bench/alerts.py, which prints the rows.

32 senders post Alertmanager bodies of 5 alerts (200 group keys, 95% repeats) as fast as they are answered;
each 2xx comes after the body's alerts are committed. Slack allows one message a second per channel (the fake's
limit mode), so posts and edits meet 429s: none may go unhandled (given up), and every group that posts must
have its post or still be waiting its turn. The first post is timed from a lone POST to the fake seeing it.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import multiprocessing
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy import func, select

from firebreak.runtime import runtime
from firebreak.settings import Settings
from incidents.alerts.model import AlertSourceKind
from incidents.alerts.policy import AlertsPolicy, Route
from incidents.alerts.rate_limit import RateLimit
from incidents.policy import Channels, Policy
from intake.parsers import parse_alerts
from slacksim import FakeSlack
from storage.alerts_tables import AlertGroupRow
from storage.database import Database
from storage.tables import ScheduledWorkRow
from tests.harness import serve_app

BOT_TOKEN = "xoxb-bench"
SENDERS = 32


@dataclass
class Run:
    bodies: int
    seconds: float
    latencies: list[float]  # seconds, one per body
    failures: int

    @property
    def rate(self) -> float:
        return self.bodies / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


@dataclass
class EndToEnd:
    bare: Run
    bot: Run
    groups: int
    first_post_s: float
    dropped: int  # alert work given up (a 429 or another failure left unhandled)
    unposted: int  # groups that post, with neither a post nor work still due
    rate_limited: int  # 429s the fake answered
    batches: int  # transactions the recorder needed for all the bodies


class _Dropped(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.getMessage().startswith("Dropping alert work")


async def _drive(url: str, data: list[bytes], headers: dict[str, str]) -> Run:
    latencies: list[float] = []
    failures = 0
    queue = iter(data)
    connector = aiohttp.TCPConnector(limit=SENDERS)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def sender() -> None:
            nonlocal failures
            for raw in queue:
                started = time.perf_counter()
                async with http.post(url, data=raw, headers=headers) as resp:
                    await resp.read()
                    failures += resp.status != 200
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(SENDERS)))
        return Run(len(data), time.perf_counter() - started, latencies, failures)


def _drive_in_child(url: str, data: list[bytes], headers: dict[str, str], conn: Connection) -> None:
    run = asyncio.run(_drive(url, data, headers))
    conn.send((run.bodies, run.seconds, run.latencies, run.failures))
    conn.close()


async def _drive_elsewhere(url: str, data: list[bytes], headers: dict[str, str]) -> Run:
    """The senders in a process of their own, as real senders are: the server's process is the server's alone."""
    spawn = multiprocessing.get_context("spawn")
    mine, theirs = spawn.Pipe()
    child = spawn.Process(target=_drive_in_child, args=(url, data, headers, theirs))
    child.start()
    try:
        bodies, seconds, latencies, failures = await asyncio.to_thread(mine.recv)
    finally:
        await asyncio.to_thread(child.join)
    return Run(bodies, seconds, latencies, failures)


async def _bare(data: list[bytes]) -> Run:
    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        alerts = parse_alerts(
            AlertSourceKind.ALERTMANAGER, json.loads(raw), integration="bare", received_at=datetime.now(UTC)
        )
        return web.json_response({"ok": True, "alerts": len(alerts)})

    app = web.Application()
    app.router.add_post("/alerts/bare", handle)
    runner, base = await serve_app(app)
    try:
        return await _drive_elsewhere(f"{base}alerts/bare", data, {"Content-Type": "application/json"})
    finally:
        await runner.cleanup()


LONE = json.dumps(
    {
        "version": "4",
        "status": "firing",
        "alerts": [
            {"status": "firing", "labels": {"alertname": "Lone"}, "annotations": {"summary": "The first alert"},
             "startsAt": "2026-10-05T12:00:00Z", "fingerprint": "lone"}
        ],
    }
).encode()  # fmt: skip


async def end_to_end(data: list[bytes]) -> EndToEnd:
    """Run the baseline, then the bot, on the same bodies, after one lone body timed to its first post."""
    bare = await _bare(data)
    dropped = _Dropped()
    logging.getLogger("incidents.alerts").addHandler(dropped)
    async with FakeSlack(bot_token=BOT_TOKEN) as slack:
        channel = slack.add_channel("alerts", members=[]).id
        slack.limit_messages_per_channel(1.0)
        policy = Policy(
            channels=Channels(announcement=channel),
            # The senders are the load, not a misbehaving integration: no rate limit gets in the way.
            alerts=AlertsPolicy(
                routes=[Route(default=True, channel=channel)], rate_limit=RateLimit.model_validate("1000000/1s")
            ),
        )
        with tempfile.TemporaryDirectory(prefix="firebreak-alerts-") as tmp:
            settings = Settings(
                _env_file=None,
                slack_bot_token=BOT_TOKEN,
                slack_signing_secret="bench",
                slack_api_url=slack.base_url,
                database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}",
            )
            async with runtime(settings, policy=policy) as rt:
                runner, base = await serve_app(rt.web_app)
                await rt.scheduler.start()
                gc.collect()  # as `firebreak run` does once started (firebreak/serve.py): long-lived objects
                gc.freeze()  # stay out of the collector's way, so full collections walk only what requests create
                try:
                    issued = await rt.alerts.admin.add("alertmanager", "prometheus", actor="bench")
                    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {issued.token}"}
                    url = f"{base}alerts/prometheus"
                    started = time.perf_counter()
                    async with aiohttp.ClientSession() as http, http.post(url, data=LONE, headers=headers) as resp:
                        assert resp.status == 200, await resp.text()
                    await slack.wait_for("chat.postMessage", where=lambda c: c.ok, timeout=10)
                    first_post = time.perf_counter() - started
                    bot = await _drive_elsewhere(url, data, headers)
                    await asyncio.sleep(3)  # posts and edits catch up, within Slack's limit
                    groups, unposted = await _groups(rt.database)
                    batches = rt.alerts.recorder.batches
                finally:
                    gc.unfreeze()
                    await rt.scheduler.stop()
                    await runner.cleanup()
        limited = sum(not c.ok and c.error == "ratelimited" for c in slack.calls)
    logging.getLogger("incidents.alerts").removeHandler(dropped)
    return EndToEnd(bare, bot, groups, first_post, dropped.count, unposted, limited, batches)


async def _groups(database: Database) -> tuple[int, int]:
    """How many groups, and how many that post have neither their post nor a row of work still due."""
    async with database.session(write=False) as session:
        total = (await session.execute(select(func.count()).select_from(AlertGroupRow))).scalar_one()
        stmt = select(AlertGroupRow.id).where(
            AlertGroupRow.in_storm.is_(False), AlertGroupRow.post_ts.is_(None), AlertGroupRow.status != "resolved"
        )
        waiting = {f"alert-post:{i}" for i in (await session.execute(stmt)).scalars()}
        due = set((await session.execute(select(ScheduledWorkRow.key))).scalars())
    return int(total), len(waiting - due)
