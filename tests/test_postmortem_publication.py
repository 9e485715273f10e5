"""Publishing is heard outside the incident channel: `channels.announcement` gets a short summary (title,
severity, duration, a link to the postmortem), whatever happened to the file upload, with the channel given by
id or by name; the user is told the truth about what was announced; a private incident is never announced."""

from __future__ import annotations

import pytest

from incidents.model import Incident
from incidents.policy import Channels, Policy
from slacksim import FakeSlack
from slacksim import requests as req
from slacksim.mrkdwn import shown
from tests.conftest import PEOPLE
from tests.harness import BotClient, FrozenClock
from tests.timeline_support import say


async def _ready_to_publish(bot: BotClient, clock: FrozenClock) -> Incident:
    """A SEV2 resolved 45 minutes after it was declared, its postmortem (drafted on resolution) in review."""
    incident = await bot.declare("Checkout 5xx > 5%", severity="SEV2")
    channel = incident.channel_id or ""
    await say(bot, channel, "UALICE", "rolled back v42")
    clock.advance(minutes=45)
    values = req.state_values(("summary", "summary", req.plain_text_input_value("Rolled back v42")))
    await bot.submit("resolve_incident", values, metadata=incident.reference)
    await bot.command("postmortem review", channel=channel)
    return incident


def _announced(slack: FakeSlack, channel_id: str) -> list[str]:
    """What readers of `channel_id` see of each published-postmortem announcement."""
    found = []
    for call in slack.calls_to("chat.postMessage"):
        if (
            call.ok
            and call.args.get("channel") in (channel_id, "#incidents")
            and "Postmortem published" in str(call.args.get("text"))
        ):
            blocks = call.args.get("blocks") or []
            mrkdwn = [b["text"]["text"] for b in blocks if b.get("text")]
            mrkdwn += [e["text"] for b in blocks for e in b.get("elements", []) if e.get("type") == "mrkdwn"]
            found.append("\n".join(mrkdwn))
    return found


def _ephemeral(slack: FakeSlack) -> str:
    return str(slack.calls_to("response_url")[-1].args.get("text", ""))


def _announcement_channel(slack: FakeSlack) -> str:
    channel = slack.channel_by_name("incidents")
    assert channel is not None
    return channel.id


async def test_the_announcement_is_a_short_summary_with_a_link_to_the_file(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await _ready_to_publish(bot, clock)
    await bot.command("postmortem publish", channel=incident.channel_id or "")
    final = [f for f in slack.files.values() if f.name.endswith("-postmortem-v1.md")][-1]  # the published file
    [mrkdwn] = _announced(slack, _announcement_channel(slack))
    seen = shown(mrkdwn, PEOPLE)
    assert "Checkout 5xx > 5%" in seen and "SEV2" in seen and "45m" in seen
    assert f"<https://fake.slack.test/files/UBOT/{final.id}|" in mrkdwn and f"<#{incident.channel_id}>" in mrkdwn
    assert "[#" not in seen  # citations mean nothing outside the document
    assert f"announced in <#{_announcement_channel(slack)}>" in _ephemeral(slack)


async def test_the_announcement_goes_out_when_the_file_cannot_be_uploaded(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await _ready_to_publish(bot, clock)
    slack.fail_next("upload_url", "internal_error")  # Slack's file server fails the bytes of the final file
    await bot.command("postmortem publish", channel=incident.channel_id or "")
    [mrkdwn] = _announced(slack, _announcement_channel(slack))
    assert "Checkout 5xx &gt; 5%" in mrkdwn and f"<#{incident.channel_id}>" in mrkdwn
    answer = _ephemeral(slack)
    assert "is published" in answer and "couldn't upload the published postmortem" in answer
    assert f"announced in <#{_announcement_channel(slack)}>" in answer
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.status == "closed"


async def test_a_failed_announcement_is_reported_never_claimed(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await _ready_to_publish(bot, clock)
    slack.channels[_announcement_channel(slack)].is_archived = True
    await bot.command("postmortem publish", channel=incident.channel_id or "")
    answer = _ephemeral(slack)
    assert "is published" in answer and "announced in" not in answer
    assert f"couldn't announce it in <#{_announcement_channel(slack)}> (is_archived)" in answer


class TestAnnouncementChannelGivenByName:
    @pytest.fixture
    def policy(self, slack: FakeSlack) -> Policy:
        return Policy(channels=Channels(announcement="#incidents"), admins=["UADMIN"])

    async def test_it_is_announced_and_named_by_its_id(
        self, bot: BotClient, slack: FakeSlack, clock: FrozenClock
    ) -> None:
        incident = await _ready_to_publish(bot, clock)
        await bot.command("postmortem publish", channel=incident.channel_id or "")
        assert len(_announced(slack, _announcement_channel(slack))) == 1
        answer = _ephemeral(slack)
        assert f"announced in <#{_announcement_channel(slack)}>" in answer and "<##" not in answer


async def test_a_private_incident_is_published_without_any_announcement(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare("Payroll export leaked", severity="SEV2", private=True)
    channel = incident.channel_id or ""
    values = req.state_values(("summary", "summary", req.plain_text_input_value("Revoked the link")))
    await bot.submit("resolve_incident", values, metadata=incident.reference)
    await bot.command("postmortem review", channel=channel)
    await bot.command("postmortem publish", channel=channel)
    assert "is published" in _ephemeral(slack) and "announced" not in _ephemeral(slack)
    assert _announced(slack, _announcement_channel(slack)) == []
    assert [c.args.get("channel") for c in slack.calls_to("chat.postMessage")].count(_announcement_channel(slack)) == 0
