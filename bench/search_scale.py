"""Search at scale, end to end through storage (bench/search.py runs it; see its docstring for the targets).

- Capture with indexing vs without, same run: the capture writer (group commit, 32 in flight, as the HTTP
  capture path drives it) storing chat messages into a database whose timeline triggers index them, and into
  one whose triggers were dropped; rounds alternate so a busy machine hurts both alike. The ratio is of the
  writer alone, the strictest reading: the HTTP path around it only adds cost common to both.
- Search p99 over `incidents` incidents and `entries` timeline entries: `SqlSearchBackend.search` plus the
  grouping into the top 10 (everything `/incident search` does but the Slack rendering), typed queries of
  several shapes, as an admin and as a person (the visibility subqueries).
- Similar-incident lookup against the same corpus: the text shortlist, the profiles and the scorer.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Table, insert, text
from sqlalchemy.engine import make_url

from bench.common import percentile
from incidents.capture import Capture, CaptureKind
from incidents.search.documents import Audience
from incidents.search.filters import parse_search_request
from incidents.search.results import group_matches
from incidents.search.similar_lookup import NoSemanticModel, find_similar
from incidents.search.similarity import IncidentProfile
from incidents.timeline import ChatMessage
from storage.capture_writer import GroupCommitWriter
from storage.database import Database
from storage.migrate import upgrade
from storage.search_backend import SqlSearchBackend
from storage.search_catch_up import catch_up
from storage.tables import IncidentRow, IncidentServiceRow, ServiceRow, TimelineEntryRow
from tests.similar_incidents import load_labelled_set

START = datetime(2024, 1, 1, tzinfo=UTC)
IN_FLIGHT = 32
QUERIES = [
    "database timeout",
    '"connection pool" exhausted',
    "certificate expired -staging",
    "pool OR pgbouncer checkout",
    "replica lag --severity SEV1",
    "redis evictions --service cache",
    "rollback deploy --since 90d",
    'unbalanced "quote OR -',
]
CHATTER = [
    "looking at the dashboards now; error rate on {svc} is up since {n} minutes ago",
    "restarted {svc}-{n} but the {word} problem is still there",
    "paging the owner of {svc}, they think it is {word} related",
    "rolled back to v{n}, watching the {svc} graphs",
    "customers report {word} errors on {svc}",
    "{word} alert fired again for {svc}; opened a ticket for the {word} issue",
]
WORDS = ["timeout", "latency", "connection", "memory", "disk", "queue", "cache", "dns", "cert", "deploy", "quota"]
SERVICES = ["checkout", "payments", "search", "auth", "cache", "edge", "api", "billing", "notifications", "db"]
_TIMELINE = cast(Table, TimelineEntryRow.__table__)


@dataclass
class Scale:
    capture_rates: dict[str, list[float]]
    search_ms: dict[str, list[float]]
    similar_ms: list[float]
    documents: int
    load_seconds: float


@asynccontextmanager
async def scratch_database(kind: str, postgres_url: str | None) -> AsyncIterator[Database]:
    """A new, migrated database: a temporary SQLite file, or a new database on the PostgreSQL server."""
    if kind == "sqlite":
        path = f"/tmp/firebreak-bench-search-{uuid.uuid4().hex}.db"
        database = Database(f"sqlite+aiosqlite:///{path}")
        await database.open()
        try:
            await upgrade(database)
            yield database
        finally:
            await database.dispose()
        return
    assert postgres_url is not None
    server = make_url(postgres_url)
    name = f"bench_search_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(
        host=server.host, port=server.port, user=server.username, password=server.password, database="postgres"
    )
    await admin.execute(f'CREATE DATABASE "{name}"')
    database = Database(server.set(database=name).render_as_string(hide_password=False))
    try:
        await database.open()
        await upgrade(database)
        yield database
    finally:
        await database.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _one_incident(database: Database) -> int:
    row = _incident_row(1, "Checkout timing out", "pool exhausted", "SEV2", START, private=False)
    async with database.write_engine.begin() as conn:
        return int((await conn.execute(insert(IncidentRow.__table__).returning(IncidentRow.id), [row])).scalar_one())


def _chatter(rng: random.Random) -> str:
    return rng.choice(CHATTER).format(svc=rng.choice(SERVICES), n=rng.randint(2, 99), word=rng.choice(WORDS))


async def capture_round(database: Database, incident_id: int, events: int, offset: int, *, indexing: bool) -> float:
    """Messages per second the writer stores, IN_FLIGHT submitted at a time; with `indexing`, the index catches
    up every second meanwhile, as in the bot, and the time to index what is left at the end is counted too."""
    rng = random.Random(offset)
    writer = GroupCommitWriter(database, _Clock())
    writer.start()
    captures = [
        Capture(
            CaptureKind.MESSAGE,
            "CBENCH",
            START,
            message=ChatMessage("CBENCH", f"{1_700_000_000 + offset + n}.000100", _chatter(rng), user="UBENCH"),
            incident_id=incident_id,
        )
        for n in range(events)
    ]
    queue = iter(captures)

    async def worker() -> None:
        for capture in queue:
            await writer.submit(capture)

    async def keep_up() -> None:
        while True:
            await asyncio.sleep(1.0)
            await catch_up(database)

    started = time.perf_counter()
    indexer = asyncio.create_task(keep_up()) if indexing else None
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    if indexer is not None:
        indexer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await indexer
        await catch_up(database)
    elapsed = time.perf_counter() - started
    await writer.stop()
    return events / elapsed


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def _incident_row(
    number: int, title: str, description: str, severity: str, at: datetime, *, private: bool
) -> dict[str, Any]:
    return {
        "reference": f"INC-B-{number}",
        "year": 2000 + number // 100_000,
        "number": number,
        "title": title[:200],
        "description": description,
        "severity": severity,
        "status": "resolved",
        "is_open": False,
        "customer_impact": "yes",
        "private": private,
        "declared_by": "UBENCH",
        "declared_at": at,
        "resolved_at": at + timedelta(hours=2),
        "resolution_summary": "",
    }


async def load_corpus(database: Database, incidents: int, entries: int) -> None:
    """`incidents` incidents reworded from the labelled set (resolutions included), `entries` chat messages
    spread over them, one in twenty incidents private; inserted through the triggers, as capture does."""
    labelled = load_labelled_set()
    rng = random.Random(7)
    async with database.write_engine.begin() as conn:
        await conn.execute(insert(ServiceRow.__table__), [{"name": s, "created_at": START} for s in SERVICES])
    per_incident = max(entries // incidents, 1)
    for first in range(1, incidents + 1, 1000):
        numbers = range(first, min(first + 1000, incidents + 1))
        rows, services, messages = [], [], []
        for number in numbers:
            source = labelled[number % len(labelled)].profile
            at = START + timedelta(minutes=53 * number)
            row = _incident_row(number, source.title, source.description, source.severity, at, private=number % 20 == 0)
            row["resolution_summary"] = source.resolution
            rows.append(row)
            for position, service in enumerate(sorted({rng.choice(SERVICES), *source.services} & set(SERVICES))):
                services.append({"incident_id": number, "service": service, "position": position})
            for n in range(per_incident):
                messages.append(
                    {"incident_id": number, "at": at + timedelta(minutes=n), "kind": "message", "source": "chat",
                     "actor": "UBENCH", "text": _chatter(rng), "data": {}, "message_ts": f"{number}.{n:06d}",
                     "flags": [], "edits": [], "files": [], "links": []}
                )  # fmt: skip
        async with database.write_engine.begin() as conn:
            ids = [{**row, "id": number} for row, number in zip(rows, numbers, strict=True)]
            await conn.execute(insert(IncidentRow.__table__), ids)
            if services:
                await conn.execute(insert(IncidentServiceRow.__table__), services)
            for start in range(0, len(messages), 5000):
                await conn.execute(insert(_TIMELINE), messages[start : start + 5000])
    await catch_up(database)  # the messages, as the bot's background indexing does
    if database.write_engine.dialect.name == "postgresql":
        async with database.write_engine.connect() as conn:
            await conn.execute(text("COMMIT"))
            await conn.execute(text("VACUUM ANALYZE"))


async def time_searches(database: Database, rounds: int) -> dict[str, list[float]]:
    backend = SqlSearchBackend(database)
    now = START + timedelta(days=3 * 365)
    audiences = {"admin": Audience.person("UADMIN", admin=True), "person": Audience.person("UPERSON")}
    timings: dict[str, list[float]] = {name: [] for name in audiences}
    for n in range(rounds):
        typed = QUERIES[n % len(QUERIES)]
        for name, audience in audiences.items():
            started = time.perf_counter()
            request = parse_search_request(typed, now=now)
            group_matches(await backend.search(request.query, request.filters, audience, limit=200), limit=10)
            timings[name].append((time.perf_counter() - started) * 1000)
    return timings


async def time_similar(database: Database, rounds: int) -> list[float]:
    backend = SqlSearchBackend(database)
    labelled = load_labelled_set()
    late = START + timedelta(days=5 * 365)
    timings = []
    for n in range(rounds):
        source = labelled[n % len(labelled)].profile
        target = IncidentProfile(
            0, "INC-NEW", source.title, late, description=source.description, services=source.services
        )
        started = time.perf_counter()
        await find_similar(
            target, index=backend, profiles=backend, semantic=NoSemanticModel(), audience=Audience.channel_post()
        )
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def run_scale(kind: str, postgres_url: str | None, *, incidents: int, entries: int, events: int) -> Scale:
    rates: dict[str, list[float]] = {"without": [], "with": []}
    async with scratch_database(kind, postgres_url) as plain, scratch_database(kind, postgres_url) as indexed:
        plain_id, indexed_id = await _one_incident(plain), await _one_incident(indexed)
        await capture_round(plain, plain_id, events // 4, 10_000_000, indexing=False)  # warm both up
        await capture_round(indexed, indexed_id, events // 4, 10_000_000, indexing=True)
        for round_number in range(3):
            offset = round_number * events
            rates["without"].append(await capture_round(plain, plain_id, events, offset, indexing=False))
            rates["with"].append(await capture_round(indexed, indexed_id, events, offset, indexing=True))
    async with scratch_database(kind, postgres_url) as database:
        started = time.perf_counter()
        await load_corpus(database, incidents, entries)
        load_seconds = time.perf_counter() - started
        async with database.read_engine.connect() as conn:
            documents = int(await conn.scalar(text("SELECT count(*) FROM search_documents")) or 0)
        await time_searches(database, 16)  # warm the caches
        search_ms = await time_searches(database, 200)
        similar_ms = await time_similar(database, 100)
    return Scale(rates, search_ms, similar_ms, documents, load_seconds)


def p99(values: list[float]) -> float:
    return percentile(values, 99)
