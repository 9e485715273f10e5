"""Postmortems in Slack, over signed HTTP against the fake Slack: drafting on resolution and on demand, the
canvas and the file, versions and section edits, review and publishing (which closes the incident), and the
Track buttons that turn suggestions into action items."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from firebreak.runtime import runtime
from incidents.action_items import ActionItemFilter
from incidents.model import Incident
from incidents.policy import Policy
from incidents.postmortem_doc import DraftKind, Postmortem, PostmortemStatus, SectionSource
from slacksim import FakeSlack
from slacksim import requests as req
from tests.conftest import make_settings
from tests.fakeopenai import FakeOpenAI
from tests.harness import BotClient, FrozenClock, serve_app
from tests.timeline_support import say

LEAKED = "postgres://app:Sup3rS3cret@db.internal/orders"


async def _talk(bot: BotClient, channel: str) -> None:
    bot.slack.channels[channel].members.update({"UBOB", "UCAROL"})  # who talks in a channel is in it
    await say(bot, channel, "UBOB", "checkout 5xx at 12%, looking at the logs")
    await say(bot, channel, "UCAROL", f"the app connects with {LEAKED}")
    await say(bot, channel, "UBOB", "rolled back v42, error rate back to normal")
    await say(bot, channel, "UCAROL", "action item: add a canary stage for checkout deploys")


async def _resolve(bot: BotClient, incident: Incident, summary: str = "Rolled back v42", user: str = "UALICE") -> None:
    values = req.state_values(("summary", "summary", req.plain_text_input_value(summary)))
    reply = await bot.submit("resolve_incident", values, user=user, metadata=incident.reference)
    assert reply.status == 200


async def _postmortem(bot: BotClient, incident: Incident) -> Postmortem | None:
    assert incident.id is not None
    async with bot.ctx.uow(write=False) as uow:
        found: Postmortem | None = await uow.postmortems.current(incident.id)
        return found


def _ephemeral(slack: FakeSlack) -> str:
    return str(slack.calls_to("response_url")[-1].args.get("text", ""))


def _uploads(slack: FakeSlack, suffix: str = "-postmortem-v1.md") -> list[str]:
    return [f.content.decode() for f in slack.files.values() if f.name.endswith(suffix) and f.content is not None]


def _track_buttons(slack: FakeSlack, channel: str) -> list[dict[str, Any]]:
    buttons = []
    for call in slack.calls_to("chat.postMessage"):
        if call.ok and call.args.get("channel") == channel:
            for block in call.args.get("blocks") or []:
                accessory = block.get("accessory") or {}
                if accessory.get("action_id") == "postmortem_track":
                    buttons.append(accessory)
    return buttons


def _dms(slack: FakeSlack, user: str) -> list[str]:
    return [str(c.args.get("text")) for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == user]


async def test_resolving_a_sev2_drafts_the_postmortem_as_a_canvas_and_a_file(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare("Checkout API returning 500s", severity="SEV2")
    channel = incident.channel_id or ""
    await _talk(bot, channel)
    await _resolve(bot, incident)

    postmortem = await _postmortem(bot, incident)
    assert postmortem is not None and postmortem.version == 1 and postmortem.change == "drafted on resolution"
    assert postmortem.status is PostmortemStatus.DRAFT and postmortem.document.draft.kind is DraftKind.TEMPLATE
    [canvas] = slack.canvases.values()
    assert canvas.channel_id == channel and canvas.is_channel_canvas
    assert canvas.document_content is not None and canvas.document_content["type"] == "markdown"
    markdown = canvas.document_content["markdown"]
    assert markdown.startswith(f"# Postmortem: {incident.reference}: Checkout API returning 500s")
    assert "## Timeline of key events" in markdown and "## Root cause and contributing factors" in markdown
    assert "rolled back v42" in markdown and "- **Roles:** Incident commander: alice" in markdown
    [file_text] = _uploads(slack)
    assert file_text == markdown
    assert "Sup3rS3cret" not in markdown  # redacted before it went anywhere
    [track] = _track_buttons(slack, channel)
    assert track["value"] == f"{incident.reference}:1:0"
    announced = [c.args["text"] for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == channel]
    assert any(
        "drafted on resolution: a template draft, because no language model is configured" in t for t in announced
    )


async def test_sev3_is_not_drafted_on_resolution_but_on_demand(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare("Slow admin page", severity="SEV3")
    channel = incident.channel_id or ""
    await _talk(bot, channel)
    await _resolve(bot, incident)
    assert await _postmortem(bot, incident) is None and not slack.canvases

    reply = await bot.command("postmortem", channel=channel)
    assert reply.status == 200 and reply.text == ""
    assert "a template draft, because no language model is configured" in _ephemeral(slack)
    postmortem = await _postmortem(bot, incident)
    assert postmortem is not None and postmortem.change == "drafted"
    assert len(slack.canvases) == 1 and len(_uploads(slack)) == 1


async def test_without_canvases_the_file_is_enough_and_nobody_is_bothered(bot: BotClient, slack: FakeSlack) -> None:
    slack.canvases_enabled = False
    incident = await bot.declare(severity="SEV3")
    await bot.command("postmortem", channel=incident.channel_id or "")
    assert [c.error for c in slack.calls_to("conversations.canvases.create")] == [
        "team_tier_cannot_create_channel_canvases"
    ]
    assert not slack.canvases and len(_uploads(slack)) == 1
    assert "not everything worked" not in _ephemeral(slack)


async def test_each_draft_is_a_new_version_and_the_current_one_can_be_posted_again(
    bot: BotClient, slack: FakeSlack
) -> None:
    incident = await bot.declare(severity="SEV3")
    channel = incident.channel_id or ""
    await bot.command("postmortem", channel=channel)
    await say(bot, channel, "UBOB", "found it: the cache TTL was set to zero")
    await bot.command("postmortem redraft", channel=channel)
    postmortem = await _postmortem(bot, incident)
    assert postmortem is not None and (postmortem.version, postmortem.change) == (2, "redrafted")
    assert "cache TTL was set to zero" in postmortem.document.section("timeline").body  # type: ignore[union-attr]
    # The channel has its canvas already: the new version is a canvas of its own, tabbed in the channel.
    assert [c.is_channel_canvas for c in slack.canvases.values()] == [True, False]
    assert len(_uploads(slack, "-postmortem-v2.md")) == 1

    await bot.command("postmortem", channel=channel)
    assert "Posted v2" in _ephemeral(slack)
    assert (await _postmortem(bot, incident)).version == 2  # type: ignore[union-attr]
    async with bot.ctx.uow(write=False) as uow:
        events = await uow.incidents.events(incident.reference)
    assert [e.text for e in events if e.kind == "postmortem_drafted"] == [
        "Postmortem v1 drafted (template draft)",
        "Postmortem v2 redrafted (template draft)",
    ]


async def test_a_section_is_edited_in_a_modal_and_saved_as_a_new_version(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(severity="SEV3")
    channel = incident.channel_id or ""
    await bot.command("postmortem", channel=channel)

    await bot.command("postmortem edit", channel=channel, user="UALICE")
    picker = bot.last_view("postmortem_pick_section")
    options = [o["value"] for o in picker["blocks"][1]["element"]["options"]]
    assert "impact" not in options and "timeline" not in options and "lucky" in options and "summary" in options
    values = req.state_values(("section", "section", req.static_select_value("lucky")))
    reply = await bot.submit("postmortem_pick_section", values, metadata=picker["private_metadata"])
    assert reply.json["response_action"] == "update"
    editor = reply.json["view"]
    assert editor["callback_id"] == "postmortem_edit_section"
    assert "What could have made this much worse" in editor["blocks"][1]["element"]["initial_value"]

    text = "The failover region had spare capacity that day. [#3]"
    values = req.state_values(("text", "text", req.plain_text_input_value(text)))
    await bot.submit("postmortem_edit_section", values, metadata=editor["private_metadata"])
    postmortem = await _postmortem(bot, incident)
    assert postmortem is not None and (postmortem.version, postmortem.change) == (2, "edited Where we got lucky")
    lucky = postmortem.document.section("lucky")
    assert lucky is not None and lucky.body == text and lucky.source is SectionSource.EDITED
    assert any("Saved Where we got lucky as v2" in t for t in _dms(slack, "UALICE"))

    # Drafting again from the timeline keeps what people wrote.
    await bot.command("postmortem redraft", channel=channel)
    redrafted = await _postmortem(bot, incident)
    assert redrafted is not None and redrafted.version == 3
    assert redrafted.document.section("lucky").body == text  # type: ignore[union-attr]

    await bot.command("postmortem edit timeline", channel=channel)
    assert "no section “timeline” to edit" in _ephemeral(slack)
    empty = req.state_values(("text", "text", req.plain_text_input_value("  ")))
    refused = await bot.submit("postmortem_edit_section", empty, metadata=editor["private_metadata"])
    assert refused.json["response_action"] == "errors" and "text" in refused.json["errors"]


async def test_review_then_publish_closes_the_incident_and_announces_it(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, policy: Policy
) -> None:
    incident = await bot.declare("Checkout API returning 500s", severity="SEV2")
    channel = incident.channel_id or ""
    await _talk(bot, channel)
    await bot.command("postmortem publish", channel=channel)
    assert "Resolve" in _ephemeral(slack) and "before publishing" in _ephemeral(slack)
    await _resolve(bot, incident)
    await bot.command("postmortem publish", channel=channel)
    assert "Send it for review first" in _ephemeral(slack)

    clock.advance(hours=20)
    await bot.command("postmortem review", channel=channel)
    assert "is in review" in _ephemeral(slack)
    assert (await _postmortem(bot, incident)).status is PostmortemStatus.IN_REVIEW  # type: ignore[union-attr]

    clock.advance(hours=4)
    await bot.command("postmortem publish", channel=channel, user="UALICE")
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.status == "closed" and stored.closed_at == clock.now()
    assert stored.postmortem_published_at == clock.now()
    postmortem = await _postmortem(bot, incident)
    assert postmortem is not None and postmortem.status is PostmortemStatus.PUBLISHED
    assert postmortem.published_by == "UALICE" and postmortem.published_at == clock.now()
    announcement = policy.channels.announcement
    [posted] = [
        c.args
        for c in slack.calls_to("chat.postMessage")
        if c.args.get("channel") == announcement and "Postmortem published" in str(c.args.get("text"))
    ]
    blocks = json.dumps(posted["blocks"])
    assert "Read the postmortem" in blocks and "/files/" in blocks and f"<#{channel}>" in blocks
    assert "Checkout API returning 500s" in blocks and "Impact" in blocks
    assert "is published, the incident is closed, announced in" in _ephemeral(slack)
    assert any("Postmortem v1 published; Resolved → Closed" in t for t in _posted_in(slack, channel))
    async with bot.ctx.uow(write=False) as uow:
        change = [e for e in await uow.incidents.events(incident.reference) if e.kind == "status_changed"][-1]
    assert (change.data["from"], change.data["to"], change.actor) == ("resolved", "closed", "UALICE")

    await bot.command("postmortem edit summary", channel=channel)
    assert "published; it can no longer change" in _ephemeral(slack)


def _posted_in(slack: FakeSlack, channel: str) -> list[str]:
    return [str(c.args.get("text", "")) for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == channel]


async def test_a_private_incident_is_published_without_an_announcement(
    bot: BotClient, slack: FakeSlack, policy: Policy
) -> None:
    incident = await bot.declare("Payroll export leaked", severity="SEV3", private=True)
    channel = incident.channel_id or ""
    await _resolve(bot, incident)
    await bot.command("postmortem", channel=channel)
    await bot.command("postmortem review", channel=channel)
    await bot.command("postmortem publish", channel=channel)
    stored = await bot.stored(incident.reference)
    assert stored is not None and stored.status == "closed"
    assert not [c for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == policy.channels.announcement]


async def test_track_opens_a_modal_with_defaults_and_creates_the_action_item(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV2")
    channel = incident.channel_id or ""
    await _talk(bot, channel)
    await _resolve(bot, incident)
    [track] = _track_buttons(slack, channel)

    await bot.click("postmortem_track", track["value"], user="UCAROL", channel=channel)
    view = bot.last_view("postmortem_track_item")
    owner, due = view["blocks"][2]["element"], view["blocks"][3]["element"]
    assert owner["initial_user"] == "UCAROL"
    assert due["initial_date"] == (clock.now().date() + timedelta(days=30)).isoformat()  # medium: 30 days
    assert "add a canary stage for checkout deploys" in view["blocks"][1]["element"]["initial_value"]

    day = (clock.now().date() + timedelta(days=14)).isoformat()
    values = req.state_values(
        ("text", "text", req.plain_text_input_value("Add a canary stage for checkout deploys")),
        ("owner", "owner", req.users_select_value("UBOB")),
        ("due", "due", req.datepicker_value(day)),
    )
    await bot.submit("postmortem_track_item", values, user="UCAROL", metadata=view["private_metadata"])
    async with bot.ctx.uow(write=False) as uow:
        items = await uow.action_items.search(ActionItemFilter(incident_id=incident.id, open_only=False))
    [item] = items
    assert (item.text, item.owner, item.created_by, item.source) == (
        "Add a canary stage for checkout deploys",
        "UBOB",
        "UCAROL",
        "postmortem",
    )
    assert item.due_on.isoformat() == day and item.data["postmortem_version"] == 1
    assert any("Tracking it as action item" in t for t in _dms(slack, "UCAROL"))

    # The same suggestion is tracked once.
    await bot.click("postmortem_track", track["value"], user="UCAROL", channel=channel)
    await bot.submit("postmortem_track_item", values, user="UCAROL", metadata=view["private_metadata"])
    assert any("already tracked as action item" in t for t in _dms(slack, "UCAROL"))

    past = req.state_values(
        ("owner", "owner", req.users_select_value("UBOB")),
        ("due", "due", req.datepicker_value((clock.now().date() - timedelta(days=1)).isoformat())),
    )
    refused = await bot.submit("postmortem_track_item", past, metadata=view["private_metadata"])
    assert refused.json["errors"] == {"due": "The due date is in the past."}


async def test_only_people_in_the_incident_may_draft_it(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare(severity="SEV3")
    await bot.command(f"postmortem {incident.reference}", user="UEVE", channel="CGENERAL")
    assert "Only members of" in _ephemeral(slack)
    assert await _postmortem(bot, incident) is None


@pytest.fixture
async def model_bot(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> AsyncIterator[tuple[BotClient, FakeOpenAI]]:
    async with FakeOpenAI() as fake:
        settings = make_settings(
            slack,
            database_url,
            firebreak_llm_model="fake-model-2",
            openai_base_url=fake.base_url,
            openai_api_key="sk-test-slackside-0123456789",
        )
        async with runtime(settings, policy=policy, clock=clock) as rt:
            runner, url = await serve_app(rt.web_app)
            async with aiohttp.ClientSession() as http:
                try:
                    yield BotClient(rt, slack, url, http), fake
                finally:
                    await rt.lazy.drain()
                    await runner.cleanup()


async def test_with_a_model_configured_the_user_is_told_it_is_a_model_draft(
    model_bot: tuple[BotClient, FakeOpenAI], slack: FakeSlack
) -> None:
    bot, fake = model_bot
    incident = await bot.declare("Checkout API returning 500s", severity="SEV3")
    channel = incident.channel_id or ""
    await _talk(bot, channel)
    await bot.command("postmortem", channel=channel)
    assert "a model draft (fake-model-2): every statement cites the timeline" in _ephemeral(slack)
    [request] = fake.requests
    assert "Sup3rS3cret" not in request.text and "UBOB" not in request.text and "carol" not in request.text.lower()
    [canvas] = slack.canvases.values()
    assert canvas.document_content is not None
    assert "A faulty change degraded the service" in canvas.document_content["markdown"]
    postmortem = await _postmortem(bot, incident)
    assert postmortem is not None and postmortem.document.draft.kind is DraftKind.MODEL
