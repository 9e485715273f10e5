"""Capture over signed HTTP with indexing vs without, in the same run (SQLite, as bench/capture.py row c).

Two Firebreak servers, each in its own process with its own SQLite file: one indexing new messages every
second in the background (the default), one never (FIREBREAK_SEARCH_INDEX_INTERVAL=0, and nobody searches).
Rounds alternate between them, so a busy machine hurts both alike; the ratio is of the median rates.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

from bench.capture_support import (
    BOT_TOKEN,
    PEOPLE,
    SECRET,
    EventSpec,
    ServerConfig,
    ServerProcess,
    requests,
    server_process,
)
from bench.common import LoadGenerator

CONCURRENCY = 32
INTERVAL = "FIREBREAK_SEARCH_INDEX_INTERVAL"


async def capture_rates_http(events: int, rounds: int) -> dict[str, list[float]]:
    """Events per second stored and acknowledged, per round, without and with indexing."""
    # Imported here, not at the top: spawned server processes re-import bench modules and need no fake Slack.
    from slacksim import FakeSlack

    rates: dict[str, list[float]] = {"without": [], "with": []}
    gen = LoadGenerator()
    await gen.start()
    try:
        async with FakeSlack(bot_token=BOT_TOKEN) as slack:
            for user_id, name in PEOPLE.items():
                slack.add_user(user_id, name=name, real_name=name.title())
            with tempfile.TemporaryDirectory(prefix="firebreak-search-capture-") as tmp:
                plain = ServerConfig("firebreak", slack_url=slack.base_url, database=f"{tmp}/plain.db")
                indexed = ServerConfig("firebreak", slack_url=slack.base_url, database=f"{tmp}/indexed.db")
                # A spawned server reads its settings from the environment it starts with.
                os.environ[INTERVAL] = "0"
                async with server_process(plain) as without:
                    os.environ[INTERVAL] = "1"
                    async with server_process(indexed) as with_index:
                        servers = {"without": without, "with": with_index}
                        await _rounds(gen, servers, events, rounds, rates)
    finally:
        gen.close()
    return rates


async def _rounds(
    gen: LoadGenerator, servers: dict[str, ServerProcess], events: int, rounds: int, rates: dict[str, list[float]]
) -> None:
    channels = {name: (await s.ask("declare", "Checkout errors"))[1] for name, s in servers.items()}
    base = int(time.time()) - 3 * 3600
    start = 0
    for round_number in range(rounds + 1):  # the first round warms both up
        for name, server in servers.items():
            batch = requests(EventSpec((channels[name],), start, events, base))
            result = await gen.run("127.0.0.1", server.port, batch, secret=SECRET, concurrency=CONCURRENCY)
            if result.unexpected:
                raise SystemExit(f"capture {name}: {result.unexpected} unexpected responses")
            if round_number:
                rates[name].append(result.rate)
        start += events


def ratio(rates: dict[str, list[float]]) -> float:
    return statistics.median(rates["with"]) / statistics.median(rates["without"])
