"""Handoffs (user group, channel post, DM to the incoming) and iCal layers refreshed from a local server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web

from incidents.policy import Policy
from slacksim import FakeSlack
from tests.followup_support import run_due
from tests.harness import BotClient, FrozenClock, serve_app
from tests.oncall.support import oncall_policy

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:one@test
DTSTART:20261123T000000Z
DTEND:20261130T000000Z
SUMMARY:<@UEVE>
END:VEVENT
END:VCALENDAR
"""


class CalendarServer:
    """Serves CALENDAR until told to fail (500) or to send something that is not a calendar."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.url = ""

    async def handle(self, _request: web.Request) -> web.Response:
        if self.mode == "fail":
            return web.Response(status=500, text="down")
        if self.mode == "garbage":
            return web.Response(text="<html>maintenance</html>")
        return web.Response(text=CALENDAR, content_type="text/calendar")


@pytest.fixture
async def calendar_server() -> AsyncIterator[CalendarServer]:
    server = CalendarServer()
    app = web.Application()
    app.router.add_get("/team.ics", server.handle)
    runner, url = await serve_app(app)
    server.url = url + "team.ics"
    try:
        yield server
    finally:
        await runner.cleanup()


@pytest.fixture
def policy(slack: FakeSlack, calendar_server: CalendarServer) -> Policy:
    slack.add_usergroup("S0PRIMARY", "primary-oncall", ["UCAROL"])
    extra = {"layers": [{"ical": calendar_server.url}]}
    base = oncall_policy(slack)
    data = base.model_dump(by_alias=True, mode="json")
    data["oncall"]["schedules"]["calendar"] = {"timezone": "UTC", **extra}
    return Policy.model_validate(data)


async def test_handoff_moves_the_user_group_posts_and_briefs_the_incoming(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock
) -> None:
    incident = await bot.declare(severity="SEV3", user="UALICE", title="Queue backlog")
    await bot.runtime.follow_through.reconcile()
    clock.advance(days=6, hours=22)  # Monday 30 Nov 08:00 UTC: not yet
    await run_due(bot)
    assert slack.workspace.usergroups["S0PRIMARY"].users == ["UCAROL"]
    clock.advance(hours=1, minutes=1)  # 09:01: handed over to UDAVE
    await run_due(bot)
    assert slack.workspace.usergroups["S0PRIMARY"].users == ["UDAVE"]
    oncall = slack.channel_by_name("oncall")
    assert oncall is not None
    posts = [c.args for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == oncall.id]
    assert len(posts) == 1 and "<@UCAROL> → <@UDAVE>" in posts[0]["text"]
    [dm] = [c.args for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == "UDAVE"]
    assert "now on call for `primary`" in dm["text"] and incident.reference in str(dm["blocks"])
    assert len(slack.calls_to("usergroups.users.update")) == 1 and slack.calls_to("usergroups.users.list")
    await bot.runtime.follow_through.reconcile()
    await run_due(bot)  # once: the next handoff is a week on
    assert len([c for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == oncall.id]) == 1
    async with bot.ctx.uow(write=False) as uow:
        planned = await uow.work.get("handoff:primary")
    assert planned is not None and planned.due_at.isoformat() == "2026-12-07T09:00:00+00:00"


async def test_an_override_moves_the_next_handoff(bot: BotClient) -> None:
    await bot.runtime.follow_through.reconcile()
    await bot.command("oncall override primary <@UBOB|bob> now 4h")
    async with bot.ctx.uow(write=False) as uow:
        planned = await uow.work.get("handoff:primary")
    assert planned is not None and planned.due_at.isoformat() == "2026-11-23T14:00:00+00:00"


async def test_ical_layer_is_refreshed_and_keeps_its_last_good_copy(
    bot: BotClient, slack: FakeSlack, clock: FrozenClock, calendar_server: CalendarServer
) -> None:
    assert "*calendar*: _nobody (a gap)_" in (await bot.command("oncall calendar")).text  # not read yet
    await bot.runtime.follow_through.reconcile()
    await run_due(bot)
    assert "*calendar*: <@UEVE>" in (await bot.command("oncall calendar")).text
    for mode in ("fail", "garbage"):
        calendar_server.mode = mode
        clock.advance(minutes=15)
        await run_due(bot)
        bot.ctx.oncall.invalidate()
        assert "*calendar*: <@UEVE>" in (await bot.command("oncall calendar")).text  # the last good copy
    async with bot.ctx.uow(write=False) as uow:
        kept = await uow.oncall.last_good("calendar", 0)
        planned = await uow.work.get("ical:calendar:0")
    assert kept is not None and "UEVE" in kept.text
    assert planned is not None and planned.due_at == clock.now() + timedelta(minutes=15)
