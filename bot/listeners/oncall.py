"""On-call from Slack (issue 11): `/incident oncall …`, `/incident page …`, and the buttons of pages and swaps.

Reads (`oncall`, `oncall shifts`, `oncall help`) are answered in the ack, in the reader's timezone; writes
(`override`, `swap`, `export`) and pages after it. Each: parse → one use case → render.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import oncall_blocks as blocks
from bot import oncall_text as text
from bot.errors import describe
from bot.oncall_parser import MomentError, parse_days, parse_oncall, read_end, read_moment, read_user
from incidents.context import Context
from incidents.errors import ChatError, InvalidInput
from incidents.oncall.feeds import create_feed, revoke_feeds
from incidents.oncall.lookups import on_call_now, upcoming_shifts
from incidents.oncall.override_cases import OverrideCases
from incidents.oncall.pages import PageRequest, acknowledge_page, page_now
from incidents.working_hours import zone

EPHEMERAL: dict[str, Any] = {"response_type": "ephemeral", "replace_original": False}
READER_ZONE_WAIT = 1.0  # seconds the ack may wait, the first time, for Slack to say the reader's timezone


async def _zone(ctx: Context, user: str) -> ZoneInfo:
    return zone(await ctx.chat.user_timezone(user), ctx.policy.working_hours.default_timezone)


async def _zone_within_the_ack(ctx: Context, user: str) -> tuple[ZoneInfo, bool]:
    """The reader's timezone (remembered after the first time); if Slack is slow to say, the default one."""
    try:
        return await asyncio.wait_for(_zone(ctx, user), READER_ZONE_WAIT), True
    except (TimeoutError, ChatError):
        return zone(ctx.policy.working_hours.default_timezone), False


async def oncall_answer(ctx: Context, user: str, rest: str) -> str:
    """`/incident oncall [name]`, `oncall shifts [schedule|@user] [14d]`, `oncall help`: answered in the ack."""
    args = parse_oncall(rest)
    if args.verb == "help":
        return text.ONCALL_USAGE
    tz, known = await _zone_within_the_ack(ctx, user)
    answer = await _read(ctx, args.verb, args.words, tz)
    return answer if known else f"{answer}\n{text.zone_unknown(tz)}"


async def _read(ctx: Context, verb: str, words: list[str], tz: ZoneInfo) -> str:
    if verb == "":
        if len(words) > 1:
            return text.ONCALL_USAGE
        return text.who_is_on_call(await on_call_now(ctx, words[0] if words else None), tz)
    days, schedule, person = 14, None, None
    for word in words:
        if (count := parse_days(word)) is not None:
            days = count
        elif (found := read_user(word)) is not None:
            person = found
        else:
            schedule = word.lower()
    pairs = await upcoming_shifts(ctx, schedule=schedule, user=person, days=days)
    title = f"Shifts of {text.person(person)}" if person else f"Shifts on `{schedule}`" if schedule else "Shifts"
    return text.shift_list(pairs, tz, f"{title}, next {days} days")


async def run_oncall(
    ctx: Context, command: dict[str, Any], rest: str, respond: AsyncRespond, client: AsyncWebClient
) -> None:
    """The writes: `override`, `swap`, `export` (after the ack)."""
    user, args = command["user_id"], parse_oncall(rest)
    tz = await _zone(ctx, user)
    now = ctx.clock.now()
    cases = OverrideCases(ctx)
    try:
        if args.verb == "override":
            await _override(ctx, cases, user, args.words, tz, respond)
        elif args.verb == "swap":
            if len(args.words) < 3:
                raise InvalidInput({"swap": text.SWAP_USAGE})
            start, after = read_moment(args.words, 1, now, tz)
            end, after = read_end(args.words, after, start, now, tz)
            swap = await cases.request_swap(
                actor=user, schedule=args.words[0].lower(), start=start, end=end, reason=" ".join(args.words[after:])
            )
            where = ctx.policy.oncall.schedules[swap.schedule].channel or command["channel_id"]
            said = text.swap_posted(swap, tz)
            await client.chat_postMessage(channel=where, text=said, blocks=blocks.swap_request(said, swap.id))
            await respond(text=f"Swap request posted in <#{where}>.", **EPHEMERAL)
        elif args.verb == "export":
            if args.words[:1] == ["reset"]:
                await respond(text=text.feeds_revoked(await revoke_feeds(ctx, user)), **EPHEMERAL)
                return
            scope = args.words[0].lower() if args.words else "me"
            token = await create_feed(ctx, user, scope)
            base = ctx.oncall.feed_base_url if ctx.oncall else None
            await respond(text=text.feed_made(text.feed_url(base, token), scope), **EPHEMERAL)
    except MomentError as exc:
        await respond(text=str(exc), **EPHEMERAL)


async def _override(
    ctx: Context, cases: OverrideCases, user: str, words: list[str], tz: ZoneInfo, respond: AsyncRespond
) -> None:
    person = read_user(words[1]) if len(words) > 1 else None
    if len(words) < 4 or person is None:
        raise InvalidInput({"override": text.OVERRIDE_USAGE})
    now = ctx.clock.now()
    start, after = read_moment(words, 2, now, tz)
    end, after = read_end(words, after, start, now, tz)
    schedule, reason = words[0].lower(), " ".join(words[after:])
    outcome = await cases.make_override(actor=user, schedule=schedule, user=person, start=start, end=end, reason=reason)
    if outcome.override is not None:
        await respond(text=text.override_made(outcome.override, tz), **EPHEMERAL)
        return
    offer = {"s": schedule, "u": person, "a": start.timestamp(), "b": end.timestamp(), "r": reason[:300]}
    offer["ids"] = [o.id for o in outcome.overlapping][:20]
    said = text.override_overlaps(outcome.overlapping, tz)
    await respond(text=said, blocks=blocks.replace_offer(said, json.dumps(offer)), **EPHEMERAL)


async def run_page(ctx: Context, command: dict[str, Any], rest: str, respond: AsyncRespond) -> None:
    """`/incident page <@user|schedule|policy> [message]`."""
    words = rest.split(maxsplit=1)
    if not words:
        raise InvalidInput({"page": text.PAGE_USAGE})
    who, message = words[0], (words[1] if len(words) > 1 else "")
    user = read_user(who)
    oncall, name = ctx.policy.oncall, who.lower()
    request = PageRequest(actor=command["user_id"], message=message, channel_id=command["channel_id"])
    if user is not None:
        request = replace(request, user=user)
    elif name in oncall.schedules:
        request = replace(request, schedule=name)
    elif name in oncall.escalation_policies:
        request = replace(request, policy=name)
    else:
        raise InvalidInput({"page": f"`{who}` is not a person, schedule or escalation policy. {text.PAGE_USAGE}"})
    done = await page_now(ctx, request)
    await respond(
        text=text.paged(done.what, done.name, done.incident.reference if done.incident else None), **EPHEMERAL
    )


def register_oncall(app: AsyncApp, ctx: Context) -> None:
    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    def on_button(action_id: str, work: Any) -> None:
        async def run(
            body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
        ) -> None:
            try:
                await work(body, str(action.get("value") or ""), respond, client)
            except Exception as exc:
                with contextlib.suppress(Exception):
                    await respond(text=describe(exc), **EPHEMERAL)

        app.action(action_id)(ack=just_ack, lazy=[run])

    async def acknowledge(body: dict[str, Any], value: str, respond: AsyncRespond, _client: AsyncWebClient) -> None:
        done = await acknowledge_page(ctx, body["user"]["id"], value)
        await respond(text=text.page_acknowledged(done.reference, already=done.already), **EPHEMERAL)

    async def replace_overrides(
        body: dict[str, Any], value: str, respond: AsyncRespond, _client: AsyncWebClient
    ) -> None:
        offer = json.loads(value)
        outcome = await OverrideCases(ctx).make_override(
            actor=body["user"]["id"],
            schedule=offer["s"],
            user=offer["u"],
            start=_instant(offer["a"]),
            end=_instant(offer["b"]),
            reason=offer["r"],
            replacing=offer["ids"],
        )
        tz = await _zone(ctx, body["user"]["id"])
        said = (
            text.override_made(outcome.override, tz)
            if outcome.override
            else text.override_overlaps(outcome.overlapping, tz)
        )
        await respond(text=said, replace_original=True, response_type="ephemeral")

    async def keep(_body: dict[str, Any], _value: str, respond: AsyncRespond, _client: AsyncWebClient) -> None:
        await respond(text="Nothing changed.", replace_original=True, response_type="ephemeral")

    async def take(body: dict[str, Any], value: str, respond: AsyncRespond, client: AsyncWebClient) -> None:
        taken = await OverrideCases(ctx).take_swap(actor=body["user"]["id"], swap_id=value)
        await _settle(body, client, text.swap_taken(taken.swap))

    async def cancel(body: dict[str, Any], value: str, respond: AsyncRespond, client: AsyncWebClient) -> None:
        cancelled = await OverrideCases(ctx).cancel_swap(actor=body["user"]["id"], swap_id=value)
        await _settle(body, client, text.swap_cancelled(cancelled))

    on_button("oncall_page_acknowledge", acknowledge)
    on_button(blocks.REPLACE, replace_overrides)
    on_button(blocks.KEEP, keep)
    on_button(blocks.TAKE, take)
    on_button(blocks.CANCEL, cancel)


async def _settle(body: dict[str, Any], client: AsyncWebClient, said: str) -> None:
    """The swap request's message, its buttons gone, saying how it ended."""
    channel = (body.get("channel") or {}).get("id")
    ts = (body.get("message") or {}).get("ts")
    if channel and ts:
        await client.chat_update(channel=channel, ts=ts, text=said, blocks=blocks.settled(said))


def _instant(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
