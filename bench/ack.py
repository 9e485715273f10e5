"""Ack-path benchmark: bare aiohttp, a no-op Bolt listener, and Firebreak's `/incident list` and declare acks.

Run from the repository root: `.venv/bin/python bench/ack.py` (or `make bench`). Everything runs against the
zero-latency fake Slack in a spawned process of its own (see bench/fake_slack_process.py); the load comes from
another spawned process (see bench/common.py). Each server is warmed up before it is measured; ratios are
against the bare aiohttp run of the same invocation.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench`, `tests` and the app packages importable
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402

from aiohttp import web  # noqa: E402
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request  # noqa: E402
from slack_bolt.async_app import AsyncAck, AsyncApp  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from bench.common import (  # noqa: E402
    CpuMeter,
    LoadGenerator,
    LoadResult,
    Request,
    Row,
    bare_app,
    percentile,
    row_from,
    rss_mb,
    serve,
    table,
)
from bench.fake_slack_process import FakeSlackProcess, FakeSlackSetup, fake_slack_process  # noqa: E402
from firebreak.runtime import Runtime, runtime  # noqa: E402
from firebreak.settings import Settings  # noqa: E402
from incidents.policy import Policy  # noqa: E402
from slacksim import requests as req  # noqa: E402
from tests.harness import declare_values  # noqa: E402

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
ACK_P99_TARGET_MS = 25.0
PINNED_P99_TARGET_MS = 300.0
IDLE_SECONDS = 0.2  # pause before each round of row 4e, after the previous round's work has drained
WARMUP_SECONDS = 1.0
NOISY = 0.25  # other processes' CPU (cores) above which a row is flagged as measured on a busy machine
DECLARED = b'"response_action": "update"'  # how Bolt serialises the declare ack's view update
PEOPLE = {"UALICE": "alice", "UBOB": "bob", "UCAROL": "carol", "UDAVE": "dave"}


class Bench:
    def __init__(self, gen: LoadGenerator, slack: FakeSlackProcess, args: argparse.Namespace) -> None:
        self.gen = gen
        self.slack = slack
        self.args = args
        self.general = slack.channel_ids["general"]
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self._view_ids = 0

    # -- request bodies --------------------------------------------------------------------------
    def list_commands(self, count: int) -> list[Request]:
        return [Request(self.list_command()) for _ in range(count)]

    def list_command(self) -> bytes:
        return req.slash_command_body(
            text="list", user_id="UALICE", channel_id=self.general,
            response_url=self.slack.new_response_url(), trigger_id=self.slack.new_trigger_id(),
        )  # fmt: skip

    async def declarations(self, count: int) -> tuple[list[str], list[Request]]:
        view_ids, bodies = [], []
        for _ in range(count):
            self._view_ids += 1
            view_id = f"VBENCH{self._view_ids:06d}"
            values = declare_values(
                title=f"Bench incident {self._view_ids}", severity="SEV2", commander="UALICE", impact="yes"
            )
            body = req.view_submission_body(
                callback_id="declare_incident", view_id=view_id, values=values, user_id="UALICE"
            )
            view_ids.append(view_id)
            bodies.append(Request(body))
        # Slack knows the view it sends a submission of: the bot updates it once the incident exists.
        await self.slack.add_views(view_ids, callback_id="declare_incident", user="UALICE")
        return view_ids, bodies

    # -- measuring -------------------------------------------------------------------------------
    def meter(self) -> CpuMeter:
        """A CPU meter that tells the fake Slack's CPU ('slk cpu') apart from the rest of the machine's."""
        return CpuMeter(helpers=[self.slack.pid])

    async def load(
        self, port: int, requests: Sequence[Request], *, concurrency: int, expect: bytes | None, what: str
    ) -> LoadResult:
        result = await self.gen.run("127.0.0.1", port, requests, secret=SECRET, concurrency=concurrency, expect=expect)
        if result.unexpected:
            self.notes.append(f"{what}: {result.unexpected}/{len(requests)} unexpected responses, e.g. {result.sample}")
        return result

    async def warm_up(self, port: int, make: Callable[[int], list[Request]], *, expect: bytes | None) -> None:
        """At least `--warmup` requests and at least WARMUP_SECONDS of load, so the machine has settled."""
        started = time.perf_counter()
        while True:
            await self.load(port, make(self.args.warmup), concurrency=self.args.concurrency, expect=expect,
                            what="warm-up")  # fmt: skip
            if time.perf_counter() - started >= WARMUP_SECONDS:
                return

    async def measure(
        self,
        name: str,
        port: int,
        make: Callable[[int], list[Request]],
        *,
        count: int,
        rounds: int,
        expect: bytes | None,
        target: bool,
    ) -> Row:
        """Warm up, then `rounds` timed runs of `count` requests each."""
        await self.warm_up(port, make, expect=expect)
        results = []
        meter = self.meter()
        for _ in range(rounds):
            requests = make(count)
            with meter:
                results.append(
                    await self.load(port, requests, concurrency=self.args.concurrency, expect=expect, what=name)
                )
        row = row_from(name, results, meter, concurrency=self.args.concurrency)
        if rounds > 1:
            rates = ", ".join(f"{r.rate:.0f}" for r in results)
            p99s = ", ".join(f"{percentile(r.latencies, 99) * 1000:.1f}" for r in results)
            self.notes.append(f"{name}: req/s per round {rates}; p99 ms per round {p99s}")
        if target:
            row.target, row.passed = f"p99 <= {ACK_P99_TARGET_MS:g} ms", row.p99_ms <= ACK_P99_TARGET_MS
        self.rows.append(row)
        return row

    # -- the four servers ------------------------------------------------------------------------
    async def bare(self) -> Row:
        runner, _host, port = await serve(bare_app())
        try:
            return await self.measure(
                "1. bare aiohttp (baseline)", port, self.list_commands, count=self.args.n_fast,
                rounds=self.args.rounds, expect=b"ok", target=False,
            )  # fmt: skip
        finally:
            await runner.cleanup()

    async def bolt_noop(self) -> Row:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=self.slack.base_url)
        bolt = AsyncApp(client=client, signing_secret=SECRET, process_before_response=True)

        @bolt.command("/incident")
        async def noop(ack: AsyncAck) -> None:
            await ack()

        async def slack_events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

        app = web.Application()
        app.router.add_post("/slack/events", slack_events)
        runner, _host, port = await serve(app)
        try:
            return await self.measure(
                "2. Bolt no-op /incident ack", port, self.list_commands, count=self.args.n_bolt,
                rounds=self.args.rounds, expect=None, target=False,
            )  # fmt: skip
        finally:
            await runner.cleanup()

    async def firebreak(self) -> None:
        with tempfile.TemporaryDirectory(prefix="firebreak-bench-") as tmp:
            settings = Settings(
                _env_file=None,
                slack_bot_token=BOT_TOKEN,
                slack_signing_secret=SECRET,
                slack_api_url=self.slack.base_url,
                database_url=f"sqlite+aiosqlite:///{tmp}/firebreak.db",
            )
            async with runtime(settings, policy=Policy()) as rt:
                runner, _host, port = await serve(rt.web_app)
                # As firebreak/serve.py does once the server is up: start-up objects live as long as the process,
                # so keep them out of full collections (unfrozen, each one stalls the event loop ~80 ms here).
                gc.collect()
                gc.freeze()
                try:
                    await self._firebreak(rt, port)
                finally:
                    await self._settle(rt)
                    await runner.cleanup()

    async def _firebreak(self, rt: Runtime, port: int) -> None:
        args = self.args
        # Seed the incidents `/incident list` shows (its default limit is 50), channels and all.
        _ids, seed = await self.declarations(args.seed)
        await self.load(port, seed, concurrency=8, expect=DECLARED, what="seeding declarations")
        await self._settle(rt)
        await self.measure(
            f"3. Firebreak /incident list ({args.seed} inc.)", port, self.list_commands, count=args.n_list,
            rounds=args.list_rounds, expect=b"INC-", target=True,
        )  # fmt: skip

        # Declarations: warm up and settle, then the timed run; the set-up work finishes after the acks.
        # One batch of --warmup, not >= WARMUP_SECONDS of load: the ack no longer waits for the database, so a
        # second of acks would queue thousands of set-ups to wait for.
        await self.load(port, (await self.declarations(args.warmup))[1], concurrency=args.concurrency,
                        expect=DECLARED, what="warm-up")  # fmt: skip
        await self._settle(rt)
        await self._declare_concurrently(rt, port)
        await self._declare_one_at_a_time(rt, port)
        await self._declare_in_bursts(rt, port)

    async def _declare_concurrently(self, rt: Runtime, port: int) -> None:
        count, concurrency = self.args.n_declare, self.args.concurrency
        view_ids, bodies = await self.declarations(count)
        meter = self.meter()
        with meter:
            result = await self.load(port, bodies, concurrency=concurrency, expect=DECLARED, what="declare")
            started = time.perf_counter()
            await self._settle(rt)
            settle = time.perf_counter() - started
        row = row_from("4. Firebreak declare submission ack", [result], meter, concurrency=concurrency,
                       cpu_over_meter=True)  # fmt: skip
        row.target, row.passed = f"p99 <= {ACK_P99_TARGET_MS:g} ms", row.p99_ms <= ACK_P99_TARGET_MS
        self.rows.append(row)

        pinned, missing = await self._pinned_latencies(rt, view_ids, result.sent)
        first = min(result.sent)
        last = max((s + p for s, p in zip(result.sent, pinned, strict=True) if p is not None), default=first)
        latencies = [p for p in pinned if p is not None]
        pin_row = row_from(f"4b. declare -> pinned, {count} at once", [result], meter, concurrency=concurrency,
                           latencies=latencies, cpu_over_meter=True)  # fmt: skip
        pin_row.rate = len(latencies) / (last - first) if last > first else None
        throughput = f"{pin_row.rate:.0f} declarations/s " if pin_row.rate else ""
        pin_row.target = f"{throughput}(throughput under a {count}-declaration burst, info)"
        self.rows.append(pin_row)
        self.notes.append(
            f"4/4b: {count} acks took {result.wall:.2f}s; the set-up work went on {settle:.2f}s after the last ack; "
            f"the last summary was pinned {last - first:.2f}s after the first submission; "
            f"{self.per_declaration(meter, count)}" + (f"; {missing} summaries never pinned" if missing else "")
        )

    async def _declare_one_at_a_time(self, rt: Runtime, port: int) -> None:
        """Service time without queueing: each declaration is fully set up before the next is sent."""
        acks: list[LoadResult] = []
        pinned: list[float] = []
        missing = 0
        meter = self.meter()
        for _ in range(self.args.n_isolated):
            view_ids, bodies = await self.declarations(1)
            with meter:
                result = await self.load(port, bodies, concurrency=1, expect=DECLARED, what="isolated declare")
                await self._settle(rt)
            acks.append(result)
            latency, lost = await self._pinned_latencies(rt, view_ids, result.sent)
            missing += lost
            pinned += [p for p in latency if p is not None]
        row = row_from("4c. declare ack, one at a time", acks, meter, concurrency="1", cpu_over_meter=True)
        row.rate = None  # one request per run: a rate would measure the harness, not the server
        row.target, row.passed = f"p99 <= {ACK_P99_TARGET_MS:g} ms", row.p99_ms <= ACK_P99_TARGET_MS
        row.informative = True
        pin_row = row_from("4d. declare -> pinned, one at a time", acks, meter, concurrency="1", latencies=pinned,
                           cpu_over_meter=True)  # fmt: skip
        pin_row.rate = None
        pin_row.target = f"p99 <= {PINNED_P99_TARGET_MS:g} ms"
        pin_row.passed, pin_row.informative = not missing and pin_row.p99_ms <= PINNED_P99_TARGET_MS, True
        self.rows += [row, pin_row]
        self.notes.append(f"4c/4d: {self.per_declaration(meter, self.args.n_isolated)}")

    async def _declare_in_bursts(self, rt: Runtime, port: int) -> None:
        """The latency a declarer sees when --burst submissions arrive at once on an otherwise idle bot."""
        size, rounds = self.args.burst, self.args.burst_rounds
        acks: list[LoadResult] = []
        latencies: list[float] = []
        per_round: list[str] = []
        missing = 0
        meter = self.meter()
        for _ in range(rounds):
            view_ids, bodies = await self.declarations(size)
            await asyncio.sleep(IDLE_SECONDS)  # the previous round (and its bookkeeping) is over: the bot is idle
            with meter:
                result = await self.load(port, bodies, concurrency=size, expect=DECLARED, what="burst declare")
                await self._settle(rt)
            acks.append(result)
            pinned, lost = await self._pinned_latencies(rt, view_ids, result.sent)
            missing += lost
            done = [p for p in pinned if p is not None]
            latencies += done
            per_round.append(f"{percentile(done, 50) * 1000:.0f}/{percentile(done, 99) * 1000:.0f}")
        row = row_from(f"4e. declare -> pinned, {size} at once", acks, meter, concurrency=size, latencies=latencies,
                       cpu_over_meter=True)  # fmt: skip
        row.rate = None  # a latency row: 4b gives the throughput
        row.target = f"p99 <= {PINNED_P99_TARGET_MS:g} ms"
        row.passed = not missing and row.p99_ms <= PINNED_P99_TARGET_MS
        self.rows.append(row)
        self.notes.append(
            f"4e: {rounds} rounds of {size}, p50/p99 ms per round {', '.join(per_round)}; "
            f"{self.per_declaration(meter, size * rounds)}" + (f"; {missing} summaries never pinned" if missing else "")
        )

    @staticmethod
    def per_declaration(meter: CpuMeter, count: int) -> str:
        return (
            f"CPU per declaration: bot {meter.process / count * 1000:.1f} ms, "
            f"fake Slack {meter.helpers / count * 1000:.1f} ms"
        )

    async def _pinned_latencies(
        self, rt: Runtime, view_ids: Sequence[str], sent: Sequence[float]
    ) -> tuple[list[float | None], int]:
        """Send-to-pins.add latency per submission (None if never pinned), and how many were never pinned."""
        channels: list[str | None] = []
        async with rt.ctx.uow(write=False) as uow:
            for view_id in view_ids:
                incident = await uow.incidents.get_by_declare_key(view_id)
                channels.append(incident.channel_id if incident is not None else None)
        pinned = await self.slack.pinned_at([c for c in channels if c])
        latencies: list[float | None] = []
        for channel, sent_at in zip(channels, sent, strict=True):
            pinned_at = pinned.get(channel) if channel else None
            latencies.append(None if pinned_at is None else pinned_at - sent_at)
        return latencies, sum(1 for x in latencies if x is None)

    async def _settle(self, rt: Runtime) -> None:
        async with asyncio.timeout(120):
            await rt.lazy.drain()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=50, help="warm-up batch size (batches repeat for >= 1 s)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds, rows 1-2 (median-rate round shown)")
    parser.add_argument("--list-rounds", type=int, default=4, help="timed rounds, row 3")
    parser.add_argument("--n-fast", type=int, default=8000, help="requests per round, bare aiohttp")
    parser.add_argument("--n-bolt", type=int, default=2500, help="requests per round, Bolt no-op")
    parser.add_argument("--n-list", type=int, default=300, help="requests per round, /incident list")
    parser.add_argument("--seed", type=int, default=50, help="incidents declared before /incident list")
    parser.add_argument("--n-declare", type=int, default=300, help="declarations, --concurrency in flight (4b)")
    parser.add_argument("--n-isolated", type=int, default=30, help="declarations sent one at a time (4d)")
    parser.add_argument("--burst", type=int, default=32, help="declarations sent at once per round (4e)")
    parser.add_argument("--burst-rounds", type=int, default=10, help="rounds of --burst declarations (4e)")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    gen = LoadGenerator()
    setup = FakeSlackSetup(bot_token=BOT_TOKEN, users=PEOPLE, channels={"general": list(PEOPLE)})
    try:
        async with fake_slack_process(setup) as slack:
            await gen.start()
            bench = Bench(gen, slack, args)
            baseline = await bench.bare()
            await bench.bolt_noop()
            await bench.firebreak()
    finally:
        gen.close()
    print_report(bench, baseline, args, time.perf_counter() - started)


def print_report(bench: Bench, baseline: Row, args: argparse.Namespace, elapsed: float) -> None:
    print(
        f"Firebreak ack benchmark: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs ({platform.machine()}), asyncio's default event loop.\n"
        f"- Server: this process (pid {os.getpid()}), one event loop. The zero-latency fake Slack (slacksim) "
        f"runs in a spawned process of its own (pid {bench.slack.pid}), since real Slack's CPU is not on our "
        f"machine; no CPU pinning.\n"
        f"- Load: a separate process (multiprocessing, spawn; pid {bench.gen.pid}) speaking raw HTTP/1.1 over "
        f"{args.concurrency} keep-alive connections, one request in flight on each (closed loop), so the client's "
        f"CPU is not taken from the server's core. Bodies are signed in that process before each timed loop.\n"
        f"- Latency: first byte of the request sent to last byte of the response read, in the load process. "
        f"Each server is warmed up (batches of {args.warmup}, >= {WARMUP_SECONDS:g} s) first. Rows 1-3: "
        f"latencies pooled over {args.rounds}/{args.rounds}/{args.list_rounds} rounds, req/s of the median round.\n"
        f"- 4b/4d/4e: from sending a declare submission until the fake Slack received pins.add for its incident's "
        f"channel (same clock, CLOCK_MONOTONIC, in all processes).\n"
        f"- 4e is the latency measure: {args.burst} submissions at once (the issue's concurrency), "
        f"{args.burst_rounds} rounds with the bot idle before each. 4b sends {args.n_declare} within a fraction of "
        f"a second, so the last waits for the {args.n_declare - 1} before it: its p99 is ~{args.n_declare} x the "
        f"cost of one declaration, a throughput figure (req/s = summaries pinned per second), not a latency.\n"
        f"- 'srv cpu'/'gen cpu'/'slk cpu': CPU time of the server (all its threads) / load process / fake Slack "
        f"over the timed wall time (100% = one core); 'other': everything else on the machine (noise).\n"
        f"- 'peakRSS': peak RSS of the server process so far (cumulative down the table); RSS now "
        f"{rss_mb():.0f} MB.\n"
        f"- Targets: ack p99 <= {ACK_P99_TARGET_MS:g} ms; declare -> pinned summary p99 <= "
        f"{PINNED_P99_TARGET_MS:g} ms, on 4e ('info' rows: shown for context, not counted).\n"
    )
    print(table(bench.rows, baseline))
    if bench.notes:
        print("\nNotes:")
        for note in bench.notes:
            print(f"  - {note}")
    noisy = [r.name.split(" ")[0] for r in bench.rows if r.other_cpu is not None and r.other_cpu > NOISY]
    if noisy:
        print(f"\nWARNING: other processes used more than {NOISY:.0%} of a core during rows {', '.join(noisy)}: "
              "the machine was busy, so those figures are pessimistic and noisy; re-run when it is quiet.")  # fmt: skip
    verdicts = [r.passed for r in bench.rows if r.passed is not None and not r.informative]
    print(f"\nTargets met: {sum(verdicts)}/{len(verdicts)}. Total run time {elapsed:.1f} s.")


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
