"""Who may open an action item's forms, and which incidents the message shortcuts offer.

A form that changes an item opens only for someone who may change it (its owner, its creator, whoever may
change its incident, admins); to anyone else the item does not exist, so a forged click learns nothing of it.
UEVE is in no incident channel here.
"""

from __future__ import annotations

from incidents.action_items import ActionItem, ActionItemFilter
from slacksim import FakeSlack
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
