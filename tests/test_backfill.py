"""Backfill: zero gaps after downtime, including replies to threads whose parent is older than anything new.

While the bot is "down", messages are seeded straight into the fake's channel (no events are delivered), as
Slack would hold them; the catch-up must then find every one of them, once, through small history pages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from incidents.backfill import backfill_open_incidents
from incidents.model import Incident
from incidents.policy import Policy
from slacksim import FakeSlack
from slacksim import requests as req
from tests.conftest import make_settings
from tests.harness import BotClient, FrozenClock, running_bot
from tests.timeline_support import chat, entries, say

PAGE = 7  # every history and replies page holds at most this many messages


@dataclass
class Outage:
    """What was said around an outage: what must end up captured, and which threads have something new."""

    said: list[str] = field(default_factory=list)
    replies: dict[str, str] = field(default_factory=dict)  # text -> thread_ts, for every reply
    threads_with_news: set[str] = field(default_factory=set)
    quiet_thread: str = ""  # a thread with replies, none of them missed: never worth a replies call


async def _live(bot: BotClient, outage: Outage, channel: str, user: str, text: str, thread: str | None = None) -> str:
    ts, reply = await say(bot, channel, user, text, thread_ts=thread)
    assert reply.status == 200
    outage.said.append(text)
    if thread:
        outage.replies[text] = thread
    return ts


def _missed(slack: FakeSlack, outage: Outage, channel: str, user: str, text: str, thread: str | None = None) -> str:
    message = slack.add_message(channel, user=user, text=text, thread_ts=thread)
    outage.said.append(text)
    if thread:
        outage.replies[text] = thread
        outage.threads_with_news.add(thread)
    return message.ts


async def _before_outage(bot: BotClient, channel: str) -> tuple[Outage, str, str]:
    outage = Outage()
    never_replied = await _live(bot, outage, channel, "UBOB", "old parent, no replies yet")
    replied = await _live(bot, outage, channel, "UBOB", "old parent with a live reply")
    await _live(bot, outage, channel, "UCAROL", "the live reply", replied)
    outage.quiet_thread = await _live(bot, outage, channel, "UDAVE", "old settled thread")
    await _live(bot, outage, channel, "UBOB", "settled reply", outage.quiet_thread)
    await _live(bot, outage, channel, "UBOB", "last live message before the outage")
    return outage, never_replied, replied


def _during_outage(slack: FakeSlack, outage: Outage, incident: Incident, never_replied: str, replied: str) -> None:
    channel, summary = incident.channel_id, incident.summary_ts
    assert channel and summary
    _missed(slack, outage, channel, "UBOB", "missed reply to Firebreak's pinned summary", summary)
    new_threads: list[str] = []
    for n in range(50):
        ts = _missed(slack, outage, channel, "UCAROL", f"missed message {n}")
        if n % 10 == 0:
            new_threads.append(ts)
        if n % 4 == 0:  # replies land in old and new threads alike, interleaved with the channel's messages
            _missed(slack, outage, channel, "UDAVE", f"missed reply to an old parent {n}", never_replied)
            _missed(slack, outage, channel, "UEVE", f"missed reply to a new thread {n}", new_threads[-1])
    for n in range(10):  # one thread longer than a page
        _missed(slack, outage, channel, "UEVE", f"missed reply {n} to a thread that had one", replied)


async def _check_captured_once(bot: BotClient, incident: Incident, outage: Outage) -> None:
    captured = chat(await entries(bot, incident.reference))
    counts = Counter(e.text for e in captured)
    assert sorted(counts) == sorted(outage.said)
    assert [text for text, n in counts.items() if n != 1] == []
    threads = {e.text: e.thread_ts for e in captured if e.thread_ts}
    assert threads == outage.replies


async def test_sync_captures_every_missed_message_and_reply_once(bot: BotClient, slack: FakeSlack) -> None:
    slack.workspace.history_page_cap = PAGE
    incident = await bot.declare("Checkout errors")
    channel = incident.channel_id
    assert channel
    outage, never_replied, replied = await _before_outage(bot, channel)
    _during_outage(slack, outage, incident, never_replied, replied)
    await _live(bot, outage, channel, "UALICE", "heard live before catching up")  # newer than everything missed

    before = len(slack.calls)
    await bot.command("timeline sync", channel=channel)
    assert "caught up" in str(slack.calls_to("response_url")[-1].args["text"])
    await _check_captured_once(bot, incident, outage)
    walked = {c.args["ts"] for c in slack.calls[before:] if c.method == "conversations.replies"}
    assert walked == outage.threads_with_news and outage.quiet_thread not in walked
    history_pages = [c for c in slack.calls[before:] if c.method == "conversations.history"]
    assert len(history_pages) > 3  # the whole channel, through many small pages

    before = len(slack.calls)
    await bot.command("timeline sync", channel=channel)
    await _check_captured_once(bot, incident, outage)
    again = [c.method for c in slack.calls[before:] if c.method.startswith("conversations.")]
    assert set(again) == {"conversations.history"}  # nothing changed: one walk of history, no replies calls


async def test_start_up_captures_every_missed_message_and_reply_once(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> None:
    slack.workspace.time_source = lambda: clock.now().timestamp()
    slack.workspace.history_page_cap = PAGE
    async with running_bot(slack, make_settings(slack, database_url), policy, clock) as first:
        incident = await first.declare("Checkout errors")
        channel = incident.channel_id
        assert channel
        outage, never_replied, replied = await _before_outage(first, channel)
    _during_outage(slack, outage, incident, never_replied, replied)
    async with running_bot(slack, make_settings(slack, database_url), policy, clock) as second:
        # Start-up serves Slack at once and catches up beside it: a live message may come first.
        await _live(second, outage, channel, "UALICE", "heard live before catching up")
        [report] = await backfill_open_incidents(second.ctx)
        assert report.messages == len(outage.said) - 7  # the seven live ones were there already
        await _check_captured_once(second, incident, outage)
        [report] = await backfill_open_incidents(second.ctx)
        assert report.messages == 0
        await _check_captured_once(second, incident, outage)


async def test_a_reply_also_sent_to_the_channel_is_captured_once(bot: BotClient, slack: FakeSlack) -> None:
    # Slack lists such a reply (subtype thread_broadcast) both in the channel's history and in its thread.
    incident = await bot.declare("Checkout errors")
    channel = incident.channel_id
    assert channel
    parent, _ = await say(bot, channel, "UBOB", "parent said live")
    live = slack.add_message(channel, user="UCAROL", text="broadcast heard live", thread_ts=parent, broadcast=True)
    event = req.message_event(channel=channel, user="UCAROL", text=live.text, ts=live.ts, thread_ts=parent)
    assert (await bot.event({**event, "subtype": "thread_broadcast"})).status == 200
    slack.add_message(channel, user="UDAVE", text="broadcast missed", thread_ts=parent, broadcast=True)
    slack.add_message(channel, user="UEVE", text="reply missed", thread_ts=parent)
    fresh = slack.add_message(channel, user="UDAVE", text="new thread, missed")
    slack.add_message(channel, user="UEVE", text="broadcast in it, missed", thread_ts=fresh.ts, broadcast=True)

    for _ in range(2):
        await bot.command("timeline sync", channel=channel)
    captured = chat(await entries(bot, incident.reference))
    assert sorted(Counter(e.text for e in captured).items()) == [
        ("broadcast heard live", 1),
        ("broadcast in it, missed", 1),
        ("broadcast missed", 1),
        ("new thread, missed", 1),
        ("parent said live", 1),
        ("reply missed", 1),
    ]
    threads = {e.text: e.thread_ts for e in captured if e.thread_ts}
    assert threads == {
        "broadcast heard live": parent,
        "broadcast missed": parent,
        "reply missed": parent,
        "broadcast in it, missed": fresh.ts,
    }
