"""POST /alerts/<integration> over HTTP against the real bot: what is stored, and every answer a sender gets."""

from __future__ import annotations

import json
import socket

from sqlalchemy.ext.asyncio import create_async_engine

from slacksim import FakeSlack
from tests.alerts.http_support import (
    add_integration,
    alertmanager_body,
    run_due,
    sample,
    send,
    send_raw,
    stored_alerts,
    stored_groups,
)
from tests.harness import BotClient


async def test_an_alertmanager_body_is_stored_and_posted_once_per_group(bot: BotClient, slack: FakeSlack) -> None:
    token = await add_integration(bot)
    reply = await send(bot, "prometheus", sample("alertmanager", "webhook_v4_firing_and_resolved.json"), token=token)
    assert reply.status == 200, reply.body
    assert reply.json["alerts"] == len(sample("alertmanager", "webhook_v4_firing_and_resolved.json")["alerts"])
    assert await stored_alerts(bot) == reply.json["alerts"]
    await run_due(bot)
    groups = await stored_groups(bot)
    firing = [g for g in groups if g.status.value == "firing"]
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == len(firing) >= 1
    assert "Payments p99 latency above 1s" in json.dumps(posts[0].args["blocks"])


async def test_a_retried_delivery_is_stored_once(bot: BotClient) -> None:
    token = await add_integration(bot)
    body = alertmanager_body()
    assert (await send(bot, "prometheus", body, token=token)).status == 200
    assert (await send(bot, "prometheus", body, token=token, in_path=True)).status == 200
    assert await stored_alerts(bot) == 1
    [group] = await stored_groups(bot)
    assert group.count == 1


async def test_a_repeat_bumps_the_count_and_edits_the_one_post(bot: BotClient, slack: FakeSlack, clock: object) -> None:
    token = await add_integration(bot)
    await send(bot, "prometheus", alertmanager_body(), token=token)
    await run_due(bot)
    await send(bot, "prometheus", alertmanager_body(starts="2026-11-23T09:58:00Z"), token=token)
    await run_due(bot)
    [group] = await stored_groups(bot)
    assert group.count == 2
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert slack.calls_to("chat.update") == []  # within 5 s of the post: the edit waits
    clock.advance(seconds=5)  # type: ignore[attr-defined]
    await run_due(bot)
    [update] = slack.calls_to("chat.update")
    assert "*Count*\\n2" in json.dumps(update.args["blocks"])


async def test_no_or_wrong_token_is_401(bot: BotClient) -> None:
    token = await add_integration(bot)
    body = alertmanager_body()
    assert (await send(bot, "prometheus", body, token=None)).status == 401
    assert (await send(bot, "prometheus", body, token=token + "x")).status == 401
    assert (await send(bot, "nobody", body, token=token)).status == 401
    assert await stored_alerts(bot) == 0


async def test_a_disabled_integration_is_410(bot: BotClient) -> None:
    token = await add_integration(bot)
    assert (await send(bot, "prometheus", alertmanager_body(), token=token)).status == 200
    await bot.runtime.alerts.admin.set_enabled("prometheus", False)
    assert (await send(bot, "prometheus", alertmanager_body(), token=token)).status == 410


async def test_a_body_over_1_mb_is_413_before_it_is_read(bot: BotClient) -> None:
    token = await add_integration(bot)
    reply = await send_raw(bot, "prometheus", b"{" + b" " * (1024 * 1024) + b"}", token=token)
    assert reply.status == 413


async def test_not_json_is_400(bot: BotClient) -> None:
    token = await add_integration(bot)
    reply = await send_raw(bot, "prometheus", b"alerts: yes", token=token)
    assert reply.status == 400
    assert reply.json["error"] == "body is not JSON"


async def test_json_the_parser_cannot_read_is_422_naming_the_path_and_kept(bot: BotClient) -> None:
    token = await add_integration(bot)
    body = alertmanager_body()
    body["alerts"][0]["status"] = "pending"
    reply = await send(bot, "prometheus", body, token=token)
    assert reply.status == 422
    assert reply.json["error"].startswith("alerts.0.status: unknown status value 'pending'")
    _integration, rejected = await bot.runtime.alerts.admin.show("prometheus")
    assert [r.reason for r in rejected] == [reply.json["error"]]
    assert '"pending"' in rejected[0].body
    assert await stored_alerts(bot) == 0


async def test_over_the_rate_limit_is_429_with_retry_after(bot: BotClient) -> None:
    token = await add_integration(bot)
    intake = bot.runtime.alerts.intake
    for _ in range(intake.policy.rate_limit.requests):  # the bucket spent, as by as many bodies
        intake.throttle.take("prometheus", intake.policy.rate_limit, bot.ctx.clock.now())
    reply = await send(bot, "prometheus", alertmanager_body(), token=token)
    assert reply.status == 429
    assert int(reply.headers["Retry-After"]) >= 1
    other = await add_integration(bot, name="grafana-cloud", kind="grafana")
    assert (await send(bot, "grafana-cloud", alertmanager_body(), token=other)).status == 200


async def test_database_unavailable_is_503_and_nothing_is_stored(bot: BotClient) -> None:
    token = await add_integration(bot)
    database = bot.runtime.database
    dead = create_async_engine(f"postgresql+asyncpg://firebreak@127.0.0.1:{_closed_port()}/firebreak")
    database.writer.configure(bind=dead)  # every write now fails to connect, as when the server is down
    try:
        reply = await send(bot, "prometheus", alertmanager_body(), token=token)
        assert reply.status == 503
        assert reply.headers["Retry-After"]
        database.reader.configure(bind=dead)  # and reads: even the integration cannot be looked up
        bot.runtime.alerts.intake.forget("prometheus")
        assert (await send(bot, "prometheus", alertmanager_body(), token=token)).status == 503
    finally:
        database.writer.configure(bind=database.write_engine)
        database.reader.configure(bind=database.read_engine)
        await dead.dispose()
    assert await stored_alerts(bot) == 0
    assert (await send(bot, "prometheus", alertmanager_body(), token=token)).status == 200  # the retry lands


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
