"""`/incident oncall …` and `/incident page …` over signed HTTP against the fake Slack."""

from __future__ import annotations

import json

import pytest

from bot.listeners import oncall as oncall_listener
from incidents.policy import Policy
from slacksim import FakeSlack
from slacksim import requests as req
from tests.followup_support import run_due
from tests.harness import BotClient, FrozenClock
from tests.oncall.support import ack_value, oncall_policy, page_dms


@pytest.fixture
def policy(slack: FakeSlack) -> Policy:
    slack.users["UALICE"].tz = "Europe/Berlin"  # answers come in the reader's timezone
    return oncall_policy(slack)


def last_response(slack: FakeSlack) -> dict[str, object]:
    return dict(slack.calls_to("response_url")[-1].args)


async def stored_overrides(bot: BotClient) -> list[tuple[str, str]]:
    async with bot.ctx.uow(write=False) as uow:
        found = await uow.oncall.overrides_ending_after(bot.ctx.clock.now())
    return sorted((o.user, o.created_by) for o in found)


async def test_who_is_on_call_is_answered_in_the_ack_in_the_readers_timezone(bot: BotClient) -> None:
    reply = await bot.command("oncall")
    assert reply.status == 200
    assert "*primary*: <@UCAROL> until Mon 30 Nov 10:00 CET, then <@UDAVE>" in reply.text  # 09:00 UTC
    assert "<@UCAROL>" in (await bot.command("oncall checkout")).text  # by service: its policies' schedules
    assert "no schedule or service `nope`" in (await bot.command("oncall nope")).text


async def test_upcoming_shifts(bot: BotClient) -> None:
    reply = await bot.command("oncall shifts primary 14d")
    assert "Shifts on `primary`, next 14 days" in reply.text
    assert "Mon 30 Nov 10:00 CET → Mon 07 Dec 10:00 CET (7d): <@UDAVE>" in reply.text
    mine = await bot.command("oncall shifts <@UDAVE|dave> 30d")
    assert mine.text.count("): <@UDAVE>") == 2 and "<@UCAROL>" not in mine.text


@pytest.mark.parametrize(
    ("words", "said"),
    [
        ("18:00 17:00", "ends before it starts"),
        ("2026-11-20T09:00 2026-11-21T09:00", "over already"),
        ("now 32d", "over 31 days"),
        ("25:00 4h", "can't read `25:00`"),
    ],
)
async def test_a_bad_override_is_refused_and_nothing_is_stored(
    bot: BotClient, slack: FakeSlack, words: str, said: str
) -> None:
    reply = await bot.command(f"oncall override primary <@UBOB|bob> {words}")
    assert reply.status == 200
    response = last_response(slack)
    assert said in str(response["text"]) and response["response_type"] == "ephemeral"
    assert await stored_overrides(bot) == []


async def test_an_override_changes_who_is_on_call_and_an_overlap_offers_replace(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    await bot.command("oncall override primary <@UBOB|bob> now 4h covering for Carol")
    assert "Override stored: <@UBOB>" in str(last_response(slack)["text"])
    assert await stored_overrides(bot) == [("UBOB", "UALICE")]
    assert "*primary*: <@UBOB> until Mon 23 Nov 15:00 CET, then <@UCAROL>" in (await bot.command("oncall")).text
    await bot.command("oncall override primary <@UEVE|eve> 12:00 2h")
    offer = last_response(slack)
    assert "overlaps 1 override" in str(offer["text"]) and "Nothing is stored" in str(offer["text"])
    assert await stored_overrides(bot) == [("UBOB", "UALICE")]
    [button] = [
        e for b in offer["blocks"] for e in b.get("elements", []) if e.get("action_id") == "oncall_override_replace"
    ]  # type: ignore[attr-defined,union-attr]
    await bot.click("oncall_override_replace", button["value"])
    assert await stored_overrides(bot) == [("UEVE", "UALICE")]
    assert json.loads(button["value"])["u"] == "UEVE"


async def click_message(bot: BotClient, action_id: str, value: str, *, user: str, channel: str, ts: str) -> None:
    body = req.block_actions_body(
        action_id=action_id,
        value=value,
        user_id=user,
        channel_id=channel,
        message_ts=ts,
        response_url=bot.slack.new_response_url(),
    )
    await bot.post(body, content_type="application/x-www-form-urlencoded")
    await bot.settle()


async def test_a_swap_is_taken_by_someone_else_once(bot: BotClient, slack: FakeSlack) -> None:
    await bot.command("oncall swap primary tomorrow 09:00 4h dentist", user="UCAROL")
    [call] = [c for c in slack.calls_to("chat.postMessage") if "oncall_swap_take" in str(c.args.get("blocks"))]
    posted = call.args
    channel = slack.channel_by_name("oncall")
    assert channel is not None and posted["channel"] == channel.id
    ts = channel.messages[-1].ts
    swap_id = next(
        e["value"] for b in posted["blocks"] for e in b.get("elements", []) if e["action_id"] == "oncall_swap_take"
    )
    await click_message(bot, "oncall_swap_take", swap_id, user="UCAROL", channel=channel.id, ts=ts)
    assert "your own swap" in str(last_response(slack)["text"])
    await click_message(bot, "oncall_swap_take", swap_id, user="UDAVE", channel=channel.id, ts=ts)
    assert await stored_overrides(bot) == [("UDAVE", "UDAVE")]
    assert "took <@UCAROL>'s" in str(slack.calls_to("chat.update")[-1].args["text"])
    await bot.click("oncall_swap_take", swap_id, user="UEVE")
    assert "taken already" in str(last_response(slack)["text"])
    assert await stored_overrides(bot) == [("UDAVE", "UDAVE")]


async def test_a_swap_of_time_not_yours_is_refused(bot: BotClient, slack: FakeSlack) -> None:
    await bot.command("oncall swap primary tomorrow 09:00 4h", user="UBOB")
    assert "not on call during that time" in str(last_response(slack)["text"])


async def test_page_a_person_outside_an_incident(bot: BotClient, slack: FakeSlack) -> None:
    await bot.command("page <@UDAVE|dave> the database is on fire")
    assert "Paging <@UDAVE> now" in str(last_response(slack)["text"])
    await run_due(bot)
    [dm] = page_dms(slack, to="UDAVE")
    assert "the database is on fire" in str(dm["blocks"]) and "Paged by <@UALICE>" in str(dm["blocks"])
    await bot.click("oncall_page_acknowledge", ack_value(dm), user="UDAVE")
    assert str(last_response(slack)["text"]) == "Acknowledged."
    await run_due(bot)
    assert len(page_dms(slack)) == 1


async def test_page_a_schedule_inside_an_incident_channel_is_linked(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(severity="SEV3", user="UALICE")
    await bot.command("page primary please look", channel=incident.channel_id or "")
    await run_due(bot)
    [dm] = page_dms(slack, to="UCAROL")
    assert incident.reference in dm["text"]
    async with bot.ctx.uow(write=False) as uow:
        assert incident.id is not None
        [page] = await uow.oncall.incident_pages(incident.id)
        events = await uow.incidents.events(incident.reference)
    assert page.user == "UCAROL" and page.paged_by == "UALICE" and page.schedule == "primary"
    assert any(e.kind == "paged" for e in events)


async def test_page_of_nothing_known_is_refused(bot: BotClient, slack: FakeSlack) -> None:
    await bot.command("page nobody-here")
    assert "is not a person, schedule or escalation policy" in str(last_response(slack)["text"])


async def test_an_override_for_a_deactivated_person_is_refused(bot: BotClient, slack: FakeSlack) -> None:
    slack.add_user("UGONE", name="gone", deleted=True)
    await bot.command("oncall override primary <@UGONE|gone> now 4h")
    assert "has been deactivated" in str(last_response(slack)["text"])
    assert await stored_overrides(bot) == []


async def test_a_swap_expires_at_its_start_and_only_its_requester_cancels_it(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    channel = slack.channel_by_name("oncall")
    assert channel is not None
    for _ in range(2):
        await bot.command("oncall swap primary tomorrow 09:00 4h", user="UCAROL")
    first, second = [
        next(
            e["value"] for b in c.args["blocks"] for e in b.get("elements", []) if e["action_id"] == "oncall_swap_take"
        )
        for c in slack.calls_to("chat.postMessage")
        if "oncall_swap_take" in str(c.args.get("blocks"))
    ]
    ts = channel.messages[-1].ts
    await click_message(bot, "oncall_swap_cancel", first, user="UDAVE", channel=channel.id, ts=ts)
    assert "Only the person who asked" in str(last_response(slack)["text"])
    await click_message(bot, "oncall_swap_cancel", first, user="UCAROL", channel=channel.id, ts=ts)
    assert "cancelled their `primary` swap" in str(slack.calls_to("chat.update")[-1].args["text"])
    await click_message(bot, "oncall_swap_take", first, user="UDAVE", channel=channel.id, ts=ts)
    assert "was cancelled" in str(last_response(slack)["text"])
    clock.advance(days=1)  # tomorrow 10:00 UTC: past its 09:00 start
    await click_message(bot, "oncall_swap_take", second, user="UDAVE", channel=channel.id, ts=ts)
    assert "expired when its shift began" in str(last_response(slack)["text"])
    assert await stored_overrides(bot) == []


async def test_when_slack_is_slow_to_say_the_readers_timezone_the_ack_does_not_wait(
    bot: BotClient, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oncall_listener, "READER_ZONE_WAIT", 0.05)
    slack.rate_limit_next("users.info", retry_after=2)
    reply = await bot.command("oncall")
    assert "*primary*: <@UCAROL> until Mon 30 Nov 09:00 UTC" in reply.text
    assert "Slack did not say your timezone in time" in reply.text
