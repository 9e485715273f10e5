"""The App Home tab and the events Firebreak subscribes to."""

from __future__ import annotations

import logging

import pytest

from slacksim import FakeSlack
from tests.harness import BotClient


async def test_home_tab_lists_open_incidents_visible_to_the_user(bot: BotClient, slack: FakeSlack) -> None:
    public = await bot.declare("Public trouble", user="UALICE", commander="UBOB")
    secret = await bot.declare("Secret trouble", user="UALICE", private=True)
    reply = await bot.event(
        {"type": "app_home_opened", "user": "UBOB", "channel": "D1", "tab": "home", "event_ts": "1.0"}
    )
    assert reply.status == 200
    published = slack.calls_to("views.publish")[-1]
    assert published.ok and published.args["user_id"] == "UBOB"
    text = str(published.args["view"]["blocks"])
    assert public.reference in text and "Your roles" in text and "you: Incident commander" in text
    assert "last update 0s ago" in text
    assert secret.reference not in text
    assert "home_declare" in text


async def test_home_declare_button_opens_the_declare_modal(bot: BotClient) -> None:
    await bot.click("home_declare", "declare", user="UCAROL")
    view = bot.last_view("declare_incident")
    commander = next(b for b in view["blocks"] if b.get("block_id") == "commander")
    assert commander["element"]["initial_user"] == "UCAROL"


async def test_members_leaving_lose_change_rights(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(user="UALICE")
    channel = incident.channel_id or ""
    join = {
        "type": "member_joined_channel",
        "user": "UEVE",
        "channel": channel,
        "channel_type": "C",
        "team": "T0TEST",
        "event_ts": "1.0",
    }
    await bot.event(join)
    await bot.event(join, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    async with bot.ctx.uow(write=False) as uow:
        assert "UEVE" in await uow.incidents.members(incident.reference)
    await bot.event({**join, "type": "member_left_channel"})
    slack.channels[channel].members.discard("UEVE")
    await bot.command(f"status {incident.reference} identified", user="UEVE", channel="CGENERAL")
    assert "Only members" in slack.calls_to("response_url")[-1].args["text"]


async def test_membership_events_in_other_channels_are_ignored(bot: BotClient) -> None:
    reply = await bot.event(
        {
            "type": "member_joined_channel",
            "user": "UEVE",
            "channel": "CRANDOM",
            "channel_type": "C",
            "team": "T0TEST",
            "event_ts": "1.0",
        }
    )
    assert reply.status == 200


async def test_channel_rename_and_archive_are_acknowledged(bot: BotClient) -> None:
    for event in (
        {"type": "channel_rename", "channel": {"id": "C1", "name": "x", "created": 1}},
        {"type": "channel_archive", "channel": "C1", "user": "UALICE"},
    ):
        assert (await bot.event(event)).status == 200


HOME_OPENED = {"type": "app_home_opened", "user": "UBOB", "channel": "D1", "tab": "home", "event_ts": "1.0"}


async def test_a_home_tab_slack_refuses_is_acknowledged_and_logged(
    bot: BotClient, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.declare("Public trouble", user="UALICE")
    slack.fail_next("views.publish", "internal_error")
    with caplog.at_level(logging.WARNING):
        reply = await bot.event(HOME_OPENED)
    assert reply.status == 200  # never a 500 for Slack to retry: the ack does not wait for Slack
    [failed] = [r for r in caplog.records if "views.publish" in r.getMessage()]
    assert "internal_error" in failed.getMessage() and failed.exc_info is None
    assert not slack.calls_to("views.publish")[-1].ok

    await bot.event(HOME_OPENED)  # the next time Bob opens it, it is published
    assert slack.calls_to("views.publish")[-1].ok


async def test_the_home_tab_is_published_after_the_ack_even_when_reading_fails(
    bot: BotClient, slack: FakeSlack, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_down(*_args: object, **_kwargs: object) -> None:
        raise OSError("database is unreachable")

    monkeypatch.setattr(bot.ctx.uow.__class__, "__call__", database_down)
    with caplog.at_level(logging.ERROR):
        reply = await bot.event(HOME_OPENED)
    assert reply.status == 200
    assert slack.calls_to("views.publish") == []
    assert any("Unexpected error" in r.getMessage() for r in caplog.records)
