"""A nudge whose moment has already passed when an action item is created (or changed) goes out at the owner's
next working-hours moment, which may be at once, and only once; not days later at the next stage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from incidents.action_items import ActionItemFilter
from incidents.policy import Channels, Policy
from slacksim import FakeSlack
from slacksim import requests as req
from tests.followup_support import notices, run_due
from tests.harness import BotClient, FrozenClock


@pytest.fixture
def policy(slack: FakeSlack) -> Policy:
    incidents = slack.channel_by_name("incidents")
    assert incidents is not None
    return Policy.model_validate(
        {
            "channels": Channels(announcement=incidents.id).model_dump(),
            "admins": ["UADMIN"],
            "action_items": {"nudge_before": "2d"},
            "digest": {"enabled": False},
        }
    )


async def _create(bot: BotClient, *, owner: str, due: str) -> int:
    incident = await bot.declare("Follow-ups", user="UALICE", severity="SEV4")
    await bot.command(f"action Add the pool alert <@{owner}> due:{due}", channel=incident.channel_id or "")
    async with bot.ctx.uow(write=False) as uow:
        [item] = await uow.action_items.search(ActionItemFilter(owner=owner))
    return item.id


async def test_created_inside_the_window_in_working_hours_is_nudged_on_the_next_pass(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    # Mon 2026-11-23 10:00 UTC: the owner (UTC) is at work; due today, so the due-day moment (09:00) has passed.
    await _create(bot, owner="UBOB", due="2026-11-23")
    await run_due(bot)
    [nudge] = notices(slack, kind="nudge")
    assert nudge["channel"] == "UBOB" and "is due today" in nudge["text"]
    await run_due(bot)
    clock.current = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # Wed: overdue, but the next nudge is Thu's
    await run_due(bot)
    assert len(notices(slack, kind="nudge")) == 1
    clock.current = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    await run_due(bot)
    assert "3 day(s) overdue" in notices(slack, kind="nudge")[-1]["text"]
    assert len(notices(slack, kind="nudge")) == 2


async def test_a_passed_before_moment_is_nudged_at_once(bot: BotClient, slack: FakeSlack) -> None:
    await _create(bot, owner="UBOB", due="2026-11-24")  # due tomorrow; "2 days before" was yesterday
    await run_due(bot)
    [nudge] = notices(slack, kind="nudge")
    assert "is due Tue 24 Nov" in nudge["text"]


async def test_a_nudge_still_ahead_is_not_sent_at_creation(bot: BotClient, slack: FakeSlack) -> None:
    await _create(bot, owner="UBOB", due="2026-11-30")
    await run_due(bot)
    assert notices(slack, kind="nudge") == []


async def test_created_outside_the_owners_working_hours_waits_for_their_next_working_period(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    slack.users["UCAROL"].tz = "Asia/Tokyo"  # UTC+9: Mon 10:00 UTC is 19:00 in Tokyo, after work
    await _create(bot, owner="UCAROL", due="2026-11-24")
    await run_due(bot)
    clock.current = datetime(2026, 11, 23, 23, 59, tzinfo=UTC)  # 08:59 Tuesday in Tokyo
    await run_due(bot)
    assert notices(slack, kind="nudge") == []
    clock.current = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 09:00 Tuesday in Tokyo: the due day there
    await run_due(bot)
    [nudge] = notices(slack, kind="nudge")
    assert nudge["channel"] == "UCAROL" and "is due today" in nudge["text"]
    clock.current = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    await run_due(bot)
    assert len(notices(slack, kind="nudge")) == 1


async def test_an_item_overdue_when_reopened_is_nudged_at_once_and_once(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    item_id = await _create(bot, owner="UBOB", due="2026-11-23")
    await run_due(bot)
    evidence = req.state_values(("evidence", "evidence", req.plain_text_input_value("done")))
    await bot.submit("complete_action_item", evidence, user="UBOB", metadata=str(item_id))
    clock.current = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Wed, two days after the due date
    await bot.click("item_reopen", str(item_id), user="UBOB")
    await run_due(bot)
    assert "2 day(s) overdue" in notices(slack, kind="nudge")[-1]["text"]
    await bot.click("item_reopen", str(item_id), user="UBOB")  # refused (still open): changes nothing
    await run_due(bot)
    assert len(notices(slack, kind="nudge")) == 2
