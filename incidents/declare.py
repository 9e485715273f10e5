"""Declaring an incident: validate, record it in one transaction, then set up its channel."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from incidents import effects
from incidents.context import Context
from incidents.effect_runner import perform
from incidents.effects import plan_effects
from incidents.errors import ChannelNameTaken, ChatError, DuplicateDeclaration, InvalidInput
from incidents.model import CustomerImpact, DetectionMethod, ImpactStartSource, Incident, TimelineEvent
from incidents.naming import channel_name_candidates, incident_channel_name, incident_reference
from incidents.oncall.routing import ActiveCheck, Routing, route_declaration
from incidents.people import declared_by_system, ensure_person
from incidents.ports import DueWork
from incidents.search.after_declaration import similar_work

TITLE_MAX = 150
DESCRIPTION_MAX = 3000
SERVICE_NAME_MAX = 60
SERVICES_MAX = 20


@dataclass(frozen=True)
class DeclareRequest:
    title: str
    severity: str
    declared_by: str
    description: str = ""
    services: list[str] = field(default_factory=list)
    customer_impact: str = CustomerImpact.UNKNOWN.value
    commander: str | None = None
    private: bool = False
    impact_started_at: datetime | None = None
    # Where the impact start came from; None: entered when one is given, else the default (the declaration).
    impact_start_source: ImpactStartSource | None = None
    detection_method: str = DetectionMethod.UNKNOWN.value
    detected_at: datetime | None = None  # None: at the declaration
    escalation_policy: str | None = None
    # Identifies one submission (the modal's view id), so a double-clicked submit declares once.
    declare_key: str | None = None


@dataclass(frozen=True)
class SetupReport:
    incident: Incident
    problems: list[str]


@dataclass(frozen=True)
class Declaration:
    """What a submission of the declare form led to. `setup` is None when it was a duplicate submission."""

    incident: Incident
    created: bool
    setup: SetupReport | None


def validate_declaration(ctx: Context, request: DeclareRequest) -> None:
    """Raise InvalidInput naming each bad field; nothing is stored when this fails."""
    errors: dict[str, str] = {}
    title = request.title.strip()
    if not title:
        errors["title"] = "Give the incident a title, e.g. “Checkout API returning 500s”."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."
    if ctx.policy.severity(request.severity) is None:
        names = ", ".join(s.id for s in ctx.policy.severity_choices())
        errors["severity"] = f"Pick one of {names}."
    if len(request.description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description to {DESCRIPTION_MAX} characters."
    if request.customer_impact not in {c.value for c in CustomerImpact}:
        errors["customer_impact"] = "Choose yes, no or unknown."
    if request.detection_method not in {m.value for m in DetectionMethod}:
        errors["detection_method"] = "Choose monitor, customer, employee, other or unknown."
    bad = [s for s in request.services if not s.strip() or len(s.strip()) > SERVICE_NAME_MAX]
    if bad:
        errors["services"] = f"Service names must be 1 to {SERVICE_NAME_MAX} characters."
    elif len(request.services) > SERVICES_MAX:
        errors["services"] = f"Name at most {SERVICES_MAX} services."
    started = request.impact_started_at
    now = ctx.clock.now()
    if started is not None and started > now + timedelta(minutes=1):
        errors["impact_started_at"] = "Impact can't start in the future."
    elif started is not None and started < now - timedelta(days=365):
        errors["impact_started_at"] = "That is more than a year ago; check the date."
    if errors:
        raise InvalidInput(errors)


def _clean_services(services: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in services:
        cleaned = " ".join(name.split())
        seen.setdefault(cleaned.lower(), cleaned)
    return list(seen.values())


async def record_declaration(ctx: Context, request: DeclareRequest) -> tuple[Incident, bool]:
    """Create the incident in one transaction; returns (incident, created). Idempotent on `declare_key`."""
    return await _record(ctx, request, claim_setup=False)


async def declare_incident(ctx: Context, request: DeclareRequest) -> Declaration:
    """Record the incident and set up its channel: the whole of declaring, after the modal was validated.

    The transaction that creates the incident also claims its set-up, so of two submissions of one form
    (a double click) one creates and sets up, and the other just answers with that incident.
    """
    incident, created = await _record(ctx, request, claim_setup=True)
    if not created:
        return Declaration(incident, created=False, setup=None)
    return Declaration(incident, created=True, setup=await _set_up(ctx, incident))


async def _record(ctx: Context, request: DeclareRequest, *, claim_setup: bool) -> tuple[Incident, bool]:
    validate_declaration(ctx, request)
    now = ctx.clock.now()
    severity = ctx.policy.severity(request.severity)
    assert severity is not None
    commander = request.commander or request.declared_by
    if not declared_by_system(commander):
        await ensure_person(ctx, commander, actor=request.declared_by, field="commander")
    routing = await route_declaration(  # on-call (issue 11): the paging policy, an on-call commander
        ctx.oncall, services=_clean_services(request.services), severity=severity.id,
        explicit=request.escalation_policy, declarer=request.declared_by, chosen_commander=commander,
        is_active=ActiveCheck(ctx.chat),
    )  # fmt: skip
    try:
        return await _insert(ctx, request, severity.id, routing, now, claim_setup=claim_setup), True
    except DuplicateDeclaration:
        # This very submission was recorded before (the unique declare key said so, and the transaction that
        # found out was rolled back, number and all): answer with that incident.
        async with ctx.uow(write=False) as uow:
            assert request.declare_key is not None
            existing = await uow.incidents.get_by_declare_key(request.declare_key)
        if existing is None:
            raise
        return existing, False


async def _insert(
    ctx: Context, request: DeclareRequest, severity_id: str, routing: Routing, now: datetime, *, claim_setup: bool
) -> Incident:
    commander = routing.commander
    async with ctx.uow() as uow:
        # No look-up by declare key first: the key is unique, so a duplicate fails the insert below, and its
        # number goes back with the rollback. Checking first would cost every declaration a query.
        number = await uow.incidents.next_number(now.year)
        incident = Incident(
            reference=incident_reference(now.year, number),
            year=now.year,
            number=number,
            title=request.title.strip(),
            description=request.description.strip(),
            severity=severity_id,
            status=ctx.policy.initial_status.id,
            declared_by=request.declared_by,
            declared_at=now,
            services=_clean_services(request.services),
            customer_impact=CustomerImpact(request.customer_impact),
            private=request.private,
            roles={} if declared_by_system(commander) else {"commander": commander},
            # A person declaring for themselves is responding: acknowledged at once. Declared for another commander
            # (or raised by an alert), it waits for them to acknowledge, and escalates if nobody does.
            # Where an escalation policy pages, it waits unless the declarer is the one it would page first.
            acknowledged_at=now if routing.acknowledged_at_once and not declared_by_system(commander) else None,
            impact_started_at=request.impact_started_at or now,
            impact_start_source=_impact_start_source(request),
            detected_at=request.detected_at or now,
            detection_method=DetectionMethod(request.detection_method),
            escalation_policy=routing.policy or request.escalation_policy,
        )
        incident = await uow.incidents.add(incident, declare_key=request.declare_key, claim_setup=claim_setup)
        if routing.snapshot and incident.id is not None:  # who was on call, kept with the incident
            await uow.oncall.record_snapshot(incident.id, routing.snapshot, now)
        people = {request.declared_by, commander} - {
            p for p in (request.declared_by, commander) if declared_by_system(p)
        }
        await uow.incidents.add_members(incident.reference, sorted(people), now)
        await uow.incidents.add_event(
            incident.reference,
            TimelineEvent(
                kind="declared",
                at=now,
                actor=request.declared_by,
                text=f"Declared {incident.reference} ({severity_id}): {incident.title}",
                data={"severity": severity_id, "commander": incident.commander, "private": request.private}
                | ({"on_call_commander": routing.on_call_commander} if routing.on_call_commander else {}),
            ),
        )
        # Declared together with its set-up (claim_setup), the incident's follow-through is planned once, by the
        # set-up, when its channel exists; recorded alone, it is planned now.
        if ctx.planner is not None and not claim_setup:
            await ctx.planner.incident_changed(uow, incident)
        await uow.commit()
    return incident


def _impact_start_source(request: DeclareRequest) -> ImpactStartSource:
    if request.impact_start_source is not None:
        return request.impact_start_source
    return ImpactStartSource.ENTERED if request.impact_started_at is not None else ImpactStartSource.DEFAULT


async def set_up_incident(ctx: Context, reference: str) -> SetupReport | None:
    """Set up a recorded incident's channel (see `_set_up`). None when another worker already claimed it."""
    async with ctx.uow() as uow:
        if not await uow.incidents.claim_setup(reference):
            return None
        incident = await uow.incidents.get(reference)
        await uow.commit()
    assert incident is not None
    return await _set_up(ctx, incident)


async def _set_up(ctx: Context, incident: Incident) -> SetupReport:
    """Open the channel, post the summary, then invite, pin and announce, for an incident whose set-up this
    worker claimed.

    The channel is created here and now (its claim is the set-up's). Everything after is durable work written
    with the channel in one transaction (see effects.py) and tried at once: what fails for a reason that may
    pass is retried by the scheduler, and the declarer is told exactly what was given up. What set-up creates is
    stored column by column, so a change someone makes meanwhile (a role, say) is never overwritten.
    """
    problems: list[str] = []

    base = incident_channel_name(ctx.policy.channels.prefix, incident.reference, incident.title)
    for name in channel_name_candidates(base):
        try:
            channel = await ctx.chat.create_channel(name, private=incident.private)
            break
        except ChannelNameTaken:
            continue
        except ChatError as exc:
            problems.append(f"I couldn't create the incident channel ({exc.code}).")
            break
    else:
        problems.append(f"I couldn't create the incident channel: every name like #{base} is taken.")
    if problems:
        if ctx.planner is not None:  # no channel: still escalate (or page) if nobody acknowledges
            async with ctx.uow() as uow:
                await ctx.planner.incident_opened(uow, incident)
                await uow.commit()
        await _tell_declarer(ctx, incident, problems)
        return SetupReport(incident, problems)

    incident.channel_id, incident.channel_name = channel.id, channel.name
    if ctx.capture is not None and incident.id is not None:
        ctx.capture.index.add(channel.id, incident.id)
    # The summary is posted before the channel is recorded, so one transaction stores both. Nobody but the bot
    # is in the channel until the invites, so nothing can ask for the incident by its channel meanwhile.
    assert incident.id is not None
    posting: ChatError | None = None
    try:
        incident.summary_ts = await ctx.chat.post_summary(incident, key=effects.summary_key(incident.id))
    except ChatError as exc:
        posting = exc
        if not exc.retryable:
            problems.append(f"I couldn't post the incident summary ({exc.code}).")
    opened = TimelineEvent("channel_created", ctx.clock.now(), None, f"Opened #{channel.name}")
    similar = await similar_work(ctx, incident)
    async with ctx.uow() as uow:
        await uow.incidents.record_setup(incident.reference, channel=channel, summary_ts=incident.summary_ts)
        await uow.incidents.add_event(incident.reference, opened)
        if ctx.planner is not None:  # with a channel, update reminders can be planned too
            await ctx.planner.incident_opened(uow, incident)
        planned = await plan_effects(ctx, uow, incident.id, _set_up_effects(ctx, incident, posting))
        if similar is not None:  # similar past incidents, posted by the scheduler: off the declare path
            await uow.work.put(similar)
        await uow.commit()
    if similar is not None:
        ctx.outbox.wake(similar.due_at)
    problems += await perform(ctx, planned, incident)
    if problems:
        await _tell_declarer(ctx, incident, problems)
    return SetupReport(incident, problems)


def _set_up_effects(ctx: Context, incident: Incident, posting: ChatError | None) -> list[DueWork]:
    """The steps after the channel: topic and purpose, invites, the summary's pin (or its post, when that failed
    for a reason that may pass: retried later, after Retry-After), the announcement."""
    now = ctx.clock.now()
    system = declared_by_system(incident.declared_by)
    who = None if system else incident.declared_by
    people = set(incident.roles.values()) | (set() if system else {incident.declared_by})
    steps = [effects.describe_channel(incident, now, tell=who)]
    if people:
        steps.append(effects.invite(incident, sorted(people), now, tell=who))
    if incident.summary_ts is not None:
        steps.append(effects.pin_summary(incident, incident.summary_ts, now, tell=who))
    elif posting is not None and posting.retryable:
        wait = max(timedelta(seconds=posting.retry_after or 0), ctx.policy.scheduler.retry_after)
        post = effects.post_summary(incident, now, tell=who)
        data = {**post.data, "unsure": posting.retry_after is None}  # no answer: it may be there already
        steps.append(replace(post, due_at=now + wait, state="pending", claimed_at=None, data=data))
    announcement = ctx.policy.channels.announcement
    if announcement and not incident.private:
        steps.append(effects.announce(incident, announcement, now, tell=who))
    return steps


async def _tell_declarer(ctx: Context, incident: Incident, problems: list[str]) -> None:
    if declared_by_system(incident.declared_by):
        return  # nobody to tell: the gateway has logged each failure
    text = f"{incident.reference} is declared, but not everything worked:\n" + "\n".join(f"• {p}" for p in problems)
    # If even this fails there is nowhere left to tell them; the gateway has logged each failure.
    with contextlib.suppress(ChatError):
        await ctx.chat.tell_user(incident.declared_by, text, channel=incident.channel_id)
