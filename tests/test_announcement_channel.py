"""The announcement channel as the policy names it (an id, `#name` or `name`) reads as a channel in what the bot
says: `<#C…>` for an id, `#name` for a name, never the policy's raw word."""

from __future__ import annotations

import pytest

from incidents.policy import Channels, Policy
from slacksim import FakeSlack
from tests.harness import BotClient


def _declarer_was_told(slack: FakeSlack) -> str:
    told = [c.args["text"] for c in slack.calls_to("chat.postEphemeral") if "not everything worked" in c.args["text"]]
    assert told, slack.calls_to("chat.postEphemeral")
    return str(told[-1])


def _archive_incidents(slack: FakeSlack) -> str:
    channel = slack.channel_by_name("incidents")
    assert channel is not None
    channel.is_archived = True
    return channel.id


async def test_an_announcement_channel_given_by_id_is_a_channel_mention(bot: BotClient, slack: FakeSlack) -> None:
    channel_id = _archive_incidents(slack)
    await bot.declare("Checkout errors")
    assert f"I couldn't announce the incident in <#{channel_id}> (is_archived)." in _declarer_was_told(slack)


@pytest.mark.parametrize("name", ["incidents", "#incidents"])
class TestAnnouncementChannelGivenByName:
    @pytest.fixture
    def policy(self, name: str) -> Policy:
        return Policy(channels=Channels(announcement=name), admins=["UADMIN"])

    async def test_it_is_written_as_hash_name(self, bot: BotClient, slack: FakeSlack, name: str) -> None:
        _archive_incidents(slack)
        await bot.declare("Checkout errors")
        told = _declarer_was_told(slack)
        assert "I couldn't announce the incident in #incidents (is_archived)." in told and "##" not in told
