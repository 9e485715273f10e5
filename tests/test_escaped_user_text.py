"""People's text put into the bot's own messages: decoded once and escaped once, never twice, never live.

An action item's text reads as it was meant wherever it is shown (the list, the Home tab, the nudge DM),
whether it came from the slash command (which Slack escapes) or from a form (which it does not); a broadcast
in it never pings, while the mentions the bot writes itself stay live. The unknown-command answer reads the
word as typed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from incidents.action_items import ActionItem, ActionItemFilter
from incidents.model import Incident
from slacksim import FakeSlack
from slacksim import requests as req
from slacksim.mrkdwn import shown
from tests.conftest import PEOPLE
from tests.followup_support import notices, run_due
from tests.harness import BotClient, FrozenClock

ESCAPED = "Alert when 5xx &gt; 5% &amp; p99 &lt; 2s"  # what Slack sends for the typed text
MEANT = "Alert when 5xx > 5% & p99 < 2s"
RAW = "Page <!channel> when 5xx > 5% & p99 < 2s"  # typed into a form: Slack sends it as typed


async def _incident(bot: BotClient) -> Incident:
    incident = await bot.declare("Checkout errors", user="UALICE")
    assert incident.channel_id
    return incident


async def _items(bot: BotClient) -> list[ActionItem]:
    async with bot.ctx.uow(write=False) as uow:
        found: list[ActionItem] = await uow.action_items.search(ActionItemFilter(open_only=False))
        return found


def _section_text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


async def _listed(bot: BotClient, slack: FakeSlack, incident: Incident) -> str:
    await bot.command("actions", channel=incident.channel_id or "")
    return _section_text(slack.calls_to("response_url")[-1].args["blocks"])


async def test_an_item_from_the_command_reads_as_typed_in_the_list(bot: BotClient, slack: FakeSlack) -> None:
    incident = await _incident(bot)
    await bot.command(f"action {ESCAPED} <@UBOB> cc <!channel>", channel=incident.channel_id or "")
    listed = await _listed(bot, slack, incident)
    assert f"{MEANT} cc @channel" in shown(listed, PEOPLE)
    assert "&amp;gt;" not in listed and "&amp;lt;" not in listed  # escaped once, not twice
    assert "<!channel>" not in listed and "<@UBOB>" in listed  # no ping; the owner's mention stays live


async def test_an_item_from_the_form_reads_as_typed_and_pings_nobody(bot: BotClient, slack: FakeSlack) -> None:
    incident = await _incident(bot)
    await bot.command("action", channel=incident.channel_id or "")
    values = req.state_values(
        ("text", "text", req.plain_text_input_value(RAW)),
        ("owner", "owner", req.users_select_value("UBOB")),
        ("priority", "priority", req.static_select_value("high")),
    )
    await bot.submit("new_action_item", values, metadata=bot.last_view("new_action_item")["private_metadata"])
    listed = await _listed(bot, slack, incident)
    assert RAW in shown(listed, PEOPLE) and "<!channel>" not in listed
    await bot.event({"type": "app_home_opened", "user": "UBOB", "tab": "home", "event_ts": "1.0"})
    home = _section_text(slack.calls_to("views.publish")[-1].args["view"]["blocks"])
    assert RAW in shown(home, PEOPLE) and "<!channel>" not in home


async def test_the_nudge_dm_escapes_the_items_text(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    incident = await _incident(bot)
    await bot.command(f"action {ESCAPED} <!channel> <@UBOB> due:2026-11-27", channel=incident.channel_id or "")
    clock.current = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    await run_due(bot)
    [nudge] = notices(slack, kind="nudge")
    for text in (nudge["text"], _section_text(nudge["blocks"])):
        assert f"{MEANT} @channel" in shown(text, PEOPLE)
        assert "<!channel>" not in text and "&amp;gt;" not in text


async def test_the_message_shortcut_fills_the_form_with_the_text_as_written(bot: BotClient, slack: FakeSlack) -> None:
    incident = await _incident(bot)
    channel = incident.channel_id or ""
    original = slack.add_message(channel, user="UBOB", text=ESCAPED)
    body = req.message_action_body(
        callback_id="create_action_item",
        user_id="UALICE",
        channel_id=channel,
        message={"type": "message", "user": "UBOB", "text": original.text, "ts": original.ts},
        trigger_id=slack.new_trigger_id("UALICE"),
        response_url=slack.new_response_url(),
    )
    await bot.post(body, content_type="application/x-www-form-urlencoded")
    await bot.settle()
    text_input = next(b for b in bot.last_view("new_action_item")["blocks"] if b.get("block_id") == "text")
    assert text_input["element"]["initial_value"] == MEANT  # a plain-text field shows entities literally


async def test_an_unknown_command_word_reads_as_typed(bot: BotClient) -> None:
    reply = await bot.command("&lt;b&gt;&amp;")  # the user typed `/incident <b>&`
    first_line = reply.text.splitlines()[0]
    assert shown(first_line) == "I don't know `<b>&`."
    assert "&amp;lt;" not in first_line


async def test_a_mention_typed_as_the_command_word_is_not_echoed_live(bot: BotClient) -> None:
    reply = await bot.command("<!channel>")
    first_line = reply.text.splitlines()[0]
    assert "<!channel>" not in first_line and shown(first_line) == "I don't know `@channel`."


async def test_the_add_to_timeline_form_quotes_the_message_as_written(bot: BotClient, slack: FakeSlack) -> None:
    incident = await _incident(bot)
    channel = incident.channel_id or ""
    original = slack.add_message(channel, user="UBOB", text=f"{ESCAPED} <!here>")
    body = req.message_action_body(
        callback_id="add_to_timeline",
        user_id="UALICE",
        channel_id=channel,
        message={"type": "message", "user": "UBOB", "text": original.text, "ts": original.ts},
        trigger_id=slack.new_trigger_id("UALICE"),
        response_url=slack.new_response_url(),
    )
    await bot.post(body, content_type="application/x-www-form-urlencoded")
    await bot.settle()
    quoted = _section_text(bot.last_view("add_to_timeline")["blocks"])
    assert shown(quoted) == f"> {MEANT} @here" and "&amp;gt;" not in quoted and "<!here>" not in quoted
