"""`/incident oncall export`: a private .ics feed on the bot's own port; `export reset` revokes it (404)."""

from __future__ import annotations

import re

import icalendar
import pytest

from incidents.policy import Policy
from slacksim import FakeSlack
from storage.oncall_tables import ExportTokenRow
from tests.harness import BotClient
from tests.oncall.support import oncall_policy


@pytest.fixture
def policy(slack: FakeSlack) -> Policy:
    return oncall_policy(slack)


async def feed_url(bot: BotClient, words: str, user: str) -> str:
    await bot.command(f"oncall export {words}".strip(), user=user)
    said = str(bot.slack.calls_to("response_url")[-1].args["text"])
    match = re.search(r"/oncall/([A-Za-z0-9_-]+)\.ics", said)
    assert match is not None, said
    return f"{bot.base_url}oncall/{match.group(1)}.ics"


async def test_export_serves_a_private_feed_that_calendar_apps_read(bot: BotClient) -> None:
    url = await feed_url(bot, "primary", "UCAROL")
    async with bot.http.get(url) as resp:
        assert resp.status == 200 and resp.content_type == "text/calendar"
        calendar = icalendar.Calendar.from_ical(await resp.read())
    events = [e for e in calendar.walk("VEVENT")]
    users = [str(e["X-FIREBREAK-USER"]) for e in sorted(events, key=lambda e: e["DTSTART"].dt)]
    assert users[:4] == ["UDAVE", "UCAROL", "UDAVE", "UCAROL"] and len({str(e["UID"]) for e in events}) == len(events)
    mine = await feed_url(bot, "", "UDAVE")
    async with bot.http.get(mine) as resp:
        own = icalendar.Calendar.from_ical(await resp.read())
    assert {str(e["X-FIREBREAK-USER"]) for e in own.walk("VEVENT")} == {"UDAVE"}


async def test_only_the_hash_is_stored_and_reset_revokes_it(bot: BotClient) -> None:
    url = await feed_url(bot, "me", "UCAROL")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    async with bot.ctx.uow(write=False) as uow:
        rows = (await uow.session.scalars(ExportTokenRow.__table__.select())).all()
    assert rows and all(token not in str(row) for row in rows)
    await bot.command("oncall export reset", user="UCAROL")
    assert "Revoked 1 calendar feed" in str(bot.slack.calls_to("response_url")[-1].args["text"])
    async with bot.http.get(url) as resp:
        assert resp.status == 404
    async with bot.http.get(f"{bot.base_url}oncall/not-a-token.ics") as resp:
        assert resp.status == 404
