"""Capture-path benchmark: signed `message` events, 32 in flight, against four servers in one run.

    a. bare aiohttp (POST /slack/events -> 200): the ceiling for any Python handler on this machine
    b. a slack_bolt AsyncApp with a no-op `message` listener (process_before_response=True)
    c. Firebreak's capture path, events in an incident channel: verified, stored durably (SQLite, group
       commit) and acknowledged after the commit; afterwards the SQLite file must hold exactly N entries
    d. Firebreak, events in channels that are not incident channels: verified and answered without a write

Run from the repository root: `.venv/bin/python bench/capture.py [--events N] [--quick]`. Each server runs in a
spawned process of its own, the load generator in another (see bench/capture_support.py). Exit status 1 when
a target is missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench`, `tests` and the app packages importable
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import itertools  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import AsyncIterator, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from bench.capture_support import (  # noqa: E402
    BOT_TOKEN,
    PEOPLE,
    SECRET,
    EventSpec,
    Memory,
    ServerConfig,
    ServerProcess,
    cpu_seconds,
    machine_busy,
    median,
    memory_of,
    requests,
    server_process,
)
from bench.common import LoadGenerator, LoadResult, Request, percentile  # noqa: E402

P99_TARGET_MS = 50.0
RATE_VS_BOLT_TARGET = 0.90
RSS_FLAT_TOLERANCE = 0.10
RETRIES = 1000  # deliveries replayed (same event_id and ts) after the run: the stored count must not change
NOISY = 0.25  # cores used by other processes during a round above which its figures are flagged
NOISY_RETRIES = 3  # short rows (a, b, d): how many noisy rounds may be run again, per row


@dataclass(frozen=True)
class Round:
    result: LoadResult
    server_cpu: float  # server CPU seconds during the round
    other_cores: float  # cores used by every other process on the machine meanwhile: noise


@dataclass
class Row:
    name: str
    rounds: list[Round]
    memory: Memory

    @property
    def latencies(self) -> list[float]:
        return [x for r in self.rounds for x in r.result.latencies]

    @property
    def count(self) -> int:
        return sum(len(r.result.latencies) for r in self.rounds)

    @property
    def rate(self) -> float:
        """Events/s of the median round."""
        return median([r.result.rate for r in self.rounds])

    @property
    def server_cores(self) -> float:
        return sum(r.server_cpu for r in self.rounds) / sum(r.result.wall for r in self.rounds)

    @property
    def noise(self) -> float:
        return max(r.other_cores for r in self.rounds)

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    def per_round(self) -> str:
        rates = ", ".join(f"{r.result.rate:.0f}" for r in self.rounds)
        p99s = ", ".join(f"{percentile(r.result.latencies, 99) * 1000:.1f}" for r in self.rounds)
        return f"ev/s per round {rates}; p99 ms {p99s}"


@dataclass(frozen=True)
class Plan:
    """How many events each server gets; `early` and `events` are Firebreak's two RSS checkpoints."""

    events: int
    early: int
    warmup: int
    bare: tuple[int, int]  # (rounds, events per round)
    bolt: tuple[int, int]
    ignored: tuple[int, int]
    capture_rounds: int  # rounds from `early` to `events`

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Plan:
        if args.quick:
            events = args.events or 20_000
            return cls(events, min(2_000, events // 2), 500, (3, 4_000), (3, 2_000), (3, 4_000), 3)
        events = args.events or 200_000
        early = 10_000 if events >= 100_000 else max(2_000, events // 10)
        return cls(events, early, 2_000, (5, 10_000), (5, 6_000), (3, 10_000), 5)


class Bench:
    def __init__(self, args: argparse.Namespace, plan: Plan, slack_url: str, channels: list[str]) -> None:
        self.args = args
        self.plan = plan
        self.slack_url = slack_url
        self.other_channels = tuple(channels)
        self.ts_base = int(time.time()) - 3 * 3600
        self.pinned = not args.no_pin and (os.cpu_count() or 1) >= 2 and hasattr(os, "sched_setaffinity")
        self.gen = LoadGenerator()
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.checks: list[tuple[str, bool, bool]] = []  # (what, passed, counted among the targets)
        self.phases: list[str] = []  # wall time per server, start-up and shutdown included

    @contextlib.asynccontextmanager
    async def phase(self, name: str) -> AsyncIterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phases.append(f"{name} {time.perf_counter() - started:.1f}s")

    def config(self, kind: str, database: str = "") -> ServerConfig:
        cpus = frozenset({0}) if self.pinned else None
        return ServerConfig(kind, slack_url=self.slack_url, database=database, cpus=cpus)

    async def start(self) -> None:
        await self.gen.start()
        if self.pinned and self.gen.pid:
            os.sched_setaffinity(self.gen.pid, {1})

    async def send(self, server: ServerProcess, spec: EventSpec, what: str) -> LoadResult:
        return await self.load(server, requests(spec), what)

    async def load(self, server: ServerProcess, batch: list[Request], what: str) -> LoadResult:
        result = await self.gen.run("127.0.0.1", server.port, batch, secret=SECRET, concurrency=self.args.concurrency)
        if result.unexpected:
            raise SystemExit(f"{what}: {result.unexpected}/{len(batch)} unexpected responses, e.g. {result.sample}")
        return result

    async def timed(self, server: ServerProcess, spec: EventSpec, what: str) -> Round:
        batch = requests(spec)  # built here, before the meters start: this process counts as "other"
        assert self.gen.pid is not None
        started, busy = time.perf_counter(), machine_busy()
        server_cpu, gen_cpu = cpu_seconds(server.pid), cpu_seconds(self.gen.pid)
        result = await self.load(server, batch, what)
        server_cpu = cpu_seconds(server.pid) - server_cpu
        others = machine_busy() - busy - server_cpu - (cpu_seconds(self.gen.pid) - gen_cpu)
        return Round(result, server_cpu, max(0.0, others) / (time.perf_counter() - started))

    async def fixed_rounds(
        self, name: str, server: ServerProcess, channels: tuple[str, ...], plan: tuple[int, int]
    ) -> Row:
        count, size = plan
        await self.send(server, EventSpec(channels, 0, self.plan.warmup, self.ts_base), f"{name} warm-up")
        rounds: list[Round] = []
        start, repeated = self.plan.warmup, 0
        for _ in range(count):
            # These rows take seconds: a round disturbed by another process is run again (NOISY_RETRIES a row).
            attempts = [await self.timed(server, EventSpec(channels, start, size, self.ts_base), name)]
            start += size
            while attempts[-1].other_cores > NOISY and repeated + len(attempts) <= NOISY_RETRIES:
                attempts.append(await self.timed(server, EventSpec(channels, start, size, self.ts_base), name))
                start += size
            repeated += len(attempts) - 1
            rounds.append(min(attempts, key=lambda r: r.other_cores))
        row = Row(name, rounds, memory_of(server.pid))
        self.rows.append(row)
        again = f" ({repeated} noisy round(s) run again)" if repeated else ""
        self.notes.append(f"{name[:2]} {row.per_round()}{again}")
        return row

    # -- a, b: the baselines ---------------------------------------------------------------------
    async def bare(self) -> Row:
        async with self.phase("a"), server_process(self.config("bare")) as server:
            return await self.fixed_rounds("a. bare aiohttp -> 200", server, self.other_channels, self.plan.bare)

    async def bolt(self) -> Row:
        async with self.phase("b"), server_process(self.config("bolt")) as server:
            name = "b. Bolt no-op message listener"
            return await self.fixed_rounds(name, server, self.other_channels, self.plan.bolt)

    # -- c: durable capture ----------------------------------------------------------------------
    async def capture(self, tmp: str) -> tuple[Row, Memory]:
        """Returns the row (memory at the end) and the memory at the early checkpoint."""
        plan = self.plan
        database = f"{tmp}/capture.db"
        async with self.phase("c"), server_process(self.config("firebreak", database)) as server:
            incident_id, channel = await server.ask("declare", "Checkout errors")
            channels = (channel,)
            await self.send(server, EventSpec(channels, 0, plan.warmup, self.ts_base), "capture warm-up")
            # One round up to the early checkpoint, then the rest in equal rounds; all count, warm-up included.
            rest = plan.events - plan.early
            bounds = [plan.warmup, plan.early]
            bounds += [plan.early + math.ceil(rest * (k + 1) / plan.capture_rounds) for k in range(plan.capture_rounds)]
            rounds: list[Round] = []
            early = memory_of(server.pid)
            for start, end in itertools.pairwise(bounds):
                if end > start:
                    rounds.append(await self.timed(server, EventSpec(channels, start, end - start, self.ts_base), "c"))
                if end == plan.early:
                    early = memory_of(server.pid)
            row = Row("c. Firebreak capture (incident channel)", rounds, memory_of(server.pid))
            batches = int(await server.ask("batches"))
            # Slack's retries: the same deliveries again (same event_id and ts), acknowledged but not stored.
            replay = min(RETRIES, plan.events)
            retried = await self.send(server, EventSpec(channels, plan.events - replay, replay, self.ts_base), "retry")
        self.rows.append(row)
        self.notes.append(
            f"c. {row.per_round()} (the first round ends at the {plan.early:,}-event RSS checkpoint); "
            f"{plan.events:,} events in {batches:,} transactions, ~{plan.events / max(batches, 1):.1f} per commit; "
            f"then {replay:,} retried deliveries, all answered 200 ({retried.rate:.0f}/s)"
        )
        self.verify_capture(database, incident_id, plan.events)
        return row, early

    def verify_capture(self, database: str, incident_id: int, expected: int) -> None:
        with contextlib.closing(sqlite3.connect(database)) as db:
            stored, distinct = db.execute(
                "SELECT count(*), count(DISTINCT message_ts) FROM timeline_entries "
                "WHERE incident_id = ? AND source = 'chat' AND kind = 'message'",
                (incident_id,),
            ).fetchone()
            processed = db.execute("SELECT count(*) FROM processed_events").fetchone()[0]
        what = (
            f"SQLite file holds exactly {expected:,} message entries, no loss, no duplicates "
            f"(found {stored:,}, {distinct:,} distinct ts; {processed:,} event ids recorded)"
        )
        self.checks.append((what, stored == distinct == expected, True))

    # -- d: ignored cheaply ----------------------------------------------------------------------
    async def ignored(self, tmp: str) -> Row:
        database = f"{tmp}/ignored.db"
        async with self.phase("d"), server_process(self.config("firebreak", database)) as server:
            await server.ask("declare", "Unrelated incident")  # an incident exists, just not in these channels
            name = "d. Firebreak, non-incident channels"
            row = await self.fixed_rounds(name, server, self.other_channels, self.plan.ignored)
        with contextlib.closing(sqlite3.connect(database)) as db:
            written = db.execute(
                "SELECT (SELECT count(*) FROM timeline_entries WHERE source = 'chat')"
                " + (SELECT count(*) FROM processed_events)"
            ).fetchone()[0]
        self.checks.append((f"d. non-incident channels: nothing stored ({written} rows written)", written == 0, False))
        return row


# -- reporting -------------------------------------------------------------------------------------
def table(rows: Sequence[Row], bare: Row, bolt: Row) -> str:
    header = (
        f"{'server':<40} {'events':>7} {'ev/s':>6} {'p50 ms':>7} {'p99 ms':>7} {'vs bare':>7} {'vs Bolt':>7} "
        f"{'srv cpu':>7} {'other':>5} {'RSS MB':>7} {'peak MB':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row.name:<40} {row.count:>7,} {row.rate:>6.0f} {row.p(50):>7.2f} {row.p(99):>7.2f} "
            f"{row.rate / bare.rate:>7.1%} {row.rate / bolt.rate:>7.1%} {row.server_cores:>7.0%} "
            f"{row.noise:>5.0%} {row.memory.rss_mb:>7.1f} {row.memory.peak_mb:>7.1f}"
        )
    return "\n".join(lines)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def report(bench: Bench, bare: Row, bolt: Row, capture: Row, early: Memory, elapsed: float) -> int:
    plan, args = bench.plan, bench.args
    pinning = "server pinned to CPU 0, load generator to CPU 1" if bench.pinned else "no CPU pinning"
    print(
        f"Firebreak capture benchmark: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs ({platform.machine()}), asyncio's default loop"
        f"{'; QUICK mode' if args.quick else ''}.\n"
        f"- Each server in its own spawned process, the load generator in another ({pinning}); the fake Slack "
        f"(auth.test, channel set-up) in the orchestrating process, idle while measuring.\n"
        f"- Load: signed Events API `message` events, built and signed in the generator before each timed loop "
        f"(fresh signatures), {args.concurrency} keep-alive connections, one request in flight on each.\n"
        f"- Latency: first byte sent to last byte of the 200 read. ev/s: the median round. 'srv cpu': the "
        f"server's CPU over the timed wall time (100% = one core); 'other': the most any round saw used by "
        f"other processes (noise). RSS: the server process at its end / its peak.\n"
        f"- Each server is warmed up with {plan.warmup:,} events first. c: {plan.events:,} unique events in all "
        f"(warm-up included) in one incident channel, SQLite in WAL mode, each acknowledged after its commit.\n"
    )
    print(table(bench.rows, bare, bolt))
    print("\nNotes:")
    for note in bench.notes:
        print(f"  - {note}")
    noisy = [r.name[:2] for r in bench.rows if r.noise > NOISY]
    if noisy:
        print(
            f"  - WARNING: other processes used more than {NOISY:.0%} of a core during rows {', '.join(noisy)}: "
            "the machine was busy, so those figures are noisy; re-run when it is quiet."
        )

    ratio = capture.rate / bolt.rate
    growth = capture.memory.rss_mb / early.rss_mb - 1
    quick = " [QUICK mode: 2k/20k instead of 10k/200k]" if args.quick and plan.events == 20_000 else ""
    targets = [
        (
            f"Firebreak capture >= {RATE_VS_BOLT_TARGET:.0%} of the Bolt no-op rate: {capture.rate:.0f} vs "
            f"{bolt.rate:.0f} ev/s = {ratio:.1%} (and {capture.rate / bare.rate:.1%} of bare aiohttp)",
            ratio >= RATE_VS_BOLT_TARGET,
        ),
        (f"Firebreak capture p99 <= {P99_TARGET_MS:g} ms: {capture.p(99):.1f} ms", capture.p(99) <= P99_TARGET_MS),
        (
            f"Firebreak RSS flat (+-{RSS_FLAT_TOLERANCE:.0%}) from {plan.early:,} to {plan.events:,} events{quick}: "
            f"{early.rss_mb:.1f} -> {capture.memory.rss_mb:.1f} MB ({growth:+.1%}; peak {capture.memory.peak_mb:.1f})",
            abs(growth) <= RSS_FLAT_TOLERANCE,
        ),
    ]
    targets += [(what, ok) for what, ok, counted in bench.checks if counted]
    print("\nTargets:")
    for what, ok in targets:
        print(f"  {verdict(ok)}  {what}")
    print("Stretch target:")
    print(f"  {verdict(capture.rate > bolt.rate)}  Firebreak capture beats the Bolt no-op rate ({ratio:.1%} of it)")
    print("Other checks:")
    for what, ok, counted in bench.checks:
        if not counted:
            print(f"  {verdict(ok)}  {what}")
    passed = sum(ok for _, ok in targets)
    print(f"\nTargets met: {passed}/{len(targets)}. Total run time {elapsed:.1f} s ({', '.join(bench.phases)}).")
    return 0 if passed == len(targets) else 1


# -- main ------------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=0, help="events Firebreak stores (default 200k; quick 20k)")
    parser.add_argument("--quick", action="store_true", help="smaller runs; RSS checkpoints at 2k and 20k events")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the server and generator to CPUs 0 and 1")
    args = parser.parse_args(argv)
    if args.events and args.events < 2 * (500 if args.quick else 2_000):
        parser.error("--events is too small to warm up and measure")
    return args


async def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: spawned children re-import this script and have no use for the fake.
    from slacksim import FakeSlack

    started = time.perf_counter()
    plan = Plan.from_args(args)
    async with FakeSlack(bot_token=BOT_TOKEN) as slack:
        for user_id, name in PEOPLE.items():
            slack.add_user(user_id, name=name, real_name=name.title())
        channels = [slack.add_channel(f"team-{n}", members=list(PEOPLE)).id for n in range(8)]
        bench = Bench(args, plan, slack.base_url, channels)
        await bench.start()
        try:
            bare = await bench.bare()
            bolt = await bench.bolt()
            with tempfile.TemporaryDirectory(prefix="firebreak-capture-") as tmp:
                capture, early = await bench.capture(tmp)
                await bench.ignored(tmp)
        finally:
            bench.gen.close()
    return report(bench, bare, bolt, capture, early, time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
