"""The policy file: severities, statuses, roles, channels and every timer the bot uses.

Validated by pydantic so that a mistake is reported with the file and the key, never at 3 a.m. mid-incident.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from incidents.alerts.policy import AlertsPolicy, AlertsSection
from incidents.durations import Duration
from incidents.followup_policy import (
    ActionItemPolicy,
    Digest,
    Escalation,
    Reminders,
    SchedulerPolicy,
    WorkingHours,
)
from incidents.insights.policy import InsightsPolicy
from incidents.oncall.policy import OncallPolicy
from incidents.policy_problems import validation_problems, yaml_problem
from incidents.postmortem_policy import PostmortemPolicy

# The lifecycle milestones a status can mark, in the order an incident passes them.
Milestone = Literal["identified", "mitigated", "resolved", "closed"]
MILESTONE_ORDER: tuple[Milestone, ...] = ("identified", "mitigated", "resolved", "closed")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(_Strict):
    id: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=60)
    description: str = ""
    response_target: Duration = timedelta(minutes=30)
    update_cadence: Duration | None = None
    resolve_target: Duration | None = None  # MTTR's target (declared → resolved); None: none


class Status(_Strict):
    id: str = Field(min_length=1, max_length=30, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=40)
    description: str = ""
    marks: Milestone | None = None


class Role(_Strict):
    id: str = Field(min_length=1, max_length=30, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=40)
    description: str = ""


class Channels(_Strict):
    announcement: str | None = None
    stakeholders: dict[str, str] = Field(default_factory=dict)
    prefix: str = Field(default="inc", pattern=r"^[a-z0-9_-]{1,10}$")


def _default_severities() -> list[Severity]:
    return [
        Severity(
            id="SEV1",
            name="Critical",
            description="Full outage or data loss; all hands.",
            response_target=timedelta(minutes=5),
            update_cadence=timedelta(minutes=15),
        ),
        Severity(
            id="SEV2",
            name="Major",
            description="Major feature broken for many customers.",
            response_target=timedelta(minutes=15),
            update_cadence=timedelta(minutes=30),
        ),
        Severity(
            id="SEV3",
            name="Minor",
            description="Partial degradation with a workaround.",
            response_target=timedelta(hours=1),
            update_cadence=timedelta(hours=1),
        ),
        Severity(
            id="SEV4",
            name="Low",
            description="Cosmetic or internal-only issue.",
            response_target=timedelta(hours=4),
            update_cadence=None,
        ),
    ]


def _default_triage() -> Severity:
    return Severity(
        id="TRIAGE",
        name="Unknown / triage",
        description="Impact not yet known; pick a severity as soon as you can.",
        response_target=timedelta(minutes=15),
        update_cadence=timedelta(minutes=30),
    )


def _default_statuses() -> list[Status]:
    return [
        Status(id="investigating", name="Investigating", description="Looking for the cause."),
        Status(id="identified", name="Identified", description="Cause known.", marks="identified"),
        Status(id="monitoring", name="Monitoring", description="Impact mitigated; watching.", marks="mitigated"),
        Status(id="resolved", name="Resolved", description="Fixed; follow-ups remain.", marks="resolved"),
        Status(id="closed", name="Closed", description="Postmortem done; nothing left.", marks="closed"),
    ]


def _default_roles() -> list[Role]:
    return [
        Role(id="commander", name="Incident commander", description="Runs the response and decides."),
        Role(id="tech_lead", name="Tech lead", description="Leads the technical investigation."),
        Role(id="comms_lead", name="Communications lead", description="Keeps stakeholders informed."),
        Role(id="scribe", name="Scribe", description="Keeps the timeline accurate."),
    ]


class TimelinePolicy(_Strict):
    # Reactions that flag a message as a key event (emoji names without colons); removing them unflags it.
    highlight_emoji: list[str] = Field(default_factory=lambda: ["pushpin"])
    # Pinning a message in the incident channel flags it too.
    flag_pins: bool = True


class Policy(_Strict):
    severities: list[Severity] = Field(default_factory=_default_severities, min_length=1)
    triage: Severity = Field(default_factory=_default_triage)
    statuses: list[Status] = Field(default_factory=_default_statuses, min_length=2)
    roles: list[Role] = Field(default_factory=_default_roles, min_length=1)
    channels: Channels = Field(default_factory=Channels)
    admins: list[str] = Field(default_factory=list)
    timeline: TimelinePolicy = Field(default_factory=TimelinePolicy)
    escalation: Escalation = Field(default_factory=Escalation)
    reminders: Reminders = Field(default_factory=Reminders)
    action_items: ActionItemPolicy = Field(default_factory=ActionItemPolicy)
    working_hours: WorkingHours = Field(default_factory=WorkingHours)
    digest: Digest = Field(default_factory=Digest)
    scheduler: SchedulerPolicy = Field(default_factory=SchedulerPolicy)
    postmortem: PostmortemPolicy = Field(default_factory=PostmortemPolicy)
    oncall: OncallPolicy = Field(default_factory=OncallPolicy)
    insights: InsightsPolicy = Field(default_factory=InsightsPolicy)
    reopen_status: str | None = None
    alerts: AlertsSection = Field(default_factory=AlertsPolicy)

    @field_validator("severities", "statuses", "roles")
    @classmethod
    def _unique_ids(cls, items: list[Severity] | list[Status] | list[Role]) -> object:
        seen: set[str] = set()
        for item in items:
            key = item.id.lower()
            if key in seen:
                raise ValueError(f"id '{item.id}' appears twice")
            seen.add(key)
        return items

    @model_validator(mode="after")
    def _coherent(self) -> Policy:
        if self.triage.id.lower() in {s.id.lower() for s in self.severities}:
            raise ValueError(f"triage.id '{self.triage.id}' clashes with a severity id")
        if "commander" not in {r.id for r in self.roles}:
            raise ValueError("roles must include one with id 'commander'")
        marks = [s.marks for s in self.statuses if s.marks]
        if len(marks) != len(set(marks)):
            raise ValueError("statuses: each milestone (marks) may be marked by one status only")
        if "resolved" not in marks:
            raise ValueError("statuses: one status must have `marks: resolved`")
        if self.statuses[0].marks is not None:
            raise ValueError("statuses: the first status is where incidents start and cannot mark a milestone")
        order = [MILESTONE_ORDER.index(m) for m in marks]
        if order != sorted(order):
            raise ValueError("statuses: milestones must come in the order identified, mitigated, resolved, closed")
        if self.reopen_status is not None:
            reopen = self.status(self.reopen_status)
            if reopen is None or reopen.marks in ("resolved", "closed"):
                raise ValueError(f"reopen_status '{self.reopen_status}' must name an open status")
        for sev in self.channels.stakeholders:
            if self.severity(sev) is None:
                raise ValueError(f"channels.stakeholders: unknown severity '{sev}'")
        return self

    # Lookups are case-insensitive because people type `/incident severity sev1`.
    def severity(self, severity_id: str) -> Severity | None:
        wanted = severity_id.strip().lower()
        return next((s for s in self.severity_choices() if s.id.lower() == wanted), None)

    def severity_choices(self) -> list[Severity]:
        return [*self.severities, self.triage]

    def status(self, status_id: str) -> Status | None:
        wanted = status_id.strip().lower()
        return next((s for s in self.statuses if s.id == wanted or s.name.lower() == wanted), None)

    def role(self, role_id: str) -> Role | None:
        wanted = role_id.strip().lower().replace("-", "_")
        return next((r for r in self.roles if r.id == wanted or r.name.lower() == wanted), None)

    def status_marking(self, milestone: Milestone) -> Status | None:
        return next((s for s in self.statuses if s.marks == milestone), None)

    @property
    def initial_status(self) -> Status:
        return self.statuses[0]

    @property
    def resolved_status(self) -> Status:
        status = self.status_marking("resolved")
        assert status is not None  # guaranteed by _coherent
        return status

    @property
    def reopen_to(self) -> Status:
        chosen = self.status(self.reopen_status) if self.reopen_status else None
        return chosen or self.initial_status

    def is_open(self, status_id: str) -> bool:
        status = self.status(status_id)
        return status is None or status.marks not in ("resolved", "closed")

    def stakeholder_channel(self, severity_id: str) -> str | None:
        for key, channel in self.channels.stakeholders.items():
            if key.lower() == severity_id.lower():
                return channel
        return None


class PolicyError(Exception):
    """The policy file is unreadable or invalid; the message names the file and the key."""


def load_policy(path: Path | None) -> Policy:
    """Read and validate the policy file; `None` gives the built-in defaults."""
    if path is None:
        return Policy()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the policy file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(yaml_problem(path, exc)) from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise PolicyError(f"{path}: the top level must be a mapping of keys such as `severities:`")
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError("\n".join(validation_problems(path, exc, Policy))) from exc
