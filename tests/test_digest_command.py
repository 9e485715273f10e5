"""`/incident digest`: admins preview the weekly digest now (only they see it) or post it to the digest channel."""

from __future__ import annotations

import json

import pytest

from incidents.policy import Channels, Policy
from tests.fakeslack import FakeSlack
from tests.followup_support import notices
from tests.harness import BotClient


def _answer(slack: FakeSlack) -> dict[str, object]:
    args: dict[str, object] = slack.calls_to("response_url")[-1].args
    return args


async def _incidents(bot: BotClient) -> None:
    public = await bot.declare("Cache & <!channel> storm", user="UALICE", severity="SEV2")
    await bot.declare("Credential leak", user="UALICE", private=True)
    await bot.command("action Add a cache alert <@UBOB>", channel=public.channel_id or "")


async def test_an_admin_previews_the_digest_only_to_themselves(bot: BotClient, slack: FakeSlack) -> None:
    await _incidents(bot)
    reply = await bot.command("digest", user="UADMIN")
    assert reply.status == 200
    answer = _answer(slack)
    assert answer["response_type"] == "ephemeral"
    shown = json.dumps(answer["blocks"])
    assert "Incidents this week* (1)" in shown and "<@UBOB>: 1 open" in shown
    assert "Cache &amp; &lt;!channel&gt; storm" in shown  # a title can't ping a channel or forge a link
    assert "Credential leak" not in shown and "INC-2026-0002" not in shown
    assert notices(slack, kind="digest") == []  # nothing posted anywhere


async def test_an_admin_posts_the_digest_to_the_digest_channel_now(bot: BotClient, slack: FakeSlack) -> None:
    await _incidents(bot)
    await bot.command("digest post", user="UADMIN")
    incidents = slack.channel_by_name("incidents")
    assert incidents is not None
    [posted] = notices(slack, kind="digest")
    assert posted["channel"] == incidents.id  # digest.channel defaults to the announcement channel
    assert "Cache &amp;" in json.dumps(posted["blocks"]) and "Credential leak" not in json.dumps(posted["blocks"])
    assert _answer(slack)["text"] == f"Posted the weekly digest in <#{incidents.id}>."


async def test_others_are_refused(bot: BotClient, slack: FakeSlack) -> None:
    await _incidents(bot)
    for text in ("digest", "digest post"):
        await bot.command(text, user="UALICE")
        assert "Only Firebreak admins" in str(_answer(slack)["text"])
    assert notices(slack, kind="digest") == []
    await bot.command("digest send", user="UADMIN")
    assert "/incident digest post" in str(_answer(slack)["text"])


async def test_the_digest_is_in_the_help(bot: BotClient) -> None:
    assert "/incident digest" in (await bot.command("help")).text


class TestWithoutAChannel:
    @pytest.fixture
    def policy(self) -> Policy:
        return Policy(channels=Channels(announcement=None), admins=["UADMIN"])

    async def test_posting_says_there_is_no_digest_channel(self, bot: BotClient, slack: FakeSlack) -> None:
        await bot.command("digest post", user="UADMIN")
        assert "no digest channel" in str(_answer(slack)["text"])
        assert notices(slack, kind="digest") == []
        await bot.command("digest", user="UADMIN")
        assert "Weekly incident digest" in json.dumps(_answer(slack)["blocks"])
