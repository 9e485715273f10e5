"""Similar past incidents over signed HTTP on SQLite and PostgreSQL: posted in a new incident's channel after
its declaration (by the scheduler, off the declare path), with Useful / Not relevant stored and giving the
live hit rate; `/incident similar [ID]`; runbooks; private incidents never suggested in a channel post."""

from __future__ import annotations

import json
from typing import Any

from incidents.model import Incident
from slacksim import FakeSlack
from slacksim import requests as req
from tests.followup_support import run_due
from tests.harness import BotClient, FrozenClock
from tests.storage_support import storage_url as database_url  # noqa: F401  (a fixture: both backends)


def _similar_posts(slack: FakeSlack, incident: Incident) -> list[dict[str, Any]]:
    return [
        call.args
        for call in slack.calls_to("chat.postMessage")
        if call.ok and call.args.get("channel") == incident.channel_id and "similar past" in str(call.args.get("text"))
    ]


async def _past(bot: BotClient, clock: FrozenClock) -> tuple[Incident, Incident]:
    pool = await bot.declare(
        "Checkout timing out: database connection pool exhausted", services=["checkout"], severity="SEV1"
    )
    summary = req.state_values(("summary", "summary", req.plain_text_input_value("Raised the pool size to 200")))
    await bot.submit("resolve_incident", summary, metadata=pool.reference)
    clock.advance(days=20)
    cert = await bot.declare("TLS certificate expired on the edge", services=["edge"], severity="SEV2")
    await run_due(bot)
    clock.advance(days=20)
    return pool, cert


async def test_a_declaration_posts_the_most_similar_past_incidents_with_buttons(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    pool, cert = await _past(bot, clock)
    new = await bot.declare("Checkout requests timing out waiting for a database connection", services=["checkout"])
    assert _similar_posts(slack, new) == []  # not on the declare path: the scheduler posts it
    await run_due(bot)
    [post] = _similar_posts(slack, new)
    shown = json.dumps(post["blocks"])
    assert pool.reference in shown and "Raised the pool size to 200" in shown
    assert cert.reference not in shown  # nothing in common but being recent
    assert "no embedding model is configured" in shown
    buttons = [e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {b["action_id"] for b in buttons} == {"similar_useful", "similar_not_relevant"}
    await run_due(bot)
    assert len(_similar_posts(slack, new)) == 1  # posted once

    value = buttons[0]["value"]
    await bot.click("similar_useful", value, user="UALICE", channel=new.channel_id)
    reply = await bot.command("similar stats", user="UADMIN")
    assert "Live hit rate: 100% (1 of 1 rated suggestion(s) useful; 1 shown)" in str(reply.body)
    await bot.click("similar_not_relevant", value, user="UALICE", channel=new.channel_id)
    reply = await bot.command("similar stats", user="UADMIN")
    assert "Live hit rate: 0% (0 of 1" in str(reply.body)  # the latest vote stands


async def test_similar_command_asks_later_and_leaves_out_what_the_asker_may_not_see(
    bot: BotClient, clock: FrozenClock
) -> None:
    pool, _ = await _past(bot, clock)
    # BM25 gives no weight to a word most incidents share: a history of a few more, as any real one is.
    await bot.declare("DNS resolution failing in eu-west", services=["edge"])
    await bot.declare("Payments provider returning 502s", services=["payments"])
    secret = await bot.declare("Database connection pool exhausted on billing", private=True, user="UCAROL")
    clock.advance(days=1)
    new = await bot.declare("Database connection pool exhausted again", services=["checkout"])
    reply = await bot.command(f"similar {new.reference}", user="UBOB")
    assert pool.reference in str(reply.body) and secret.reference not in str(reply.body)
    reply = await bot.command(f"similar {new.reference}", user="UCAROL")
    assert secret.reference in str(reply.body)
    reply = await bot.command("similar", user="UBOB", channel=new.channel_id or "")
    assert pool.reference in str(reply.body)


async def test_a_private_past_incident_is_never_suggested_in_a_channel_post(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    secret = await bot.declare("Redis cluster lost its primary", private=True, services=["cache"], user="UCAROL")
    clock.advance(days=2)
    new = await bot.declare("Redis cluster lost its primary again", services=["cache"])
    await run_due(bot)
    assert all(secret.reference not in json.dumps(p["blocks"]) for p in _similar_posts(slack, new))


async def test_runbooks_are_added_listed_refused_and_shown_in_new_channels(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    reply = await bot.command("runbook add checkout <https://wiki.example.com/checkout|wiki> Checkout pool runbook")
    assert "Added a runbook for checkout" in str(reply.body)
    reply = await bot.command("runbook add checkout javascript:alert(1)")
    assert "is not a web link" in str(reply.body)
    reply = await bot.command("runbook add checkout file:///etc/passwd")
    assert "is not a web link" in str(reply.body)
    reply = await bot.command("runbooks checkout", user="UBOB")
    assert "<https://wiki.example.com/checkout|Checkout pool runbook>" in str(reply.body)
    new = await bot.declare("Checkout is down", services=["checkout"])
    await run_due(bot)
    [post] = _similar_posts(slack, new)
    assert "<https://wiki.example.com/checkout|Checkout pool runbook>" in json.dumps(post["blocks"])
    reply = await bot.command("runbook remove checkout https://wiki.example.com/checkout", user="UBOB")
    assert "Only the person who added a runbook" in str(reply.body)
    reply = await bot.command("runbook remove checkout https://wiki.example.com/checkout", user="UALICE")
    assert "Removed the runbook" in str(reply.body)
    reply = await bot.command("runbooks")
    assert "No runbooks yet" in str(reply.body)
