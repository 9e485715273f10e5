"""On-call benchmark, first part: the resolver alone (no Slack, no database).

200 schedules × 3 layers × 8 users in six timezones, and 1,000 overrides spread over the next 90 days.
- who is on call: 20,000 lookups at random instants of random schedules; target p99 ≤ 1 ms. Baseline in the
  same run: a bare `bisect` over 10,000 sorted floats timed the same way (what a precomputed table would cost).
- a 90-day preview of all 200 schedules (every shift and gap), from resolvers just built (nothing remembered
  yet); target ≤ 500 ms. Also measured again once the rotations remember their boundaries.
Then the end-to-end targets (bench/oncall_live.py): `/incident oncall` ack vs `/incident list`, 1,000 live
escalations.
Run from the repository root: `.venv/bin/python bench/oncall.py` (or `make bench`).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the app packages importable
    sys.path.insert(0, str(ROOT))

import asyncio  # noqa: E402
import bisect  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from bench.oncall_live import run_live  # noqa: E402
from incidents.oncall.overrides import Override  # noqa: E402
from incidents.oncall.policy import OncallPolicy  # noqa: E402
from incidents.oncall.resolver import ScheduleResolver  # noqa: E402

SCHEDULES, LAYERS, USERS, OVERRIDES = 200, 3, 8, 1_000
LOOKUPS = 20_000
LOOKUP_P99_TARGET_MS = 1.0
PREVIEW_TARGET_MS = 500.0
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC", "America/Los_Angeles"]
NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)  # 90 days from here cross the October and November changes


def policy(rng: random.Random) -> OncallPolicy:
    return OncallPolicy.model_validate(policy_data(rng))


def policy_data(rng: random.Random) -> dict[str, Any]:
    schedules: dict[str, Any] = {}
    for number in range(SCHEDULES):
        people = [f"U{number:03d}P{n}" for n in range(LAYERS * USERS)]
        schedules[f"team-{number:03d}"] = {
            "timezone": ZONES[number % len(ZONES)],
            "layers": [
                {"users": people[0:8], "turn": "1w", "handoff": "mon 09:00", "anchor": "2026-01-05"},
                {
                    "users": people[8:16],
                    "turn": "1d",
                    "handoff": "09:00",
                    "anchor": "2026-01-05",
                    "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}],
                },
                {
                    "users": people[16:24],
                    "turn": rng.choice(["12h", "1d", "2d"]),
                    "handoff": "18:00",
                    "anchor": "2026-01-05",
                    "restrictions": [{"days": ["mon", "tue", "wed", "thu"], "from": "18:00", "to": "02:30"}],
                },
            ],
        }
    return {"schedules": schedules}


def overrides(rng: random.Random, names: list[str]) -> dict[str, list[Override]]:
    by_schedule: dict[str, list[Override]] = {name: [] for name in names}
    for number in range(OVERRIDES):
        name = rng.choice(names)
        start = NOW + timedelta(minutes=rng.randrange(0, 90 * 24 * 60, 15))
        end = start + timedelta(hours=rng.randint(1, 72))
        by_schedule[name].append(Override(f"o{number}", name, f"U{number:04d}X", start, end, "UBENCH", NOW))
    return by_schedule


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def build(oncall: OncallPolicy, by_schedule: dict[str, list[Override]]) -> dict[str, ScheduleResolver]:
    return {name: ScheduleResolver(name, schedule, by_schedule[name]) for name, schedule in oncall.schedules.items()}


def main() -> None:
    rng = random.Random(11)
    oncall = policy(rng)
    names = sorted(oncall.schedules)
    by_schedule = overrides(rng, names)
    print(f"On-call resolver: {SCHEDULES} schedules × {LAYERS} layers × {USERS} users, {OVERRIDES:,} overrides")
    print(f"  machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores (shared)")

    cold = build(oncall, by_schedule)
    started, cpu_started = time.perf_counter(), time.process_time()
    shifts = sum(len(r.shifts(NOW, NOW + timedelta(days=90))) for r in cold.values())
    cold_ms, cold_cpu_ms = (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000
    started = time.perf_counter()
    for resolver in cold.values():
        resolver.shifts(NOW, NOW + timedelta(days=90))
    warm_ms = (time.perf_counter() - started) * 1000

    resolvers = build(oncall, by_schedule)
    instants = [(rng.choice(names), NOW + timedelta(seconds=rng.randrange(90 * 86400))) for _ in range(LOOKUPS)]
    for name, at in instants[:500]:  # warm-up: the interpreter's caches, not the answers measured below
        resolvers[name].on_call_at(at + timedelta(days=1))
    lookups: list[float] = []
    lookups_cpu: list[float] = []  # this thread's CPU time: what the lookup costs, without being preempted
    for name, at in instants:
        begun, cpu_begun = time.perf_counter(), time.thread_time()
        resolvers[name].on_call_at(at)
        lookups.append((time.perf_counter() - begun) * 1000)
        lookups_cpu.append((time.thread_time() - cpu_begun) * 1000)

    table = sorted(rng.random() for _ in range(10_000))
    probes = [rng.random() for _ in range(LOOKUPS)]
    baseline: list[float] = []
    for probe in probes:
        begun = time.perf_counter()
        bisect.bisect_right(table, probe)
        baseline.append((time.perf_counter() - begun) * 1000)

    p50, p99 = statistics.median(lookups), percentile(lookups, 0.99)
    cpu_p99 = percentile(lookups_cpu, 0.99)
    base_p50, base_p99 = statistics.median(baseline), percentile(baseline, 0.99)
    load = os.getloadavg()[0]
    print(f"  load average {load:.2f} on {os.cpu_count()} cores: above the core count, wall times include waits")
    print(f"  baseline, bare bisect over 10,000 floats:  p50 {base_p50:.4f} ms, p99 {base_p99:.4f} ms")
    print(
        f"  who is on call ({LOOKUPS:,} lookups, with since/until):  wall p50 {p50:.3f} ms, p99 {p99:.3f} ms, "
        f"max {max(lookups):.2f} ms; CPU p99 {cpu_p99:.3f} ms ({p99 / base_p99:.0f}x baseline p99)"
    )
    target = LOOKUP_P99_TARGET_MS
    print(f"    target p99 <= {target:.0f} ms: wall {_verdict(p99, target)}, CPU {_verdict(cpu_p99, target)}")
    print(
        f"  90-day preview of all {SCHEDULES} schedules ({shifts:,} shifts and gaps), "
        f"just built: wall {cold_ms:.0f} ms, CPU {cold_cpu_ms:.0f} ms; remembered: wall {warm_ms:.0f} ms"
    )
    target = PREVIEW_TARGET_MS
    print(f"    target <= {target:.0f} ms: wall {_verdict(cold_ms, target)}, CPU {_verdict(cold_cpu_ms, target)}")
    print("  (a machine shared with other work: compare within this run; CPU figures leave out time spent waiting)")
    asyncio.run(run_live(policy_data(random.Random(11))))


def _verdict(measured: float, target: float) -> str:
    return "PASS" if measured <= target else "FAIL"


if __name__ == "__main__":
    main()
