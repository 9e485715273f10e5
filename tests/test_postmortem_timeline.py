"""The postmortem's timeline is faithful: a short incident keeps every message (template and model drafts alike);
a long one keeps every key event, change, note and decision-bearing message, says how many routine messages it
left out, and links the full timeline (uploaded beside the postmortem in Slack; named as a command elsewhere)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from incidents.model import Incident
from incidents.policy import Channels, Policy, PolicyError, load_policy
from incidents.postmortem_doc import DraftKind, Postmortem, PostmortemDocument, PostmortemStatus
from incidents.postmortem_markdown import render_markdown
from incidents.postmortem_policy import PostmortemPolicy
from incidents.postmortem_ports import DraftRequest
from incidents.timeline import Source, TimelineEntry
from postmortem.drafter import PostmortemDrafter
from postmortem.openai_model import OpenAIChatModel
from postmortem.timeline_section import BODY_MAX, is_decision
from slacksim import FakeSlack
from slacksim import requests as req
from tests.conftest import make_settings
from tests.fakeopenai import FakeOpenAI
from tests.harness import BotClient, FrozenClock, running_bot
from tests.postmortem_incidents import PEOPLE, T0, Script, _incident, pool_exhaustion
from tests.timeline_support import say

THREE = ["Checkout 5xx at 12% since 09:01", "Connection pool raised to 200", "Error rate back to normal"]


def _three_messages() -> tuple[Incident, list[TimelineEntry]]:
    s = Script("INC-2026-0050")
    s.declared(0, "UALICE", "SEV2", "Checkout errors")
    s.say(1, "UBOB", THREE[0])
    s.say(3, "UCAROL", THREE[1])
    s.say(6, "UBOB", THREE[2])
    s.resolved(8, "UALICE", "Pool raised")
    return _incident("INC-2026-0050", "Checkout errors", "SEV2", roles={"commander": "UALICE"}), s.sorted_entries()


def _timeline_of(markdown: str) -> str:
    """The "Timeline of key events" section of a postmortem's Markdown."""
    return markdown.split("## Timeline of key events", 1)[1].split("\n## ", 1)[0]


def _stored(doc: PostmortemDocument) -> Postmortem:
    return Postmortem(1, doc.facts.reference, 1, PostmortemStatus.DRAFT, doc, T0, "UALICE", "drafted")


async def test_a_three_message_incident_keeps_every_message_in_a_template_draft() -> None:
    incident, entries = _three_messages()
    doc = await PostmortemDrafter().draft(DraftRequest(incident, entries, PEOPLE, Policy()))
    assert doc.draft.kind is DraftKind.TEMPLATE and doc.timeline_note == ""
    timeline = _timeline_of(render_markdown(_stored(doc), PEOPLE))
    assert all(text in timeline for text in THREE) and "left out" not in timeline


async def test_a_three_message_incident_keeps_every_message_in_a_model_draft() -> None:
    incident, entries = _three_messages()
    async with FakeOpenAI() as fake:
        drafter = PostmortemDrafter(OpenAIChatModel(model="fake-model", api_key="k", base_url=fake.base_url))
        try:
            doc = await drafter.draft(DraftRequest(incident, entries, PEOPLE, Policy()))
        finally:
            await drafter.close()
    assert doc.draft.kind is DraftKind.MODEL
    timeline = _timeline_of(render_markdown(_stored(doc), PEOPLE))
    assert all(text in timeline for text in THREE)


async def test_a_long_incident_keeps_key_events_changes_and_decisions_and_counts_the_rest() -> None:
    scenario = pool_exhaustion()
    doc = await PostmortemDrafter().draft(DraftRequest(scenario.incident, scenario.entries, PEOPLE, Policy()))
    timeline = doc.section("timeline")
    assert timeline is not None
    shown = set(timeline.citations)
    by_text = {e.text: e.id for e in scenario.entries}
    kept = {e.id for e in scenario.entries if e.is_key_event or e.source is not Source.CHAT}
    kept.add(by_text["killed the batch_reconcile job and raised the pool to 400"])  # a decision
    kept.add(by_text["unfortunately nobody had access to the batch scheduler, that cost us 10 minutes"])  # last
    assert kept == shown
    messages = [e for e in scenario.entries if e.kind == "message"]
    left_out = len(messages) - len([e for e in messages if e.id in shown])
    assert left_out > 250 and doc.timeline_note == f"{left_out} routine messages left out"
    assert PostmortemDocument.from_dict(doc.to_dict()).timeline_note == doc.timeline_note  # stored with it
    # Outside Slack (`firebreak postmortem`), the document names the command that exports the full timeline.
    markdown = render_markdown(_stored(doc), PEOPLE)
    assert (
        f"_{left_out} routine messages left out; the full timeline: `/incident timeline INC-2026-0043 export md` "
        "in Slack exports it._"
    ) in _timeline_of(markdown)


async def test_the_section_fits_by_shortening_and_never_drops_a_key_event() -> None:
    s = Script("INC-2026-0051")
    s.declared(0, "UALICE", "SEV1", "Everything is on fire")
    for n in range(200):
        s.say(1 + n, "UBOB", f"key finding {n}: " + "evidence " * 60, flagged=True)
        s.say(1.5 + n, "UCAROL", f"restarting worker {n} " + "details " * 60)  # a decision, no key event
    s.resolved(400, "UALICE", "Put out")
    entries = s.sorted_entries()
    incident = _incident("INC-2026-0051", "Everything is on fire", "SEV1", roles={"commander": "UALICE"})
    doc = await PostmortemDrafter().draft(DraftRequest(incident, entries, PEOPLE, Policy()))
    timeline = doc.section("timeline")
    assert timeline is not None and len(timeline.body) <= BODY_MAX
    assert {e.id for e in entries if e.is_key_event} <= set(timeline.citations)
    assert doc.timeline_note.endswith("other entries left out to fit") and "routine" not in doc.timeline_note


def _entry(text: str, **values: object) -> TimelineEntry:
    return TimelineEntry(1, T0, "message", Source.CHAT, "UBOB", text, **values)  # type: ignore[arg-type]


def test_decision_bearing_messages() -> None:
    roots = {"1795428000.000100"}
    for text in [
        "we decided to fail over to eu-west",
        "rolling back v42 now",
        "deploying the hotfix",
        "restarting api-3",
        "root cause: the cache TTL was zero",
        "impact mitigated",
        "Connection pool raised to 200",
        "disabled the batch job",
    ]:
        assert is_decision(_entry(text), roots), text
    for text in ["still looking", "+1", "p99 is at 450ms on the canary", "checking the logs"]:
        assert not is_decision(_entry(text), roots), text
    assert is_decision(_entry("the graph", files=[{"name": "g.png"}]), roots)
    assert is_decision(_entry("see this", links=["https://grafana.example/d/1"]), roots)
    assert is_decision(_entry("should we page payments?", message_ts="1795428000.000100"), roots)


def test_full_timeline_max_is_validated(tmp_path: Path) -> None:
    assert PostmortemPolicy().full_timeline_max == 60
    path = tmp_path / "firebreak.yml"
    path.write_text("postmortem:\n  full_timeline_max: -1\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"postmortem\.full_timeline_max"):
        load_policy(path)


# -- in Slack --------------------------------------------------------------------------------------
def _file(slack: FakeSlack, suffix: str) -> tuple[str, str]:
    """The content and permalink of the latest uploaded file whose name ends with `suffix`."""
    for stored in reversed(list(slack.files.values())):
        if stored.name.endswith(suffix) and stored.content is not None:
            return stored.content.decode(), f"https://fake.slack.test/files/UBOT/{stored.id}"
    raise AssertionError(f"no {suffix} file: {[f.name for f in slack.files.values()]}")


async def test_in_slack_a_three_message_incident_keeps_every_message(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare("Checkout errors", severity="SEV2")
    channel = incident.channel_id or ""
    for user, text in zip(["UBOB", "UCAROL", "UBOB"], THREE, strict=True):
        await say(bot, channel, user, text)
    values = req.state_values(("summary", "summary", req.plain_text_input_value("Pool raised")))
    await bot.submit("resolve_incident", values, metadata=incident.reference)  # SEV2: drafted on resolution
    markdown, _link = _file(slack, "-postmortem-v1.md")
    assert all(text in _timeline_of(markdown) for text in THREE)
    assert not [f for f in slack.files.values() if f.name.endswith("-timeline.md")]  # nothing to link


@pytest.fixture
async def model_bot(
    slack: FakeSlack, policy: Policy, clock: FrozenClock, database_url: str
) -> AsyncIterator[tuple[BotClient, FakeOpenAI]]:
    async with FakeOpenAI() as fake:
        settings = make_settings(
            slack, database_url, firebreak_llm_model="fake-model", openai_base_url=fake.base_url, openai_api_key="k"
        )
        async with running_bot(slack, settings, policy, clock) as bot:
            yield bot, fake


async def test_in_slack_a_model_draft_keeps_every_message(model_bot: tuple[BotClient, FakeOpenAI]) -> None:
    bot, fake = model_bot
    incident = await bot.declare("Checkout errors", severity="SEV3")
    channel = incident.channel_id or ""
    for user, text in zip(["UBOB", "UCAROL", "UBOB"], THREE, strict=True):
        await say(bot, channel, user, text)
    await bot.command("postmortem", channel=channel)
    assert fake.drafts()
    markdown, _link = _file(bot.slack, "-postmortem-v1.md")
    assert "drafted by a language model" in markdown and all(text in _timeline_of(markdown) for text in THREE)


async def test_in_slack_a_long_incident_links_the_full_timeline_uploaded_beside_it(
    slack: FakeSlack, clock: FrozenClock, database_url: str
) -> None:
    incidents = slack.channel_by_name("incidents")
    assert incidents is not None
    policy = Policy(channels=Channels(announcement=incidents.id), postmortem=PostmortemPolicy(full_timeline_max=10))
    slack.workspace.time_source = lambda: clock.now().timestamp()
    async with running_bot(slack, make_settings(slack, database_url), policy, clock) as bot:
        incident = await bot.declare("Checkout errors", severity="SEV2")
        channel = incident.channel_id or ""
        slack.channels[channel].members.update({"UBOB", "UCAROL"})
        kept = ["checkout 5xx at 12%"]
        await say(bot, channel, "UBOB", kept[0])  # the first message
        for n in range(12):
            await say(bot, channel, "UCAROL", f"still looking at shard {n}")
        decisions = ["rolling back v42 now", "dashboard <https://grafana.example/d/1|here>"]
        for text in decisions:
            await say(bot, channel, "UBOB", text)
        root, _ = await say(bot, channel, "UCAROL", "should we page payments?")
        await say(bot, channel, "UBOB", "yes please", thread_ts=root)
        found, _ = await say(bot, channel, "UCAROL", "found it: v42 broke the retry config")
        pin = {"type": "reaction_added", "user": "UALICE", "reaction": "pushpin", "event_ts": found}
        await bot.event({**pin, "item": {"type": "message", "channel": channel, "ts": found}})
        await bot.command("note paged the payments on-call", channel=channel)
        await bot.command("severity SEV1 wider impact", channel=channel)
        await say(bot, channel, "UBOB", "all good now")  # the last message
        values = req.state_values(("summary", "summary", req.plain_text_input_value("Rolled back v42")))
        await bot.submit("resolve_incident", values, metadata=incident.reference)

    full, link = _file(slack, f"{incident.reference}-timeline.md")
    assert "still looking at shard 7" in full and "yes please" in full
    markdown, _ = _file(slack, "-postmortem-v1.md")
    timeline = _timeline_of(markdown)
    for text in ["checkout 5xx at 12%", "rolling back v42", "dashboard", "should we page payments?", "found it"]:
        assert text in timeline, text
    assert "paged the payments on-call" in timeline and "SEV2 → SEV1" in timeline and "all good now" in timeline
    assert "still looking" not in timeline and "yes please" not in timeline
    pointer = f"[{incident.reference} timeline, every entry]({link})"
    assert f"_13 routine messages left out; the full timeline: {pointer}._" in timeline
    [canvas] = slack.canvases.values()
    assert canvas.document_content is not None and f"({link})" in canvas.document_content["markdown"]
