"""Running an incident from Slack: status, severity, roles, updates, resolve, reopen, and who may do it."""

from __future__ import annotations

from typing import Any

from incidents.model import Incident
from slacksim import FakeSlack
from slacksim import requests as req
from tests.harness import BotClient, FrozenClock


def _summary_updates(slack: FakeSlack, incident: Incident) -> list[dict[str, Any]]:
    return [c.args for c in slack.calls_to("chat.update") if c.ok and c.args.get("ts") == incident.summary_ts]


def _posted_in(slack: FakeSlack, channel: str) -> list[str]:
    return [str(c.args.get("text", "")) for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == channel]


async def test_status_change_in_channel_is_recorded_announced_and_summarised(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare("Checkout errors", commander="UBOB")
    clock.advance(minutes=12)
    reply = await bot.command("status identified bad deploy of v42", user="UBOB", channel=incident.channel_id or "")
    assert reply.status == 200 and reply.text == ""
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.status == "identified"
    assert stored.identified_at == clock.now() and stored.mitigated_at is None
    assert any(
        "Investigating → Identified: bad deploy of v42" in t for t in _posted_in(slack, incident.channel_id or "")
    )
    updates = _summary_updates(slack, incident)
    assert updates and "Identified" in str(updates[-1]["blocks"])
    async with bot.ctx.uow(write=False) as uow:
        events = await uow.incidents.events(incident.reference)
    change = events[-1]
    assert (change.kind, change.actor, change.at) == ("status_changed", "UBOB", clock.now())
    assert change.data["from"] == "investigating" and change.data["to"] == "identified"


async def test_status_by_reference_from_another_channel(bot: BotClient) -> None:
    incident = await bot.declare("DNS outage", user="UALICE")
    await bot.command(f"status {incident.reference} monitoring", user="UALICE", channel="CGENERAL")
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.status == "monitoring"
    assert stored.mitigated_at is not None and stored.impact_ended_at == stored.mitigated_at
    assert stored.identified_at == stored.mitigated_at  # skipped milestone filled with the same time


async def test_unknown_status_and_missing_arguments_are_answered_in_the_ack(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare()
    calls_before = len(slack.calls)
    reply = await bot.command("status fixed", channel=incident.channel_id or "")
    assert "Unknown status `fixed`" in reply.text and "investigating" in reply.text
    assert "Say which" in (await bot.command("severity", channel=incident.channel_id or "")).text
    assert "Name a role" in (await bot.command("role pilot <@UBOB>", channel=incident.channel_id or "")).text
    assert len(slack.calls) == calls_before  # nothing reached Slack, nothing changed


async def test_commands_outside_an_incident_channel_need_an_id(bot: BotClient, slack: FakeSlack) -> None:
    await bot.command("status monitoring", channel="CGENERAL")
    answer = slack.calls_to("response_url")[-1].args
    assert "isn't an incident channel" in answer["text"] and answer["response_type"] == "ephemeral"
    await bot.command("status INC-2026-0999 monitoring", channel="CGENERAL")
    assert "no incident INC-2026-0999" in slack.calls_to("response_url")[-1].args["text"]


async def test_severity_change_is_validated_recorded_and_summarised(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(severity="SEV3")
    await bot.command("severity sev1 customers hit", channel=incident.channel_id or "")
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.severity == "SEV1"
    assert any("SEV3 → SEV1" in t for t in _posted_in(slack, incident.channel_id or ""))
    assert "SEV1" in str(_summary_updates(slack, incident)[-1]["blocks"])
    await bot.command("severity SEV1", channel=incident.channel_id or "")
    assert "already SEV1" in slack.calls_to("response_url")[-1].args["text"]


async def test_role_assignment_invites_and_lists(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(user="UALICE")
    channel = incident.channel_id or ""
    await bot.command("role tech_lead <@UCAROL|carol>", channel=channel)
    await bot.command("role commander <@UDAVE>", channel=channel)
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.roles == {"commander": "UDAVE", "tech_lead": "UCAROL"}
    assert {"UCAROL", "UDAVE"} <= slack.channels[channel].members
    assert any("<@UDAVE> is now Incident commander (was <@UALICE>)" in t for t in _posted_in(slack, channel))
    roles = (await bot.command("roles", channel=channel)).text
    assert "Tech lead: <@UCAROL>" in roles and "Scribe: _unassigned_" in roles


async def test_outsider_cannot_change_an_incident(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(user="UALICE")
    await bot.command(f"status {incident.reference} resolved", user="UEVE", channel="CGENERAL")
    assert "Only members" in slack.calls_to("response_url")[-1].args["text"]
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.status == "investigating"


async def test_channel_member_and_admin_may_change(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(user="UALICE")
    channel = incident.channel_id or ""
    await bot.event(
        {
            "type": "member_joined_channel",
            "user": "UEVE",
            "channel": channel,
            "channel_type": "C",
            "team": "T0TEST",
            "event_ts": "1.0",
        }
    )
    await bot.command("status identified", user="UEVE", channel=channel)
    await bot.command(f"status {incident.reference} monitoring", user="UADMIN", channel="CGENERAL")
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.status == "monitoring"


async def test_stakeholder_update_modal_posts_to_channel_and_stakeholders(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV2")
    channel = incident.channel_id or ""
    await bot.command("update", channel=channel)
    view = bot.last_view("stakeholder_update")
    assert view["private_metadata"] == incident.reference
    clock.advance(minutes=20)
    values = req.state_values(
        ("status", "status", req.static_select_value("monitoring")),
        ("severity", "severity", req.static_select_value("SEV1")),
        ("summary", "summary", req.plain_text_input_value("Rolled back v42; errors dropping")),
        ("impact", "impact", req.plain_text_input_value("5% of checkouts failing")),
        ("next_steps", "next_steps", req.plain_text_input_value(None)),
        ("eta", "eta", req.plain_text_input_value("30 minutes")),
    )
    reply = await bot.submit("stakeholder_update", values, metadata=incident.reference)
    assert reply.status == 200
    stored = await bot.stored(incident.reference)
    assert stored is not None and (stored.status, stored.severity) == ("monitoring", "SEV1")
    sev1_stakeholders = slack.channel_by_name("sev1-stakeholders")
    assert sev1_stakeholders is not None
    posted = str(sev1_stakeholders.messages[-1].blocks)
    assert "Rolled back v42" in posted and "5% of checkouts failing" in posted and "30 minutes" in posted
    assert any(
        "Update on" in str(c.args.get("blocks"))
        for c in slack.calls_to("chat.postMessage")
        if c.args.get("channel") == channel
    )


async def test_update_modal_requires_what_is_happening(bot: BotClient) -> None:
    incident = await bot.declare()
    values = req.state_values(("summary", "summary", req.plain_text_input_value(None)))
    reply = await bot.submit("stakeholder_update", values, metadata=incident.reference)
    assert reply.json["response_action"] == "errors" and "summary" in reply.json["errors"]


async def test_resolve_modal_then_reopen(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await bot.declare()
    channel = incident.channel_id or ""
    clock.advance(hours=1)
    await bot.command("resolve", channel=channel)
    assert bot.last_view("resolve_incident")["private_metadata"] == incident.reference
    values = req.state_values(("summary", "summary", req.plain_text_input_value("Rolled back the deploy")))
    await bot.submit("resolve_incident", values, metadata=incident.reference)
    resolved = await bot.stored(incident.reference)
    assert resolved is not None and resolved.status == "resolved" and resolved.resolved_at == clock.now()
    assert resolved.resolution_summary == "Rolled back the deploy"
    assert resolved.mitigated_at == clock.now() and resolved.impact_ended_at == clock.now()
    last_summary = _summary_updates(slack, incident)[-1]["blocks"]
    assert "summary_reopen" in str(last_summary) and "Rolled back the deploy" in str(last_summary)
    assert "*Duration*\\n1h" in str(last_summary) and "{ago}" not in str(last_summary)  # fixed once resolved

    clock.advance(minutes=30)
    await bot.command("reopen errors are back", channel=channel)
    reopened = await bot.stored(incident.reference)
    assert reopened is not None and reopened.status == "investigating" and reopened.reopened_count == 1
    assert reopened.resolved_at is None and reopened.mitigated_at is None and reopened.impact_ended_at is None
    assert reopened.declared_at == incident.declared_at and reopened.acknowledged_at == incident.acknowledged_at
    await bot.command("reopen", channel=channel)
    assert "still open" in slack.calls_to("response_url")[-1].args["text"]


async def test_summary_buttons_open_forms(bot: BotClient) -> None:
    incident = await bot.declare()
    forms = (
        ("summary_update", "stakeholder_update"),
        ("summary_severity", "change_severity"),
        ("summary_role", "assign_role"),
        ("summary_resolve", "resolve_incident"),
    )
    for action_id, callback_id in forms:
        reply = await bot.click(action_id, incident.reference, channel=incident.channel_id)
        assert reply.status == 200
        assert bot.last_view(callback_id)["private_metadata"] == incident.reference


async def test_severity_and_role_forms_apply_changes(bot: BotClient) -> None:
    incident = await bot.declare(severity="SEV4")
    await bot.submit(
        "change_severity",
        req.state_values(
            ("severity", "severity", req.static_select_value("SEV2")),
            ("note", "note", req.plain_text_input_value(None)),
        ),
        metadata=incident.reference,
    )
    await bot.submit(
        "assign_role",
        req.state_values(
            ("role", "role", req.static_select_value("scribe")), ("user", "user", req.users_select_value("UCAROL"))
        ),
        metadata=incident.reference,
    )
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.severity == "SEV2" and stored.roles["scribe"] == "UCAROL"


async def test_outsider_clicking_a_summary_button_is_refused_ephemerally(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(user="UALICE")
    await bot.click("summary_resolve", incident.reference, user="UEVE", channel="CGENERAL")
    answer = slack.calls_to("response_url")[-1].args
    assert "Only members" in answer["text"] and answer["response_type"] == "ephemeral"


async def test_list_show_help_and_unknown(bot: BotClient, clock: FrozenClock) -> None:
    first = await bot.declare("Payments down", severity="SEV1", services=["payments"], user="UALICE")
    clock.advance(minutes=5)
    second = await bot.declare("Slow search", severity="SEV3", services=["search"], user="UBOB")
    listed = (await bot.command("list", user="UCAROL")).text
    assert listed.index(second.reference) < listed.index(first.reference)  # newest first
    assert first.reference not in (await bot.command("list --severity sev3")).text
    assert second.reference not in (await bot.command("list --service payments")).text
    mine = (await bot.command("list --mine", user="UBOB")).text
    assert second.reference in mine and first.reference not in mine
    assert "needs a value" in (await bot.command("list --severity")).text
    assert "don't know the option" in (await bot.command("list --bogus")).text
    shown = (await bot.command(f"show {first.reference}", user="UCAROL")).text
    assert "Payments down" in shown and "Declared" in shown
    assert "/incident status" in (await bot.command("help")).text
    assert "I don't know `frobnicate`" in (await bot.command("frobnicate")).text


async def test_private_incidents_are_visible_only_to_members(bot: BotClient) -> None:
    secret = await bot.declare("Credential leak", private=True, user="UALICE")
    assert secret.reference not in (await bot.command("list all", user="UEVE")).text
    assert "no incident" in (await bot.command(f"show {secret.reference}", user="UEVE")).text
    assert secret.reference in (await bot.command("list", user="UALICE")).text
    assert secret.reference in (await bot.command("list", user="UADMIN")).text


async def test_list_all_includes_resolved(bot: BotClient) -> None:
    incident = await bot.declare("Old one")
    await bot.submit(
        "resolve_incident",
        req.state_values(("summary", "summary", req.plain_text_input_value("ok"))),
        metadata=incident.reference,
    )
    assert incident.reference not in (await bot.command("list")).text
    assert incident.reference in (await bot.command("list all")).text


async def test_bare_command_in_incident_channel_shows_the_incident(bot: BotClient, clock: FrozenClock) -> None:
    incident = await bot.declare("Here")
    clock.advance(minutes=3)
    reply = await bot.command("", channel=incident.channel_id or "")
    assert incident.reference in reply.text and "Here" in reply.text and "· 3m ·" in reply.text


async def test_help_lists_every_family_of_commands(bot: BotClient) -> None:
    usage = (await bot.command("help")).text
    for command in (
        "declare",
        "status",
        "severity",
        "update",
        "role",
        "resolve",
        "reopen",
        "list",
        "show",
        "timeline",
        "note",
        "action",
        "actions",
        "postmortem",
    ):
        assert f"/incident {command}" in usage, command
