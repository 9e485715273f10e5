"""Timeline read benchmark: one incident with a 20,000-entry timeline, read and rendered as users would see it.

The timeline is built through the real capture writer (group commit) in a fresh SQLite file: chat messages
with replies, links, mentions, files and bot posts, a few edited, flagged and deleted, plus the entries a
declaration writes. Then, best of 5 each:

    read     `uow.timeline.entries(incident_id)`, the unit of work the use cases read through
    md/json/csv   `incidents.timeline_export.render(fmt, incident, entries, names, zone)`
    blocks   `bot.blocks.timeline.render_timeline_blocks(Timeline(incident, entries))`
    baseline the same rows `SELECT`ed with the raw sqlite3 module (no conversion), in the same run

Run from the repository root: `.venv/bin/python bench/timeline_read.py [--entries N]`. Exit status 1 when a
target is missed.
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
import logging  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Awaitable, Callable, Sequence  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import Any, ParamSpec, TypeVar  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from bot.blocks.timeline import render_timeline_blocks  # noqa: E402
from firebreak.runtime import Runtime, runtime  # noqa: E402
from firebreak.settings import Settings  # noqa: E402
from incidents.capture import Capture, CaptureKind  # noqa: E402
from incidents.declare import DeclareRequest, record_declaration, set_up_incident  # noqa: E402
from incidents.message_text import mentioned_users  # noqa: E402
from incidents.model import Incident  # noqa: E402
from incidents.policy import Policy  # noqa: E402
from incidents.reading import Timeline  # noqa: E402
from incidents.timeline import ChatMessage, FileRef, TimelineEntry  # noqa: E402
from incidents.timeline_export import render  # noqa: E402
from slacksim import FakeSlack  # noqa: E402

TARGET_S = 1.0
REPEATS = 5
SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
PEOPLE = {"UALICE": "Alice Liddell", "UBOB": "Bob Builder", "UCAROL": "Carol Danvers", "UDAVE": "Dave Bowman"}
SPEAKERS = tuple(PEOPLE)
ZONE = "Europe/Berlin"
DELETE_EVERY = 1000
T = TypeVar("T")
P = ParamSpec("P")
# The raw baseline selects what the store selects, in the same order.
RAW_SELECT = (
    "SELECT id, at, kind, source, actor, text, data, message_ts, thread_ts, flagged, deleted_at, edits, files, "
    "links, permalink FROM timeline_entries WHERE incident_id = ? AND deleted_at IS NULL ORDER BY at, id"
)


# -- building the timeline -------------------------------------------------------------------------
def chat_captures(channel: str, count: int, start: datetime) -> list[Capture]:
    """`count` messages a few seconds apart, over a few hours: what a busy incident channel says."""
    captures: list[Capture] = []
    parent = ""
    for n in range(count):
        at = start + timedelta(seconds=n * 0.9)
        ts = f"{at.timestamp():.6f}"
        user: str | None = SPEAKERS[n % len(SPEAKERS)]
        text = f"step {n}: checked the error budget for checkout, p99 is {200 + n % 300} ms"
        bot_id = bot_name = None
        files: tuple[FileRef, ...] = ()
        if n % 7 == 0:
            text += f", see <https://grafana.example/d/{n}|dashboard {n}> cc <@{SPEAKERS[(n + 1) % 4]}>"
        if n % 25 == 0:
            user, bot_id, bot_name, text = None, "BALERT", "Alertmanager", f"FIRING: HighErrorRate checkout ({n})"
        if n % 50 == 0:
            files = (FileRef(name=f"trace-{n}.txt", filetype="text", permalink=f"https://files.example/F{n}"),)
        thread_ts = parent if n % 10 and parent and n % 3 == 0 else None
        if n % 10 == 0:
            parent = ts
        links = (f"https://grafana.example/d/{n}",) if n % 7 == 0 else ()
        message = ChatMessage(channel, ts, text, user, bot_id, bot_name, thread_ts, files, links)
        captures.append(Capture(CaptureKind.MESSAGE, channel, at, f"EvR{n:08d}", message=message))
    return captures


def follow_ups(captures: list[Capture]) -> list[Capture]:
    """Edits (1 in 200), highlight reactions (1 in 150) and deletions (1 in DELETE_EVERY) of those messages."""
    extra: list[Capture] = []
    for n, capture in enumerate(captures):
        message = capture.message
        assert message is not None
        later = capture.at + timedelta(seconds=30)
        if n % 200 == 1:
            edited = ChatMessage(message.channel_id, message.ts, message.text + " (corrected)", message.user)
            extra.append(
                Capture(CaptureKind.EDIT, capture.channel_id, later, f"EvE{n:08d}", message=edited, ts=message.ts)
            )
        if n % 150 == 2:
            flag = f"reaction:pushpin:{SPEAKERS[n % 4]}"
            extra.append(Capture(CaptureKind.FLAG, capture.channel_id, later, f"EvF{n:08d}", ts=message.ts, flag=flag))
        if n % DELETE_EVERY == 3:
            extra.append(Capture(CaptureKind.DELETE, capture.channel_id, later, f"EvD{n:08d}", ts=message.ts))
    return extra


async def submit_all(rt: Runtime, captures: list[Capture]) -> None:
    """Everything in flight at once: the writer commits up to 1,000 per transaction."""
    service = rt.ctx.capture
    assert service is not None
    stored = await asyncio.gather(*(service.capture(c) for c in captures))
    assert all(stored), "a capture was not for an incident channel"


async def build(rt: Runtime, entries: int) -> tuple[Incident, float]:
    """Declare an incident (channel and all) and give it `entries` timeline entries; returns it and the seconds."""
    started = time.perf_counter()
    declared, _ = await record_declaration(
        rt.ctx, DeclareRequest(title="Checkout errors", severity="SEV2", declared_by="UALICE")
    )
    report = await set_up_incident(rt.ctx, declared.reference)
    assert report is not None
    incident = report.incident
    assert incident.id is not None and incident.channel_id
    async with rt.ctx.uow(write=False) as uow:
        system = len(await uow.timeline.entries(incident.id, include_deleted=True))
    count = entries - system
    while count - sum(1 for n in range(count) if n % DELETE_EVERY == 3) < entries - system:
        count += 1  # deleted messages are left out when reading: send enough that `entries` remain
    chat = chat_captures(incident.channel_id, count, datetime.now(UTC) - timedelta(hours=6))
    await submit_all(rt, chat)
    await submit_all(rt, follow_ups(chat))
    return incident, time.perf_counter() - started


# -- timing ----------------------------------------------------------------------------------------
async def best_of(repeats: int, work: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    times: list[float] = []
    result: T | None = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - started)
    assert result is not None
    return min(times), result


def timed(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Callable[[], Awaitable[T]]:
    """`function(*args, **kwargs)` as something best_of() can await."""

    async def run() -> T:
        return function(*args, **kwargs)

    return run


def raw_select(db: sqlite3.Connection, incident_id: int) -> list[Any]:
    return db.execute(RAW_SELECT, (incident_id,)).fetchall()


# -- the run ---------------------------------------------------------------------------------------
async def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    async with FakeSlack(bot_token=BOT_TOKEN) as slack:
        for user_id, name in PEOPLE.items():
            slack.add_user(user_id, name=name.split()[0].lower(), real_name=name)
        with tempfile.TemporaryDirectory(prefix="firebreak-timeline-") as tmp:
            database = f"{tmp}/timeline.db"
            settings = Settings(
                _env_file=None,
                slack_bot_token=BOT_TOKEN,
                slack_signing_secret=SECRET,
                slack_api_url=slack.base_url,
                database_url=f"sqlite+aiosqlite:///{database}",
            )
            async with runtime(settings, policy=Policy()) as rt:
                incident, built = await build(rt, args.entries)
                assert incident.id is not None
                incident_id = incident.id

                async def read() -> list[TimelineEntry]:
                    async with rt.ctx.uow(write=False) as uow:
                        return await uow.timeline.entries(incident_id)

                read_s, entries = await best_of(REPEATS, read)
                with contextlib.closing(sqlite3.connect(database)) as db:  # open, like the pool's connection
                    raw_s, rows = await best_of(REPEATS, timed(raw_select, db, incident_id))
                people = {e.actor for e in entries if e.actor}
                for entry in entries:
                    people.update(mentioned_users(entry.text))
                names = {p: PEOPLE.get(p, p) for p in people}
                zone = ZoneInfo(ZONE)
                exports: dict[str, tuple[float, str]] = {}
                for fmt in ("md", "json", "csv"):
                    exports[fmt] = await best_of(REPEATS, timed(render, fmt, incident, entries, names, zone))
                blocks_s, blocks = await best_of(REPEATS, timed(render_timeline_blocks, Timeline(incident, entries)))
    return report(
        args,
        entries=entries,
        raw_rows=len(rows),
        built=built,
        read_s=read_s,
        raw_s=raw_s,
        exports=exports,
        blocks_s=blocks_s,
        blocks=len(blocks),
        elapsed=time.perf_counter() - started,
    )


def report(
    args: argparse.Namespace,
    *,
    entries: list[TimelineEntry],
    raw_rows: int,
    built: float,
    read_s: float,
    raw_s: float,
    exports: dict[str, tuple[float, str]],
    blocks_s: float,
    blocks: int,
    elapsed: float,
) -> int:
    flagged = sum(e.flagged for e in entries)
    edited = sum(e.edited for e in entries)
    print(
        f"Firebreak timeline read benchmark: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs ({platform.machine()}).\n"
        f"- One incident, {len(entries):,} timeline entries read back ({flagged} flagged, {edited} edited; deleted "
        f"ones left out), built through the capture writer into a fresh SQLite file in {built:.1f} s.\n"
        f"- Best of {REPEATS} for each step; exports for a reader in {ZONE}.\n"
    )
    lines = [
        ("read: uow.timeline.entries()", read_s, f"{len(entries):,} TimelineEntry"),
        ("baseline: raw sqlite3 SELECT", raw_s, f"{raw_rows:,} tuples"),
        *((f"export {fmt}: render()", s, f"{len(out.encode()) / 1024:,.0f} KiB") for fmt, (s, out) in exports.items()),
        ("Block Kit: render_timeline_blocks()", blocks_s, f"{blocks} blocks"),
    ]
    print(f"{'step':<38} {'best ms':>9}  output")
    print("-" * 68)
    for name, seconds, output in lines:
        print(f"{name:<38} {seconds * 1000:>9.1f}  {output}")
    print(f"\nread / raw sqlite3 SELECT: {read_s / raw_s:.1f}x ({(read_s - raw_s) * 1000:.0f} ms on top of the query)")

    targets = [(f"read <= {TARGET_S:g} s: {read_s * 1000:.0f} ms", read_s <= TARGET_S)]
    for fmt, (seconds, _) in exports.items():
        targets.append((f"export {fmt} <= {TARGET_S:g} s: {seconds * 1000:.0f} ms", seconds <= TARGET_S))
        total = read_s + seconds
        targets.append((f"read + export {fmt} <= {TARGET_S:g} s: {total * 1000:.0f} ms", total <= TARGET_S))
    targets.append((f"Block Kit view <= {TARGET_S:g} s: {blocks_s * 1000:.1f} ms", blocks_s <= TARGET_S))
    targets.append((f"read + Block Kit view <= {TARGET_S:g} s: {(read_s + blocks_s) * 1000:.0f} ms",
                    read_s + blocks_s <= TARGET_S))  # fmt: skip
    print("\nTargets:")
    for what, ok in targets:
        print(f"  {'PASS' if ok else 'FAIL'}  {what}")
    passed = sum(ok for _, ok in targets)
    print(f"\nTargets met: {passed}/{len(targets)}. Total run time {elapsed:.1f} s.")
    return 0 if passed == len(targets) else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=20_000, help="timeline entries (default 20,000)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
