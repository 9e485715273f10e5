"""Against a Slack that allows one message a second per channel: every group is posted in the end, no rate
limit is left unhandled, and a group's post is edited at most once per 5 seconds however many repeats arrive."""

from __future__ import annotations

import json

from slacksim import FakeSlack
from tests.alerts.http_support import add_integration, alertmanager_body, run_due, send, stored_groups
from tests.harness import BotClient, FrozenClock


def info(fingerprint: str, starts: str = "2026-11-23T09:55:00Z") -> dict[str, object]:
    body = alertmanager_body(fingerprint=fingerprint, starts=starts)
    body["alerts"][0]["labels"]["severity"] = "info"  # type: ignore[index]
    return body


async def test_posts_wait_for_the_channel_limit_and_all_arrive(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, client_waits: list[float]
) -> None:
    slack.limit_messages_per_channel(1.0)
    token = await add_integration(bot)
    for number in range(3):
        assert (await send(bot, "prometheus", info(f"g{number}"), token=token)).status == 200
    for _ in range(4):
        await run_due(bot)
        clock.advance(minutes=1, seconds=1)
    posted = [c for c in slack.calls_to("chat.postMessage") if c.ok]
    assert len(posted) == 3
    assert all(g.post_ts is not None for g in await stored_groups(bot))
    async with bot.ctx.uow(write=False) as uow:
        assert [k for k in await uow.work.keys() if k.startswith("alert-")] == []


async def test_repeats_are_coalesced_into_one_edit_per_five_seconds(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    token = await add_integration(bot)
    await send(bot, "prometheus", info("busy"), token=token)
    await run_due(bot)
    for second in range(10):
        clock.advance(seconds=1)
        await send(bot, "prometheus", info("busy", starts=f"2026-11-23T09:56:{second:02d}Z"), token=token)
        await run_due(bot)
    clock.advance(seconds=5)
    await run_due(bot)
    updates = slack.calls_to("chat.update")
    assert 1 <= len(updates) <= 3  # 15 s after the post: at most one edit per 5 s
    assert "*Count*\\n11" in json.dumps(updates[-1].args["blocks"])  # the latest state wins


async def test_a_post_made_by_a_process_that_died_is_found_not_posted_again(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    token = await add_integration(bot)
    await send(bot, "prometheus", info("crash"), token=token)
    [group] = await stored_groups(bot)
    async with bot.ctx.uow() as uow:  # claimed by a process that posted, then died before recording it
        [work] = await uow.work.claim_due(clock.now(), lease=bot.ctx.policy.scheduler.claim_lease, limit=10)
        await uow.commit()
    assert group.channel is not None
    await bot.runtime.alerts.actx.chat.post_group(group.channel, group, now=clock.now(), key=work.key)
    clock.advance(seconds=bot.ctx.policy.scheduler.claim_lease.total_seconds() + 1)
    await run_due(bot)
    assert len(slack.calls_to("chat.postMessage")) == 1
    [group] = await stored_groups(bot)
    assert group.post_ts is not None
    assert len(slack.calls_to("chat.update")) == 1  # the found post shows the group as it is
