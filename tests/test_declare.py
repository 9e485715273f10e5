"""Declaring an incident through Slack: modal, channel, invites, pinned summary, announcement."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp
import pytest

from bot.slack_calls import UNREACHABLE, call_slack
from incidents.errors import ChatError
from slacksim import FakeSlack
from tests.harness import BotClient, declare_values


def _texts(blocks: list[dict[str, Any]]) -> str:
    """All the text in a list of blocks, flattened, for assertions on what a reader sees."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(out)


async def test_bare_command_outside_incident_channel_opens_declare_modal(bot: BotClient) -> None:
    reply = await bot.command("")
    assert reply.status == 200 and reply.text == ""
    view = bot.last_view("declare_incident")
    block_ids = [b.get("block_id") for b in view["blocks"]]
    for field in (
        "title",
        "severity",
        "description",
        "new_services",
        "customer_impact",
        "commander",
        "private",
        "impact_started_at",
    ):
        assert field in block_ids
    severity = next(b for b in view["blocks"] if b.get("block_id") == "severity")["element"]
    assert [o["value"] for o in severity["options"]] == ["SEV1", "SEV2", "SEV3", "SEV4", "TRIAGE"]
    assert severity["initial_option"]["value"] == "TRIAGE"
    commander = next(b for b in view["blocks"] if b.get("block_id") == "commander")["element"]
    assert commander["initial_user"] == "UALICE"


async def test_declare_with_title_prefills_the_modal(bot: BotClient) -> None:
    await bot.command("declare Checkout API returning 500s")
    title = next(b for b in bot.last_view("declare_incident")["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == "Checkout API returning 500s"


async def test_known_services_are_offered_in_the_modal(bot: BotClient) -> None:
    await bot.declare("First", services=["checkout-api", "payments"])
    await bot.command("declare")
    services = next(b for b in bot.last_view("declare_incident")["blocks"] if b.get("block_id") == "services")
    assert [o["value"] for o in services["element"]["options"]] == ["checkout-api", "payments"]


async def test_declaring_creates_channel_invites_pins_summary_and_announces(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(
        "Checkout API returning 500s",
        severity="SEV2",
        user="UALICE",
        commander="UBOB",
        services=["checkout-api"],
        description="Error rate at 30%",
    )
    assert incident.reference == "INC-2026-0001"
    assert incident.status == "investigating" and incident.severity == "SEV2"
    assert incident.roles == {"commander": "UBOB"}
    # Declared for another commander: not acknowledged until Bob acknowledges (see test_follow_through.py).
    assert incident.declared_at == bot.ctx.clock.now() and incident.acknowledged_at is None

    channel = slack.channels[incident.channel_id]
    assert channel.name == "inc-2026-0001-checkout-api-returning-500s" == incident.channel_name
    assert not channel.is_private
    assert {"UALICE", "UBOB"} <= channel.members
    assert "INC-2026-0001" in channel.topic and "<@UBOB>" in channel.topic
    assert channel.purpose.startswith("Checkout API returning 500s")

    # The pinned summary is the live one the incident points at.
    assert incident.summary_ts in channel.pins
    summary = next(m for m in channel.messages if m.ts == incident.summary_ts)
    text = _texts(summary.blocks)
    for expected in ("INC-2026-0001", "SEV2", "Investigating", "<@UBOB>", "checkout-api", "Yes"):
        assert expected in text
    # While open, each reader's client works out how long it has been going (the message is not re-edited).
    assert f"Ongoing, started <!date^{int(incident.declared_at.timestamp())}^{{ago}}|0s so far" in text
    buttons = [e["action_id"] for b in summary.blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["summary_acknowledge", "summary_update", "summary_severity", "summary_role", "summary_resolve"]

    announcement = slack.channel_by_name("incidents")
    assert announcement is not None
    posted = _texts(announcement.messages[-1].blocks)
    assert "INC-2026-0001" in posted and f"<#{incident.channel_id}>" in posted

    events = await _events(bot, incident.reference)
    assert [e.kind for e in events] == ["declared", "channel_created"]


async def test_private_incident_gets_private_channel_and_no_announcement(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare("Suspected data exposure", severity="SEV1", private=True)
    assert slack.channels[incident.channel_id].is_private
    announcement = slack.channel_by_name("incidents")
    assert announcement is not None and announcement.messages == []


async def test_submission_is_acked_with_a_declaring_view_then_shows_the_id_and_channel(
    bot: BotClient, slack: FakeSlack
) -> None:
    values = declare_values(title="Checkout <down>", severity="SEV2", commander="UALICE")
    reply = await bot.submit("declare_incident", values, view_id="VDECLARE")

    assert reply.json["response_action"] == "update"
    assert "Declaring *Checkout &lt;down&gt;*" in _texts(reply.json["view"]["blocks"])
    incident = await bot.stored_by_key("VDECLARE")
    assert incident is not None and incident.channel_id
    [update] = [c for c in slack.calls_to("views.update") if c.ok]
    assert update.args["view_id"] == "VDECLARE"
    shown = _texts(slack.views["VDECLARE"].blocks)
    assert incident.reference in shown and f"<#{incident.channel_id}>" in shown


async def test_a_failure_after_the_ack_is_shown_in_the_modal_and_nothing_is_created(
    bot: BotClient, slack: FakeSlack, monkeypatch: Any
) -> None:
    import incidents.declare

    async def database_down(*_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionError("database is down")

    monkeypatch.setattr(incidents.declare, "_insert", database_down)
    values = declare_values(title="Never stored", severity="SEV2", commander="UALICE")
    reply = await bot.submit("declare_incident", values, view_id="VDOWN")

    assert reply.json["response_action"] == "update"
    assert await bot.stored_by_key("VDOWN") is None
    assert slack.calls_to("conversations.create") == []
    assert "error id" in _texts(slack.views["VDOWN"].blocks)


async def test_field_errors_come_back_in_the_modal_and_nothing_is_created(bot: BotClient, slack: FakeSlack) -> None:
    values = declare_values(title="   ", severity="SEV9", commander="UALICE", started=2_000_000_000)
    reply = await bot.submit("declare_incident", values, view_id="VBAD")
    assert reply.json["response_action"] == "errors"
    assert set(reply.json["errors"]) == {"title", "severity", "impact_started_at"}
    assert await bot.stored_by_key("VBAD") is None
    assert slack.calls_to("conversations.create") == []


async def test_title_over_150_characters_is_a_field_error(bot: BotClient) -> None:
    reply = await bot.submit("declare_incident", declare_values(title="x" * 151, severity="SEV2", commander="UA"))
    assert "150" in reply.json["errors"]["title"]


async def test_double_clicked_submit_declares_once(bot: BotClient, slack: FakeSlack) -> None:
    values = declare_values(title="Double click", severity="SEV3", commander="UALICE")
    first, second = await asyncio.gather(
        bot.submit("declare_incident", values, view_id="VSAME"),
        bot.submit("declare_incident", values, view_id="VSAME"),
    )
    assert first.json["response_action"] == second.json["response_action"] == "update"
    assert len(slack.calls_to("conversations.create")) == 1
    assert len(slack.calls_to("views.update")) == 1  # the submission that declared it shows the outcome
    async with bot.ctx.uow(write=False) as uow:
        from incidents.model import IncidentFilter

        assert len(await uow.incidents.search(IncidentFilter(open_only=False))) == 1


async def test_twenty_concurrent_declarations_get_distinct_ids_and_channels(bot: BotClient, slack: FakeSlack) -> None:
    submissions = [
        bot.submit(
            "declare_incident",
            declare_values(title=f"Outage {n}", severity="SEV3", commander="UALICE"),
            view_id=f"VCONC{n:02d}",
        )
        for n in range(20)
    ]
    replies = await asyncio.gather(*submissions)
    assert all(r.json["response_action"] == "update" for r in replies)
    created = [c for c in slack.calls_to("conversations.create") if c.ok]
    assert len(created) == 20
    references = {re.match(r"inc-(\d{4}-\d{4})", c.args["name"]).group(1) for c in created}  # type: ignore[union-attr]
    assert references == {f"2026-{n:04d}" for n in range(1, 21)}
    assert len(slack.calls_to("pins.add")) == 20


async def test_taken_channel_name_picks_another(bot: BotClient, slack: FakeSlack) -> None:
    slack.add_channel("inc-2026-0001-db-down")
    incident = await bot.declare("DB down")
    assert incident.channel_name == "inc-2026-0001-db-down-2"
    assert [c.error for c in slack.calls_to("conversations.create")] == ["name_taken", None]


async def test_long_non_ascii_title_makes_a_valid_channel_name(bot: BotClient) -> None:
    incident = await bot.declare("Zahlungsausfall für Kunden — Überweisungen schlagen fehl 🚨 " * 2)
    assert incident.channel_name is not None
    assert re.fullmatch(r"[a-z0-9_-]{1,80}", incident.channel_name)
    assert incident.channel_name.startswith("inc-2026-0001-zahlungsausfall-fur-kunden")


async def test_failed_invite_leaves_a_consistent_incident_and_tells_the_declarer(
    bot: BotClient, slack: FakeSlack
) -> None:
    slack.fail_next("conversations.invite", "user_is_restricted")
    incident = await bot.declare("Queue backlog", user="UALICE", commander="UALICE")
    assert incident.channel_id and incident.summary_ts  # everything else happened
    told = [c for c in slack.calls_to("chat.postEphemeral") if c.args.get("user") == "UALICE"]
    assert told and "invite" in told[-1].args["text"] and "user_is_restricted" in told[-1].args["text"]


async def test_failed_summary_post_still_records_the_channel_and_skips_the_pin(
    bot: BotClient, slack: FakeSlack
) -> None:
    slack.fail_next("chat.postMessage", "not_in_channel")
    incident = await bot.declare("Summary lost", user="UALICE", commander="UALICE")
    assert incident.channel_id and incident.summary_ts is None
    assert not slack.calls_to("pins.add")
    told = [c for c in slack.calls_to("chat.postEphemeral") if c.args.get("user") == "UALICE"]
    assert told and "post the incident summary (not_in_channel)" in told[-1].args["text"]


async def test_failed_pin_keeps_the_summary_it_posted(bot: BotClient, slack: FakeSlack) -> None:
    slack.fail_next("pins.add", "too_many_pins")
    incident = await bot.declare("Pin refused", user="UALICE", commander="UALICE")
    assert incident.channel_id and incident.summary_ts  # later changes still update the summary
    told = [c for c in slack.calls_to("chat.postEphemeral") if c.args.get("user") == "UALICE"]
    assert told and "pin the incident summary (too_many_pins)" in told[-1].args["text"]


async def test_slack_unreachable_after_retries_is_a_chat_error_like_any_other() -> None:
    """So a set-up step that can't reach Slack is skipped and reported, as for the refusals above."""

    async def dropped() -> Any:
        raise aiohttp.ServerDisconnectedError()

    async def timed_out() -> Any:
        raise TimeoutError

    for pending in (dropped(), timed_out()):
        with pytest.raises(ChatError) as caught:
            await call_slack("chat.postMessage", pending)
        assert caught.value.code == UNREACHABLE


async def test_channel_creation_failure_is_reported_by_dm(bot: BotClient, slack: FakeSlack) -> None:
    slack.fail_next("conversations.create", "restricted_action")
    incident = await bot.declare("Cannot create channels")
    assert incident.channel_id is None
    dm = [c for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == "UALICE"]
    assert dm and "restricted_action" in dm[-1].args["text"] and incident.reference in dm[-1].args["text"]


async def test_rate_limited_calls_are_retried_after_retry_after(bot: BotClient, slack: FakeSlack) -> None:
    slack.rate_limit_next("conversations.create", retry_after=0)
    incident = await bot.declare("Rate limited")
    statuses = [c.status for c in slack.calls_to("conversations.create")]
    assert statuses == [429, 200] and incident.channel_id


async def test_global_shortcut_opens_declare_modal(bot: BotClient, slack: FakeSlack) -> None:
    from slacksim import requests as req

    body = req.global_shortcut_body(
        callback_id="declare_incident", user_id="UBOB", trigger_id=slack.new_trigger_id("UBOB")
    )
    reply = await bot.post(body, content_type="application/x-www-form-urlencoded")
    await bot.settle()
    assert reply.status == 200
    assert bot.last_view("declare_incident")["blocks"]


async def _events(bot: BotClient, reference: str) -> list[Any]:
    async with bot.ctx.uow(write=False) as uow:
        return list(await uow.incidents.events(reference))


async def test_changes_made_during_set_up_are_not_overwritten(bot: BotClient, slack: FakeSlack) -> None:
    """Someone assigns a role while the channel is being set up: set-up must not save its stale copy over it."""
    gateway = bot.ctx.chat
    post_summary = gateway.post_summary

    async def summary_after_a_concurrent_change(incident: Any, *, key: str | None = None) -> str:
        from incidents.changes import Target, assign_role

        await assign_role(bot.ctx, Target(actor="UALICE", reference=incident.reference), "scribe", "UCAROL")
        ts: str = await post_summary(incident, key=key)
        return ts

    gateway.post_summary = summary_after_a_concurrent_change
    incident = await bot.declare("Race", user="UALICE")
    assert incident.roles == {"commander": "UALICE", "scribe": "UCAROL"}
    assert incident.summary_ts and incident.channel_id


async def test_a_declaration_records_when_and_how_it_was_detected_and_where_its_impact_start_came_from(
    bot: BotClient,
) -> None:
    plain = await bot.declare("Search is slow")
    assert plain.detected_at == plain.declared_at == bot.ctx.clock.now()
    assert plain.detection_method.value == "unknown" and plain.impact_start_source.value == "default"
    assert plain.impact_started_at == plain.declared_at and plain.escalation_policy is None

    started = int(bot.ctx.clock.now().timestamp()) - 1800
    values = declare_values(title="Checkout 500s", severity="SEV2", commander="UALICE", started=started)
    await bot.submit("declare_incident", values, view_id="VSTARTED")
    entered = await bot.stored_by_key("VSTARTED")
    assert entered is not None and entered.impact_start_source.value == "entered"
    assert entered.impact_started_at is not None and int(entered.impact_started_at.timestamp()) == started
