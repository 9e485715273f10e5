"""Over signed HTTP against the fake Slack: a SEV1 on a routed service pages its policy, step by step."""

from __future__ import annotations

import pytest

from incidents.model import IncidentFilter
from incidents.policy import Policy
from slacksim import FakeSlack
from tests.conftest import make_settings
from tests.followup_support import notices, run_due
from tests.harness import BotClient, FrozenClock, running_bot
from tests.oncall.support import ack_value, oncall_policy, page_dms


@pytest.fixture
def policy(slack: FakeSlack) -> Policy:
    return oncall_policy(slack)


async def _pages(bot: BotClient, incident_id: int) -> list[tuple[str, int | None, int, bool]]:
    async with bot.ctx.uow(write=False) as uow:
        pages = await uow.oncall.incident_pages(incident_id)
    return [(p.user, p.step, p.run, p.acknowledged_at is not None) for p in pages]


async def test_sev1_on_a_routed_service_pages_the_on_call_round_robins_and_repeats(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV1", user="UALICE", services=["checkout"])
    assert incident.commander == "UCAROL"  # on call for primary: made the commander
    assert incident.acknowledged_at is None and incident.escalation_policy == "checkout-urgent"
    assert "UCAROL" in slack.channels[incident.channel_id or ""].members  # invited
    await run_due(bot)
    [dm] = page_dms(slack, to="UCAROL")
    assert incident.reference in dm["text"] and "commander" in str(dm["blocks"])
    clock.advance(minutes=5)
    await run_due(bot)
    assert [d["channel"] for d in page_dms(slack)] == ["UCAROL", "UBOB"]  # round robin: the first of its users
    clock.advance(minutes=5)
    await run_due(bot)  # the repeat: the schedule again
    clock.advance(minutes=5)
    await run_due(bot)
    assert [d["channel"] for d in page_dms(slack)] == ["UCAROL", "UBOB", "UCAROL", "UEVE"]  # and the next one
    clock.advance(hours=1)
    await run_due(bot)
    assert len(page_dms(slack)) == 4  # the policy ran out: nothing more
    assert incident.id is not None
    assert await _pages(bot, incident.id) == [
        ("UCAROL", 0, 0, False),
        ("UBOB", 1, 0, False),
        ("UCAROL", 0, 1, False),
        ("UEVE", 1, 1, False),
    ]
    assert notices(slack, kind="ack:") == []  # the policy replaces the escalation levels
    async with bot.ctx.uow(write=False) as uow:
        assert await uow.oncall.snapshot(incident.id) == {"primary": "UCAROL"}
        kinds = [e.kind for e in await uow.incidents.events(incident.reference)]
    assert kinds.count("paged") == 4


async def test_round_robin_continues_across_incidents(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    for _ in range(3):
        await bot.declare(severity="SEV1", user="UALICE", services=["checkout"])
        await run_due(bot)
        clock.advance(minutes=5)
        await run_due(bot)
        clock.advance(minutes=1)
        await bot.click("summary_acknowledge", (await _latest(bot)), user="UCAROL")
    assert [d["channel"] for d in page_dms(slack) if d["channel"] != "UCAROL"] == ["UBOB", "UEVE", "UBOB"]


async def _latest(bot: BotClient) -> str:
    async with bot.ctx.uow(write=False) as uow:
        found = await uow.incidents.search(IncidentFilter(open_only=False, limit=1))
    return found[0].reference


async def test_acknowledge_on_the_page_stops_the_policy(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await bot.declare(severity="SEV1", user="UALICE", services=["checkout"])
    await run_due(bot)
    [dm] = page_dms(slack, to="UCAROL")
    clock.advance(minutes=2)
    reply = await bot.click("oncall_page_acknowledge", ack_value(dm), user="UCAROL", channel="DCAROL")
    assert reply.status == 200
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.acknowledged_at == clock.now()
    async with bot.ctx.uow(write=False) as uow:
        assert stored.id is not None
        assert await uow.work.for_incident(stored.id, kinds=("page",)) == {}  # every pending step gone
    clock.advance(hours=2)
    await run_due(bot)
    assert len(page_dms(slack)) == 1
    assert await _pages(bot, stored.id) == [("UCAROL", 0, 0, True)]


async def test_a_restart_mid_policy_sends_each_step_once(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> None:
    settings = make_settings(slack, database_url)
    slack.workspace.time_source = lambda: clock.now().timestamp()
    async with running_bot(slack, settings, policy, clock) as first:
        incident = await first.declare(severity="SEV1", user="UALICE", services=["checkout"])
        await run_due(first)
        clock.advance(minutes=5)
        async with first.ctx.uow() as uow:  # step 2 claimed, then the process dies before doing it
            claimed = await uow.work.claim_due(clock.now(), lease=policy.scheduler.claim_lease, limit=10)
            await uow.commit()
        assert [w.kind for w in claimed] == ["page"]
    clock.advance(minutes=3)  # past the dead claim's lease
    async with running_bot(slack, settings, policy, clock) as second:
        await second.runtime.follow_through.reconcile()
        for _ in range(6):
            await run_due(second)
            clock.advance(minutes=5)
    assert [d["channel"] for d in page_dms(slack)] == ["UCAROL", "UBOB", "UCAROL", "UEVE"]
    assert incident.reference


async def test_a_page_outside_the_persons_working_hours_is_stored_as_such(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    slack.users["UCAROL"].tz = "Asia/Tokyo"  # 10:00 UTC is 19:00 in Tokyo: after working hours
    incident = await bot.declare(severity="SEV1", user="UALICE", services=["checkout"])
    await run_due(bot)
    clock.advance(minutes=5)
    await run_due(bot)
    async with bot.ctx.uow(write=False) as uow:
        assert incident.id is not None
        pages = {p.user: p.out_of_hours for p in await uow.oncall.incident_pages(incident.id)}
    assert pages == {"UCAROL": True, "UBOB": False}


async def test_a_routed_incident_whose_channel_could_not_be_made_still_pages(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    slack.fail_next("conversations.create", "restricted_action")
    incident = await bot.declare(severity="SEV1", user="UALICE", services=["checkout"])
    assert incident.channel_id is None
    await run_due(bot)
    assert [d["channel"] for d in page_dms(slack)] == ["UCAROL"]
