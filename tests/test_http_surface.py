"""The HTTP contract: `POST /slack/events` (signed requests only) and `GET /healthz`."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.server import build_web_app
from slacksim import requests as req
from storage.database import Database
from tests.harness import SIGNING_SECRET, BotClient, Reply, serve_app

FORM = req.FORM_CONTENT_TYPE


def _stored_rows(database_url: str) -> int:
    """Rows in every table but Alembic's, read straight from the file so no bot code is involved."""
    path = database_url.removeprefix("sqlite+aiosqlite:///")
    with closing(sqlite3.connect(path)) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert "incidents" in tables
        # The search index is derived from the other tables (a search catches it up; `firebreak search reindex`
        # rebuilds it): what it holds was stored elsewhere first, and is counted there.
        derived = ("alembic_version", "index_progress")
        tables = [t for t in tables if t not in derived and not t.startswith("search_")]
        counts = [conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables]
    return sum(counts)


def _command_body(bot: BotClient, text: str) -> bytes:
    return req.slash_command_body(
        text=text,
        user_id="UALICE",
        channel_id="CGENERAL",
        response_url=bot.slack.new_response_url(),
        trigger_id=bot.slack.new_trigger_id("UALICE"),
    )


def _declare_submission() -> bytes:
    values = req.state_values(
        ("title", "title", req.plain_text_input_value("Checkout is down")),
        ("severity", "severity", req.static_select_value("SEV1")),
        ("commander", "commander", req.users_select_value("UALICE")),
        ("customer_impact", "customer_impact", req.radio_buttons_value("yes")),
    )
    return req.view_submission_body(
        callback_id="declare_incident", view_id="VREJECTED", values=values, user_id="UALICE"
    )


async def _post_raw(bot: BotClient, body: bytes, headers: dict[str, str]) -> Reply:
    """A POST with exactly these headers (BotClient.post always signs)."""
    async with bot.http.post(bot.base_url + "slack/events", data=body, headers=headers) as resp:
        return Reply(resp.status, await resp.text() or None)


async def _send_forged(bot: BotClient, kind: str, body: bytes) -> Reply:
    if kind == "bad signature":
        return await bot.post(body, content_type=FORM, secret="not-the-signing-secret")
    if kind == "stale timestamp":
        six_minutes_ago = int(time.time()) - 6 * 60
        return await bot.post(body, content_type=FORM, timestamp=six_minutes_ago)
    assert kind == "no signature headers"
    return await _post_raw(bot, body, {"Content-Type": FORM})


async def test_a_signed_slash_command_is_answered(bot: BotClient) -> None:
    reply = await bot.command("help")

    assert reply.status == 200
    assert "/incident" in reply.text


@pytest.mark.parametrize("kind", ["bad signature", "stale timestamp", "no signature headers"])
async def test_unsigned_or_forged_requests_are_rejected_without_side_effects(
    bot: BotClient, database_url: str, kind: str
) -> None:
    calls_before = len(bot.slack.calls)  # start-up made its own (auth.test)

    command = await _send_forged(bot, kind, _command_body(bot, "declare Checkout is down"))
    submission = await _send_forged(bot, kind, _declare_submission())
    await bot.settle()

    assert (command.status, submission.status) == (401, 401)
    assert bot.slack.calls[calls_before:] == []
    assert await bot.stored_by_key("VREJECTED") is None
    assert _stored_rows(database_url) == 0


async def test_a_signature_made_with_the_right_secret_but_another_body_is_rejected(bot: BotClient) -> None:
    signed_for = _command_body(bot, "help")
    headers = {"Content-Type": FORM, **req.sign(signed_for, SIGNING_SECRET)}

    reply = await _post_raw(bot, _command_body(bot, "declare Something else"), headers)

    assert reply.status == 401


async def test_url_verification_answers_the_challenge(bot: BotClient) -> None:
    reply = await bot.post(
        req.url_verification_body("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
        content_type=req.JSON_CONTENT_TYPE,
    )

    assert reply.status == 200
    assert reply.json == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


async def test_an_events_api_retry_is_accepted(bot: BotClient) -> None:
    event = {
        "type": "member_joined_channel",
        "user": "UBOB",
        "channel": "CGENERAL",
        "channel_type": "C",
        "team": "T0TEST",
        "event_ts": f"{time.time():.6f}",
    }
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}

    first = await bot.event(event, event_id="Ev0RETRIED")
    again = await bot.event(event, event_id="Ev0RETRIED", headers=retry)

    assert (first.status, again.status) == (200, 200)


async def _get(url: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        body: dict[str, Any] = await resp.json()
        return resp.status, body


async def test_healthz_is_ok_while_the_database_answers(bot: BotClient) -> None:
    status, body = await _get(bot.base_url + "healthz")

    assert status == 200
    assert body["status"] == "ok"


async def test_healthz_is_503_when_the_health_check_fails() -> None:
    async def unhealthy() -> bool:
        return False

    runner, url = await serve_app(build_web_app(None, unhealthy))
    try:
        status, body = await _get(url + "healthz")
        async with aiohttp.ClientSession() as http, http.post(url + "slack/events", data=b"{}") as resp:
            events_status = resp.status
    finally:
        await runner.cleanup()

    assert status == 503
    assert body["status"] != "ok"
    assert events_status == 404  # no signing secret: Socket Mode only, nothing to POST to


async def _ping_and_wait_for_the_driver(database: Database) -> bool:
    """database.ping(), then join the aiosqlite worker threads it started.

    After a failed connect aiosqlite stops its worker thread without waiting for it; if the event loop closes
    first, the thread dies with "Event loop is closed". Production keeps its loop; a test must wait.
    """
    before = set(threading.enumerate())
    healthy = await database.ping()
    for thread in set(threading.enumerate()) - before:
        if "_connection_worker_thread" in thread.name:
            await asyncio.to_thread(thread.join, 10)
    return healthy


async def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    try:

        async def health() -> bool:
            return await _ping_and_wait_for_the_driver(database)

        runner, url = await serve_app(build_web_app(None, health))
        try:
            status, body = await _get(url + "healthz")
        finally:
            await runner.cleanup()
    finally:
        await database.dispose()

    assert status == 503
    assert body == {"status": "unavailable", "database": "unreachable"}


async def test_ping_fails_for_a_database_in_a_directory_that_does_not_exist() -> None:
    database = Database("sqlite+aiosqlite:////nonexistent-dir/x.db")
    try:
        assert await _ping_and_wait_for_the_driver(database) is False
    finally:
        await database.dispose()
