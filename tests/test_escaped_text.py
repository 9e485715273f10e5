"""Slack's escaping never leaks: "5xx > 5%" reads "5xx > 5%" in the view, every export, the postmortem and what
the model is sent, whether Slack escaped it (`5xx &gt; 5%`) or an integration posted it raw; and a typed
`<@U…>` stays text, never a mention."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator

import pytest

from incidents.model import Incident
from incidents.policy import Policy
from slacksim import FakeSlack
from slacksim import requests as req
from slacksim.mrkdwn import shown
from tests.conftest import PEOPLE, make_settings
from tests.fakeopenai import FakeOpenAI
from tests.harness import BotClient, FrozenClock, running_bot
from tests.timeline_support import say

ESCAPED = "5xx &gt; 5% &amp; p99 &lt; 2s"  # as Slack delivers what Bob typed
MEANT = "5xx > 5% & p99 < 2s"
TYPED_MENTION = "cc &lt;@UADMIN&gt; and <@UDAVE>"  # Carol typed a literal "<@UADMIN>" and mentioned Dave
TYPED_MENTION_MEANT = "cc <@UADMIN> and @dave"
RAW_ALERT = "ALERT error ratio > 5% (p99 < 2s)"  # an integration that never escapes


async def _talk(bot: BotClient) -> Incident:
    incident = await bot.declare("Checkout errors", severity="SEV3")
    channel = incident.channel_id
    assert channel
    await say(bot, channel, "UBOB", ESCAPED)
    await say(bot, channel, "UCAROL", TYPED_MENTION)
    alert = {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "BALERT",
        "username": "Alertmanager",
        "text": RAW_ALERT,
        "ts": bot.slack.workspace.next_ts(),
        "channel": channel,
    }
    assert (await bot.event(alert)).status == 200
    return incident


def _upload(slack: FakeSlack, suffix: str) -> str:
    for stored in reversed(list(slack.files.values())):
        if stored.name.endswith(suffix) and stored.content is not None:
            return stored.content.decode()
    raise AssertionError(f"no {suffix} file was uploaded: {[f.name for f in slack.files.values()]}")


async def test_the_timeline_view_shows_the_characters_and_forges_nothing(bot: BotClient, slack: FakeSlack) -> None:
    incident = await _talk(bot)
    await bot.command("timeline", channel=incident.channel_id or "")
    answer = slack.calls_to("response_url")[-1]
    assert answer.ok
    mrkdwn = "\n".join(b["text"]["text"] for b in answer.args["blocks"] if b["type"] == "section")
    seen = shown(mrkdwn, PEOPLE)
    assert MEANT in seen and TYPED_MENTION_MEANT in seen and RAW_ALERT in seen
    assert "&amp;gt;" not in mrkdwn and "<@UADMIN>" not in mrkdwn  # not double-escaped; no forged mention


async def test_every_export_reads_as_meant(bot: BotClient, slack: FakeSlack) -> None:
    incident = await _talk(bot)
    channel = incident.channel_id or ""
    await bot.command("timeline export md", channel=channel)
    markdown = _upload(slack, ".md")
    assert MEANT in markdown and TYPED_MENTION_MEANT in markdown and RAW_ALERT in markdown
    assert "&gt;" not in markdown and "&amp;" not in markdown

    await bot.command("timeline export json", channel=channel)
    texts = [e["text"] for e in json.loads(_upload(slack, ".json"))["entries"]]
    assert MEANT in texts and TYPED_MENTION_MEANT in texts and RAW_ALERT in texts

    await bot.command("timeline export csv", channel=channel)
    texts = [row["text"] for row in csv.DictReader(io.StringIO(_upload(slack, ".csv")))]
    assert MEANT in texts and TYPED_MENTION_MEANT in texts and RAW_ALERT in texts


async def test_the_postmortem_document_reads_as_meant(bot: BotClient, slack: FakeSlack) -> None:
    incident = await _talk(bot)
    await bot.command("postmortem", channel=incident.channel_id or "")
    markdown = _upload(slack, "-postmortem-v1.md")
    assert MEANT in markdown and RAW_ALERT in markdown
    assert "&gt;" not in markdown and "&lt;" not in markdown


@pytest.fixture
async def model_bot(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> AsyncIterator[tuple[BotClient, FakeOpenAI]]:
    async with FakeOpenAI() as fake:
        settings = make_settings(
            slack, database_url, firebreak_llm_model="fake-model", openai_base_url=fake.base_url, openai_api_key="k"
        )
        async with running_bot(slack, settings, policy, clock) as bot:
            yield bot, fake


async def test_the_model_is_sent_what_was_meant(model_bot: tuple[BotClient, FakeOpenAI]) -> None:
    bot, fake = model_bot
    incident = await _talk(bot)
    await bot.command("postmortem", channel=incident.channel_id or "")
    [request] = fake.drafts()
    assert MEANT in request.text and RAW_ALERT in request.text
    assert "&gt;" not in request.text and "&amp;" not in request.text


async def test_a_message_added_by_shortcut_reads_as_meant_in_the_view(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare("Checkout errors", severity="SEV3")
    general = slack.channel_by_name("general")
    assert general is not None
    original = slack.add_message(general.id, user="UDAVE", text=ESCAPED)
    meta = json.dumps({"c": general.id, "ts": original.ts, "u": "UDAVE", "t": ESCAPED})
    values = req.state_values(("incident", "incident", req.static_select_value(incident.reference)))
    await bot.submit("add_to_timeline", values, metadata=meta)
    await bot.command("timeline", channel=incident.channel_id or "")
    blocks = slack.calls_to("response_url")[-1].args["blocks"]
    assert MEANT in shown("\n".join(b["text"]["text"] for b in blocks if b["type"] == "section"), PEOPLE)
