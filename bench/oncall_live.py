"""On-call benchmark, end to end (run by bench/oncall.py): the real bot, its database and the fake Slack.

- `/incident oncall <schedule>` against `/incident list`, both answered in the ack, sent one at a time over
  signed HTTP, interleaved round by round so both see the same machine, each warmed up first (the list answer
  is kept for a second, the on-call answer until the next handoff or override); target: oncall ack p99 <=
  1.2x list.
- 1,000 live escalations: 1,000 incidents whose escalation-policy step (a schedule's on-call: a DM, a stored
  page, a timeline entry) falls due over the next minute, done by the real APScheduler timer over the
  scheduled_work rows; lateness is when the fake Slack received the DM minus the step's due time.
  Target: every step sent within 1 s of due.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from firebreak.runtime import runtime
from firebreak.settings import Settings
from incidents.context import SystemClock
from incidents.declare import DeclareRequest, record_declaration
from incidents.oncall.paging_plan import page_work
from incidents.policy import Policy
from slacksim import FakeSlack
from slacksim import requests as req
from slacksim.recorder import Call

SECRET = "bench-signing-secret"
ACKS, ROUNDS, ESCALATIONS, SPREAD_S = 300, 4, 1_000, 60.0
ACK_RATIO_TARGET, LATENESS_TARGET_S = 1.2, 1.0


class DmTimingSlack(FakeSlack):
    """Notes when each page DM arrived (wall clock, comparable with due times)."""

    def __init__(self) -> None:
        super().__init__(bot_token="xoxb-bench")
        self.arrived: dict[str, float] = {}
        self.all_arrived = asyncio.Event()
        self.expected = 0

    async def _record(self, call: Call) -> None:
        metadata = call.args.get("metadata") or {}
        key = str((metadata.get("event_payload") or {}).get("key", "")) if isinstance(metadata, dict) else ""
        if call.method == "chat.postMessage" and call.ok and key.startswith("page:"):
            self.arrived.setdefault(key, time.time())
            if self.expected and len(self.arrived) >= self.expected:
                self.all_arrived.set()
        await super()._record(call)


def bench_policy(oncall: dict[str, Any]) -> Policy:
    oncall = {**oncall, "escalation_policies": {"bench": {"steps": [{"schedule": "team-000", "wait": "10m"}]}}}
    return Policy.model_validate({"oncall": oncall})


async def _acks(session: aiohttp.ClientSession, url: str, slack: FakeSlack, text: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        body = req.slash_command_body(
            text=text, user_id="UALICE", channel_id="CGENERAL", response_url=slack.new_response_url(),
            trigger_id=slack.new_trigger_id("UALICE"),
        )  # fmt: skip
        headers = {"Content-Type": "application/x-www-form-urlencoded", **req.sign(body, SECRET)}
        started = time.perf_counter()
        async with session.post(url, data=body, headers=headers) as resp:
            await resp.read()
            assert resp.status == 200
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


async def run_live(oncall: dict[str, Any]) -> None:
    policy = bench_policy(oncall)
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        async with DmTimingSlack() as slack:
            for user in (
                "UALICE",
                *{u for s in oncall["schedules"].values() for layer in s["layers"] for u in layer["users"]},
            ):
                slack.add_user(user, name=user.lower())
            settings = Settings(
                _env_file=None, slack_bot_token="xoxb-bench", slack_signing_secret=SECRET,  # type: ignore[call-arg]
                slack_api_url=slack.base_url, database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'oncall.db'}",
            )  # fmt: skip
            async with runtime(settings, policy=policy, clock=clock) as rt:
                for n in range(50):  # what `/incident list` shows
                    await record_declaration(rt.ctx, DeclareRequest(f"Bench incident {n}", "SEV3", "UALICE"))
                runner = web.AppRunner(rt.web_app, access_log=None)
                await runner.setup()
                site = web.TCPSite(runner, "127.0.0.1", 0)
                await site.start()
                host, port = runner.addresses[0][:2]
                url = f"http://{host}:{port}/slack/events"
                listed: list[float] = []
                oncalls: list[float] = []
                async with aiohttp.ClientSession() as session:
                    await _acks(session, url, slack, "list", 50)  # warm-up
                    for round_ in range(ROUNDS):  # each schedule asked once before: its answer is kept, as in use
                        await _acks(session, url, slack, f"oncall team-{round_ * 7:03d}", 10)
                    for round_ in range(ROUNDS):
                        listed += await _acks(session, url, slack, "list", ACKS // ROUNDS)
                        oncalls += await _acks(session, url, slack, f"oncall team-{round_ * 7:03d}", ACKS // ROUNDS)
                lateness = await _escalations(rt, slack, clock)
                await runner.cleanup()
    list_p99, oncall_p99 = _p99(listed), _p99(oncalls)
    ratio = oncall_p99 / list_p99
    print(f"End to end (the bot over signed HTTP, SQLite, in-process fake Slack), {len(listed)} acks each:")
    print(f"  baseline `/incident list` ack: p50 {statistics.median(listed):.2f} ms, p99 {list_p99:.2f} ms")
    print(f"  `/incident oncall <schedule>` ack: p50 {statistics.median(oncalls):.2f} ms, p99 {oncall_p99:.2f} ms")
    verdict = "PASS" if ratio <= ACK_RATIO_TARGET else "FAIL"
    print(f"    target p99 <= {ACK_RATIO_TARGET}x list: {ratio:.2f}x {verdict}")
    worst = max(lateness)
    print(
        f"  {ESCALATIONS:,} live escalations, steps due over {SPREAD_S:.0f} s: lateness median "
        f"{statistics.median(lateness) * 1000:.0f} ms, p99 {_p99(lateness) * 1000:.0f} ms, worst {worst * 1000:.0f} ms"
    )
    verdict = "PASS" if worst <= LATENESS_TARGET_S else "FAIL"
    print(f"    target every step within {LATENESS_TARGET_S:.0f} s of due: {verdict}")


async def _escalations(rt: Any, slack: DmTimingSlack, clock: SystemClock) -> list[float]:
    oncall = rt.ctx.policy.oncall
    references = []
    for n in range(ESCALATIONS):
        incident, _ = await record_declaration(
            rt.ctx, DeclareRequest(f"Escalating {n}", "SEV2", "UALICE", commander="UALICE", escalation_policy="bench")
        )
        references.append(incident)
    # Unacknowledged, so the policy pages (declared by the commander, they would be acknowledged at once).
    async with rt.ctx.uow() as uow:
        for incident in references:
            incident.acknowledged_at = None
            await uow.incidents.save(incident)
        await uow.commit()
    start = clock.now() + timedelta(seconds=3)
    due: dict[str, datetime] = {}
    async with rt.ctx.uow() as uow:
        for n, incident in enumerate(references):
            begins = start + timedelta(seconds=SPREAD_S * n / ESCALATIONS)
            group, reference = str(incident.id), incident.reference
            rows = page_work(oncall, "bench", group=group, start=begins, reference=reference, incident_id=incident.id)
            for row in rows:
                due[row.key] = row.due_at
            await uow.work.put_many(rows)
        await uow.commit()
    slack.expected = len(due)
    await rt.scheduler.start()
    rt.scheduler.wake_at(start)
    async with asyncio.timeout(SPREAD_S + 60):
        await slack.all_arrived.wait()
    await rt.scheduler.stop()
    by_row = {key.split("@")[0]: at for key, at in slack.arrived.items()}
    return [by_row[key] - when.astimezone(UTC).timestamp() for key, when in due.items()]
