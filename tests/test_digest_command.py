"""`/incident digest`: admins preview the weekly digest now (only they see it) or post it to the digest channel."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from incidents.policy import Channels, Policy
from slacksim import FakeSlack
from tests.followup_support import notices, run_due
from tests.harness import BotClient, FrozenClock


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


async def _items_in_a_private_incident(bot: BotClient) -> None:
    public = await bot.declare("Cache storm", user="UALICE", severity="SEV2")
    await bot.command("action Add a cache alert <@UBOB>", channel=public.channel_id or "")
    secret = await bot.declare("Credential leak", user="UALICE", private=True)
    for text in ("Rotate the leaked key <@UCAROL> due:2026-11-24", "Audit who read it <@UBOB>"):
        await bot.command(f"action {text}", channel=secret.channel_id or "")


async def test_a_posted_digest_leaves_private_incidents_items_out(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    await _items_in_a_private_incident(bot)
    await bot.command("digest post", user="UADMIN")
    await bot.runtime.follow_through.reconcile()  # and the scheduled one, Mondays 09:00 UTC
    clock.current = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    await run_due(bot)
    posted = notices(slack, kind="digest")
    assert len(posted) == 2
    for digest in posted:
        shown = json.dumps(digest["blocks"])
        assert "Open action items* (1)" in shown and "<@UBOB>: 1 open" in shown, shown
        assert "UCAROL" not in shown and "private" not in shown.lower() and "overdue" not in shown


async def test_an_admins_preview_counts_private_items_under_a_private_label(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    await _items_in_a_private_incident(bot)
    clock.advance(days=2)  # the key's rotation is overdue now
    await bot.command("digest", user="UADMIN")
    shown = json.dumps(_answer(slack)["blocks"])
    assert "Open action items* (1)" in shown and "<@UBOB>: 1 open" in shown and "UCAROL" not in shown
    assert ":lock: Private incidents: 2 open action items (1 overdue), left out of the posted digest" in shown


class TestADigestChannelGivenByName:
    @pytest.fixture
    def policy(self) -> Policy:
        return Policy(channels=Channels(announcement="incidents"), admins=["UADMIN"])

    async def test_the_answer_names_the_channel_it_was_posted_in(self, bot: BotClient, slack: FakeSlack) -> None:
        incidents = slack.channel_by_name("incidents")
        assert incidents is not None
        await bot.command("digest post", user="UADMIN")
        assert _answer(slack)["text"] == f"Posted the weekly digest in <#{incidents.id}>."
        incidents.is_archived = True
        await bot.command("digest post", user="UADMIN")
        assert _answer(slack)["text"] == "I couldn't post the digest in #incidents (is_archived)."
