"""The lifecycle rules: which timestamps a status change sets, keeps or clears.

Statuses mark milestones in order (identified → mitigated → resolved → closed). The rules, documented in the
README because MTTA/MTTR are computed from them:
- Moving forward sets the milestone's timestamp, and fills any earlier milestone that is still empty with
  the same time (jumping straight to Resolved means it was identified and mitigated by then).
- Mitigation ends the impact: `impact_ended_at` is set with `mitigated_at`.
- Moving backward (including reopening) clears the timestamps of milestones after the new status, because
  that milestone has to be reached again; the cleared values stay in the timeline event.
- `declared_at`, `acknowledged_at` and `impact_started_at` are never cleared. Any change by a person
  acknowledges an unacknowledged incident.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidents.model import Incident
from incidents.policy import MILESTONE_ORDER, Milestone, Policy, Status

_FIELD: dict[Milestone, str] = {
    "identified": "identified_at",
    "mitigated": "mitigated_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
}


def milestone_rank(status: Status) -> int:
    """0 for a status that marks nothing, else 1 + the milestone's position."""
    return 0 if status.marks is None else MILESTONE_ORDER.index(status.marks) + 1


def acknowledge(incident: Incident, at: datetime) -> None:
    if incident.acknowledged_at is None:
        incident.acknowledged_at = at


def apply_status(incident: Incident, policy: Policy, new: Status, at: datetime) -> dict[str, Any]:
    """Move `incident` to `new`, applying the rules above; returns the timestamps cleared (for the record)."""
    rank = milestone_rank(new)
    cleared: dict[str, Any] = {}
    for index, milestone in enumerate(MILESTONE_ORDER, start=1):
        field = _FIELD[milestone]
        current = getattr(incident, field)
        if index <= rank and current is None:
            setattr(incident, field, at)
        elif index > rank and current is not None:
            cleared[field] = current.isoformat()
            setattr(incident, field, None)
    if incident.mitigated_at is not None and incident.impact_ended_at is None:
        incident.impact_ended_at = incident.mitigated_at
    elif incident.mitigated_at is None and incident.impact_ended_at is not None:
        cleared["impact_ended_at"] = incident.impact_ended_at.isoformat()
        incident.impact_ended_at = None
    incident.status = new.id
    acknowledge(incident, at)
    return cleared
