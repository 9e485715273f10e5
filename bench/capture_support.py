"""Machinery for bench/capture.py: `message` event bodies, and each server in a spawned process of its own.

Each server (bare aiohttp, a no-op Bolt app, Firebreak) runs in its own process, so its CPU time and its RSS
are its own; the load comes from bench/common.py's generator, in another process.

The server kinds import their stacks inside the functions that build them, on purpose: a spawned child
re-imports the main script, and the bare aiohttp baseline should not carry Bolt's or SQLAlchemy's modules
in its RSS.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing
import os
import statistics
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]

from bench.common import JSON, Request

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
PEOPLE = {"UALICE": "alice", "UBOB": "bob", "UCAROL": "carol", "UDAVE": "dave"}
_SPEAKERS = tuple(PEOPLE)
_SPAWN = multiprocessing.get_context("spawn")


# -- the events ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EventSpec:
    """Events `start` .. `start + count - 1` of a series; event i always has the same ts and event_id.

    Sending the same indexes again replays those deliveries exactly, as Slack's retries do.
    """

    channels: tuple[str, ...]
    start: int
    count: int
    ts_base: int  # Unix seconds of event 0's ts
    tag: str = "A"  # keeps event ids of different series apart


def requests(spec: EventSpec) -> list[Request]:
    """The spec's events as unsigned requests: the generator signs them just before its timed loop."""
    return [Request(message_body(spec, i), JSON) for i in range(spec.start, spec.start + spec.count)]


def message_body(spec: EventSpec, index: int) -> bytes:
    """A `message` event_callback envelope shaped like Slack's (see slacksim/requests.py)."""
    channel = spec.channels[index % len(spec.channels)]
    ts = f"{spec.ts_base + index // 1000}.{index % 1000:03d}{index % 997:03d}"
    user = _SPEAKERS[index % len(_SPEAKERS)]
    link = f"<https://grafana.example/d/{index % 50}|dashboard>"
    text = f"checkout p99 back under 300 ms after the rollback of build {index}, watching {link}"
    event = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
        "client_msg_id": f"{index:08x}-bench-{spec.tag}",
    }
    envelope = {
        "token": "verification-token-unused",
        "team_id": "T0TEST",
        "api_app_id": "A0TEST",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{spec.tag}{index:010d}",
        "event_time": spec.ts_base + index // 1000,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": "T0TEST",
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope).encode()


# -- statistics and memory -------------------------------------------------------------------------
def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass(frozen=True)
class Memory:
    rss_mb: float  # resident now
    peak_mb: float  # the process's high-water mark (VmHWM)


def memory_of(pid: int) -> Memory:
    """RSS and peak RSS of another process, from /proc (Linux); psutil's RSS for both elsewhere."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        kib = {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM") if k in fields}
        if len(kib) == 2:
            return Memory(kib["VmRSS"] / 1024, kib["VmHWM"] / 1024)
    rss = float(psutil.Process(pid).memory_info().rss) / 2**20
    return Memory(rss, rss)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores): the rest of the machine is noise."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def pin(cpus: set[int] | None) -> None:
    if cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cpus)


# -- the servers -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServerConfig:
    kind: str  # "bare", "bolt" or "firebreak"
    slack_url: str = ""  # the fake Slack's Web API base URL (Bolt's auth.test, Firebreak's channel set-up)
    database: str = ""  # Firebreak: path of the SQLite file
    cpus: frozenset[int] | None = None


class ServerProcess:
    """One server in its own spawned process; commands ("declare", "stop") go over a pipe."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._conn, self._child = _SPAWN.Pipe()
        self._process = _SPAWN.Process(target=_server_main, args=(config, self._child), daemon=True)
        self.port = 0

    @property
    def pid(self) -> int:
        return self._process.pid or 0

    async def start(self) -> None:
        self._process.start()
        self._child.close()  # the child has its own copy: a dead child now reads as EOF here
        self.port = int(await self.ask("port"))

    async def ask(self, *message: Any) -> Any:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self._conn.send, message)
            kind, value = await loop.run_in_executor(None, self._conn.recv)
        except (EOFError, OSError):
            await loop.run_in_executor(None, self._process.join, 5)
            raise RuntimeError(
                f"the {self.config.kind} server process died (exit code {self._process.exitcode}); see its traceback"
            ) from None
        if kind == "error":
            raise RuntimeError(f"{self.config.kind} server: {value}")
        return value

    async def stop(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(EOFError, BrokenPipeError, RuntimeError):
                await self.ask("stop")
            await asyncio.get_running_loop().run_in_executor(None, self._process.join, 60)
        self._conn.close()


@contextlib.asynccontextmanager
async def server_process(config: ServerConfig) -> AsyncIterator[ServerProcess]:
    server = ServerProcess(config)
    try:
        await server.start()
        yield server
    finally:
        await server.stop()


def _server_main(config: ServerConfig, conn: Connection) -> None:
    pin(set(config.cpus) if config.cpus else None)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(config, conn))


Handler = Callable[..., Coroutine[Any, Any, Any]]


async def _serve(config: ServerConfig, conn: Connection) -> None:
    builders = {"bare": _bare, "bolt": _bolt, "firebreak": _firebreak}
    async with builders[config.kind](config) as (app, commands):
        from aiohttp import web  # see the module docstring: each process imports only its own stack

        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        loop = asyncio.get_running_loop()
        try:
            while True:
                name, *args = await loop.run_in_executor(None, conn.recv)
                if name == "stop":
                    break
                try:
                    value = port if name == "port" else await commands[name](*args)
                    conn.send(("ok", value))
                except Exception as exc:  # reported to the orchestrator, which fails the run
                    conn.send(("error", repr(exc)))
        finally:
            await runner.cleanup()
    conn.send(("ok", None))


@contextlib.asynccontextmanager
async def _bare(_config: ServerConfig) -> AsyncIterator[tuple[Any, dict[str, Handler]]]:
    from aiohttp import web

    async def ok(_request: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_post("/slack/events", ok)
    yield app, {}


@contextlib.asynccontextmanager
async def _bolt(config: ServerConfig) -> AsyncIterator[tuple[Any, dict[str, Handler]]]:
    import aiohttp
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=config.slack_url, session=session)
        bolt = AsyncApp(client=client, signing_secret=SECRET, process_before_response=True)

        @bolt.event("message")
        async def noop() -> None:
            return None

        async def slack_events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

        app = web.Application()
        app.router.add_post("/slack/events", slack_events)
        yield app, {}


@contextlib.asynccontextmanager
async def _firebreak(config: ServerConfig) -> AsyncIterator[tuple[Any, dict[str, Handler]]]:
    from firebreak.runtime import runtime
    from firebreak.settings import Settings
    from incidents.declare import DeclareRequest, record_declaration, set_up_incident
    from incidents.policy import Policy

    settings = Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=config.slack_url,
        database_url=f"sqlite+aiosqlite:///{config.database}",
    )
    async with runtime(settings, policy=Policy()) as rt:

        async def declare(title: str) -> tuple[int, str]:
            """Declare an incident and open its channel, as the declare modal does: returns (id, channel)."""
            request = DeclareRequest(title=title, severity="SEV2", declared_by="UALICE")
            incident, _ = await record_declaration(rt.ctx, request)
            report = await set_up_incident(rt.ctx, incident.reference)
            if report is None or report.incident.id is None or not report.incident.channel_id:
                raise RuntimeError(f"the incident was not set up: {report.problems if report else 'no report'}")
            return report.incident.id, report.incident.channel_id

        async def batches() -> int:
            return rt.writer.batches

        yield rt.web_app, {"declare": declare, "batches": batches}
