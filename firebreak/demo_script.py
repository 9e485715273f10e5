"""The incident the demo plays, step by step, as people in Slack would: each request signed and sent to the real
bot, each answer read back from the simulator and printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from firebreak.demo_transcript import Transcript
from firebreak.runtime import Runtime
from incidents.model import Incident
from slacksim import FakeSlack
from slacksim import requests as req
from slacksim.demo_workspace import DemoWorkspace
from slacksim.driver import AppDriver, AppReply

ALICE, BOB, CAROL = "UALICE", "UBOB", "UCAROL"
TRACK_ACTION, TRACK_FORM = "postmortem_track", "postmortem_track_item"  # the draft's Track button and its form
TITLE = "Checkout API returning 500s"
# The steps the transcript announces, in order (the smoke test checks each appears).
STEPS = (
    "Alice declares an incident from #general",
    "She fills in the Declare form and submits it",
    "Responders talk in the incident channel",
    "Alice marks the incident identified; Bob asks who holds which role",
    "31 minutes pass without a stakeholder update: the update reminder fires",
    "Alice posts a stakeholder update",
    "20 minutes later Alice resolves the incident: the postmortem is drafted",
    "Carol tracks the action item the draft suggests",
    "Alice exports the timeline",
    "The pinned summary, as it reads now",
)


class DemoClock:
    """The injected clock: the script moves time forward, so a 30-minute reminder takes no time at all."""

    def __init__(self, start: Any) -> None:
        self.current = start

    def now(self) -> Any:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@dataclass
class Demo:
    slack: FakeSlack
    workspace: DemoWorkspace
    rt: Runtime
    app: AppDriver
    clock: DemoClock
    transcript: Transcript

    async def settle(self) -> None:
        """Let the bot finish what it does after acknowledging (its lazy listeners)."""
        await self.rt.lazy.drain()

    async def command(self, user: str, channel: str, text: str) -> AppReply:
        self.transcript.person(user, channel, f"/incident {text}")
        reply = await self.app.command(text, user=user, channel=channel)
        await self.settle()
        self.transcript.reply(user, reply)
        self.transcript.calls()
        return reply

    async def submit(self, user: str, callback_id: str, values: req.StateValues, described: str) -> AppReply:
        view = self.app.latest_view(callback_id)
        self.transcript.submits(user, _title(view.title), described)
        reply = await self.app.submit(view, values, user=user)
        await self.settle()
        self.transcript.reply(user, reply)
        self.transcript.calls()
        return reply

    async def say(self, user: str, channel: str, text: str, *, thread_ts: str | None = None) -> str:
        shown = f"(in a thread) {text}" if thread_ts else text
        self.transcript.person(user, channel, shown)
        ts, reply = await self.app.say(channel, user, text, thread_ts=thread_ts)
        assert reply.status == 200, reply
        return ts


def _title(title: dict[str, Any] | None) -> str:
    return str((title or {}).get("text", ""))


async def play(demo: Demo) -> Incident:
    """The whole incident; returns it as stored at the end."""
    t, general = demo.transcript, demo.workspace.general
    steps = iter(enumerate(STEPS, start=1))

    t.step(*next(steps))
    await demo.command(ALICE, general, f"declare {TITLE}")

    t.step(*next(steps))
    view_id = demo.app.latest_view("declare_incident").id
    declared = "SEV2, commander @alice, customer impact yes, service checkout"
    await demo.submit(ALICE, "declare_incident", declare_values(ALICE), declared)
    incident = await _incident_declared_in(demo, view_id)
    assert incident.channel_id is not None
    channel = incident.channel_id

    t.step(*next(steps))
    demo.clock.advance(timedelta(minutes=1))
    for responder in (BOB, CAROL):
        t.person(responder, channel, "[joins the channel]")
        assert (await demo.app.join(channel, responder)).status == 200
    demo.clock.advance(timedelta(minutes=1))
    first = await demo.say(BOB, channel, "Checkout is throwing 500s, mostly payment client timeouts")
    demo.clock.advance(timedelta(minutes=3))
    deploy = await demo.say(CAROL, channel, "Deploy 4812 of checkout went out just before. Rolling it back now.")
    demo.clock.advance(timedelta(minutes=1))
    await demo.say(ALICE, channel, "Thanks Bob. I'll keep stakeholders posted.", thread_ts=first)
    await demo.say(CAROL, channel, "action item: add a canary stage for checkout deploys")
    t.person(BOB, channel, "[reacts :pushpin: to Carol's message, flagging it as a key event]")
    assert (await demo.app.react(channel, BOB, deploy, "pushpin")).status == 200
    t.note("captured on the incident's timeline as they happen; the bot stays quiet")
    t.calls()

    t.step(*next(steps))
    demo.clock.advance(timedelta(minutes=4))
    await demo.command(ALICE, channel, "status identified Deploy 4812 changed the payment client's timeout")
    await demo.command(BOB, channel, "roles")

    t.step(*next(steps))
    demo.clock.advance(timedelta(minutes=31))  # a SEV2 wants an update every 30 minutes
    t.note("the clock moves on 31 minutes; the scheduler's pass runs what is due, as its timer would")
    await demo.rt.follow_through.run_due()
    await demo.settle()
    t.calls()

    t.step(*next(steps))
    await demo.command(ALICE, channel, "update")
    await demo.submit(ALICE, "stakeholder_update", update_values(), "Monitoring, rolled back, error rate falling")

    t.step(*next(steps))
    demo.clock.advance(timedelta(minutes=20))
    await demo.command(ALICE, channel, "resolve")
    summary = "Rolled back deploy 4812; the payment client's timeout is restored and checkouts succeed again."
    values = req.state_values(("summary", "summary", req.plain_text_input_value(summary)))
    await demo.submit(ALICE, "resolve_incident", values, summary)

    t.step(*next(steps))
    await track_first_suggestion(demo, CAROL, channel)

    t.step(*next(steps))
    await demo.command(ALICE, channel, "timeline export md")

    t.step(*next(steps))
    pinned = [m for m in demo.slack.channels[channel].messages if m.ts in demo.slack.channels[channel].pins]
    for message in pinned:
        t.pinned(channel, message.blocks, message.text)
    final = await _stored(demo, incident.reference)
    return final


async def track_first_suggestion(demo: Demo, user: str, channel: str) -> None:
    """Click the first Track button under the draft's suggested action items, then submit the form it opens."""
    found = next(
        (m, block["accessory"])
        for m in demo.slack.channels[channel].messages
        for block in m.blocks or []
        if (block.get("accessory") or {}).get("action_id") == TRACK_ACTION
    )
    message, button = found
    demo.transcript.person(user, channel, f"[clicks Track next to “{_section_text(message.blocks, button)}”]")
    reply = await demo.app.click(TRACK_ACTION, str(button["value"]), user=user, channel=channel, message_ts=message.ts)
    await demo.settle()
    demo.transcript.reply(user, reply)
    demo.transcript.calls()
    form = demo.app.latest_view(TRACK_FORM)
    due = next(str(b["element"].get("initial_date")) for b in form.blocks if b.get("block_id") == "due")
    values = req.state_values(
        ("text", "text", req.plain_text_input_value("Add a canary stage for checkout deploys")),
        ("owner", "owner", req.users_select_value(user)),
        ("due", "due", req.datepicker_value(due)),
    )
    await demo.submit(user, TRACK_FORM, values, f"owner @carol, due {due}")


def _section_text(blocks: list[dict[str, Any]] | None, accessory: dict[str, Any]) -> str:
    for block in blocks or []:
        if block.get("accessory") is accessory:
            return str((block.get("text") or {}).get("text", "")).replace("_", "").removeprefix("• ")
    return ""


def declare_values(commander: str) -> req.StateValues:
    return req.state_values(
        ("title", "title", req.plain_text_input_value(TITLE)),
        ("severity", "severity", req.static_select_value("SEV2")),
        ("description", "description", req.plain_text_input_value("Checkouts fail with HTTP 500 for most users.")),
        ("new_services", "new_services", req.plain_text_input_value("checkout")),
        ("customer_impact", "customer_impact", req.radio_buttons_value("yes")),
        ("commander", "commander", req.users_select_value(commander)),
        ("private", "private", req.checkboxes_value([])),
        ("impact_started_at", "impact_started_at", req.datetimepicker_value(None)),
    )


def update_values() -> req.StateValues:
    return req.state_values(
        ("status", "status", req.static_select_value("monitoring")),
        ("severity", "severity", req.static_select_value("SEV2")),
        ("summary", "summary", req.plain_text_input_value("Deploy 4812 is rolled back; the error rate is falling.")),
        ("impact", "impact", req.plain_text_input_value("About a third of checkouts failed for half an hour.")),
        ("next_steps", "next_steps", req.plain_text_input_value("Watch the error rate for 20 minutes, then resolve.")),
        ("eta", "eta", req.plain_text_input_value("next update in 20 minutes")),
    )


async def _incident_declared_in(demo: Demo, view_id: str) -> Incident:
    async with demo.rt.ctx.uow(write=False) as uow:
        found = await uow.incidents.get_by_declare_key(view_id)
    if found is None:
        raise RuntimeError("the declaration was not stored")
    return found


async def _stored(demo: Demo, reference: str) -> Incident:
    async with demo.rt.ctx.uow(write=False) as uow:
        found = await uow.incidents.get(reference)
    if found is None:
        raise RuntimeError(f"{reference} is not stored")
    return found
