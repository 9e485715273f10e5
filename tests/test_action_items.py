"""Action items from Slack: create, list, complete with evidence, reassign, reschedule, reopen."""

from __future__ import annotations

import json
from datetime import date, timedelta

from incidents.action_items import ActionItem, ActionItemFilter, ItemStatus, Priority, completion_figures
from incidents.model import Incident
from slacksim import FakeSlack
from slacksim import requests as req
from tests.harness import BotClient, FrozenClock

TODAY = date(2026, 11, 23)


async def _items(bot: BotClient, **query: object) -> list[ActionItem]:
    async with bot.ctx.uow(write=False) as uow:
        found: list[ActionItem] = await uow.action_items.search(ActionItemFilter(open_only=False, **query))  # type: ignore[arg-type]
        return found


async def _incident(bot: BotClient) -> tuple[Incident, str]:
    incident = await bot.declare("Pool exhaustion", user="UALICE")
    assert incident.channel_id
    return incident, incident.channel_id


def _answer(slack: FakeSlack) -> str:
    return str(slack.calls_to("response_url")[-1].args.get("text", ""))


async def test_action_command_with_owner_due_and_priority(bot: BotClient, slack: FakeSlack) -> None:
    incident, channel = await _incident(bot)
    await bot.command("action Add an alert on pool saturation <@UBOB|bob> due:3d priority:high", channel=channel)
    [item] = await _items(bot)
    assert (item.text, item.owner, item.priority, item.due_on) == (
        "Add an alert on pool saturation",
        "UBOB",
        Priority.HIGH,
        TODAY + timedelta(days=3),
    )
    assert item.incident_reference == incident.reference and item.created_by == "UALICE"
    assert f"#{item.id}" in _answer(slack)
    async with bot.ctx.uow(write=False) as uow:
        assert (await uow.incidents.events(incident.reference))[-1].kind == "action_created"


async def test_defaults_owner_to_creator_and_due_by_priority(bot: BotClient) -> None:
    _, channel = await _incident(bot)
    await bot.command("action Write the runbook priority:low", channel=channel)
    await bot.command("action Fix retries due:2026-12-01", channel=channel)
    low, dated = await _items(bot)
    assert {low.owner, dated.owner} == {"UALICE"}
    assert {i.due_on for i in (low, dated)} == {TODAY + timedelta(days=90), date(2026, 12, 1)}


async def test_bad_action_input_is_explained(bot: BotClient, slack: FakeSlack) -> None:
    _, channel = await _incident(bot)
    await bot.command("action Fix it due:someday", channel=channel)
    assert "due:2026-12-01" in _answer(slack)
    await bot.command("action Fix it priority:urgent", channel=channel)
    assert "high, medium or low" in _answer(slack)
    await bot.command("action Fix it due:2020-01-01", channel=channel)
    assert "in the past" in _answer(slack)
    assert await _items(bot) == []


async def test_action_without_text_opens_the_form_and_creates(bot: BotClient) -> None:
    incident, channel = await _incident(bot)
    await bot.command("action", channel=channel)
    view = bot.last_view("new_action_item")
    values = req.state_values(
        ("text", "text", req.plain_text_input_value("Load-test the pool")),
        ("owner", "owner", req.users_select_value("UCAROL")),
        ("priority", "priority", req.static_select_value("high")),
        ("due", "due", {"type": "datepicker", "selected_date": "2026-12-10"}),
    )
    await bot.submit("new_action_item", values, metadata=view["private_metadata"])
    [item] = await _items(bot)
    assert (item.owner, item.due_on, item.source, item.incident_reference) == (
        "UCAROL",
        date(2026, 12, 10),
        "modal",
        incident.reference,
    )


async def test_form_errors_stay_in_the_modal(bot: BotClient) -> None:
    incident, _ = await _incident(bot)
    meta = json.dumps({"incident": incident.reference, "source": "modal"})
    values = req.state_values(
        ("text", "text", req.plain_text_input_value(None)),
        ("owner", "owner", req.users_select_value("UCAROL")),
        ("due", "due", {"type": "datepicker", "selected_date": "2020-01-01"}),
    )
    reply = await bot.submit("new_action_item", values, metadata=meta)
    assert set(reply.json["errors"]) == {"text", "due"}
    assert await _items(bot) == []


async def test_list_done_with_evidence_reassign_reschedule_reopen(bot: BotClient, slack: FakeSlack) -> None:
    incident, channel = await _incident(bot)
    await bot.command("action Add pool metrics <@UBOB>", channel=channel)
    [item] = await _items(bot)
    await bot.command("actions", channel=channel)
    listed = slack.calls_to("response_url")[-1].args
    assert "Add pool metrics" in json.dumps(listed["blocks"]) and "item_done" in json.dumps(listed["blocks"])

    await bot.click("item_done", str(item.id), user="UBOB")
    assert bot.last_view("complete_action_item")["private_metadata"] == str(item.id)
    evidence = req.state_values(("evidence", "evidence", req.plain_text_input_value("https://git.example/pr/7")))
    await bot.submit("complete_action_item", evidence, user="UBOB", metadata=str(item.id))
    [done] = await _items(bot)
    assert done.status is ItemStatus.DONE and done.evidence == "https://git.example/pr/7" and done.done_by == "UBOB"

    await bot.click("item_reopen", str(item.id), user="UBOB")
    await bot.submit(
        "reassign_action_item",
        req.state_values(("owner", "owner", req.users_select_value("UCAROL"))),
        metadata=str(item.id),
    )
    await bot.submit(
        "reschedule_action_item",
        req.state_values(("due", "due", {"type": "datepicker", "selected_date": "2027-01-15"})),
        metadata=str(item.id),
    )
    [changed] = await _items(bot)
    assert (changed.status, changed.owner, changed.due_on, changed.reopened_count) == (
        ItemStatus.OPEN,
        "UCAROL",
        date(2027, 1, 15),
        1,
    )
    async with bot.ctx.uow(write=False) as uow:
        kinds = [e.kind for e in await uow.incidents.events(incident.reference)]
    assert kinds[-5:] == ["action_created", "action_done", "action_reopened", "action_reassigned", "action_rescheduled"]


async def test_an_outsider_cannot_change_an_item(bot: BotClient, slack: FakeSlack) -> None:
    _, channel = await _incident(bot)
    await bot.command("action Secret follow-up", channel=channel)
    [item] = await _items(bot)
    await bot.click("item_reopen", str(item.id), user="UEVE")
    await bot.submit("complete_action_item", req.state_values(), user="UEVE", metadata=str(item.id))
    [unchanged] = await _items(bot)
    assert unchanged.status is ItemStatus.OPEN


async def test_actions_mine_overdue_and_all(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    _, channel = await _incident(bot)
    await bot.command("action Soon due:1d", channel=channel)
    await bot.command("action Later due:30d <@UBOB>", channel=channel)
    clock.advance(days=3)
    await bot.command("actions overdue", channel="CGENERAL")
    overdue = json.dumps(slack.calls_to("response_url")[-1].args["blocks"])
    assert "Soon" in overdue and "Later" not in overdue and "overdue since" in overdue
    await bot.command("actions mine", user="UBOB", channel="CGENERAL")
    mine = json.dumps(slack.calls_to("response_url")[-1].args["blocks"])
    assert "Later" in mine and "Soon" not in mine
    assert "Say `/incident actions" in (
        await bot.command("actions bogus", channel=channel)
    ).text or "Say `/incident actions" in _answer(slack)


async def test_message_shortcut_creates_an_action_item(bot: BotClient, slack: FakeSlack) -> None:
    incident, channel = await _incident(bot)
    original = slack.add_message(channel, user="UBOB", text="we should add a circuit breaker")
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
    view = bot.last_view("new_action_item")
    assert "circuit breaker" in json.dumps(view["blocks"])
    values = req.state_values(
        ("incident", "incident", req.static_select_value(incident.reference)),
        ("text", "text", req.plain_text_input_value("Add a circuit breaker")),
        ("owner", "owner", req.users_select_value("UBOB")),
        ("priority", "priority", req.static_select_value("medium")),
    )
    await bot.submit("new_action_item", values, metadata=view["private_metadata"])
    [item] = await _items(bot)
    assert item.source == "shortcut" and item.owner == "UBOB"


async def test_home_tab_shows_my_open_items(bot: BotClient, slack: FakeSlack) -> None:
    _, channel = await _incident(bot)
    await bot.command("action Mine to do <@UBOB>", channel=channel)
    await bot.event({"type": "app_home_opened", "user": "UBOB", "tab": "home", "event_ts": "1.0"})
    home = json.dumps(slack.calls_to("views.publish")[-1].args["view"]["blocks"])
    assert "Your open action items" in home and "Mine to do" in home


def test_completion_figures() -> None:
    now = FrozenClock().now()

    def item(n: int, *, done_after: int | None, due_in: int) -> ActionItem:
        created = now - timedelta(days=60)
        return ActionItem(
            id=n,
            incident_id=1,
            incident_reference="INC-2026-0001",
            text="x",
            owner="U",
            created_by="U",
            created_at=created,
            due_on=(now + timedelta(days=due_in)).date(),
            priority=Priority.MEDIUM,
            status=ItemStatus.DONE if done_after is not None else ItemStatus.OPEN,
            done_at=created + timedelta(days=done_after) if done_after is not None else None,
        )

    figures = completion_figures(
        [
            item(1, done_after=10, due_in=-5),
            item(2, done_after=45, due_in=-5),
            item(3, done_after=None, due_in=-1),
            item(4, done_after=None, due_in=5),
        ],
        now.date(),
    )
    assert (figures.created, figures.done, figures.done_within_30_days, figures.overdue) == (4, 2, 1, 1)
    assert figures.done_rate == 0.5
