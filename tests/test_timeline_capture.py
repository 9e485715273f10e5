"""Capturing every word of an incident channel: once, never lost, edits and deletes followed."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from incidents.model import Incident
from slacksim import FakeSlack
from slacksim import requests as req
from tests.harness import BotClient, FrozenClock
from tests.timeline_support import chat, entries, say


async def _incident(bot: BotClient) -> tuple[Incident, str]:
    incident = await bot.declare("Checkout errors", user="UALICE")
    assert incident.channel_id
    return incident, incident.channel_id


async def test_messages_replies_links_and_files_are_captured(bot: BotClient, slack: FakeSlack) -> None:
    incident, channel = await _incident(bot)
    parent, reply = await say(bot, channel, "UBOB", "Seeing 500s, see <https://grafana.example/d/1|dashboard>")
    assert reply.status == 200
    await say(bot, channel, "UCAROL", "same here", thread_ts=parent)
    files = [{"id": "F1", "name": "trace.txt", "filetype": "text", "permalink": "https://files.example/F1"}]
    await say(bot, channel, "UBOB", "the trace", extra={"subtype": "file_share", "files": files})
    captured = chat(await entries(bot, incident.reference))
    assert [(e.actor, e.text) for e in captured] == [
        ("UBOB", "Seeing 500s, see <https://grafana.example/d/1|dashboard>"),
        ("UCAROL", "same here"),
        ("UBOB", "the trace"),
    ]
    assert captured[0].links == ["https://grafana.example/d/1"] and captured[0].message_ts == parent
    assert captured[1].thread_ts == parent and captured[0].thread_ts is None
    assert captured[2].files == [{"name": "trace.txt", "filetype": "text", "permalink": "https://files.example/F1"}]


async def test_other_bots_are_captured_but_firebreaks_own_posts_are_system_entries(bot: BotClient) -> None:
    incident, channel = await _incident(bot)
    alert = {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "BALERT",
        "username": "Alertmanager",
        "text": "FIRING: HighErrorRate",
        "ts": "1790000000.000100",
        "channel": channel,
    }
    await bot.event(alert)
    own = {**req.message_event(channel=channel, user="UBOT", text="Status changed"), "bot_id": "B0BOT"}
    await bot.event(own)
    found = await entries(bot, incident.reference)
    captured = chat(found)
    assert len(captured) == 1 and captured[0].data["bot_name"] == "Alertmanager" and captured[0].actor is None
    assert {e.kind for e in found if e.source.value == "system"} >= {"declared", "channel_created"}


async def test_edits_keep_history_and_deletes_are_kept_for_audit(bot: BotClient) -> None:
    incident, channel = await _incident(bot)
    ts, _ = await say(bot, channel, "UBOB", "restarting db-1")
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": channel,
        "ts": "1790000001.000000",
        "event_ts": "1790000001.000000",
        "message": {
            "type": "message",
            "user": "UBOB",
            "text": "restarting db-2",
            "ts": ts,
            "edited": {"user": "UBOB", "ts": "1790000001.000000"},
        },
        "previous_message": {"type": "message", "user": "UBOB", "text": "restarting db-1", "ts": ts},
    }
    await bot.event(edit)
    [entry] = chat(await entries(bot, incident.reference))
    assert entry.text == "restarting db-2" and [e["text"] for e in entry.edits] == ["restarting db-1"]
    delete = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": channel,
        "deleted_ts": ts,
        "hidden": True,
        "ts": "1790000002.000000",
        "event_ts": "1790000002.000000",
        "previous_message": {"type": "message", "user": "UBOB", "text": "restarting db-2", "ts": ts},
    }
    await bot.event(delete)
    assert chat(await entries(bot, incident.reference)) == []
    [kept] = chat(await entries(bot, incident.reference, include_deleted=True))
    assert kept.deleted and kept.text == "restarting db-2"


async def test_retried_events_and_duplicate_messages_are_recorded_once(bot: BotClient) -> None:
    incident, channel = await _incident(bot)
    message = bot.slack.add_message(channel, user="UBOB", text="once")
    body_event = req.message_event(channel=channel, user="UBOB", text="once", ts=message.ts)
    await bot.event(body_event, event_id="EvSAME")
    retry = await bot.event(
        body_event, event_id="EvSAME", headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retry.status == 200
    await bot.event(body_event, event_id="EvOTHER")  # same channel + ts through another delivery
    assert len(chat(await entries(bot, incident.reference))) == 1


async def test_highlight_reactions_and_pins_flag_and_unflag(bot: BotClient) -> None:
    incident, channel = await _incident(bot)
    ts, _ = await say(bot, channel, "UBOB", "rolled back v42")

    def reaction(kind: str, emoji: str, user: str = "UCAROL") -> dict[str, object]:
        return {
            "type": kind,
            "user": user,
            "reaction": emoji,
            "item_user": "UBOB",
            "event_ts": "1790000003.0",
            "item": {"type": "message", "channel": channel, "ts": ts},
        }

    def pin(kind: str) -> dict[str, object]:
        return {
            "type": kind,
            "user": "UCAROL",
            "channel_id": channel,
            "event_ts": "1790000004.0",
            "item": {"type": "message", "channel": channel, "message": {"ts": ts, "text": "x"}},
        }

    async def flagged() -> bool:
        return chat(await entries(bot, incident.reference))[0].flagged

    await bot.event(reaction("reaction_added", "thumbsup"))
    assert not await flagged()
    await bot.event(reaction("reaction_added", "pushpin"))
    assert await flagged()
    await bot.event(pin("pin_added"))
    await bot.event(reaction("reaction_removed", "pushpin"))
    assert await flagged()  # still pinned
    await bot.event(pin("pin_removed"))
    assert not await flagged()


async def test_people_joining_and_leaving_are_recorded(bot: BotClient) -> None:
    incident, channel = await _incident(bot)
    base = {"channel": channel, "channel_type": "C", "team": "T0TEST", "event_ts": "1790000005.0"}
    await bot.event({"type": "member_joined_channel", "user": "UDAVE", **base})
    await bot.event({"type": "member_left_channel", "user": "UDAVE", **base})
    found = [(e.kind, e.actor) for e in await entries(bot, incident.reference) if e.kind in ("joined", "left")]
    assert found == [("joined", "UDAVE"), ("left", "UDAVE")]


async def test_messages_elsewhere_are_ignored_without_a_write(bot: BotClient, database_url: str) -> None:
    await _incident(bot)
    batches = bot.runtime.writer.batches
    general = bot.slack.channel_by_name("general")
    assert general is not None
    for n in range(5):
        _, reply = await say(bot, general.id, "UBOB", f"lunch? {n}")
        assert reply.status == 200
    assert bot.runtime.writer.batches == batches
    path = Path(database_url.split("///", 1)[1])
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from processed_events").fetchone()[0] == 0


async def test_a_badly_signed_message_event_is_refused_and_not_stored(bot: BotClient) -> None:
    incident, channel = await _incident(bot)
    body = req.event_body(req.message_event(channel=channel, user="UBOB", text="forged"))
    reply = await bot.post(body, content_type="application/json", secret="not-the-secret")
    assert reply.status == 401
    assert chat(await entries(bot, incident.reference)) == []


async def test_concurrent_events_are_group_committed(bot: BotClient) -> None:
    incident, channel = await _incident(bot)
    batches = bot.runtime.writer.batches
    sends = [say(bot, channel, "UBOB", f"line {n}") for n in range(100)]
    replies = await asyncio.gather(*sends)
    assert all(r.status == 200 for _, r in replies)
    assert len(chat(await entries(bot, incident.reference))) == 100
    assert bot.runtime.writer.batches - batches < 100  # many events per transaction


async def test_capture_failure_is_not_acknowledged(bot: BotClient) -> None:
    _, channel = await _incident(bot)
    await bot.runtime.writer.stop()  # the writer is down: nothing can be made durable
    _, reply = await say(bot, channel, "UBOB", "will be retried")
    assert reply.status == 500
    bot.runtime.writer.start()
    _, retry = await say(bot, channel, "UBOB", "will be retried")
    assert retry.status == 200


async def test_old_event_ids_are_forgotten_after_a_day(bot: BotClient, clock: FrozenClock, database_url: str) -> None:
    incident, channel = await _incident(bot)
    ts, _ = await say(bot, channel, "UBOB", "pin me")
    pin = {
        "type": "pin_added",
        "user": "UCAROL",
        "channel_id": channel,
        "event_ts": "1790000004.0",
        "item": {"type": "message", "channel": channel, "message": {"ts": ts, "text": "x"}},
    }
    await bot.event(pin, event_id="EvOLDPIN")
    path = Path(database_url.split("///", 1)[1])
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from processed_events").fetchone()[0] == 1
    clock.advance(days=2)
    await bot.event({**pin, "type": "pin_removed"}, event_id="EvNEWPIN")
    with sqlite3.connect(path) as db:
        assert [r[0] for r in db.execute("select event_id from processed_events")] == ["EvNEWPIN"]
    assert not chat(await entries(bot, incident.reference))[0].flagged
