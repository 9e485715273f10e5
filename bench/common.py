"""Shared benchmark machinery: a signed load generator in its own process, percentiles, RSS, a table.

The load generator runs in a separate process (multiprocessing, spawn) so its CPU does not come out of the
server's core, and speaks raw HTTP/1.1 over persistent keep-alive connections (one request in flight per
connection, closed loop) so that it stays far from being the bottleneck: the aiohttp client costs about as
much CPU per request as the bare aiohttp server does. Bodies are signed in the generator process before its
timed loop, so signing is neither charged to the server nor to the measured latency, and every signature is
fresh (the timestamp is taken just before the run).

Times are `time.perf_counter()`, which on Linux is CLOCK_MONOTONIC and therefore comparable between the
generator and the other processes of a benchmark: it can subtract a send time measured in the generator from
an arrival time recorded elsewhere (e.g. when the fake Slack, in a process of its own, received `pins.add`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import multiprocessing
import re
import resource
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import psutil  # type: ignore[import-untyped]
from aiohttp import web

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Request:
    """An unsigned request body for POST {path}; the generator signs it just before its run."""

    body: bytes
    content_type: str = FORM


@dataclass
class LoadResult:
    sent: list[float]  # perf_counter when the request's first byte was written, per request (input order)
    done: list[float]  # perf_counter when the whole response had been read
    status: list[int]
    unexpected: int  # responses that were not 200 or lacked `expect`
    sample: str  # the first unexpected response, for the error message
    wall: float  # first send to last response, seconds
    client_cpu: float  # generator process CPU seconds during the timed loop
    client_cpu_total: float = 0.0  # ... including signing and connecting

    @property
    def latencies(self) -> list[float]:
        return [d - s for s, d in zip(self.sent, self.done, strict=True)]

    @property
    def rate(self) -> float:
        return len(self.sent) / self.wall if self.wall > 0 else float("nan")


# -- statistics ------------------------------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); p in 0..100."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def rss_mb() -> float:
    """Current resident set size of this process, MiB."""
    return float(psutil.Process().memory_info().rss) / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- serving ---------------------------------------------------------------------------------------
async def serve(app: web.Application) -> tuple[web.AppRunner, str, int]:
    """Serve `app` on 127.0.0.1:0 without an access log; returns (runner, host, port)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, host, port


def bare_app(path: str = "/slack/events") -> web.Application:
    """The baseline: the cheapest aiohttp handler there is."""

    async def ok(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(path, ok)
    return app


# -- the load generator ----------------------------------------------------------------------------
class LoadGenerator:
    """A spawned process that fires signed requests at a server with `concurrency` keep-alive connections."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self.pid: int | None = None

    async def start(self) -> None:
        self.pid = await asyncio.get_running_loop().run_in_executor(self._pool, _child_pid)

    async def run(
        self,
        host: str,
        port: int,
        requests: Sequence[Request],
        *,
        secret: str,
        concurrency: int,
        path: str = "/slack/events",
        expect: bytes | None = None,
    ) -> LoadResult:
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, _run_load, host, port, path, list(requests), secret, concurrency, expect
        )

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _child_pid() -> int:
    return multiprocessing.current_process().pid or 0


def sign(body: bytes, secret: str, timestamp: int) -> tuple[str, str]:
    """Slack's v0 signature: HMAC-SHA256 of "v0:{timestamp}:{body}" keyed by the signing secret."""
    base = b"v0:%d:%s" % (timestamp, body)
    return str(timestamp), "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def _wire(host: str, port: int, path: str, request: Request, secret: str, timestamp: int) -> bytes:
    ts, signature = sign(request.body, secret, timestamp)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {request.content_type}\r\n"
        f"Content-Length: {len(request.body)}\r\nX-Slack-Request-Timestamp: {ts}\r\n"
        f"X-Slack-Signature: {signature}\r\n\r\n"
    )
    return head.encode() + request.body


def _run_load(
    host: str,
    port: int,
    path: str,
    requests: list[Request],
    secret: str,
    concurrency: int,
    expect: bytes | None,
) -> LoadResult:
    cpu = time.process_time()
    timestamp = int(time.time())  # fresh: Bolt rejects signatures more than five minutes old
    wires = [_wire(host, port, path, r, secret, timestamp) for r in requests]
    result = asyncio.run(_Run(wires, expect).drive(host, port, concurrency))
    result.client_cpu_total = time.process_time() - cpu
    return result


class _Run:
    def __init__(self, wires: list[bytes], expect: bytes | None) -> None:
        self.wires = wires
        self.expect = expect
        n = len(wires)
        self.sent = [0.0] * n
        self.done = [0.0] * n
        self.status = [0] * n
        self.unexpected = 0
        self.sample = ""
        self.next = 0
        self.remaining = n
        self.finished: asyncio.Future[None] | None = None

    async def drive(self, host: str, port: int, concurrency: int) -> LoadResult:
        loop = asyncio.get_running_loop()
        self.finished = loop.create_future()
        if not self.wires:
            self.finished.set_result(None)
        connections = []
        for _ in range(min(concurrency, len(self.wires))):
            _transport, conn = await loop.create_connection(lambda: _Connection(self), host, port)
            connections.append(conn)
        cpu = time.process_time()
        for conn in connections:
            self.send_next(conn)
        try:
            await asyncio.wait_for(self.finished, timeout=300)
        finally:
            for conn in connections:
                conn.close()
        wall = max(self.done) - min(self.sent) if self.wires else 0.0
        return LoadResult(
            self.sent, self.done, self.status, self.unexpected, self.sample, wall, time.process_time() - cpu
        )

    def send_next(self, conn: _Connection) -> None:
        if self.next < len(self.wires):
            index, self.next = self.next, self.next + 1
            conn.index = index
            self.sent[index] = time.perf_counter()
            conn.write(self.wires[index])

    def complete(self, conn: _Connection, status: int, body: bytes) -> None:
        now = time.perf_counter()
        index = conn.index
        self.done[index] = now
        self.status[index] = status
        if status != 200 or (self.expect is not None and self.expect not in body):
            self.unexpected += 1
            if not self.sample:
                self.sample = f"HTTP {status}: {body[:300]!r}"
        self.remaining -= 1
        if self.remaining == 0:
            assert self.finished is not None
            if not self.finished.done():
                self.finished.set_result(None)
        else:
            self.send_next(conn)

    def fail(self, exc: BaseException) -> None:
        if self.finished is not None and not self.finished.done():
            self.finished.set_exception(exc)


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection with at most one request in flight."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.index = -1
        self.body_start = -1
        self.length = 0
        self.code = 0
        self.closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def write(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    def close(self) -> None:
        self.closing = True
        if self.transport is not None:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while True:
            if self.body_start < 0:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(buffer[:end])
                match = _CONTENT_LENGTH.search(head)
                if match is None:
                    self.run.fail(RuntimeError(f"response without Content-Length: {head[:200]!r}"))
                    return
                self.code = int(head[9:12])
                self.length = int(match.group(1))
                self.body_start = end + 4
            if len(buffer) < self.body_start + self.length:
                return
            body = bytes(buffer[self.body_start : self.body_start + self.length])
            del buffer[: self.body_start + self.length]
            self.body_start = -1
            self.run.complete(self, self.code, body)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closing:
            self.run.fail(ConnectionError(f"server closed a connection: {exc!r}"))


# -- reporting ------------------------------------------------------------------------------------
@dataclass
class Row:
    name: str
    count: int
    concurrency: int | str
    p50_ms: float
    p99_ms: float
    rate: float | None  # requests/s (median round); for end-to-end rows, completions/s
    peak_rss: float
    server_cpu: float | None = None  # cores used by the server process during the runs (1.0 = one core)
    client_cpu: float | None = None  # cores used by the load generator
    helper_cpu: float | None = None  # cores used by the meter's helper processes (the fake Slack)
    other_cpu: float | None = None  # cores used by everything else on the machine: noise
    target: str = ""
    passed: bool | None = None
    informative: bool = False  # a verdict shown for context, not counted

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return ""
        word = "PASS" if self.passed else "FAIL"
        return f"({word}, info)" if self.informative else word


class CpuMeter:
    """CPU used during a stretch of time: by this process, by helper processes, and by the whole machine.

    Helpers are processes of the benchmark other than the load generator (e.g. a fake Slack in its own
    process): their CPU is theirs, not noise.
    """

    def __init__(self, helpers: Sequence[int] = ()) -> None:
        self.wall = 0.0
        self.process = 0.0
        self.helpers = 0.0
        self.machine = 0.0
        self._helpers = [psutil.Process(pid) for pid in helpers if pid]
        self._started: tuple[float, float, float, float] | None = None

    @staticmethod
    def _machine_busy() -> float:
        times = psutil.cpu_times()
        return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))

    def _helpers_cpu(self) -> float:
        return float(sum(t.user + t.system for t in (p.cpu_times() for p in self._helpers)))

    def __enter__(self) -> CpuMeter:
        self._started = (time.perf_counter(), time.process_time(), self._helpers_cpu(), self._machine_busy())
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._started is not None
        wall, process, helpers, machine = self._started
        self.wall += time.perf_counter() - wall
        self.process += time.process_time() - process
        self.helpers += self._helpers_cpu() - helpers
        self.machine += self._machine_busy() - machine


def row_from(
    name: str,
    results: Sequence[LoadResult],
    meter: CpuMeter,
    *,
    concurrency: int | str,
    latencies: Sequence[float] | None = None,
    cpu_over_meter: bool = False,
) -> Row:
    """Latencies pooled over all rounds; the rate of the median round; CPU over all rounds.

    `cpu_over_meter`: divide CPU by the meter's whole wall time (which may include work after the responses,
    such as lazy listeners) instead of by the timed loops' wall time.
    """
    lat = list(latencies) if latencies is not None else [x for r in results for x in r.latencies]
    rates = sorted(r.rate for r in results)
    client = sum(r.client_cpu for r in results)
    # The server is idle outside the timed loops (while the generator signs and connects), so its CPU is
    # divided by the loops' wall time; machine-wide noise is everything neither process used.
    wall = (meter.wall if cpu_over_meter else sum(r.wall for r in results)) or float("nan")
    other = meter.machine - meter.process - meter.helpers - sum(r.client_cpu_total for r in results)
    return Row(
        name=name,
        count=len(lat),
        concurrency=concurrency,
        p50_ms=percentile(lat, 50) * 1000,
        p99_ms=percentile(lat, 99) * 1000,
        rate=rates[len(rates) // 2] if rates else None,
        peak_rss=peak_rss_mb(),
        server_cpu=meter.process / wall,
        client_cpu=client / wall,
        helper_cpu=meter.helpers / wall,
        other_cpu=max(0.0, other / meter.wall) if meter.wall else None,
    )


def _num(value: float | None, spec: str, suffix: str = "") -> str:
    return "-" if value is None or math.isnan(value) else format(value, spec) + suffix


def table(rows: Sequence[Row], baseline: Row) -> str:
    header = (
        f"{'row':<40} {'n':>6} {'conc':>4} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} {'rps/base':>8} "
        f"{'p99/base':>8} {'srv cpu':>7} {'gen cpu':>7} {'slk cpu':>7} {'other':>6} {'peakRSS':>8}  target"
    )
    lines = [header, "-" * (len(header) + 22)]
    for row in rows:
        rate_ratio = row.rate / baseline.rate if row.rate and baseline.rate else None
        p99_ratio = row.p99_ms / baseline.p99_ms if baseline.p99_ms else None
        percent = {k: None if v is None else v * 100 for k, v in
                   (("s", row.server_cpu), ("g", row.client_cpu), ("h", row.helper_cpu),
                    ("o", row.other_cpu))}  # fmt: skip
        lines.append(
            f"{row.name:<40} {row.count:>6} {row.concurrency!s:>4} {row.p50_ms:>8.1f} {row.p99_ms:>8.1f} "
            f"{_num(row.rate, '.0f'):>7} {_num(rate_ratio, '.3f'):>8} {_num(p99_ratio, '.1f', 'x'):>8} "
            f"{_num(percent['s'], '.0f', '%'):>7} {_num(percent['g'], '.0f', '%'):>7} "
            f"{_num(percent['h'], '.0f', '%'):>7} {_num(percent['o'], '.0f', '%'):>6} {row.peak_rss:>6.0f}MB  "
            f"{row.target} {row.verdict}".rstrip()
        )
    return "\n".join(lines)
