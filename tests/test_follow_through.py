"""Reminders, acknowledgement escalation, management escalation and postmortem reminders, on a frozen clock."""

from __future__ import annotations

import pytest

from incidents.policy import Channels, Policy
from slacksim import FakeSlack
from slacksim import requests as req
from tests.followup_support import notices, run_due
from tests.harness import BotClient, FrozenClock


@pytest.fixture
def policy(slack: FakeSlack) -> Policy:
    oncall = slack.add_channel("oncall-escalations")
    exec_channel = slack.add_channel("exec")
    incidents = slack.channel_by_name("incidents")
    assert incidents is not None
    return Policy.model_validate(
        {
            "channels": Channels(announcement=incidents.id).model_dump(),
            "admins": ["UADMIN"],
            "escalation": {
                "levels": [{"after": "0s", "notify": ["UDAVE"]}, {"after": "10m", "notify": ["S0ONCALL", oncall.id]}],
                "management": {"after": "1h", "severities": ["SEV1"], "notify": [exec_channel.id]},
            },
        }
    )


async def test_update_reminder_follows_the_severity_cadence(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV1", user="UALICE")  # SEV1: updates every 15m
    clock.advance(minutes=14)
    await run_due(bot)
    assert notices(slack, kind="update") == []
    clock.advance(minutes=2)
    await run_due(bot)
    [reminder] = notices(slack, kind="update")
    assert reminder["channel"] == incident.channel_id and "<@UALICE>" in reminder["text"]
    assert "reminder_post_update" in str(reminder["blocks"]) and "reminder_snooze" in str(reminder["blocks"])
    await run_due(bot)
    assert len(notices(slack, kind="update")) == 1  # once, not on every pass
    clock.advance(minutes=15)
    await run_due(bot)
    assert len(notices(slack, kind="update")) == 2  # still no update: reminded again after the cadence


async def test_posting_an_update_resets_the_clock(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await bot.declare(severity="SEV1", user="UALICE")
    clock.advance(minutes=10)
    await bot.command("status identified", channel=incident.channel_id or "")
    clock.advance(minutes=10)  # 20m after declaring, 10m after the update
    await run_due(bot)
    assert notices(slack, kind="update") == []
    clock.advance(minutes=6)
    await run_due(bot)
    assert len(notices(slack, kind="update")) == 1


async def test_severity_change_changes_the_cadence_at_once(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV3", user="UALICE")  # SEV3: hourly
    clock.advance(minutes=20)
    await run_due(bot)
    assert notices(slack, kind="update") == []
    await bot.command("severity SEV1", channel=incident.channel_id or "")  # now every 15m: already overdue
    await run_due(bot)
    assert len(notices(slack, kind="update")) == 1


async def test_sev4_has_no_update_reminders(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    await bot.declare(severity="SEV4", user="UALICE")
    clock.advance(hours=12)
    await run_due(bot)
    assert notices(slack, kind="update") == []


async def test_snooze_delays_the_next_reminder(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await bot.declare(severity="SEV1", user="UALICE")
    clock.advance(minutes=16)
    await run_due(bot)
    reply = await bot.click("reminder_snooze", incident.reference, channel=incident.channel_id)
    assert reply.status == 200 and "Snoozed" in slack.calls_to("response_url")[-1].args["text"]
    clock.advance(minutes=14)
    await run_due(bot)
    assert len(notices(slack, kind="update")) == 1
    clock.advance(minutes=2)
    await run_due(bot)
    assert len(notices(slack, kind="update")) == 2


async def test_post_update_button_opens_the_update_form(bot: BotClient) -> None:
    incident = await bot.declare(severity="SEV1", user="UALICE")
    await bot.click("reminder_post_update", incident.reference, channel=incident.channel_id)
    assert bot.last_view("stakeholder_update")["private_metadata"] == incident.reference


async def test_resolved_incidents_get_no_reminders(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await bot.declare(severity="SEV1", user="UALICE")
    summary = req.state_values(("summary", "summary", req.plain_text_input_value("fixed")))
    await bot.submit("resolve_incident", summary, metadata=incident.reference)
    clock.advance(hours=2)
    await run_due(bot)
    assert notices(slack, kind="update") == [] and notices(slack, kind="ack") == []


async def test_unacknowledged_incident_escalates_level_by_level(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV2", user="UALICE", commander="UBOB")  # SEV2 target: 15m
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.acknowledged_at is None  # declared for someone else: not yet taken
    clock.advance(minutes=14)
    await run_due(bot)
    assert notices(slack, kind="ack") == []
    clock.advance(minutes=2)
    await run_due(bot)
    first = notices(slack, kind="ack")
    assert {n["channel"] for n in first} >= {incident.channel_id, "UDAVE"}  # the channel and a DM to level 1
    assert "UDAVE" in slack.channels[incident.channel_id or ""].members  # and invited
    assert "incident_acknowledge" in str(first[0]["blocks"])
    clock.advance(minutes=10)
    await run_due(bot)
    oncall = slack.channel_by_name("oncall-escalations")
    assert oncall is not None and any(n["channel"] == oncall.id for n in notices(slack, kind="ack"))
    assert any("<!subteam^S0ONCALL>" in n["text"] for n in notices(slack, kind="ack"))
    async with bot.ctx.uow(write=False) as uow:
        kinds = [e.kind for e in await uow.incidents.events(incident.reference)]
    assert kinds.count("escalated") == 2


async def test_acknowledging_stops_the_escalation(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await bot.declare(severity="SEV2", user="UALICE", commander="UBOB")
    clock.advance(minutes=5)
    await bot.click("summary_acknowledge", incident.reference, user="UBOB", channel=incident.channel_id)
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.acknowledged_at == clock.now()
    clock.advance(hours=1)
    await run_due(bot)
    assert notices(slack, kind="ack") == []


async def test_declarer_commanding_is_acknowledged_at_once(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    await bot.declare(severity="SEV2", user="UALICE")
    clock.advance(hours=1)
    await run_due(bot)
    assert notices(slack, kind="ack") == []


async def test_sev1_unresolved_after_the_limit_notifies_management(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV1", user="UALICE")
    clock.advance(minutes=59)
    await run_due(bot)
    assert notices(slack, kind="mgmt") == []
    clock.advance(minutes=2)
    await run_due(bot)
    exec_channel = slack.channel_by_name("exec")
    assert exec_channel is not None
    assert {n["channel"] for n in notices(slack, kind="mgmt")} == {incident.channel_id, exec_channel.id}
    clock.advance(hours=3)
    await run_due(bot)
    assert len(notices(slack, kind="mgmt")) == 2  # once


async def test_postmortem_reminder_after_resolution(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await bot.declare(severity="SEV2", user="UALICE")
    summary = req.state_values(("summary", "summary", req.plain_text_input_value("fixed")))
    await bot.submit("resolve_incident", summary, metadata=incident.reference)
    clock.advance(hours=47)
    await run_due(bot)
    assert notices(slack, kind="postmortem") == []
    clock.advance(hours=2)
    await run_due(bot)
    assert {n["channel"] for n in notices(slack, kind="postmortem")} >= {"UALICE", incident.channel_id}


async def test_no_postmortem_reminder_when_published(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await bot.declare(severity="SEV2", user="UALICE")
    summary = req.state_values(("summary", "summary", req.plain_text_input_value("fixed")))
    await bot.submit("resolve_incident", summary, metadata=incident.reference)
    async with bot.ctx.uow() as uow:
        stored = await uow.incidents.get(incident.reference)
        assert stored is not None
        stored.postmortem_published_at = clock.now()
        await uow.incidents.save(stored)
        await uow.commit()
    clock.advance(hours=49)
    await run_due(bot)
    assert notices(slack, kind="postmortem") == []


async def test_archived_channel_drops_the_work_and_keeps_running(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    first = await bot.declare("first", severity="SEV1", user="UALICE")
    second = await bot.declare("second", severity="SEV1", user="UALICE")
    clock.advance(minutes=16)
    slack.fail_next("chat.postMessage", "is_archived")
    await run_due(bot)
    reminded = {n["channel"] for n in notices(slack, kind="update")}
    assert len(reminded) == 1 and reminded <= {first.channel_id, second.channel_id}
    clock.advance(minutes=20)
    await run_due(bot)
    assert len({n["channel"] for n in notices(slack, kind="update")}) == 1  # the archived one is dropped


async def test_transient_failure_is_retried(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await bot.declare(severity="SEV1", user="UALICE")
    clock.advance(minutes=16)
    slack.fail_next("chat.postMessage", "internal_error")
    await run_due(bot)
    assert notices(slack, kind="update") == []
    clock.advance(minutes=1, seconds=6)
    await run_due(bot)
    assert [n["channel"] for n in notices(slack, kind="update")] == [incident.channel_id]
