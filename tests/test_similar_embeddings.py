"""The optional embedding model for similar incidents (FIREBREAK_EMBEDDING_MODEL), over signed HTTP against
the fake OpenAI server: used and stored when it answers; when it fails, text only, and the post says so."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from incidents.policy import Policy
from slacksim import FakeSlack
from tests.conftest import make_settings
from tests.fakeopenai import FakeOpenAI
from tests.followup_support import run_due
from tests.harness import BotClient, FrozenClock, running_bot


@asynccontextmanager
async def _bot_with_model(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str, model: FakeOpenAI
) -> AsyncIterator[BotClient]:
    settings = make_settings(
        slack, database_url, firebreak_embedding_model="embed-small", openai_base_url=model.base_url
    )
    slack.workspace.time_source = lambda: clock.now().timestamp()
    async with running_bot(slack, settings, policy, clock) as bot:
        yield bot


def _post_text(slack: FakeSlack, channel: str | None) -> str:
    posts = [c.args for c in slack.calls_to("chat.postMessage") if c.ok and c.args.get("channel") == channel]
    return json.dumps([p for p in posts if "similar past" in str(p.get("text"))])


async def test_the_embedding_model_adds_the_semantic_term_and_embeddings_are_kept(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> None:
    async with FakeOpenAI() as model, _bot_with_model(slack, policy, clock, database_url, model) as bot:
        past = await bot.declare("Checkout database connection pool exhausted", services=["checkout"])
        await run_due(bot)
        clock.advance(days=3)
        new = await bot.declare("Checkout pool exhausted again", services=["checkout"])
        await run_due(bot)
        shown = _post_text(slack, new.channel_id)
        assert past.reference in shown and "embedding model" not in shown  # the semantic term was used
        assert {body["model"] for body in model.embedding_requests} == {"embed-small"}
        async with bot.runtime.database.read_engine.connect() as conn:
            kept = (await conn.execute(text("SELECT incident_id, model FROM incident_embeddings"))).all()
        assert kept == [(new.id, "embed-small")]  # looked up: embedded once, kept for the incidents to come


async def test_a_failing_embedding_model_falls_back_to_text_and_says_so(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> None:
    async with FakeOpenAI() as model, _bot_with_model(slack, policy, clock, database_url, model) as bot:
        past = await bot.declare("Checkout database connection pool exhausted", services=["checkout"])
        await run_due(bot)
        model.embedding_status = 503
        clock.advance(days=3)
        new = await bot.declare("Checkout pool exhausted again", services=["checkout"])
        await run_due(bot)
        shown = _post_text(slack, new.channel_id)
        assert past.reference in shown and "the embedding model did not answer" in shown
