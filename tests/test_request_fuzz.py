"""Thousands of signed, malformed requests made from real ones: never a 5xx, nothing stored."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter

import pytest

from tests.harness import BotClient, Reply, stored_rows
from tests.request_fuzz import WireRequest, fuzzed_requests
from tests.request_shapes import TRIGGER, real_shapes, sample_shapes

SEED = 20261204
REQUESTS = 3_000
AT_ONCE = 50  # concurrent requests per batch, against the in-process server


async def test_fuzzed_requests_are_never_a_5xx_and_store_nothing(
    bot: BotClient, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    incident = await bot.declare("Rows exist before the fuzzing")
    response_url = bot.slack.new_response_url()
    shapes = real_shapes(reference=incident.reference, response_url=response_url) + sample_shapes(
        response_url=response_url
    )
    requests = fuzzed_requests(random.Random(SEED), shapes, REQUESTS)
    rows_before = stored_rows(database_url)
    caplog.clear()

    statuses: Counter[int] = Counter()
    with caplog.at_level(logging.WARNING, logger="bot.slack_edge"):
        for start in range(0, len(requests), AT_ONCE):
            batch = requests[start : start + AT_ONCE]
            replies = await asyncio.gather(*(send(bot, r) for r in batch))
            statuses.update(reply.status for reply in replies)
            failed = [(r, reply) for r, reply in zip(batch, replies, strict=True) if reply.status >= 500]
            assert not failed, f"{failed[0][1].status} for {failed[0][0].body[:300]!r} ({failed[0][0].content_type})"
        await bot.settle()

    assert stored_rows(database_url) == rows_before
    refusals = [r for r in caplog.records if r.name == "bot.slack_edge"]
    assert len(refusals) == statuses[400], statuses
    assert statuses[400] > REQUESTS // 3 and statuses[200] > REQUESTS // 10, statuses  # both paths were exercised


async def send(bot: BotClient, request: WireRequest) -> Reply:
    # Slack's trigger ids are single-use: each request gets a new one, so modals open as they would for real.
    body = request.body.replace(TRIGGER.encode(), bot.slack.new_trigger_id("UALICE").encode())
    return await bot.post(body, content_type=request.content_type)
