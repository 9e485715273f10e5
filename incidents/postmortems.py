"""Postmortem use cases: draft a version from the timeline, edit a section, send for review, track a suggestion.

Every change is a new version (or a status change) in one transaction, recorded on the timeline. Publishing,
which also closes the incident, is in postmortem_publish.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from incidents import effects
from incidents.access import may_change, visible
from incidents.action_items import ActionItem, ActionItemFilter, NewActionItem
from incidents.actions import create_action_item
from incidents.changes import Target, authorize
from incidents.context import Context
from incidents.effect_runner import perform
from incidents.effects import plan_effects
from incidents.errors import IncidentError, InvalidInput, InvalidTransition, NotFound
from incidents.message_text import encode_entities, mentioned_users
from incidents.model import Incident, TimelineEvent
from incidents.ports import Notice
from incidents.postmortem_doc import (
    Postmortem,
    PostmortemDocument,
    PostmortemStatus,
    Section,
    SectionSource,
    SuggestedAction,
)
from incidents.postmortem_policy import COMPUTED_SECTIONS
from incidents.postmortem_ports import DraftRequest
from incidents.timeline import TimelineEntry

SECTION_MAX = 3000  # what a Slack text input holds


class DraftingUnavailable(IncidentError):
    """No drafter is wired in (only in tests and tools that draft nothing)."""


def editable_sections(postmortem: Postmortem) -> list[Section]:
    """Narrative sections; the computed ones (impact, timeline) are facts, fixed by fixing the timeline."""
    return [s for s in postmortem.document.sections if s.key not in COMPUTED_SECTIONS]


def people_in(incident: Incident, entries: list[TimelineEntry]) -> list[str]:
    people = {incident.declared_by, *incident.roles.values()}
    for entry in entries:
        if entry.actor:
            people.add(entry.actor)
        people.update(mentioned_users(entry.text))
    return sorted(people)


@dataclass(frozen=True)
class PostmortemReading:
    incident: Incident
    postmortem: Postmortem | None  # the current version; None before the first draft
    may_post: bool  # posting it into the incident's channel is a change: members, role holders, admins


async def read_postmortem(ctx: Context, target: Target) -> PostmortemReading:
    """The current version, for anyone who may see the incident, and whether they may also post it."""
    async with ctx.uow(write=False) as uow:
        incident = await visible(ctx, uow, actor=target.actor, reference=target.reference, channel_id=target.channel_id)
        assert incident.id is not None
        current = await uow.postmortems.current(incident.id)
        return PostmortemReading(incident, current, await may_change(ctx, uow, incident, target.actor))


async def current_postmortem(ctx: Context, target: Target) -> tuple[Incident, Postmortem | None]:
    async with ctx.uow(write=False) as uow:
        incident = await visible(ctx, uow, actor=target.actor, reference=target.reference, channel_id=target.channel_id)
        assert incident.id is not None
        return incident, await uow.postmortems.current(incident.id)


async def require_postmortem(ctx: Context, target: Target) -> tuple[Incident, Postmortem]:
    incident, postmortem = await current_postmortem(ctx, target)
    if postmortem is None:
        raise NotFound(f"{incident.reference} has no postmortem yet: `/incident postmortem` drafts one.")
    return incident, postmortem


async def editable_postmortem(ctx: Context, target: Target) -> Postmortem:
    """The current version, for someone who may change the incident, while it is not published."""
    incident = await authorize(ctx, target)
    _incident, postmortem = await require_postmortem(ctx, target)
    _unpublished(incident, postmortem)
    return postmortem


def _unpublished(incident: Incident, postmortem: Postmortem | None) -> None:
    if postmortem is not None and postmortem.status is PostmortemStatus.PUBLISHED:
        raise InvalidTransition(f"{incident.reference}'s postmortem is published; it can no longer change.")


def _keep_edits(document: PostmortemDocument, previous: Postmortem | None) -> PostmortemDocument:
    """What people wrote is theirs: a new draft does not overwrite an edited section."""
    if previous is None:
        return document
    for section in previous.document.sections:
        fresh = document.section(section.key)
        if section.source is SectionSource.EDITED and fresh is not None:
            document = document.with_section(Section(fresh.key, fresh.title, section.body, SectionSource.EDITED))
    return document


async def draft_postmortem(ctx: Context, target: Target, *, automatic: bool = False) -> Postmortem:
    """Draft a new version from the timeline (model or template); sections people edited are kept."""
    if ctx.drafter is None:
        raise DraftingUnavailable("Postmortem drafting is not set up here.")
    incident = await authorize(ctx, target)
    assert incident.id is not None
    async with ctx.uow(write=False) as uow:
        entries = await uow.timeline.entries(incident.id)
        previous = await uow.postmortems.current(incident.id)
    _unpublished(incident, previous)
    names = await ctx.chat.user_names(people_in(incident, entries))
    document = await ctx.drafter.draft(DraftRequest(incident, entries, names, ctx.policy))
    change = "drafted on resolution" if automatic else ("redrafted" if previous else "drafted")
    return await _new_version(ctx, incident, target.actor, _keep_edits(document, previous), change, edit=False)


async def _new_version(
    ctx: Context, incident: Incident, actor: str, document: PostmortemDocument, change: str, *, edit: bool
) -> Postmortem:
    now = ctx.clock.now()
    assert incident.id is not None
    async with ctx.uow() as uow:
        latest = await uow.postmortems.current(incident.id)
        _unpublished(incident, latest)
        # An edit keeps the status (a postmortem in review stays in review); a new draft starts over.
        status = latest.status if edit and latest is not None else PostmortemStatus.DRAFT
        version = await uow.postmortems.add_version(
            incident.id, document, at=now, by=actor, change=change, status=status
        )
        kind = "postmortem_edited" if edit else "postmortem_drafted"
        text = f"Postmortem v{version} {change} ({document.draft.kind.value} draft)" if not edit else change
        await uow.incidents.add_event(incident.reference, TimelineEvent(kind, now, actor, text, {"version": version}))
        stored = await uow.postmortems.current(incident.id)
        await uow.commit()
    assert stored is not None
    return stored


async def edit_section(ctx: Context, target: Target, key: str, text: str) -> Postmortem:
    """Replace one narrative section with what a person wrote: a new version."""
    text = text.strip()
    if not text:
        raise InvalidInput({"text": "Write the section (or a line saying why there is nothing to say)."})
    if len(text) > SECTION_MAX:
        raise InvalidInput({"text": f"Keep a section to {SECTION_MAX} characters."})
    incident = await authorize(ctx, target)
    assert incident.id is not None
    async with ctx.uow(write=False) as uow:
        current = await uow.postmortems.current(incident.id)
    if current is None:
        raise NotFound(f"{incident.reference} has no postmortem yet: `/incident postmortem` drafts one.")
    section = current.document.section(key)
    if section is None or key in COMPUTED_SECTIONS:
        names = ", ".join(s.key for s in editable_sections(current))
        raise InvalidInput({"section": f"“{key}” is not a section you can edit. Choose one of: {names}."})
    document = current.document.with_section(Section(key, section.title, text, SectionSource.EDITED))
    return await _new_version(ctx, incident, target.actor, document, f"edited {section.title}", edit=True)


async def send_for_review(ctx: Context, target: Target) -> tuple[Postmortem, list[str]]:
    """Draft → in review; the channel is told. Returns the postmortem and what could not be posted."""
    incident = await authorize(ctx, target)
    assert incident.id is not None
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        current = await uow.postmortems.current(incident.id)
        if current is None:
            raise NotFound(f"{incident.reference} has no postmortem yet: `/incident postmortem` drafts one.")
        if current.status is not PostmortemStatus.DRAFT:
            raise InvalidTransition(f"{incident.reference}'s postmortem is already {current.status.label.lower()}.")
        await uow.postmortems.set_status(incident.id, PostmortemStatus.IN_REVIEW, at=now, by=target.actor)
        text = f"Postmortem v{current.version} is ready for review"
        data = {"version": current.version}
        await uow.incidents.add_event(
            incident.reference, TimelineEvent("postmortem_review", now, target.actor, text, data)
        )
        stored = await uow.postmortems.current(incident.id)
        telling = []
        if incident.channel_id:  # durable, like every change's notice (see effects.py)
            notice = Notice("postmortem_review", target.actor, text)
            telling = [effects.notice(incident, incident.channel_id, notice, now, tell=target.actor)]
        planned = await plan_effects(ctx, uow, incident.id, telling)
        await uow.commit()
    assert stored is not None
    return stored, await perform(ctx, planned, incident)


async def suggestion(ctx: Context, target: Target, version: int, index: int) -> tuple[Postmortem, SuggestedAction]:
    """A suggested action item of a given version (buttons carry the version they were posted with)."""
    incident = await authorize(ctx, target)
    assert incident.id is not None
    async with ctx.uow(write=False) as uow:
        postmortem = await uow.postmortems.version(incident.id, version)
    if postmortem is None or not 0 <= index < len(postmortem.document.suggestions):
        raise NotFound(f"{incident.reference}'s postmortem v{version} has no such suggested action item.")
    return postmortem, postmortem.document.suggestions[index]


async def track_suggestion(
    ctx: Context, target: Target, version: int, index: int, *, owner: str, due_on: date | None, text: str = ""
) -> ActionItem:
    """Turn a suggested action item into a tracked one (source `postmortem`); each suggestion is tracked once.
    `text`, the form's wording (as Slack writes message text, like every item's), replaces the suggestion's."""
    postmortem, suggested = await suggestion(ctx, target, version, index)
    async with ctx.uow(write=False) as uow:
        query = ActionItemFilter(incident_id=postmortem.incident_id, open_only=False, limit=500)
        existing = await uow.action_items.search(query)
    for item in existing:
        if item.source == "postmortem" and item.data.get("suggestion") == suggested.text:
            raise InvalidTransition(f"That suggestion is already tracked as action item #{item.id}.")
    new = NewActionItem(
        text=text.strip() or encode_entities(suggested.text),  # a suggestion is plain text, as the form's is
        owner=owner or None,
        due_on=due_on,
        priority=suggested.priority,
        source="postmortem",
        data={"postmortem_version": version, "suggestion": suggested.text, "cites": list(suggested.cites)},
    )
    return await create_action_item(ctx, Target(actor=target.actor, reference=postmortem.reference), new)


async def auto_draft_due(ctx: Context, incident: Incident) -> bool:
    """Whether resolving `incident` should draft its postmortem: a severity the policy names, none drafted yet."""
    if ctx.drafter is None or incident.id is None or incident.resolved_at is None:
        return False
    if not ctx.policy.postmortem.drafts_automatically(incident.severity):
        return False
    async with ctx.uow(write=False) as uow:
        return await uow.postmortems.current(incident.id) is None
