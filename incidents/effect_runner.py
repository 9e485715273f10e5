"""Doing Slack effects (see effects.py): at once after the commit that planned them, or when the scheduler
retries them. Either way the row is claimed first, so nobody else does it meanwhile.

A message (a notice, the summary, the announcement) carries the row's key as metadata. A row that may have
been sent already (its earlier claim expired, or the last attempt got no answer) first looks for its key in
the channel, so a retry never posts twice. Refreshing the summary renders the incident as it is when it runs;
invites count `already_in_channel` as done; pins `already_pinned`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from incidents import effects
from incidents.context import Context
from incidents.effects import Planned, chain_of, heads, notice_of, problem
from incidents.errors import ChatError
from incidents.model import Incident
from incidents.outbox import Done
from incidents.ports import DueWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    work: DueWork
    retry: DueWork | None = None  # what is left to do, and when (pending again)
    problem: str | None = None  # what was given up, in words for whoever acted

    @property
    def finished(self) -> bool:
        return self.retry is None


def topic(ctx: Context, incident: Incident) -> str:
    status = ctx.policy.status(incident.status)
    commander = f" · Commander <@{incident.commander}>" if incident.commander else ""
    return f"{incident.reference} · {incident.severity} · {status.name if status else incident.status}{commander}"[:250]


async def _current(ctx: Context, work: DueWork) -> Incident | None:
    async with ctx.uow(write=False) as uow:
        return await uow.incidents.get(str(work.data["reference"]))


def _unsure(work: DueWork) -> bool:
    """Whether an earlier attempt may have posted it: its claim expired, or Slack never answered."""
    return work.recovering or bool(work.data.get("unsure"))


async def _posted(ctx: Context, work: DueWork, channel: str) -> str | None:
    if not _unsure(work):
        return None
    since = datetime.fromisoformat(str(work.data["planned_at"])) - timedelta(minutes=1)
    return await ctx.chat.find_notice(channel, work.key, since=since)


async def _do(ctx: Context, work: DueWork, incident: Incident) -> None:
    """One effect, raising ChatError when Slack refuses or cannot be reached."""
    channel = str(work.data.get("channel") or incident.channel_id or "")
    if work.kind == effects.NOTICE:
        if await _posted(ctx, work, channel) is None:
            await ctx.chat.post_notice(channel, incident, notice_of(work), key=work.key)
    elif work.kind == effects.REFRESH:
        if incident.channel_id and incident.summary_ts:  # not posted yet: posting it will show this state
            await ctx.chat.update_summary(incident)
    elif work.kind == effects.POST_SUMMARY:
        await _post_summary(ctx, work, incident, channel)
    elif work.kind == effects.PIN:
        await ctx.chat.pin(channel, str(work.data["ts"]))
    elif work.kind == effects.DESCRIBE:
        purpose = incident.title if not incident.description else f"{incident.title}: {incident.description}"
        await ctx.chat.describe_channel(channel, topic=topic(ctx, incident), purpose=purpose[:250])
    elif work.kind == effects.ANNOUNCE:
        if await _posted(ctx, work, channel) is None:
            await ctx.chat.announce(channel, incident, key=work.key)
    else:
        raise AssertionError(f"unknown effect {work.kind}")


async def _post_summary(ctx: Context, work: DueWork, incident: Incident, channel: str) -> None:
    if incident.summary_ts is None:
        ts = await _posted(ctx, work, channel) or await ctx.chat.post_summary(incident, key=work.key)
        async with ctx.uow() as uow:
            await uow.incidents.record_setup(incident.reference, summary_ts=ts)
            await uow.commit()
        incident.summary_ts = ts
    await ctx.chat.pin(channel, incident.summary_ts)


def _failed(ctx: Context, work: DueWork, exc: ChatError, *, users: list[str] | None = None) -> Outcome:
    policy = ctx.policy.scheduler
    if not exc.retryable or work.attempts >= policy.max_attempts:
        log.warning("Giving up Slack effect %s after %d attempt(s): %s", work.key, work.attempts, exc.code)
        return Outcome(work, problem=problem(work, exc.code, users or ()))
    # Honour Retry-After: the client already waited it out as often as it retries, so wait longer than that.
    wait = max(timedelta(seconds=exc.retry_after or 0), policy.retry_after)
    data = {**work.data, "unsure": exc.retry_after is None}  # a rate limit says nothing was done
    if users is not None:
        data["users"] = users
    retry = replace(work, due_at=ctx.clock.now() + wait, data=data, last_error=exc.code, recovering=False)
    return Outcome(work, retry=retry)


async def _invite(ctx: Context, work: DueWork, channel: str) -> Outcome:
    """One call per person: who could not be invited for good is reported, who could not be invited yet waits."""
    later: list[str] = []
    refused: dict[str, str] = {}
    retry_error: ChatError | None = None
    for user in work.data.get("users", []):
        try:
            await ctx.chat.invite(channel, [user])
        except ChatError as exc:
            if exc.code == "already_in_channel":
                continue
            if exc.retryable:
                later.append(user)
                retry_error = exc
            else:
                refused[user] = exc.code
    if retry_error is not None:
        outcome = _failed(ctx, work, retry_error, users=later)
        if outcome.retry is not None:  # those wait; the refused ones are reported now
            codes = ", ".join(sorted(set(refused.values())))
            return replace(outcome, problem=problem(work, codes, list(refused)) if refused else None)
        refused.update(dict.fromkeys(later, retry_error.code))  # given up on them too
    if not refused:
        return Outcome(work)
    return Outcome(work, problem=problem(work, ", ".join(sorted(set(refused.values()))), list(refused)))


async def attempt(ctx: Context, work: DueWork, incident: Incident | None = None) -> Outcome | None:
    """Try one claimed effect; None when this process is already trying it (an attempt that outlived its claim)."""
    if not ctx.outbox.start(work.key):
        return None
    try:
        current = incident if incident is not None else await _current(ctx, work)
        if current is None or current.channel_id is None:
            return Outcome(work)  # the incident is gone, or never got a channel: nothing left to do
        channel = str(work.data.get("channel") or current.channel_id)
        if work.kind == effects.INVITE:
            return await _invite(ctx, work, channel)
        await _do(ctx, work, current)
        return Outcome(work)
    except ChatError as exc:
        return _failed(ctx, work, exc)
    except Exception:
        log.exception("Slack effect %s failed", work.key)
        return _failed(ctx, work, ChatError("internal_error", transient=True))
    finally:
        ctx.outbox.finish(work.key)


async def settle(ctx: Context, outcomes: list[Outcome], *, always: bool = False) -> list[DueWork]:
    """Record outcomes; returns the rows whose turn has come (claimed by this process, to try now).

    Done rows wait in the outbox to be deleted by a later transaction, unless something must be written now:
    a retry, a row given up, or a row this process queued behind one that just finished (`always` too).
    """
    if not outcomes:
        return []
    finished = [o.work for o in outcomes if o.finished]
    queued = [w for w in finished if (c := chain_of(w)) and ctx.outbox.has_queued(w.incident_id or 0, c)]
    if not always and not queued and all(o.finished and o.problem is None for o in outcomes):
        for work in finished:
            ctx.outbox.done(work.key, Done(work.incident_id, str(work.data["reference"]), bool(chain_of(work))))
        return []
    now = ctx.clock.now()
    chained = {w.incident_id: str(w.data["reference"]) for w in finished if chain_of(w) and w.incident_id is not None}
    incident_ids = sorted(chained)
    async with ctx.uow() as uow:
        # Their incidents are locked first (as a change locks its own): a change queueing behind these rows
        # waits for us, or we for it, and then we see the row it queued.
        await effects.flush_done(ctx, uow, also_lock=chained)
        await uow.work.remove_many(sorted(w.key for w in finished))
        for outcome in outcomes:
            if outcome.retry is not None:
                await uow.work.put(outcome.retry)
        turn = heads(await uow.work.for_incidents(incident_ids, kinds=effects.CHAINED_KINDS)) if incident_ids else []
        await uow.work.claim([w.key for w in turn], now)
        await uow.commit()
    for outcome in outcomes:
        if outcome.retry is not None:
            ctx.outbox.wake(outcome.retry.due_at)
    for work in queued:
        if chain := chain_of(work):
            assert work.incident_id is not None
            if not any(t.incident_id == work.incident_id and chain_of(t) == chain for t in turn):
                ctx.outbox.unqueued(work.incident_id, chain)
    return [replace(w, state="firing", claimed_at=now, attempts=w.attempts + 1, recovering=False) for w in turn]


async def perform(ctx: Context, planned: Planned, incident: Incident | None = None) -> list[str]:
    """After the commit: try the planned effects at once. Returns what was given up, for whoever acted; what
    may still succeed is left for the scheduler, and nobody is told about it."""
    mine = {w.key for w in planned.now}
    problems: list[str] = []
    rows = planned.now + planned.moved
    while rows:
        # Side by side: they do not depend on each other (one per chain), and the last is done sooner.
        tried = await asyncio.gather(*(attempt(ctx, w, incident if w.key in mine else None) for w in rows))
        outcomes = [o for o in tried if o is not None]
        for outcome in outcomes:
            if outcome.problem and outcome.work.key in mine:
                problems.append(outcome.problem)
            elif outcome.problem:
                await tell(ctx, outcome)
        rows = await _settled(ctx, outcomes)
    return problems


async def run_scheduled(ctx: Context, work: DueWork) -> None:
    """The scheduler claimed `work` (due, or its earlier claim expired): do it, and whatever waited on it."""
    rows = [work]
    while rows:
        outcomes = [o for w in rows if (o := await attempt(ctx, w))]
        for outcome in outcomes:
            if outcome.problem:
                await tell(ctx, outcome)
        rows = await _settled(ctx, outcomes, always=True)


async def _settled(ctx: Context, outcomes: list[Outcome], *, always: bool = False) -> list[DueWork]:
    try:
        return await settle(ctx, outcomes, always=always)
    except Exception:
        # The database failed us: the rows stay claimed, and once the claim expires the scheduler takes them
        # over, looking in Slack before posting anything again.
        log.exception("Could not record %d Slack effect(s)", len(outcomes))
        return []


async def tell(ctx: Context, outcome: Outcome) -> None:
    """Tell whoever acted what was finally given up (the change itself stands)."""
    who = outcome.work.data.get("tell")
    if not who or outcome.problem is None:
        return
    reference = outcome.work.data.get("reference")
    text = f"{reference}: not everything worked, and I have stopped trying:\n• {outcome.problem}"
    incident = await _current(ctx, outcome.work)
    # If even this fails there is nowhere left to tell them; the gateway has logged each failure.
    with contextlib.suppress(ChatError):
        await ctx.chat.tell_user(str(who), text, channel=incident.channel_id if incident else None)


async def flush(ctx: Context) -> None:
    """Delete the rows this process has done, in a transaction of its own (the scheduler's sweep)."""
    if not ctx.outbox.has_done():
        return
    async with ctx.uow() as uow:
        await effects.flush_done(ctx, uow)
        await uow.commit()
