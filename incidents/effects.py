"""Slack effects as durable work (an outbox): what a change or a declaration must still do in Slack.

A change has effects in Slack: a notice in the incident channel (and the stakeholders'), the pinned summary
refreshed, people invited; a declaration has the rest of its channel's set-up (topic, invites, pin,
announcement). Each effect is a row of scheduled work written IN the transaction of the change, so no crash
after the commit can lose it. The row is born claimed (`firing`) by the process that commits it, which tries
it at once after the commit (the happy path costs no extra transaction: see outbox.py for how done rows go).
What fails for a reason that may pass (a rate limit, Slack unreachable, a 5xx) becomes pending work that the
scheduler retries when Slack allows (Retry-After), up to `scheduler.max_attempts`; what cannot succeed is
dropped and reported to whoever acted.

Order: effects on one chain of an incident (its summary; its notices to one channel) run one at a time, in
the order they were planned. A row planned while its chain still has a row is `waiting` (the scheduler never
takes those) and moves up when the one before it is done or dropped. So a later notice never overtakes an
earlier one that is being retried, and a summary refresh queued behind another one renders the incident as
it is when it runs: the summary always ends showing the latest state.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from incidents.context import Context
from incidents.message_text import channel_mention
from incidents.model import Incident
from incidents.ports import DueWork, Notice, UnitOfWork

NOTICE, REFRESH, POST_SUMMARY, PIN = "post_notice", "refresh_summary", "post_summary", "pin_summary"
DESCRIBE, INVITE, ANNOUNCE = "describe_channel", "invite", "announce"
EFFECT_KINDS = (NOTICE, REFRESH, POST_SUMMARY, PIN, DESCRIBE, INVITE, ANNOUNCE)
CHAINED_KINDS = (NOTICE, REFRESH, POST_SUMMARY)  # the kinds that go on a chain (see chain_of)
ACTIVE = ("pending", "firing")  # a row in one of these states is the one its chain is busy with


def summary_key(incident_id: int) -> str:
    """The key the summary is posted with (once per incident), so a retry can find it in the channel."""
    return f"effect:{incident_id}:{POST_SUMMARY}"


def _effect(
    kind: str,
    incident: Incident,
    now: datetime,
    data: dict[str, Any],
    *,
    tell: str | None,
    chain: str | None = None,
    key: str | None = None,
) -> DueWork:
    assert incident.id is not None
    body: dict[str, Any] = {"reference": incident.reference, "planned_at": now.isoformat(), **data}
    if chain is not None:
        body["chain"] = chain
    if tell is not None:
        body["tell"] = tell  # who is told if it is finally given up
    key = key or f"effect:{incident.id}:{kind}:{uuid.uuid4().hex}"
    # Claimed by the process that plans it, which tries it as soon as the plan is committed.
    return DueWork(key, kind, now, incident_id=incident.id, data=body, attempts=1, state="firing", claimed_at=now)


def notice(incident: Incident, channel: str, change: Notice, now: datetime, *, tell: str | None) -> DueWork:
    payload = {"kind": change.kind, "actor": change.actor, "text": change.text, "fields": list(change.fields)}
    return _effect(NOTICE, incident, now, {"channel": channel, "notice": payload}, tell=tell, chain=f"notice:{channel}")


def refresh_summary(incident: Incident, now: datetime, *, tell: str | None) -> DueWork:
    return _effect(REFRESH, incident, now, {}, tell=tell, chain="summary")


def post_summary(incident: Incident, now: datetime, *, tell: str | None) -> DueWork:
    """Post (once: its key is the summary's) and pin the summary; refreshes of it queue behind."""
    assert incident.id is not None
    return _effect(POST_SUMMARY, incident, now, {}, tell=tell, chain="summary", key=summary_key(incident.id))


def pin_summary(incident: Incident, ts: str, now: datetime, *, tell: str | None) -> DueWork:
    return _effect(PIN, incident, now, {"ts": ts}, tell=tell)


def describe_channel(incident: Incident, now: datetime, *, tell: str | None) -> DueWork:
    return _effect(DESCRIBE, incident, now, {}, tell=tell)


def invite(incident: Incident, users: Sequence[str], now: datetime, *, tell: str | None) -> DueWork:
    return _effect(INVITE, incident, now, {"users": list(users)}, tell=tell)


def announce(incident: Incident, channel: str, now: datetime, *, tell: str | None) -> DueWork:
    assert incident.id is not None
    key = f"effect:{incident.id}:{ANNOUNCE}"  # once per incident
    return _effect(ANNOUNCE, incident, now, {"channel": channel}, tell=tell, key=key)


def notice_of(work: DueWork) -> Notice:
    raw = work.data["notice"]
    fields = tuple((str(label), str(value)) for label, value in raw.get("fields", []))
    return Notice(str(raw["kind"]), raw.get("actor"), str(raw["text"]), fields)


def problem(work: DueWork, code: str, users: Sequence[str] = ()) -> str:
    """What the person who acted is told about an effect that was given up."""
    channel = work.data.get("channel")
    if work.kind == NOTICE:
        return f"I couldn't post in {channel_mention(str(channel))} ({code})."
    if work.kind == REFRESH:
        return f"I couldn't refresh the pinned summary ({code})."
    if work.kind == POST_SUMMARY:
        return f"I couldn't post the incident summary ({code})."
    if work.kind == PIN:
        return f"I couldn't pin the incident summary ({code})."
    if work.kind == DESCRIBE:
        return f"I couldn't set the channel topic and purpose ({code})."
    if work.kind == INVITE:
        mentions = ", ".join(f"<@{u}>" for u in users or work.data.get("users", []))
        return f"I couldn't invite {mentions} ({code}); please add them by hand."
    return f"I couldn't announce the incident in {channel_mention(str(channel))} ({code})."


def chain_of(work: DueWork) -> str | None:
    chain = work.data.get("chain")
    return str(chain) if chain else None


def heads(rows: Sequence[DueWork]) -> list[DueWork]:
    """The waiting rows whose turn it is: first on a chain that no longer has an active row."""
    chains: dict[tuple[int | None, str], list[DueWork]] = defaultdict(list)
    for row in rows:
        if (chain := chain_of(row)) is not None:
            chains[(row.incident_id, chain)].append(row)
    turn = []
    for members in chains.values():
        waiting = [r for r in members if r.state == "waiting"]
        if waiting and not any(r.state in ACTIVE for r in members):
            turn.append(min(waiting, key=lambda r: (int(r.data.get("seq", 0)), r.key)))
    return turn


@dataclass(frozen=True)
class Planned:
    """Effects written in a transaction, claimed by this process to try once it commits: `now` are the
    change's own; `moved` were planned by earlier changes and waited for a row this transaction deleted."""

    now: list[DueWork]
    moved: list[DueWork] = field(default_factory=list)


async def flush_done(
    ctx: Context, uow: UnitOfWork, *, within: int | None = None, also_lock: Mapping[int, str] | None = None
) -> bool:
    """In a transaction that runs anyway: delete the rows this process has done, and move up what waited on
    them (pending, due now: the scheduler's next pass takes them). True when rows on chains of `within` went:
    the caller moves up what waited on those.

    Locks come in one order everywhere: incidents first (a change holds its own; others are locked here,
    sorted, with those in `also_lock`), then their rows on chains. Rows on no chain are never locked by a
    reader, so they are deleted without ceremony.
    """
    taken = ctx.outbox.take_done(within=within)
    chained = {d.incident_id: d.reference for d in taken.values() if d.chained and d.incident_id not in (None, within)}
    locking = {**chained, **(also_lock or {})}
    for incident_id in sorted(i for i in locking if i is not None):
        await uow.incidents.get(locking[incident_id])
    if not taken:
        return False
    await uow.work.remove_many(sorted(taken))
    freed_within = any(d.chained and d.incident_id == within for d in taken.values())
    if not chained:
        return freed_within
    now = ctx.clock.now()
    rows = await uow.work.for_incidents(sorted(i for i in chained if i is not None), kinds=CHAINED_KINDS)
    moved = heads(rows)
    for row in moved:
        await uow.work.put(replace(row, due_at=now))  # pending again, due now
    if moved:
        ctx.outbox.wake(now)
    return freed_within


async def plan_effects(ctx: Context, uow: UnitOfWork, incident_id: int, effects: Sequence[DueWork]) -> Planned:
    """Write `effects` in the caller's transaction (which holds the incident locked). One on a busy chain waits
    its turn (a summary refresh already waiting makes another one needless); the rest are claimed by this
    process, to be tried at once."""
    freed = await flush_done(ctx, uow, within=incident_id)
    existing: list[DueWork] = []
    if freed or any(chain_of(e) for e in effects):
        # Locked (PostgreSQL): a row finishing meanwhile is deleted either before this read (its chain is
        # free) or after this transaction (whoever deletes it then sees the row queued here, and moves it up).
        existing = await uow.work.for_incidents([incident_id], kinds=CHAINED_KINDS, lock=True)
    now = ctx.clock.now()
    turn = heads(existing)  # their turn came when this transaction deleted the done rows before them
    await uow.work.claim([w.key for w in turn], now)
    moved = [replace(w, state="firing", claimed_at=now, attempts=w.attempts + 1) for w in turn]
    busy = {chain for row in existing if (chain := chain_of(row)) is not None}
    still_waiting = [r for r in existing if r.state == "waiting" and r.key not in {w.key for w in turn}]
    refresh_waiting = any(r.kind == REFRESH for r in still_waiting)
    seq = max((int(r.data.get("seq", 0)) for r in existing), default=0)
    rows: list[DueWork] = []
    for effect in effects:
        chain = chain_of(effect)
        if chain is None:
            rows.append(effect)
            continue
        seq += 1
        effect = replace(effect, data={**effect.data, "seq": seq})
        if chain in busy:
            if effect.kind == REFRESH and refresh_waiting:
                continue  # the refresh already waiting will render the incident as it is then
            effect = replace(effect, state="waiting", claimed_at=None, attempts=0)
            ctx.outbox.queued(incident_id, chain)
        busy.add(chain)
        rows.append(effect)
    await uow.work.put_many(rows)
    for row in rows:
        if row.state == "pending":
            ctx.outbox.wake(row.due_at)
    return Planned([r for r in rows if r.state == "firing"], moved)
