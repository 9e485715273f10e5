"""What happens after the ack: reads are answered whole in it, and a list never hides what was just done."""

from __future__ import annotations

from typing import Any

import pytest

from slacksim import FakeSlack
from tests.harness import BotClient, FrozenClock


@pytest.fixture
def started(bot: BotClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions started to run after an ack, as they start."""
    names: list[str] = []
    start = bot.runtime.lazy.start

    def counting(function: Any, request: Any) -> None:
        names.append(function.__name__)
        start(function=function, request=request)

    monkeypatch.setattr(bot.runtime.lazy, "start", counting)
    return names


async def test_reads_are_answered_in_the_ack_and_start_nothing_after_it(bot: BotClient, started: list[str]) -> None:
    incident = await bot.declare("Something broke")
    assert started == ["work"]  # the declare queue's worker
    started.clear()

    for text in ("list", "list all --mine", f"show {incident.reference}", incident.reference, "roles", "help", "bogus"):
        reply = await bot.command(text, channel=incident.channel_id or "")
        assert reply.status == 200 and reply.text, text
    assert started == []

    await bot.command("status identified", channel=incident.channel_id or "")
    await bot.command("declare")
    assert started == ["run_incident", "run_incident"]


async def test_list_shows_what_was_just_declared_and_changed(bot: BotClient) -> None:
    assert "No open incidents" in (await bot.command("list")).text

    incident = await bot.declare("Fresh incident")
    listed = (await bot.command("list")).text
    assert incident.reference in listed and "Investigating" in listed

    await bot.command(f"status {incident.reference} monitoring")
    assert "Monitoring" in (await bot.command("list")).text


async def test_list_durations_follow_the_clock(bot: BotClient, clock: FrozenClock) -> None:
    await bot.declare("Slow burn")
    assert " · 0s · " in (await bot.command("list")).text

    clock.advance(hours=2, minutes=5)
    assert " · 2h 5m · " in (await bot.command("list")).text


async def test_the_first_request_never_waits_for_slack_to_say_who_the_bot_is(bot: BotClient, slack: FakeSlack) -> None:
    # The bot asked auth.test at start-up; Bolt would ask again on the first request, and answer Slack failing
    # then with "please reinstall this app" instead of running the listener.
    asked_at_start = len(slack.calls_to("auth.test"))
    slack.fail_next("auth.test", "internal_error")
    reply = await bot.command("help")
    assert reply.status == 200 and "/incident" in reply.text and "reinstall" not in reply.text
    assert len(slack.calls_to("auth.test")) == asked_at_start
