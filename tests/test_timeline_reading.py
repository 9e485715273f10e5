"""Reading the timeline: the ephemeral view, exports, notes, the message shortcut and backfill."""

from __future__ import annotations

import csv
import io
import json

from firebreak.runtime import runtime
from incidents.backfill import backfill_open_incidents
from incidents.model import Incident
from incidents.policy import Policy
from slacksim import FakeSlack
from slacksim import requests as req
from tests.conftest import make_settings
from tests.harness import BotClient, FrozenClock
from tests.timeline_support import chat, entries, say


async def _incident(bot: BotClient) -> tuple[Incident, str]:
    incident = await bot.declare("Checkout errors", user="UALICE")
    assert incident.channel_id
    return incident, incident.channel_id


def _upload(slack: FakeSlack, suffix: str) -> str:
    for stored in reversed(list(slack.files.values())):
        if stored.name.endswith(suffix) and stored.content is not None:
            return stored.content.decode()
    raise AssertionError(f"no {suffix} file was uploaded: {[f.name for f in slack.files.values()]}")


async def test_timeline_command_shows_key_events_and_latest(bot: BotClient, slack: FakeSlack) -> None:
    _, channel = await _incident(bot)
    await say(bot, channel, "UBOB", "db is at 100% CPU")
    await bot.command("status identified runaway query", channel=channel)
    await bot.command("timeline", channel=channel)
    answer = slack.calls_to("response_url")[-1].args
    text = json.dumps(answer["blocks"])
    assert answer["response_type"] == "ephemeral" and "Key events" in text and "Latest" in text
    assert "db is at 100% CPU" in text and "runaway query" in text and "timeline_export_md" in text
    assert len(answer["blocks"]) <= 50


async def test_exports_resolve_names_use_reader_timezone_and_leave_out_deleted(
    bot: BotClient, slack: FakeSlack
) -> None:
    slack.users["UALICE"].tz = "Asia/Tokyo"
    slack.users["UBOB"].real_name = "Bob Builder"
    incident, channel = await _incident(bot)
    ts, _ = await say(bot, channel, "UBOB", "ping <@UCAROL>, logs: <https://logs.example/x|here>")
    gone, _ = await say(bot, channel, "UBOB", "oops wrong channel")
    await bot.event(
        {
            "type": "message",
            "subtype": "message_deleted",
            "channel": channel,
            "deleted_ts": gone,
            "ts": "1790000009.0",
            "event_ts": "1790000009.0",
            "previous_message": {"ts": gone, "user": "UBOB"},
        }
    )
    await bot.event(
        {
            "type": "reaction_added",
            "user": "UALICE",
            "reaction": "pushpin",
            "event_ts": "1790000010.0",
            "item": {"type": "message", "channel": channel, "ts": ts},
        }
    )
    await bot.command("timeline export md", channel=channel)
    markdown = _upload(slack, ".md")
    assert markdown.startswith(f"# {incident.reference}: Checkout errors") and "Asia/Tokyo" in markdown
    assert "★" in markdown and "ping @carol, logs: here (https://logs.example/x)" in markdown
    assert "oops wrong channel" not in markdown
    complete = [c for c in slack.calls_to("files.completeUploadExternal") if c.ok]
    assert complete and complete[-1].args["channel_id"] == channel

    await bot.command("timeline export json", channel=channel)
    exported = json.loads(_upload(slack, ".json"))
    message = next(e for e in exported["entries"] if e["kind"] == "message")
    assert message["author"] in ("bob", "Bob Builder") and message["flagged"] is True
    assert message["at"].endswith("+09:00")

    await bot.command("timeline export csv", channel=channel)
    rows = list(csv.DictReader(io.StringIO(_upload(slack, ".csv"))))
    assert any(r["kind"] == "declared" for r in rows) and any("ping @carol" in r["text"] for r in rows)
    assert "Export as" in (await _ask(bot, "timeline export pdf", channel))


async def _ask(bot: BotClient, text: str, channel: str, user: str = "UALICE") -> str:
    await bot.command(text, channel=channel, user=user)
    return str(bot.slack.calls_to("response_url")[-1].args["text"])


async def test_notes_with_times_edits_and_removal(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    slack.users["UALICE"].tz = "Europe/Berlin"  # clock: 10:00 UTC = 11:00 in Berlin
    incident, channel = await _incident(bot)
    assert "Noted as #" in await _ask(bot, "note paged the DB on-call", channel)
    answer = await _ask(bot, "note at 10:45 customer support saw first tickets", channel)
    note_id = int(answer.split("#")[1].split()[0])
    notes = [e for e in await entries(bot, incident.reference) if e.kind == "note"]
    at_note = next(n for n in notes if n.id == note_id)
    assert at_note.at.isoformat() == "2026-11-23T09:45:00+00:00"  # 10:45 Berlin time
    assert "Note #" in await _ask(bot, f"note edit {note_id} support saw the first tickets", channel)
    slack.channels[channel].members.add("UBOB")  # a member, but not the author nor the commander
    assert "Only the note's author" in await _ask(bot, f"note edit {note_id} hijack", channel, user="UBOB")
    assert "now at" in await _ask(bot, f"note time {note_id} 10:40", channel)
    assert "removed" in await _ask(bot, f"note remove {note_id}", channel)
    remaining = [e for e in await entries(bot, incident.reference) if e.kind == "note"]
    assert [n.text for n in remaining] == ["paged the DB on-call"]
    [removed] = [e for e in await entries(bot, incident.reference, include_deleted=True) if e.id == note_id]
    assert removed.deleted and removed.text == "support saw the first tickets" and removed.edits
    assert "is not a time" in await _ask(bot, "note at 25:99 nope", channel)
    assert "/incident note" in await _ask(bot, "note", channel)
    assert "has no note #999" in await _ask(bot, "note remove 999", channel)


async def test_message_shortcut_adds_a_message_from_another_channel(bot: BotClient, slack: FakeSlack) -> None:
    incident, _channel = await _incident(bot)
    general = slack.channel_by_name("general")
    assert general is not None
    original = slack.add_message(general.id, user="UDAVE", text="FYI deploys are frozen")
    body = req.message_action_body(
        callback_id="add_to_timeline",
        user_id="UALICE",
        channel_id=general.id,
        message={"type": "message", "user": "UDAVE", "text": original.text, "ts": original.ts},
        trigger_id=slack.new_trigger_id("UALICE"),
        response_url=slack.new_response_url(),
    )
    assert (await bot.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    await bot.settle()
    view = bot.last_view("add_to_timeline")
    values = req.state_values(
        ("incident", "incident", req.static_select_value(incident.reference)),
        ("note", "note", req.plain_text_input_value("context for the freeze")),
    )
    await bot.submit("add_to_timeline", values, metadata=view["private_metadata"])
    [added] = [e for e in await entries(bot, incident.reference) if e.source.value == "manual"]
    assert (added.actor, added.text, added.kind) == ("UDAVE", "FYI deploys are frozen", "message")
    assert added.at.timestamp() == float(original.ts)
    assert added.permalink and general.id in added.permalink and added.data["added_by"] == "UALICE"


async def test_message_shortcut_on_an_incident_channel_message_flags_it(bot: BotClient, slack: FakeSlack) -> None:
    incident, channel = await _incident(bot)
    ts, _ = await say(bot, channel, "UBOB", "root cause: expired cert")
    meta = json.dumps({"c": channel, "ts": ts, "u": "UBOB", "t": "root cause: expired cert"})
    values = req.state_values(("incident", "incident", req.static_select_value(incident.reference)))
    await bot.submit("add_to_timeline", values, metadata=meta)
    [entry] = chat(await entries(bot, incident.reference))
    assert entry.flagged
    assert [e for e in await entries(bot, incident.reference) if e.source.value == "manual"] == []


async def test_sync_backfills_what_was_missed_once(bot: BotClient, slack: FakeSlack) -> None:
    incident, channel = await _incident(bot)
    await say(bot, channel, "UBOB", "live message")
    parent = slack.add_message(channel, user="UCAROL", text="said while the bot was down")
    slack.add_message(channel, user="UDAVE", text="a missed reply", thread_ts=parent.ts)
    for _ in range(2):
        assert "caught up" in await _ask(bot, "timeline sync", channel)
    texts = [e.text for e in chat(await entries(bot, incident.reference))]
    assert texts.count("said while the bot was down") == 1 and texts.count("a missed reply") == 1
    assert texts.count("live message") == 1


async def test_restart_backfills_open_incidents(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> None:
    settings = make_settings(slack, database_url)
    async with runtime(settings, policy=policy, clock=clock) as first:
        client_incident = await _declare_directly(first, slack)
    channel = client_incident.channel_id
    assert channel
    for n in range(250):  # more than one page of history
        slack.add_message(channel, user="UBOB", text=f"while down {n}")
    async with runtime(settings, policy=policy, clock=clock) as second:
        reports = await backfill_open_incidents(second.ctx)
        assert reports[0].messages == 250
        await backfill_open_incidents(second.ctx)
        async with second.ctx.uow(write=False) as uow:
            assert client_incident.id is not None
            found = chat(await uow.timeline.entries(client_incident.id))
    assert [e.text for e in found] == [f"while down {n}" for n in range(250)]


async def _declare_directly(rt: object, slack: FakeSlack) -> Incident:
    from incidents.declare import DeclareRequest, record_declaration, set_up_incident

    ctx = rt.ctx  # type: ignore[attr-defined]
    incident, _ = await record_declaration(ctx, DeclareRequest(title="Restart", severity="SEV2", declared_by="UALICE"))
    report = await set_up_incident(ctx, incident.reference)
    assert report is not None
    return report.incident
