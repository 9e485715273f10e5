"""`/incident integration …` over signed HTTP: admins only, the URL shown once (ephemeral), rejected bodies shown."""

from __future__ import annotations

from slacksim import FakeSlack
from tests.alerts.http_support import alertmanager_body, send, stored_alerts
from tests.harness import BotClient


async def test_an_admin_adds_an_integration_and_its_url_works(bot: BotClient) -> None:
    reply = await bot.command("integration add alertmanager prometheus", user="UADMIN")
    assert reply.status == 200
    assert "Integration *prometheus* (alertmanager) is ready" in reply.text
    assert isinstance(reply.body, str)  # a plain answer to a slash command: only the admin sees it (ephemeral)
    url = next(line for line in reply.text.splitlines() if "/alerts/prometheus/" in line).strip("`")
    token = url.rsplit("/", 1)[1]
    assert (await send(bot, "prometheus", alertmanager_body(), token=token, in_path=True)).status == 200
    assert await stored_alerts(bot) == 1
    listed = await bot.command("integration list", user="UADMIN")
    assert "*prometheus* (alertmanager, enabled)" in listed.text and token not in listed.text


async def test_only_admins_manage_integrations(bot: BotClient) -> None:
    reply = await bot.command("integration add alertmanager prometheus", user="UALICE")
    assert "Only Firebreak admins" in reply.text
    assert await bot.runtime.alerts.admin.all() == []


async def test_show_lists_rejected_bodies_and_rotate_disable_take_effect(bot: BotClient, slack: FakeSlack) -> None:
    added = await bot.command("integration add alertmanager prometheus", user="UADMIN")
    token = next(line for line in added.text.splitlines() if "/alerts/" in line).strip("`").rsplit("/", 1)[1]
    assert (await send(bot, "prometheus", {"alerts": [{"status": "pending"}]}, token=token)).status == 422
    shown = await bot.command("integration show prometheus", user="UADMIN")
    assert "alerts.0.status: unknown status value" in shown.text and "pending" in shown.text
    rotated = await bot.command("integration rotate prometheus", user="UADMIN")
    new = next(line for line in rotated.text.splitlines() if "/alerts/" in line).strip("`").rsplit("/", 1)[1]
    assert (await send(bot, "prometheus", alertmanager_body(), token=token)).status == 401
    assert (await send(bot, "prometheus", alertmanager_body(), token=new)).status == 200
    await bot.command("integration disable prometheus", user="UADMIN")
    assert (await send(bot, "prometheus", alertmanager_body(), token=new)).status == 410
    assert "Integration *nothing*" not in (await bot.command("integration show nothing", user="UADMIN")).text
