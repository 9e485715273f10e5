"""GET /metrics: what Slack sent, the capture path, the scheduler, the Web API calls and the model, as Prometheus
reads them (text exposition format, parsed back with prometheus_client's own parser)."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from bot.request_metrics import request_labels
from firebreak.metrics import build_metrics
from firebreak.runtime import runtime
from incidents.policy import Policy
from postmortem.model import ModelFailed
from postmortem.model_metrics import ModelMetrics
from postmortem.openai_model import OpenAIChatModel
from postmortem.schema import NarrativeDraft
from slacksim import FakeSlack
from slacksim import requests as req
from tests.conftest import make_settings
from tests.fakeopenai import Answer, FakeOpenAI
from tests.harness import BotClient, FrozenClock, serve_app
from tests.timeline_support import say

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


async def scrape(bot: BotClient) -> Samples:
    async with bot.http.get(bot.base_url + "metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return parse(await resp.text())


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum over every series of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, found), v in samples.items() if n == name and wanted <= found)


async def test_signed_requests_are_counted_by_kind_type_and_status_with_their_ack_time(bot: BotClient) -> None:
    await bot.command("list")
    await bot.command("frobnicate")
    unsigned = await bot.post(
        b"command=%2Fincident&text=list", content_type="application/x-www-form-urlencoded", secret="x"
    )
    assert unsigned.status == 401

    samples = await scrape(bot)

    requests = "firebreak_slack_requests_total"
    assert value(samples, requests, kind="command", type="list", status="200") == 1
    assert value(samples, requests, kind="command", type="unknown", status="200") == 1
    assert value(samples, requests, kind="command", type="list", status="401") == 1
    ack = "firebreak_slack_ack_duration_seconds"
    assert value(samples, ack + "_count", kind="command", type="list") == 2
    assert value(samples, ack + "_bucket", kind="command", type="list", le="3.0") == 2
    assert value(samples, ack + "_bucket", kind="command", type="list", le="0.001") is not None


async def test_a_captured_message_counts_as_a_capture_request_and_a_committed_batch(bot: BotClient) -> None:
    incident = await bot.declare()
    assert incident.channel_id is not None
    _ts, reply = await say(bot, incident.channel_id, "UBOB", "the error rate is falling")
    assert reply.status == 200

    samples = await scrape(bot)

    assert value(samples, "firebreak_slack_requests_total", kind="capture", type="message", status="200") == 1
    assert value(samples, "firebreak_slack_ack_duration_seconds_count", kind="capture", type="message") == 1
    assert value(samples, "firebreak_capture_batch_size_events_count") == 1
    assert value(samples, "firebreak_capture_batch_size_events_sum") == 1
    assert value(samples, "firebreak_capture_commit_duration_seconds_count") == 1


async def test_scheduler_lag_and_due_work(bot: BotClient, clock: FrozenClock) -> None:
    await bot.declare(severity="SEV2")  # an update is due every 30 minutes
    assert value(await scrape(bot), "firebreak_scheduler_due_work") == 0

    clock.advance(minutes=31)
    assert value(await scrape(bot), "firebreak_scheduler_due_work") == 1
    await bot.runtime.follow_through.run_due()

    samples = await scrape(bot)
    assert value(samples, "firebreak_scheduler_due_work") == 0
    assert value(samples, "firebreak_scheduler_lag_seconds_count", kind="update") == 1
    assert value(samples, "firebreak_scheduler_lag_seconds_sum", kind="update") == 60.0  # due at 30 min, run at 31
    assert value(samples, "firebreak_scheduler_lag_seconds_bucket", kind="update", le="30.0") == 0
    assert value(samples, "firebreak_scheduler_lag_seconds_bucket", kind="update", le="60.0") == 1


async def test_web_api_calls_and_retried_rate_limits_are_counted_by_method(bot: BotClient) -> None:
    bot.slack.rate_limit_next("chat.postMessage", retry_after=0)
    bot.slack.fail_next("pins.add", "not_pinnable")

    await bot.declare()

    samples = await scrape(bot)
    calls = "firebreak_slack_api_requests_total"
    assert value(samples, "firebreak_slack_api_rate_limited_total", method="chat.postMessage") == 1
    assert value(samples, calls, method="chat.postMessage", outcome="ratelimited") == 1
    posted = [c for c in bot.slack.calls_to("chat.postMessage") if c.ok]
    assert value(samples, calls, method="chat.postMessage", outcome="ok") == len(posted)
    assert value(samples, calls, method="pins.add", outcome="error") == 1
    assert value(samples, calls, method="conversations.create", outcome="ok") == 1
    # Every Web API request the fake answered is counted once, whichever client (app's or Bolt's) made it.
    answered = [c for c in bot.slack.calls if c.method not in ("response_url", "upload_url")]
    assert total(samples, calls) - total(samples, calls, method="other") == len(answered)


async def test_model_latency_and_tokens_come_from_the_server_answers() -> None:
    registry = CollectorRegistry()
    async with FakeOpenAI() as fake:
        model = OpenAIChatModel(
            model="fake", api_key="sk-unused", base_url=fake.base_url, metrics=ModelMetrics(registry)
        )
        messages = [{"role": "user", "content": "Timeline: [#1] deploy, [#2] rollback"}]
        await model.complete(messages, NarrativeDraft, time_left=10)
        await model.complete(messages, NarrativeDraft, time_left=10)
        fake.queue(Answer(status=503))
        try:
            await model.complete(messages, NarrativeDraft, time_left=10)
        except ModelFailed as exc:
            assert exc.outcome == "http_error"
        await model.close()

    samples = parse(generate_latest(registry).decode())
    assert value(samples, "firebreak_model_request_duration_seconds_count", outcome="ok") == 2
    assert value(samples, "firebreak_model_request_duration_seconds_count", outcome="http_error") == 1
    assert value(samples, "firebreak_model_tokens_total", type="prompt") == 2  # the fake reports 1 and 1 per answer
    assert value(samples, "firebreak_model_tokens_total", type="completion") == 2


async def test_the_runtime_wires_the_model_metrics_into_get_metrics(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> None:
    async with FakeOpenAI() as fake:
        settings = make_settings(slack, database_url, firebreak_llm_model="fake-model", openai_base_url=fake.base_url)
        async with runtime(settings, policy=policy, clock=clock) as rt:
            runner, url = await serve_app(rt.web_app)
            async with aiohttp.ClientSession() as http:
                bot = BotClient(rt, slack, url, http)
                try:
                    incident = await bot.declare(severity="SEV2")
                    await say(bot, incident.channel_id or "", "UALICE", "rolled back the deploy")
                    resolve = req.state_values(("summary", "summary", req.plain_text_input_value("Rolled back")))
                    await bot.submit("resolve_incident", resolve, metadata=incident.reference)  # drafts (SEV2)
                    samples = await scrape(bot)
                finally:
                    await rt.lazy.drain()
                    await runner.cleanup()

    assert fake.requests
    assert value(samples, "firebreak_model_request_duration_seconds_count", outcome="ok") == len(fake.requests)
    assert value(samples, "firebreak_model_tokens_total", type="completion") == len(fake.requests)


def test_two_runtimes_in_one_process_have_registries_of_their_own() -> None:
    first, second = build_metrics("http://a/api/"), build_metrics("http://b/api/")
    assert first.registry is not second.registry


def test_labels_stay_bounded_whatever_a_request_claims() -> None:
    forged: Mapping[str, object] = {"type": "event_callback", "event": {"type": "U0123456789_made_up"}}
    assert request_labels(dict(forged)) == ("event", "other")
    assert request_labels({"type": "view_submission"}) == ("interactivity", "view_submission")
    assert request_labels({"type": "nonsense"}) == ("other", "")
    assert request_labels({"command": "/incident", "text": "INC-2026-0001"}) == ("command", "show")
    assert request_labels({"command": "/incident", "text": ""}) == ("command", "none")


async def test_web_api_calls_from_lazy_listeners_are_counted(bot: BotClient) -> None:
    incident = await bot.declare()
    # The reminder's snooze button: its work runs in a lazy listener, on the copy Bolt makes of the request.
    await bot.click("reminder_snooze", incident.reference, channel=incident.channel_id)

    samples = await scrape(bot)

    answered = [c for c in bot.slack.calls if c.method not in ("response_url", "upload_url")]
    calls = "firebreak_slack_api_requests_total"
    assert total(samples, calls) - total(samples, calls, method="other") == len(answered)
    assert (
        value(samples, "firebreak_slack_requests_total", kind="interactivity", type="block_actions", status="200") == 1
    )
