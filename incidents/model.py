"""What an incident is. Plain dataclasses: storage maps them, the bot renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class CustomerImpact(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class DetectionMethod(StrEnum):
    """How the problem was first noticed: what MTTD is about, and what the analytics break down by."""

    MONITOR = "monitor"  # an alert or a dashboard
    CUSTOMER = "customer"
    EMPLOYEE = "employee"
    OTHER = "other"
    UNKNOWN = "unknown"


class ImpactStartSource(StrEnum):
    """Where `impact_started_at` came from: only an entered or alert-given start says anything about detection
    time (a default start, the declaration itself, would make every detection look instant)."""

    ENTERED = "entered"
    ALERT = "alert"
    DEFAULT = "default"


@dataclass
class Incident:
    reference: str  # e.g. INC-2026-0042: what people say and type
    year: int
    number: int
    title: str
    severity: str
    status: str
    declared_by: str
    declared_at: datetime
    description: str = ""
    services: list[str] = field(default_factory=list)
    customer_impact: CustomerImpact = CustomerImpact.UNKNOWN
    private: bool = False
    # Role id -> user id; "commander" is always present once declared.
    roles: dict[str, str] = field(default_factory=dict)
    # Lifecycle timestamps: MTTA, MTTR and the analytics are computed from these, see lifecycle.py.
    acknowledged_at: datetime | None = None
    identified_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    impact_started_at: datetime | None = None
    impact_ended_at: datetime | None = None
    impact_start_source: ImpactStartSource = ImpactStartSource.DEFAULT
    # When the problem was detected: the first linked alert's start, else the declaration.
    detected_at: datetime | None = None
    detection_method: DetectionMethod = DetectionMethod.UNKNOWN
    # The escalation policy chosen when it was declared (an alert route's, say); None: the services' policies.
    escalation_policy: str | None = None
    resolution_summary: str = ""
    reopened_count: int = 0
    postmortem_published_at: datetime | None = None
    channel_id: str | None = None
    channel_name: str | None = None
    summary_ts: str | None = None
    id: int | None = None

    @property
    def commander(self) -> str | None:
        return self.roles.get("commander")


@dataclass(frozen=True)
class TimelineEvent:
    """Something that happened to an incident, recorded with who and when (the timeline's seed)."""

    kind: str  # declared, status_changed, severity_changed, role_assigned, stakeholder_update, ...
    at: datetime
    actor: str | None
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentFilter:
    open_only: bool = True
    severity: str | None = None
    service: str | None = None
    involving: str | None = None  # user id: declared it, holds a role in it, or is a member
    visible_to: str | None = None  # user id: leave out private incidents this user is not part of
    limit: int = 50


@dataclass(frozen=True)
class ChannelRef:
    id: str
    name: str
