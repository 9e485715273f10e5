"""`/incident search` over signed HTTP on SQLite and PostgreSQL: the index filled as things are written (the
incident, its timeline, its resolution), ranking, highlighted snippets, filters, privacy, bad input, and
`firebreak search reindex`'s rebuild."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text as sql

from incidents.model import Incident
from slacksim import FakeSlack
from slacksim import requests as req
from storage.search_backend import SqlSearchBackend
from tests.harness import BotClient, FrozenClock
from tests.storage_support import storage_url as database_url  # noqa: F401  (a fixture: both backends)


def _answer(reply: Any) -> tuple[str, str]:
    """(text, blocks as JSON) of a command answered in the ack."""
    if not isinstance(reply.body, dict):  # answered with text alone: Bolt sends it as text/plain
        return str(reply.body), "[]"
    return str(reply.body.get("text", "")), json.dumps(reply.body.get("blocks", []))


async def _say(bot: BotClient, incident: Incident, text: str, *, ts: str, user: str = "UBOB") -> None:
    event = {"type": "message", "channel": incident.channel_id, "user": user, "text": text, "ts": ts}
    reply = await bot.event(event, event_id=f"Ev{ts.replace('.', '')}")
    assert reply.status == 200


async def _history(bot: BotClient, clock: FrozenClock) -> tuple[Incident, Incident, Incident]:
    pool = await bot.declare(
        "Checkout timing out", services=["checkout"], severity="SEV1", description="database connection pool exhausted"
    )
    clock.advance(days=3)
    cert = await bot.declare("TLS certificate expired on api", services=["edge"], severity="SEV2")
    clock.advance(days=3)
    secret = await bot.declare("Database credentials leaked", private=True, user="UCAROL", severity="SEV1")
    await _say(bot, cert, "the pgbouncer pool looks fine, it is the cert", ts="1800000001.000100")
    await _say(bot, pool, "raising max_connections on the primary database", ts="1800000002.000100")
    return pool, cert, secret


async def test_search_finds_incidents_by_title_description_and_timeline_with_bold_snippets(
    bot: BotClient, clock: FrozenClock
) -> None:
    pool, cert, _ = await _history(bot, clock)
    reply = await bot.command("search database pool")
    assert reply.status == 200
    _, blocks = _answer(reply)
    assert pool.reference in blocks and cert.reference not in blocks  # cert mentions pool, not database
    assert "*database*" in blocks and "*pool*" in blocks  # the matched words in bold
    reply = await bot.command("search pool OR max_connections")
    _, blocks = _answer(reply)
    assert blocks.index(pool.reference) < blocks.index(cert.reference)  # title/description beat one message


async def test_filters_narrow_by_service_severity_and_since(bot: BotClient, clock: FrozenClock) -> None:
    pool, cert, _ = await _history(bot, clock)
    _, blocks = _answer(await bot.command("search pool --service edge"))
    assert cert.reference in blocks and pool.reference not in blocks
    _, blocks = _answer(await bot.command("search pool --severity sev1"))
    assert pool.reference in blocks and cert.reference not in blocks
    _, blocks = _answer(await bot.command("search pool --since 4d"))
    assert cert.reference in blocks and pool.reference not in blocks
    text, _ = _answer(await bot.command("search pool --servce edge"))
    assert "did you mean --service" in text


async def test_private_incidents_are_found_only_by_those_who_may_see_them(bot: BotClient, clock: FrozenClock) -> None:
    _, _, secret = await _history(bot, clock)
    text, blocks = _answer(await bot.command("search credentials", user="UBOB"))
    assert secret.reference not in blocks and "No incidents match" in text
    _, blocks = _answer(await bot.command("search credentials", user="UCAROL"))  # the declarer
    assert secret.reference in blocks
    _, blocks = _answer(await bot.command("search credentials", user="UADMIN"))
    assert secret.reference in blocks


@pytest.mark.parametrize(
    "typed",
    ['"unbalanced pool', "pool OR", "OR OR -", "title:pool NEAR(a b) *", "pool:* & !x <-> y", "'; DROP TABLE x; --"],
)
async def test_stray_operators_are_words_never_an_engine_error(bot: BotClient, clock: FrozenClock, typed: str) -> None:
    await _history(bot, clock)
    reply = await bot.command(f"search {typed}")
    assert reply.status == 200
    text, _ = _answer(reply)
    assert "error" not in text.lower()


async def test_edits_deletes_and_resolutions_keep_the_index_in_step(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    pool, _, _ = await _history(bot, clock)
    await _say(bot, pool, "a rogue cronjob opened thousands of sessions", ts="1800000003.000100")
    _, blocks = _answer(await bot.command("search cronjob"))
    assert pool.reference in blocks
    deleted = {"type": "message", "subtype": "message_deleted", "channel": pool.channel_id,
               "deleted_ts": "1800000003.000100", "ts": "1800000004.000100"}  # fmt: skip
    await bot.event(deleted, event_id="EvDel1")
    text, _ = _answer(await bot.command("search cronjob"))
    assert "No incidents match" in text


async def test_reindex_rebuilds_what_indexing_wrote(bot: BotClient, clock: FrozenClock) -> None:
    pool, _, _ = await _history(bot, clock)
    await bot.command("search anything")  # a search first catches the index up with the timeline
    backend = SqlSearchBackend(bot.runtime.database)
    async with bot.runtime.database.write_engine.begin() as conn:
        before = int(await conn.scalar(sql("SELECT count(*) FROM search_documents")) or 0)
        await conn.execute(sql("DELETE FROM search_documents"))
    seen: list[tuple[int, int]] = []
    indexed = await backend.reindex(lambda done, total: seen.append((done, total)))
    assert indexed == before and seen[-1] == (3, 3)
    _, blocks = _answer(await bot.command("search max_connections"))
    assert pool.reference in blocks


async def test_resolutions_postmortems_and_action_items_are_searched(bot: BotClient, clock: FrozenClock) -> None:
    incident = await bot.declare("Checkout API returning 500s", severity="SEV2")
    await bot.command("action Add a saturation alert for the connection pool", channel=incident.channel_id or "")
    _, blocks = _answer(await bot.command("search saturation"))
    assert incident.reference in blocks and "_action item_" in blocks
    summary = req.state_values(("summary", "summary", req.plain_text_input_value("Rolled back the bad build")))
    await bot.submit("resolve_incident", summary, metadata=incident.reference)  # a SEV2: a postmortem is drafted
    _, blocks = _answer(await bot.command('search "rolled back"'))
    assert incident.reference in blocks and "_resolution_" in blocks
    _, blocks = _answer(await bot.command('search "contributing factors"'))  # a section of the postmortem
    assert incident.reference in blocks and "_postmortem_" in blocks
