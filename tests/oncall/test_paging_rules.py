"""Paging's rules: gaps and deactivated people, user groups and channels, hand-overs, load warnings, routing."""

from __future__ import annotations

from typing import Any

import pytest

from incidents.declare import DeclareRequest, declare_incident
from incidents.policy import Policy
from slacksim import FakeSlack
from tests.followup_support import notices, run_due
from tests.harness import BotClient, FrozenClock
from tests.oncall.support import oncall_policy, page_dms


@pytest.fixture
def policy(slack: FakeSlack) -> Policy:
    slack.add_user("UGONE", name="gone", real_name="Gone", deleted=True)
    sre = slack.add_channel("sre-escalations")
    extra: dict[str, Any] = {
        "load": {"max_pages_week": 2},
    }
    base = oncall_policy(slack, **extra).model_dump(by_alias=True, mode="json")
    oncall = base["oncall"]
    oncall["schedules"]["nights"] = {
        "timezone": "UTC",
        "layers": [
            {
                "users": ["UGONE"],
                "turn": "1d",
                "handoff": "00:00",
                "anchor": "2026-11-01",
                "restrictions": [{"from": "20:00", "to": "08:00"}],
            }
        ],
    }
    oncall["escalation_policies"]["nights-first"] = {
        "steps": [
            {"schedule": "nights", "wait": "10m"},
            {"users": ["UGONE", "UBOB"], "wait": "10m"},
            {"usergroup": "S0SRE", "wait": "5m"},
            {"policy": "last-resort"},
        ]
    }
    oncall["escalation_policies"]["last-resort"] = {"steps": [{"channel": sre.id}]}
    oncall["services"]["search"] = {"policy": "nights-first"}
    return Policy.model_validate(base)


async def events(bot: BotClient, reference: str) -> list[tuple[str, str]]:
    async with bot.ctx.uow(write=False) as uow:
        return [(e.kind, e.text) for e in await uow.incidents.events(reference)]


async def test_a_gap_pages_the_next_step_at_once_and_deactivated_people_are_skipped_with_a_note(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV2", user="UALICE", services=["search"])  # 10:00 UTC: a gap
    assert incident.acknowledged_at is None and incident.commander == "UALICE"
    await run_due(bot)
    said = await events(bot, incident.reference)
    assert any(kind == "page_skipped" and "a gap" in text for kind, text in said)
    await run_due(bot)  # the next step was brought forward: due now, not in 10 minutes
    assert [d["channel"] for d in page_dms(slack)] == ["UBOB"]
    said = await events(bot, incident.reference)
    assert any(kind == "page_skipped" and "<@UGONE>" in text and "deactivated" in text for kind, text in said)
    clock.advance(minutes=10)
    await run_due(bot)
    assert any("<!subteam^S0SRE>" in n["text"] for n in notices(slack, kind="page:"))
    clock.advance(minutes=5)
    await run_due(bot)  # handed over to last-resort: its channel
    sre = slack.channel_by_name("sre-escalations")
    assert sre is not None and any(n["channel"] == sre.id for n in notices(slack, kind="page:"))


async def test_the_declarers_explicit_policy_beats_the_service_mapping(bot: BotClient, slack: FakeSlack) -> None:
    request = DeclareRequest(
        "Search down", "SEV1", "UALICE", services=["checkout"], escalation_policy="last-resort", commander="UALICE"
    )
    declared = await declare_incident(bot.ctx, request)
    assert declared.incident.escalation_policy == "last-resort"
    assert declared.incident.commander == "UALICE"  # last-resort notifies no schedule first: nobody to assign


async def test_no_routed_service_keeps_the_escalation_levels(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV2", user="UALICE", commander="UBOB", services=["billing"])
    assert incident.escalation_policy is None
    clock.advance(minutes=16)
    await run_due(bot)
    assert notices(slack, kind="ack:") and page_dms(slack) == []


async def test_load_over_the_weekly_limit_is_told_once_in_the_schedules_channel(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    oncall = slack.channel_by_name("oncall")
    assert oncall is not None
    for _ in range(4):
        await bot.declare(severity="SEV2", user="UALICE", services=["checkout"], commander="UBOB")
        await run_due(bot)
        clock.advance(minutes=1)
    assert len(page_dms(slack, to="UCAROL")) == 4
    warnings = [c.args for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == oncall.id]
    assert len(warnings) == 1 and "<@UCAROL> has been paged 3 time(s) this week" in warnings[0]["text"]
