"""Who may open an action item's forms, and which incidents the message shortcuts offer.

A form that changes an item opens only for someone who may change it (its owner, its creator, whoever may
change its incident, admins); to anyone else the item does not exist, so a forged click learns nothing of it.
UEVE is in no incident channel here.
"""

from __future__ import annotations

import json

from incidents.action_items import ActionItem, ActionItemFilter
from slacksim import FakeSlack
from slacksim import requests as req
from tests.harness import BotClient


async def _item(bot: BotClient, *, private: bool, owner: str = "UALICE") -> ActionItem:
    incident = await bot.declare("Pool exhaustion", user="UALICE", private=private)
    await bot.command(f"action Rotate the keys due:2026-12-24 <@{owner}>", channel=incident.channel_id or "")
    async with bot.ctx.uow(write=False) as uow:
        items = await uow.action_items.search(ActionItemFilter(incident_id=incident.id, open_only=False))
    return items[-1]


def _answer(slack: FakeSlack) -> str:
    return str(slack.calls_to("response_url")[-1].args.get("text", ""))


async def test_the_due_date_form_of_an_item_you_may_not_change_does_not_open(bot: BotClient, slack: FakeSlack) -> None:
    public, secret = await _item(bot, private=False), await _item(bot, private=True)
    await bot.click("item_due", "99999", user="UEVE")
    missing = _answer(slack)
    assert missing == "There is no action item #99999."
    for item in (public, secret):
        opened = len(slack.calls_to("views.open"))
        await bot.click("item_due", str(item.id), user="UEVE")
        assert len(slack.calls_to("views.open")) == opened  # no form, so no due date shown
        assert _answer(slack) == f"There is no action item #{item.id}."  # the words for a missing item


async def test_the_item_forms_open_for_the_owner_and_those_who_may_change_the_incident(bot: BotClient) -> None:
    item = await _item(bot, private=True, owner="UEVE")
    await bot.click("item_due", str(item.id), user="UEVE")  # the owner, though not in the channel
    form = bot.last_view("reschedule_action_item")
    assert form["blocks"][0]["element"]["initial_date"] == "2026-12-24"
    await bot.click("item_done", str(item.id), user="UALICE")  # a member of the incident's channel
    assert bot.last_view("complete_action_item")["private_metadata"] == str(item.id)
    await bot.click("item_reassign", str(item.id), user="UADMIN")
    assert bot.last_view("reassign_action_item")["private_metadata"] == str(item.id)


async def test_done_and_reassign_do_not_open_for_outsiders_either(bot: BotClient, slack: FakeSlack) -> None:
    item = await _item(bot, private=False)
    opened = len(slack.calls_to("views.open"))
    for action_id in ("item_done", "item_reassign"):
        await bot.click(action_id, str(item.id), user="UEVE")
        assert _answer(slack) == f"There is no action item #{item.id}."
    assert len(slack.calls_to("views.open")) == opened


# -- the message shortcuts' incident picker ---------------------------------------------------------
SHORTCUTS = ("add_to_timeline", "create_action_item")


async def _run_shortcut(bot: BotClient, slack: FakeSlack, callback_id: str, user: str, channel: str) -> list[str]:
    """The incidents the shortcut's form offers (none when it does not open)."""
    named = slack.channel_by_name(channel)  # "general", or an incident channel's id
    channel = named.id if named is not None else channel
    message = slack.add_message(channel, user="UDAVE", text="we should add a circuit breaker")
    opened = len(slack.calls_to("views.open"))
    body = req.message_action_body(
        callback_id=callback_id,
        user_id=user,
        channel_id=channel,
        message={"type": "message", "user": "UDAVE", "text": message.text, "ts": message.ts},
        trigger_id=slack.new_trigger_id(user),
        response_url=slack.new_response_url(),
    )
    assert (await bot.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    await bot.settle()
    if len(slack.calls_to("views.open")) == opened:
        return []
    view = slack.calls_to("views.open")[-1].args["view"]
    picker = next((b for b in view["blocks"] if b.get("block_id") == "incident"), None)
    if picker is None:  # one incident, preselected: the form names it in its metadata
        return [json.loads(view["private_metadata"])["incident"]]
    return [o["value"] for o in picker["element"]["options"]]


async def test_the_shortcuts_offer_only_incidents_you_may_change(bot: BotClient, slack: FakeSlack) -> None:
    mine = await bot.declare("Alice's incident", user="UALICE")
    bobs = await bot.declare("Bob's incident", user="UBOB")
    secret = await bot.declare("Bob's secret", user="UBOB", private=True)
    for callback_id in SHORTCUTS:
        assert await _run_shortcut(bot, slack, callback_id, "UALICE", "general") == [mine.reference], callback_id
        in_bobs_channel = await _run_shortcut(bot, slack, callback_id, "UALICE", bobs.channel_id or "")
        assert in_bobs_channel == [mine.reference], callback_id  # where she looks is not hers to change
        everything = await _run_shortcut(bot, slack, callback_id, "UADMIN", "general")
        assert set(everything) == {mine.reference, bobs.reference, secret.reference}, callback_id


async def test_a_member_slack_knows_of_is_offered_the_incident_of_the_channel(bot: BotClient, slack: FakeSlack) -> None:
    bobs = await bot.declare("Bob's incident", user="UBOB")
    channel = bobs.channel_id or ""
    slack.channels[channel].members.add("UCAROL")  # joined before the bot saw it: only Slack knows
    for callback_id in SHORTCUTS:
        assert await _run_shortcut(bot, slack, callback_id, "UCAROL", channel) == [bobs.reference], callback_id


async def test_someone_who_may_change_no_incident_is_told_so(bot: BotClient, slack: FakeSlack) -> None:
    await bot.declare("Alice's incident", user="UALICE")
    for callback_id in SHORTCUTS:
        assert await _run_shortcut(bot, slack, callback_id, "UEVE", "general") == []
        answer = _answer(slack)
        assert "no" in answer and "incident" in answer and "member" in answer, answer
