"""Replies also sent to the channel (thread_broadcast) in the fake: listed in the channel's history, as Slack lists
them (subtype `thread_broadcast`, the thread's ts and its root), and in their thread, counted among its replies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from slacksim import FakeSlack


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("UBOB", name="bob")
        yield fake


@pytest.fixture
async def client(slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    async with aiohttp.ClientSession() as session:
        yield AsyncWebClient(token="xoxb-test-token", base_url=slack.base_url, session=session)


async def test_a_broadcast_reply_is_in_history_and_in_its_thread(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel = slack.add_channel("general", members=["UBOB"])
    parent = slack.add_message(channel.id, user="UBOB", text="parent")
    slack.add_message(channel.id, user="UBOB", text="quiet reply", thread_ts=parent.ts)
    shouted = slack.add_message(channel.id, user="UBOB", text="reply for all", thread_ts=parent.ts, broadcast=True)
    posted = await client.chat_postMessage(
        channel=channel.id, text="bot reply for all", thread_ts=parent.ts, reply_broadcast=True
    )

    history = (await client.conversations_history(channel=channel.id))["messages"]
    assert [m["text"] for m in history] == ["bot reply for all", "reply for all", "parent"]
    for listed, ts in zip(history[:2], (posted["ts"], shouted.ts), strict=True):
        assert listed["ts"] == ts and listed["subtype"] == "thread_broadcast" and listed["thread_ts"] == parent.ts
        assert listed["root"]["ts"] == parent.ts and listed["root"]["text"] == "parent"
    assert history[2]["reply_count"] == 3 and history[2]["latest_reply"] == posted["ts"]

    thread = (await client.conversations_replies(channel=channel.id, ts=parent.ts))["messages"]
    assert [m["text"] for m in thread] == ["parent", "quiet reply", "reply for all", "bot reply for all"]
    assert [m.get("subtype") for m in thread] == [None, None, "thread_broadcast", "thread_broadcast"]


async def test_reply_broadcast_without_a_thread_is_a_plain_message(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel = slack.add_channel("general", members=["UBOB"])
    await client.chat_postMessage(channel=channel.id, text="no thread", reply_broadcast=True)
    [listed] = (await client.conversations_history(channel=channel.id))["messages"]
    assert "subtype" not in listed and "thread_ts" not in listed
