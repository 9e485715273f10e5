"""Every planned Slack effect completes: through rate-limit storms, unreachable Slack and restarts, once each."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import cast

import pytest

from incidents.model import Incident
from incidents.policy import Policy
from scheduling.scheduler import FollowThroughScheduler
from slacksim import FakeSlack
from tests.effects_support import pending_effects, running_bot, texts_in
from tests.followup_support import notices, run_due
from tests.harness import BotClient, FrozenClock
from tests.storage_support import BACKENDS, sqlite_url

STORMY = ("conversations.invite", "chat.postMessage", "chat.update", "pins.add")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every test here runs on SQLite and on PostgreSQL: claims, queues and leases are the database's."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path, "firebreak.db")
    return cast(str, request.getfixturevalue("fresh_postgres_url"))


def _said(slack: FakeSlack, channel: str | None, text: str) -> int:
    """How many messages in the channel a reader sees with `text` in them."""
    return sum(text in t for t in texts_in(slack, channel))


def _summary(slack: FakeSlack, incident: Incident) -> str:
    assert incident.channel_id is not None
    [summary] = [m for m in slack.channels[incident.channel_id].messages if m.ts == incident.summary_ts]
    return summary.text


def _answers(slack: FakeSlack) -> str:
    """Everything the bot said to people privately: command answers and ephemeral messages."""
    said = [str(c.args.get("text", "")) for c in slack.calls_to("response_url")]
    said += [str(c.args.get("text", "")) for c in slack.calls_to("chat.postEphemeral")]
    return "\n".join(said)


async def test_every_effect_completes_after_a_rate_limit_storm(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, client_waits: list[float]
) -> None:
    first = await bot.declare("Checkout errors", user="UALICE", view_id="VFIRST")
    second = await bot.declare("Search slow", user="UBOB", view_id="VSECOND")
    for method in STORMY:  # Slack limits these for 90 s: more 429s in a row than the client retries
        slack.rate_limit_for(method, seconds=90)
    storm = await asyncio.gather(
        bot.declare("Payments down", user="UCAROL", view_id="VTHIRD"),
        bot.declare("Login failing", user="UDAVE", view_id="VFOURTH"),
        bot.declare("Queue backlog", user="UEVE", view_id="VFIFTH"),
        bot.command("status identified", user="UALICE", channel=first.channel_id or ""),
        bot.command("status identified", user="UBOB", channel=second.channel_id or ""),
    )
    declared = [i for i in storm if isinstance(i, Incident)]
    await asyncio.gather(
        bot.command("status monitoring", user="UALICE", channel=first.channel_id or ""),  # queued behind the first
        *(bot.command(f"status {i.reference} identified", user=i.declared_by) for i in declared),
    )
    assert sum(c.status == 429 for c in slack.calls) >= 12
    assert client_waits and all(w >= 90 for w in client_waits)  # the client honoured Retry-After
    assert await pending_effects(bot)  # nothing was given up: it waits, and nobody was told of a failure
    assert "couldn't" not in _answers(slack) and "not everything worked" not in _answers(slack)

    clock.advance(seconds=60)  # the policy's retry_after, but Slack said 90 s
    calls = len(slack.calls)
    await run_due(bot)
    assert len(slack.calls) == calls  # too early: nothing was tried
    clock.advance(seconds=31)
    await run_due(bot)

    assert await pending_effects(bot) == []
    incidents = [await bot.stored(i.reference) for i in (first, second, *declared)]
    for incident in incidents:
        assert incident is not None and incident.channel_id and incident.summary_ts
        channel = slack.channels[incident.channel_id]
        assert incident.declared_by in channel.members
        assert incident.summary_ts in channel.pins
        latest = "Monitoring" if incident.reference == first.reference else "Identified"
        assert f": {latest}," in _summary(slack, incident)
        assert _said(slack, incident.channel_id, f"{incident.reference}: Status Investigating → Identified") == 1
    texts = texts_in(slack, first.channel_id)
    identified = [n for n, t in enumerate(texts) if "Investigating → Identified" in t]
    monitoring = [n for n, t in enumerate(texts) if "Identified → Monitoring" in t]
    assert len(identified) == len(monitoring) == 1 and identified[0] < monitoring[0]
    announcements = slack.channel_by_name("incidents")
    assert announcements is not None
    for incident in declared:
        assert _said(slack, announcements.id, f"{incident.reference} declared") == 1
    assert "couldn't" not in _answers(slack)


async def test_a_later_notice_waits_for_an_earlier_one_being_retried(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, client_waits: list[float]
) -> None:
    incident = await bot.declare("DNS outage", user="UALICE")
    slack.rate_limit_next("chat.postMessage", retry_after=30, times=6)  # the first notice, and every client retry
    await bot.command("status identified", channel=incident.channel_id or "")
    await bot.command("status monitoring", channel=incident.channel_id or "")
    assert _said(slack, incident.channel_id, "→") == 0  # the second did not overtake the first
    stored = await bot.stored(incident.reference)
    assert stored is not None and ": Monitoring," in _summary(slack, stored)  # the summary is current meanwhile
    clock.advance(seconds=61)
    await run_due(bot)
    texts = [t for t in texts_in(slack, incident.channel_id) if "→" in t]
    assert ["Investigating → Identified" in texts[0], "Identified → Monitoring" in texts[1]] == [True, True]
    assert len(texts) == 2 and await pending_effects(bot) == []


async def test_concurrent_changes_are_told_in_the_order_they_were_made(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare("Race", user="UALICE")
    channel = incident.channel_id or ""
    slack.latency = 0.02  # each change commits while the one before is still telling Slack
    await asyncio.gather(
        bot.command("status identified", channel=channel),
        bot.command("severity SEV1", channel=channel),
        bot.command("status monitoring", user="UALICE", channel=channel),
        bot.command("role scribe <@UCAROL>", channel=channel),
    )
    async with bot.ctx.uow(write=False) as uow:
        made = [e.text for e in await uow.incidents.events(incident.reference) if e.actor == "UALICE"][1:]
    told = [t.removeprefix(f"{incident.reference}: ") for t in texts_in(slack, channel) if incident.reference in t]
    assert len(made) == 4 and told[1:] == made  # after the summary: each change once, in the order it was made
    stored = await bot.stored(incident.reference)
    assert stored is not None and f": {'Monitoring' if stored.status == 'monitoring' else 'Identified'}," in (
        _summary(slack, stored)
    )


async def test_declaring_in_a_storm_invites_and_pins_once_it_passes(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, client_waits: list[float]
) -> None:
    slack.rate_limit_for("conversations.invite", seconds=90)
    slack.rate_limit_for("pins.add", seconds=90)
    incident = await bot.declare("Cache stampede", user="UALICE", commander="UBOB")
    assert incident.channel_id and incident.summary_ts
    channel = slack.channels[incident.channel_id]
    assert not {"UALICE", "UBOB"} & channel.members and not channel.pins
    assert "not everything worked" not in _answers(slack)  # deferred, not failed: nobody is told
    clock.advance(seconds=91)
    await run_due(bot)
    assert {"UALICE", "UBOB"} <= channel.members and channel.pins == {incident.summary_ts}
    assert await pending_effects(bot) == []


async def test_a_summary_that_could_not_be_posted_is_posted_later_showing_the_latest_state(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, client_waits: list[float]
) -> None:
    slack.rate_limit_for("chat.postMessage", seconds=90)
    declared = await bot.declare("Disk full", user="UALICE")
    assert declared.channel_id and declared.summary_ts is None
    await bot.command("status identified", channel=declared.channel_id)
    clock.advance(seconds=91)
    await run_due(bot)
    incident = await bot.stored(declared.reference)
    assert incident is not None and incident.summary_ts is not None
    assert (
        ": Identified," in _summary(slack, incident) and incident.summary_ts in slack.channels[declared.channel_id].pins
    )
    assert _said(slack, declared.channel_id, "Investigating → Identified") == 1
    assert await pending_effects(bot) == []


async def test_a_permanent_error_drops_the_effect_and_tells_who_acted(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare("Archived", user="UALICE")
    slack.fail_next("chat.postMessage", "is_archived")
    await bot.command("status identified", channel=incident.channel_id or "")
    assert f"I couldn't post in <#{incident.channel_id}> (is_archived)" in _answers(slack)
    assert await pending_effects(bot) == []
    posts = len(slack.calls_to("chat.postMessage"))
    clock.advance(minutes=10)
    await run_due(bot)
    assert len(slack.calls_to("chat.postMessage")) == posts  # never retried


async def test_an_effect_still_failing_after_max_attempts_is_given_up_and_reported(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, client_waits: list[float]
) -> None:
    incident = await bot.declare("Flapping", user="UALICE")
    attempts = bot.ctx.policy.scheduler.max_attempts
    slack.rate_limit_next("chat.postMessage", retry_after=30, times=6 * attempts)  # each attempt and its retries
    await bot.command("status identified", channel=incident.channel_id or "")
    assert "couldn't" not in _answers(slack)
    for _ in range(attempts - 1):
        assert await pending_effects(bot)
        clock.advance(seconds=61)
        await run_due(bot)
    assert await pending_effects(bot) == []
    told = [c.args for c in slack.calls_to("chat.postEphemeral") if c.args.get("user") == "UALICE"]
    assert told and f"I couldn't post in <#{incident.channel_id}> (ratelimited)" in told[-1]["text"]
    assert incident.reference in told[-1]["text"]
    assert _said(slack, incident.channel_id, "→") == 0


async def test_an_effect_cut_off_by_unreachable_slack_and_a_restart_is_sent_once(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str, client_waits: list[float]
) -> None:
    async with running_bot(slack, policy, clock, database_url) as bot:
        incident = await bot.declare("DNS outage", user="UALICE")
        slack.disconnect_next("chat.postMessage", times=3)  # the notice, and the client's two retries
        await bot.command("status identified", channel=incident.channel_id or "")
        assert _said(slack, incident.channel_id, "→") == 0 and await pending_effects(bot)
    # That process is gone; another one starts on the same database.
    async with running_bot(slack, policy, clock, database_url) as bot:
        clock.advance(minutes=3)
        await run_due(bot)
        assert await pending_effects(bot) == []
    assert _said(slack, incident.channel_id, "Investigating → Identified") == 1


async def test_a_notice_sent_just_before_a_crash_is_not_sent_again(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> None:
    async with running_bot(slack, policy, clock, database_url) as bot:
        incident = await bot.declare("Crashy", user="UALICE")
        await bot.command("status identified", channel=incident.channel_id or "")
        assert _said(slack, incident.channel_id, "Investigating → Identified") == 1
    # The process died before recording that it was sent: its claim expires and another process takes over.
    async with running_bot(slack, policy, clock, database_url) as bot:
        clock.advance(minutes=3)
        await run_due(bot)
        assert await pending_effects(bot) == []
    assert _said(slack, incident.channel_id, "Investigating → Identified") == 1
    assert slack.calls_to("conversations.history")  # it looked before sending again
    announcements = slack.channel_by_name("incidents")
    assert announcements is not None and _said(slack, announcements.id, f"{incident.reference} declared") == 1


async def test_a_rate_limited_reminder_is_retried_after_retry_after(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, client_waits: list[float]
) -> None:
    await bot.declare(severity="SEV1", user="UALICE")  # SEV1: an update reminder after 15 minutes
    clock.advance(minutes=16)
    slack.rate_limit_for("chat.postMessage", seconds=300)
    await run_due(bot)
    attempts = len(slack.calls_to("chat.postMessage"))
    clock.advance(seconds=61)  # past the policy's retry_after, not past Slack's Retry-After
    await run_due(bot)
    assert len(slack.calls_to("chat.postMessage")) == attempts
    clock.advance(seconds=240)
    await run_due(bot)
    assert len(notices(slack, kind="update")) == 1


class _Standby:
    """A replica that never becomes the scheduler's leader."""

    async def try_acquire(self) -> bool:
        return False

    async def release(self) -> None:
        return None


async def test_a_standby_replica_deletes_the_effects_it_finished_on_its_sweep(
    bot: BotClient, clock: FrozenClock
) -> None:
    await bot.declare("Quiet", user="UALICE")
    assert await pending_effects(bot)  # done, but no transaction has run since to delete them
    standby = FollowThroughScheduler(bot.runtime.follow_through, _Standby(), clock, sweep=timedelta(seconds=30))
    await standby.keep_leadership()  # what its sweep does
    assert not standby.is_leader and await pending_effects(bot) == []
