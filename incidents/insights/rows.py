"""The plain rows insights are computed from: what storage reads, already narrowed to what the viewer may see.

Times are timezone-aware (UTC as stored). Storage fills these (through InsightsReader, ports.py); tests and
benchmarks build them by hand. Nothing here knows about Slack or SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from incidents.model import DetectionMethod, ImpactStartSource, Incident


@dataclass(frozen=True, slots=True)
class StatusPeriod:
    """A stretch of time the incident spent in one status (from the timeline's status changes)."""

    status: str
    started_at: datetime
    ended_at: datetime | None = None  # None: still in it


class PostmortemState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One incident as the figures see it: its timestamps, classification and status history."""

    id: int
    reference: str
    severity: str  # the current severity: figures break down by what the incident turned out to be
    declared_at: datetime
    declared_by: str = ""
    services: tuple[str, ...] = ()  # the current services (they can change after declaration)
    private: bool = False
    # Who may see it when private (channel members, role holders); admins always may. Unused when public.
    insiders: frozenset[str] = frozenset()
    roles: Mapping[str, str] = field(default_factory=dict)  # role id -> user id
    detected_at: datetime | None = None  # None: the declaration
    detection_method: DetectionMethod = DetectionMethod.UNKNOWN
    impact_started_at: datetime | None = None  # None: the declaration
    impact_start_source: ImpactStartSource = ImpactStartSource.DEFAULT
    impact_ended_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None  # the last resolution: cleared on reopen, set again when resolved
    closed_at: datetime | None = None
    reopened_count: int = 0
    root_cause: str | None = None  # a root-cause category id of the policy, None until one is picked
    status_periods: tuple[StatusPeriod, ...] = ()
    postmortem: PostmortemState | None = None  # None: no postmortem drafted
    postmortem_published_at: datetime | None = None

    @property
    def detected(self) -> datetime:
        return self.detected_at or self.declared_at

    @property
    def impact_start(self) -> datetime:
        return self.impact_started_at or self.declared_at


class LinkKind(StrEnum):
    REPEAT = "repeat"  # the same failure again: counts as a repeat incident
    RELATED = "related"  # worth reading together, but not the same failure: not counted


@dataclass(frozen=True, slots=True)
class IncidentLink:
    """`/incident link <ID> repeat|related` made in `incident_id`'s channel, pointing at `other_id`."""

    incident_id: int
    other_id: int
    kind: LinkKind


@dataclass(frozen=True, slots=True)
class ActionItemRow:
    id: int
    incident_id: int
    owner: str
    created_at: datetime
    due_on: date
    done_at: datetime | None = None  # None: still open
    private: bool = False  # the incident's: a private incident's items are as private as it is
    insiders: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PageRow:
    """Someone was paged (by the on-call slice) for an incident.

    `out_of_hours` may be given by the paging side; when None it is worked out from the person's own
    timezone and the office hours (see load.py).
    """

    person: str
    at: datetime
    incident_id: int | None = None
    out_of_hours: bool | None = None


@dataclass(frozen=True)
class InsightsData:
    """Everything one computation reads. `pages` is None until the on-call slice stores pages: responder load
    then shows incidents by role only, rather than zero pages."""

    incidents: tuple[IncidentRow, ...]
    action_items: tuple[ActionItemRow, ...] = ()
    links: tuple[IncidentLink, ...] = ()
    pages: tuple[PageRow, ...] | None = None
    timezones: Mapping[str, str] = field(default_factory=dict)  # user id -> IANA timezone (users.info tz)


def row_from_incident(incident: Incident, *, root_cause: str | None = None) -> IncidentRow:
    """The row of one core Incident, so the postmortem and the CSV compute its durations with the same
    definitions as the stats (status history, links and postmortem state are not on the Incident)."""
    return IncidentRow(
        id=incident.id or 0,
        reference=incident.reference,
        severity=incident.severity,
        declared_at=incident.declared_at,
        declared_by=incident.declared_by,
        services=tuple(incident.services),
        private=incident.private,
        roles=dict(incident.roles),
        detected_at=incident.detected_at,
        detection_method=incident.detection_method,
        impact_started_at=incident.impact_started_at,
        impact_start_source=incident.impact_start_source,
        impact_ended_at=incident.impact_ended_at,
        acknowledged_at=incident.acknowledged_at,
        mitigated_at=incident.mitigated_at,
        resolved_at=incident.resolved_at,
        closed_at=incident.closed_at,
        reopened_count=incident.reopened_count,
        root_cause=root_cause,
        postmortem_published_at=incident.postmortem_published_at,
        postmortem=PostmortemState.PUBLISHED if incident.postmortem_published_at else None,
    )
