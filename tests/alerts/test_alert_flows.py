"""Alerts end to end over HTTP against the fake Slack: auto-declare with a page, the incident's timeline,
auto-resolve, re-firing, storms, and the buttons of a group's post."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from incidents.alerts.policy import AlertsPolicy, DeclareIf, Route, RouteMatch
from incidents.followup_policy import Escalation, EscalationLevel
from incidents.policy import Channels, Policy
from slacksim import FakeSlack
from slacksim import requests as req
from tests.alerts.http_support import add_integration, alertmanager_body, run_due, send, stored_groups
from tests.harness import BotClient, FrozenClock, declare_values


@pytest.fixture
def policy(slack: FakeSlack) -> Policy:
    incidents = slack.channel_by_name("incidents")
    assert incidents is not None
    routes = [
        Route(name="pages", match=RouteMatch(labels={"severity": "critical"}), declare="SEV2", escalation_policy="db"),
        Route(
            name="bursts",
            match=RouteMatch(labels={"severity": "warning"}),
            declare_if=DeclareIf(count=3, within=timedelta(minutes=10)),
        ),
        Route(default=True),
    ]
    return Policy(
        channels=Channels(announcement=incidents.id),
        admins=["UADMIN"],
        alerts=AlertsPolicy(routes=routes, storm_threshold=3),
        escalation=Escalation(levels=[EscalationLevel(after=timedelta(minutes=0), notify=["UBOB"])]),
    )


def warning_body(fingerprint: str, starts: str = "2026-11-23T09:55:00Z", status: str = "firing") -> dict[str, object]:
    body = alertmanager_body(fingerprint=fingerprint, starts=starts, status=status)
    body["alerts"][0]["labels"]["severity"] = "warning"  # type: ignore[index]
    return body


async def test_a_critical_alert_declares_unacknowledged_and_the_escalation_pages(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    token = await add_integration(bot)
    assert (await send(bot, "prometheus", alertmanager_body(), token=token)).status == 200
    await run_due(bot)
    [group] = await stored_groups(bot)
    assert group.incident_reference is not None
    incident = await bot.stored(group.incident_reference)
    assert incident is not None
    assert incident.declared_by == "alert:prometheus"
    assert incident.acknowledged_at is None and incident.commander is None
    assert incident.detection_method.value == "monitor"
    assert incident.detected_at == group.started_at == incident.impact_started_at
    assert incident.impact_start_source.value == "alert"
    assert incident.escalation_policy == "db"
    assert incident.severity == "SEV2"
    # Nobody acknowledges: the escalation levels page.
    clock.advance(minutes=16)
    await run_due(bot)
    pages = [c for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == "UBOB"]
    assert pages, [c.args.get("channel") for c in slack.calls_to("chat.postMessage")]


async def test_alert_changes_go_on_the_timeline_and_all_resolved_moves_it_to_monitoring(
    bot: BotClient, clock: FrozenClock
) -> None:
    token = await add_integration(bot)
    await send(bot, "prometheus", alertmanager_body(), token=token)
    await run_due(bot)
    [group] = await stored_groups(bot)
    assert group.incident_reference is not None
    await send(bot, "prometheus", alertmanager_body(starts="2026-11-23T09:59:00Z"), token=token)
    clock.advance(minutes=1)
    await send(bot, "prometheus", alertmanager_body(status="resolved"), token=token)
    await run_due(bot)
    incident = await bot.stored(group.incident_reference)
    assert incident is not None and incident.status == "monitoring"
    async with bot.ctx.uow(write=False) as uow:
        events = await uow.incidents.events(group.incident_reference)
    texts = [e.text for e in events if e.kind == "alert"]
    assert any(t.startswith("Alert linked") for t in texts)
    assert any(t.startswith("Alert repeated") for t in texts)
    assert any(t.startswith("Alert resolved") for t in texts)


async def test_a_person_changing_the_incident_stops_auto_resolve(bot: BotClient) -> None:
    token = await add_integration(bot)
    await send(bot, "prometheus", alertmanager_body(), token=token)
    await run_due(bot)
    [group] = await stored_groups(bot)
    assert group.incident_reference is not None
    reply = await bot.command(f"severity {group.incident_reference} SEV1", user="UADMIN")
    assert reply.status == 200
    await send(bot, "prometheus", alertmanager_body(status="resolved"), token=token)
    await run_due(bot)
    incident = await bot.stored(group.incident_reference)
    assert incident is not None and incident.status != "monitoring"


async def test_refiring_within_the_window_reopens_the_same_group(bot: BotClient, clock: FrozenClock) -> None:
    token = await add_integration(bot)
    await send(bot, "prometheus", warning_body("w1"), token=token)
    await send(bot, "prometheus", warning_body("w1", status="resolved"), token=token)
    clock.advance(minutes=30)
    await send(bot, "prometheus", warning_body("w1", starts="2026-11-23T10:29:00Z"), token=token)
    [group] = await stored_groups(bot)
    assert group.status.value == "firing" and group.count == 2
    clock.advance(hours=2)
    await send(bot, "prometheus", warning_body("w1", starts="2026-11-23T10:29:00Z", status="resolved"), token=token)
    clock.advance(hours=2)
    await send(bot, "prometheus", warning_body("w1", starts="2026-11-23T14:29:00Z"), token=token)
    groups = await stored_groups(bot)
    assert [g.episode for g in groups] == [1, 2]


async def test_declare_if_declares_once_three_alerts_arrive_within_the_window(bot: BotClient) -> None:
    token = await add_integration(bot)
    for number in range(2):
        await send(bot, "prometheus", warning_body(f"w{number}"), token=token)
    await run_due(bot)
    assert all(g.incident_id is None for g in await stored_groups(bot))
    await send(bot, "prometheus", warning_body("w2"), token=token)
    await run_due(bot)
    groups = await stored_groups(bot)
    assert {g.incident_reference for g in groups} == {groups[0].incident_reference} != {None}


async def test_a_storm_gets_one_summary_that_keeps_count(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    token = await add_integration(bot)
    for number in range(8):
        body = alertmanager_body(fingerprint=f"s{number}")
        body["alerts"][0]["labels"]["severity"] = "info"  # default route: no declaring
        await send(bot, "prometheus", body, token=token)
    await run_due(bot)
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 4  # three groups posted, then the storm summary
    assert "Alert storm: 5 new alert groups" in posts[-1].args["text"]
    body = alertmanager_body(fingerprint="s9")
    body["alerts"][0]["labels"]["severity"] = "info"
    await send(bot, "prometheus", body, token=token)
    clock.advance(seconds=5)
    await run_due(bot)
    assert "6 new alert groups" in slack.calls_to("chat.update")[-1].args["text"]
    clock.advance(minutes=2)  # the storm passes: a new group gets its own post again
    body = alertmanager_body(fingerprint="calm")
    body["alerts"][0]["labels"]["severity"] = "info"
    await send(bot, "prometheus", body, token=token)
    await run_due(bot)
    assert "Disk full" in slack.calls_to("chat.postMessage")[-1].args["text"]


async def test_slack_unavailable_the_alert_is_posted_later(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, client_waits: list[float]
) -> None:
    token = await add_integration(bot)
    body = alertmanager_body()
    body["alerts"][0]["labels"]["severity"] = "info"
    slack.rate_limit_for("chat.postMessage", seconds=30)
    assert (await send(bot, "prometheus", body, token=token)).status == 200
    await run_due(bot)
    assert not [c for c in slack.calls_to("chat.postMessage") if c.ok]
    clock.advance(seconds=29)  # not before Slack's Retry-After
    await run_due(bot)
    assert not [c for c in slack.calls_to("chat.postMessage") if c.ok]
    clock.advance(minutes=2)
    await run_due(bot)
    assert [c for c in slack.calls_to("chat.postMessage") if c.ok]


async def test_the_buttons_acknowledge_silence_and_link(bot: BotClient, slack: FakeSlack, clock: FrozenClock) -> None:
    token = await add_integration(bot)
    body = alertmanager_body()
    body["alerts"][0]["labels"]["severity"] = "info"
    await send(bot, "prometheus", body, token=token)
    await run_due(bot)
    [group] = await stored_groups(bot)
    await bot.click("alert_acknowledge", str(group.id), user="UCAROL")
    option = {"text": {"type": "plain_text", "text": "4 hours"}, "value": f"{group.id}:4h"}
    await bot.post(
        req.block_actions_body(
            action_id="alert_silence",
            value=None,
            user_id="UCAROL",
            channel_id=None,
            action_fields={"type": "static_select", "selected_option": option},
        ),
        content_type="application/x-www-form-urlencoded",
    )
    await bot.settle()
    incident = await bot.declare("Disk trouble", user="UALICE")
    await bot.click("alert_link", str(group.id), user="UALICE")
    view = bot.last_view("alert_link_form")
    values = req.state_values(("incident", "incident", req.static_select_value(incident.reference)))
    reply = await bot.submit("alert_link_form", values, user="UALICE", metadata=view["private_metadata"])
    assert reply.status == 200, reply.body
    [group] = await stored_groups(bot)
    assert group.acknowledged_by == "UCAROL"
    assert group.silenced_until == clock.now() + timedelta(hours=4)
    assert group.incident_reference == incident.reference
    clock.advance(seconds=5)
    await run_due(bot)
    shown = json.dumps(slack.calls_to("chat.update")[-1].args["blocks"])
    assert "acknowledged by <@UCAROL>" in shown and "silenced until" in shown and incident.reference in shown


async def test_declare_incident_opens_the_form_prefilled_and_links_the_group(bot: BotClient, slack: FakeSlack) -> None:
    token = await add_integration(bot)
    body = alertmanager_body(title="Replica lag above 30s")
    body["alerts"][0]["labels"]["severity"] = "info"
    await send(bot, "prometheus", body, token=token)
    await run_due(bot)
    [group] = await stored_groups(bot)
    await bot.click("alert_declare", str(group.id), user="UALICE")
    view = bot.last_view("alert_declare_form")
    assert "Replica lag above 30s" in json.dumps(view["blocks"])
    values = declare_values(title="Replica lag above 30s", severity="SEV3", commander="UALICE")
    reply = await bot.submit("alert_declare_form", values, user="UALICE", metadata=view["private_metadata"])
    assert reply.status == 200, reply.body
    [group] = await stored_groups(bot)
    assert group.incident_reference is not None
    incident = await bot.stored(group.incident_reference)
    assert incident is not None
    assert incident.detection_method.value == "monitor" and incident.impact_started_at == group.started_at
