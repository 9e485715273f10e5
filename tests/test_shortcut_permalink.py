"""A message added to an incident's timeline from another channel keeps its permalink, everywhere it is shown:
the md, json and csv exports and the `/incident timeline` view. Where Slack will not give the bot a permalink (a
private channel it is not in), the one the shortcut's own payload makes possible is kept instead."""

from __future__ import annotations

import csv
import io
import json

import pytest

from incidents.model import Incident
from slacksim import FakeSlack
from slacksim import requests as req
from tests.harness import BotClient


async def _add_from(bot: BotClient, slack: FakeSlack, channel_name: str) -> tuple[Incident, str]:
    """Use the message shortcut on Dave's message in `channel_name`; returns the incident and the permalink."""
    incident = await bot.declare("Checkout errors", severity="SEV3")
    elsewhere = slack.channel_by_name(channel_name)
    assert elsewhere is not None
    original = slack.add_message(elsewhere.id, user="UDAVE", text="FYI deploys are frozen")
    body = req.message_action_body(
        callback_id="add_to_timeline",
        user_id="UALICE",
        channel_id=elsewhere.id,
        channel_name=channel_name,
        message={"type": "message", "user": "UDAVE", "text": original.text, "ts": original.ts},
        trigger_id=slack.new_trigger_id("UALICE"),
        response_url=slack.new_response_url(),
    )
    assert (await bot.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    await bot.settle()
    view = bot.last_view("add_to_timeline")
    values = req.state_values(("incident", "incident", req.static_select_value(incident.reference)))
    await bot.submit("add_to_timeline", values, metadata=view["private_metadata"])
    [lookup] = slack.calls_to("chat.getPermalink")
    stamp = original.ts.replace(".", "")
    if lookup.ok:
        return incident, f"https://fake.slack.test/archives/{elsewhere.id}/p{stamp}"
    # The payload names the workspace's domain: Slack's permalinks are https://<domain>.slack.com/archives/…
    return incident, f"https://{req.TEAM_DOMAIN}.slack.com/archives/{elsewhere.id}/p{stamp}"


def _upload(slack: FakeSlack, suffix: str) -> str:
    for stored in reversed(list(slack.files.values())):
        if stored.name.endswith(suffix) and stored.content is not None:
            return stored.content.decode()
    raise AssertionError(f"no {suffix} file was uploaded")


@pytest.fixture(params=["general", "private-ops"])
def elsewhere(request: pytest.FixtureRequest, slack: FakeSlack) -> str:
    """A public channel, or a private one the bot is not in (Slack answers chat.getPermalink with an error)."""
    if request.param == "private-ops":
        slack.add_channel("private-ops", is_private=True, members=["UALICE", "UDAVE"])
    return str(request.param)


async def test_the_exports_carry_the_permalink(bot: BotClient, slack: FakeSlack, elsewhere: str) -> None:
    incident, permalink = await _add_from(bot, slack, elsewhere)
    channel = incident.channel_id or ""
    await bot.command("timeline export md", channel=channel)
    [line] = [row for row in _upload(slack, ".md").splitlines() if "deploys are frozen" in row]
    assert f"({permalink})" in line
    await bot.command("timeline export json", channel=channel)
    [entry] = [e for e in json.loads(_upload(slack, ".json"))["entries"] if "frozen" in e["text"]]
    assert entry["permalink"] == permalink
    await bot.command("timeline export csv", channel=channel)
    [row] = [r for r in csv.DictReader(io.StringIO(_upload(slack, ".csv"))) if "frozen" in r["text"]]
    assert row["permalink"] == permalink


async def test_the_view_carries_the_permalink(bot: BotClient, slack: FakeSlack, elsewhere: str) -> None:
    incident, permalink = await _add_from(bot, slack, elsewhere)
    await bot.command("timeline", channel=incident.channel_id or "")
    lines = [
        line
        for block in slack.calls_to("response_url")[-1].args["blocks"]
        if block["type"] == "section"
        for line in block["text"]["text"].splitlines()
        if "deploys are frozen" in line
    ]
    assert lines and all(f"<{permalink}|" in line for line in lines)
