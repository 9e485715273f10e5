"""What the on-call slice tells people, as structured notices; the chat adapter words and lays them out.

The composition root gives the slice a `Wording` (bot/oncall_notices.py) that turns each into the
follow-through's `FollowUpNotice`, which is sent once per idempotency key like every other reminder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from incidents.model import Incident
from incidents.ports import FollowUpNotice


@dataclass(frozen=True)
class IncidentBrief:
    reference: str
    severity: str
    title: str
    channel_id: str | None

    @classmethod
    def of(cls, incident: Incident) -> IncidentBrief:
        return cls(incident.reference, incident.severity, incident.title, incident.channel_id)


@dataclass(frozen=True)
class PageNotice:
    """The DM that pages someone (with Acknowledge: `page_id`, and the incident's reference)."""

    page_id: str
    incident: IncidentBrief | None
    schedule: str | None = None  # the schedule they are on call for
    policy: str | None = None
    step: int | None = None
    paged_by: str | None = None
    message: str = ""
    commander_from: str | None = None  # made the commander as on call for this schedule


@dataclass(frozen=True)
class PagedNotice:
    """The incident channel's note of a step: who was paged, which user groups were told."""

    incident: IncidentBrief
    users: tuple[str, ...]
    usergroups: tuple[str, ...]
    policy: str
    step: int
    paged_by: str | None = None


@dataclass(frozen=True)
class StepNotice:
    """A step that notifies a channel."""

    target: str
    incident: IncidentBrief | None
    policy: str
    step: int


@dataclass(frozen=True)
class LoadNotice:
    """Someone past the weekly page limits of a schedule (`over`: which limits, as (kind, limit))."""

    schedule: str
    user: str
    pages: int
    out_of_hours: int
    over: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class HandoffNotice:
    schedule: str
    outgoing: str | None
    incoming: str | None
    until: datetime | None


@dataclass(frozen=True)
class ActionItemBrief:
    id: int
    text: str
    due_on: date


@dataclass(frozen=True)
class BriefingNotice:
    """The incoming person's DM at a handoff: the open incidents and their own open action items."""

    schedule: str
    until: datetime | None
    incidents: tuple[IncidentBrief, ...] = ()
    items: tuple[ActionItemBrief, ...] = field(default_factory=tuple)


OncallNotice = PageNotice | PagedNotice | StepNotice | LoadNotice | HandoffNotice | BriefingNotice
Wording = Callable[[OncallNotice], FollowUpNotice]
