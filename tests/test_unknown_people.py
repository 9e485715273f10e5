"""People named by a user must be people of the workspace: an unknown id, a deactivated account or a bot is
refused where the user is (an ephemeral message, or an error under the modal's field) and nothing changes.
When Slack can't be asked, the action goes ahead unchecked."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from slack_sdk.http_retry import builtin_async_handlers

from incidents.action_items import ActionItem, ActionItemFilter
from incidents.model import Incident
from slacksim import FakeSlack
from slacksim import requests as req
from tests.harness import BotClient, FrozenClock, declare_values
from tests.timeline_support import say

GHOST, GONE, ROBOT = "U0GHOST99", "UGONE", "UROBOT"


@pytest.fixture(autouse=True)
def _more_people(slack: FakeSlack) -> None:
    slack.add_user(GONE, name="gone", deleted=True)
    slack.add_user(ROBOT, name="deploybot", is_bot=True)


def _answer(slack: FakeSlack) -> str:
    return str(slack.calls_to("response_url")[-1].args.get("text", ""))


async def _changes(bot: BotClient, incident: Incident) -> list[str]:
    async with bot.ctx.uow(write=False) as uow:
        return [e.kind for e in await uow.incidents.events(incident.reference)]


async def _items(bot: BotClient) -> list[ActionItem]:
    async with bot.ctx.uow(write=False) as uow:
        found: list[ActionItem] = await uow.action_items.search(ActionItemFilter(open_only=False))
        return found


def _invited(slack: FakeSlack) -> set[str]:
    return {str(c.args.get("users")) for c in slack.calls_to("conversations.invite")}


async def test_role_command_refuses_unknown_deleted_and_bot_users(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(user="UALICE")
    before = await _changes(bot, incident)
    posts = len(slack.calls_to("chat.postMessage"))
    for user, why in ((GHOST, "isn't anyone in this Slack workspace"), (GONE, "deactivated"), (ROBOT, "is a bot")):
        await bot.command(f"role commander <@{user}>", channel=incident.channel_id or "")
        assert why in _answer(slack), user
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.commander == "UALICE"
    assert await _changes(bot, incident) == before  # no role, no timeline entry
    assert not _invited(slack) & {GHOST, GONE, ROBOT}
    assert len(slack.calls_to("chat.postMessage")) == posts
    await bot.command("role tech_lead <@UBOB>", channel=incident.channel_id or "")
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.roles["tech_lead"] == "UBOB"


async def test_role_form_shows_the_error_under_the_field(bot: BotClient) -> None:
    incident = await bot.declare(user="UALICE")
    values = req.state_values(
        ("role", "role", req.static_select_value("commander")), ("user", "user", req.users_select_value(GONE))
    )
    reply = await bot.submit("assign_role", values, metadata=incident.reference)
    assert reply.json["response_action"] == "errors" and "deactivated" in reply.json["errors"]["user"]
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.commander == "UALICE"


async def test_declare_form_refuses_an_unknown_commander_and_creates_nothing(bot: BotClient, slack: FakeSlack) -> None:
    values = declare_values(title="Ghost commander", severity="SEV2", commander=GHOST)
    reply = await bot.submit("declare_incident", values, view_id="VGHOST")
    assert reply.json["response_action"] == "errors"
    assert "isn't anyone in this Slack workspace" in reply.json["errors"]["commander"]
    assert await bot.stored_by_key("VGHOST") is None and slack.calls_to("conversations.create") == []


async def test_action_item_owner_is_checked_by_command_and_forms(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(user="UALICE")
    channel = incident.channel_id or ""
    await bot.command(f"action Add a pool alert <@{GHOST}>", channel=channel)
    assert "isn't anyone in this Slack workspace" in _answer(slack)
    meta = json.dumps({"incident": incident.reference, "source": "modal"})
    values = req.state_values(
        ("text", "text", req.plain_text_input_value("Add a pool alert")),
        ("owner", "owner", req.users_select_value(ROBOT)),
    )
    reply = await bot.submit("new_action_item", values, metadata=meta)
    assert "is a bot" in reply.json["errors"]["owner"]
    assert await _items(bot) == []

    await bot.command("action Add a pool alert <@UBOB>", channel=channel)
    [item] = await _items(bot)
    before = await _changes(bot, incident)
    owner = req.state_values(("owner", "owner", req.users_select_value(GONE)))
    reply = await bot.submit("reassign_action_item", owner, user="UBOB", metadata=str(item.id))
    assert "deactivated" in reply.json["errors"]["owner"]
    [still] = await _items(bot)
    assert still.owner == "UBOB" and await _changes(bot, incident) == before


async def test_track_form_checks_the_owner(bot: BotClient) -> None:
    incident = await bot.declare(severity="SEV3", user="UALICE")
    channel = incident.channel_id or ""
    await say(bot, channel, "UALICE", "action item: add a canary stage for checkout deploys")
    await bot.command("postmortem", channel=channel)
    meta = json.dumps({"reference": incident.reference, "version": 1, "index": 0})
    values = req.state_values(("owner", "owner", req.users_select_value(GHOST)))
    reply = await bot.submit("postmortem_track_item", values, metadata=meta)
    assert "isn't anyone in this Slack workspace" in reply.json["errors"]["owner"]
    assert await _items(bot) == []


async def test_people_are_asked_about_once_and_a_new_user_is_not_refused_for_long(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(user="UALICE")
    channel = incident.channel_id or ""
    await bot.command("role tech_lead <@UBOB>", channel=channel)
    await bot.command("role scribe <@UBOB>", channel=channel)
    assert [c.args["user"] for c in slack.calls_to("users.info")].count("UBOB") == 1
    await bot.command("role scribe <@UNEWBIE>", channel=channel)
    assert "isn't anyone" in _answer(slack)
    slack.add_user("UNEWBIE", name="newbie")  # just created: Slack knows them now
    clock.advance(seconds=31)
    await bot.command("role scribe <@UNEWBIE>", channel=channel)
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.roles["scribe"] == "UNEWBIE"


async def test_when_slack_cannot_be_asked_the_action_goes_ahead(
    bot: BotClient, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_wait(_seconds: float) -> None:
        return None

    # slack_sdk sleeps Retry-After between retries; the test spends no time on them.
    monkeypatch.setattr(builtin_async_handlers, "asyncio", SimpleNamespace(sleep=no_wait))
    incident = await bot.declare(user="UALICE")
    slack.rate_limit_next("users.info", retry_after=30, times=6)  # still rate limited after every retry
    await bot.command("role tech_lead <@UCAROL>", channel=incident.channel_id or "")
    assert [c.status for c in slack.calls_to("users.info")][-6:] == [429] * 6
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.roles["tech_lead"] == "UCAROL"
