"""Action-item nudges in the owner's working hours, the weekly digest, and exactly-once delivery."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from firebreak.runtime import runtime
from incidents import effect_runner
from incidents.action_items import ActionItemFilter
from incidents.followup import Planner
from incidents.followup_runner import FollowThrough
from incidents.policy import Policy
from scheduling.leader import FileLeadership
from slacksim import FakeSlack
from tests.conftest import make_settings
from tests.followup_support import notices, run_due
from tests.harness import BotClient, FrozenClock


async def _item(bot: BotClient, text: str, *, owner: str, due: str) -> int:
    incident = await bot.declare("Follow-ups", user="UALICE", severity="SEV4")
    await bot.command(f"action {text} <@{owner}> due:{due}", channel=incident.channel_id or "")
    async with bot.ctx.uow(write=False) as uow:
        [item] = await uow.action_items.search(ActionItemFilter(owner=owner))
    return item.id


async def test_nudges_before_on_and_after_the_due_date(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    # Clock: Mon 2026-11-23 10:00 UTC. Due Fri 27th; owner in UTC, working 09:00-18:00 Mon-Fri.
    item_id = await _item(bot, "Add pool alert", owner="UBOB", due="2026-11-27")
    clock.current = datetime(2026, 11, 26, 8, 59, tzinfo=UTC)
    await run_due(bot)
    assert notices(slack, kind="nudge") == []
    clock.current = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    await run_due(bot)
    [before] = notices(slack, kind="nudge")
    assert before["channel"] == "UBOB" and "is due Fri 27 Nov" in before["text"]
    clock.current = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    await run_due(bot)
    assert "is due today" in notices(slack, kind="nudge")[-1]["text"]
    clock.current = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Mon: 3 days overdue
    await run_due(bot)
    assert "3 day(s) overdue" in notices(slack, kind="nudge")[-1]["text"]
    assert "item_done" in str(notices(slack, kind="nudge")[-1]["blocks"])
    assert len(notices(slack, kind="nudge")) == 3
    await bot.click("item_snooze", str(item_id), user="UBOB")
    clock.current = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    await run_due(bot)
    assert len(notices(slack, kind="nudge")) == 3


async def test_nudges_wait_for_working_hours_in_the_owners_timezone(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    slack.users["UCAROL"].tz = "Asia/Tokyo"  # UTC+9
    await _item(bot, "Rotate the certs", owner="UCAROL", due="2026-11-27")
    # The nominal time (09:00 UTC) is 18:00 in Tokyo: after work. Nothing then, never at 3 a.m. either.
    clock.current = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    await run_due(bot)
    clock.current = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # 03:00 in Tokyo
    await run_due(bot)
    assert notices(slack, kind="nudge") == []
    clock.current = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 09:00 Friday in Tokyo
    await run_due(bot)
    [nudge] = notices(slack, kind="nudge")
    assert nudge["channel"] == "UCAROL"


async def test_done_items_are_not_nudged(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    item_id = await _item(bot, "Fix it", owner="UALICE", due="2026-11-27")
    from incidents.actions import complete_action_item

    await complete_action_item(bot.ctx, "UALICE", item_id)
    clock.current = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    await run_due(bot)
    assert notices(slack, kind="nudge") == []


async def test_weekly_digest(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    await bot.declare("Last week's outage", user="UALICE", severity="SEV2")
    await _item(bot, "Overdue thing", owner="UBOB", due="2026-11-24")
    await bot.runtime.follow_through.reconcile()  # plans the digest: Mondays 09:00 UTC by default
    clock.current = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    await run_due(bot)
    [digest] = notices(slack, kind="digest")
    incidents = slack.channel_by_name("incidents")
    assert incidents is not None and digest["channel"] == incidents.id
    text = str(digest["blocks"])
    assert "Last week's outage" in text and "<@UBOB>: 1 open, 1 overdue" in text
    await run_due(bot)
    assert len(notices(slack, kind="digest")) == 1


async def test_work_due_during_downtime_runs_once_on_restart(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> None:
    settings = make_settings(slack, database_url)
    async with runtime(settings, policy=policy, clock=clock) as first:
        ctx = first.ctx
        from incidents.action_items import NewActionItem
        from incidents.actions import create_action_item
        from incidents.changes import Target
        from incidents.declare import DeclareRequest, record_declaration, set_up_incident

        incident, _ = await record_declaration(ctx, DeclareRequest(title="x", severity="SEV4", declared_by="UALICE"))
        await set_up_incident(ctx, incident.reference)
        await create_action_item(
            ctx,
            Target("UALICE", incident.reference),
            NewActionItem("Overdue thing", owner="UBOB", due_on=datetime(2026, 11, 24).date()),
        )
    clock.current = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)  # down for two weeks: 5 nudges "missed"
    async with runtime(settings, policy=policy, clock=clock) as second:
        await second.follow_through.reconcile()
        await second.follow_through.run_due()
        await second.follow_through.run_due()
    assert len(notices(slack, kind="nudge")) == 1


async def test_two_runners_on_one_database_send_once(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    await _item(bot, "Race", owner="UBOB", due="2026-11-27")
    other = FollowThrough(bot.ctx, Planner(bot.ctx.policy, clock))
    clock.current = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    await asyncio.gather(bot.runtime.follow_through.run_due(), other.run_due(), bot.runtime.follow_through.run_due())
    assert len(notices(slack, kind="nudge")) == 1


async def test_a_crash_between_send_and_record_sends_once(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    await _item(bot, "Crashy", owner="UBOB", due="2026-11-27")
    clock.current = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    runner = bot.runtime.follow_through
    await effect_runner.flush(bot.ctx)  # a runner's pass first deletes the Slack effects this process has done
    async with bot.ctx.uow() as uow:  # claim as a runner would, then "crash": the claim stays, nothing recorded
        [claimed] = await uow.work.claim_due(clock.now(), lease=bot.ctx.policy.scheduler.claim_lease, limit=10)
        await uow.commit()
    from incidents.followup_notices import nudge_notice

    async with bot.ctx.uow(write=False) as uow:
        item = await uow.action_items.get(claimed.action_item_id or 0)
    assert item is not None
    key = f"{claimed.key}@before:{claimed.due_at.date().isoformat()}"
    await bot.ctx.chat.send_notice("UBOB", nudge_notice(item, "before", clock.now().date()), key=key)
    clock.advance(minutes=1)
    await runner.run_due()  # the claim has not expired yet: nothing happens
    assert len(notices(slack, kind="nudge")) == 1
    clock.advance(minutes=5)  # past the lease: recovered, found in Slack, not sent again
    await runner.run_due()
    assert len(notices(slack, kind="nudge")) == 1
    async with bot.ctx.uow(write=False) as uow:
        assert await uow.work.was_sent(key)


async def test_only_one_process_leads_the_scheduler(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "fb.db.scheduler.lock"
    first, second = FileLeadership(path), FileLeadership(path)
    assert await first.try_acquire() and not await second.try_acquire()
    await first.release()
    assert await second.try_acquire()
    await second.release()
