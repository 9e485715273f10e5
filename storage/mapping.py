"""Rows to domain dataclasses and back, in one place so a new field is added once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from incidents.model import CustomerImpact, DetectionMethod, ImpactStartSource, Incident
from storage.tables import IncidentRow, IncidentServiceRow, RoleAssignmentRow

# Columns copied one to one between IncidentRow and Incident.
_SAME = (
    "reference",
    "year",
    "number",
    "title",
    "description",
    "severity",
    "status",
    "private",
    "declared_by",
    "declared_at",
    "acknowledged_at",
    "identified_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "impact_started_at",
    "impact_ended_at",
    "resolution_summary",
    "reopened_count",
    "channel_id",
    "channel_name",
    "summary_ts",
    "postmortem_published_at",
    "detected_at",
    "escalation_policy",
)

_TABLE = IncidentRow.__table__
# What a Core select of an incident reads, in this order (see incident_from_row).
INCIDENT_COLUMNS = (
    _TABLE.c.id,
    _TABLE.c.customer_impact,
    _TABLE.c.impact_start_source,
    _TABLE.c.detection_method,
    *(_TABLE.c[name] for name in _SAME),
)


def incident_values(incident: Incident) -> dict[str, Any]:
    """The incidents row's column values for `incident` (not its services and roles, which are rows of their own)."""
    values = {name: getattr(incident, name) for name in _SAME}
    values["customer_impact"] = incident.customer_impact.value
    values["impact_start_source"] = incident.impact_start_source.value
    values["detection_method"] = incident.detection_method.value
    # Resolved and closed incidents are "not open": a column, so listing open incidents is one index scan.
    values["is_open"] = incident.resolved_at is None and incident.closed_at is None
    return values


def incident_from_row(row: Sequence[Any], services: list[str], roles: dict[str, str]) -> Incident:
    """An Incident from a row selected with INCIDENT_COLUMNS, and its services (in order) and roles."""
    incident_id, impact, start_source, detection, *same = row
    return Incident(
        **dict(zip(_SAME, same, strict=True)),
        customer_impact=CustomerImpact(impact),
        impact_start_source=ImpactStartSource(start_source),
        detection_method=DetectionMethod(detection),
        services=services,
        roles=roles,
        id=incident_id,
    )


def copy_incident(incident: Incident) -> Incident:
    """A copy that shares nothing mutable with `incident` (cheaper than copy.deepcopy by two orders)."""
    copied: Incident = object.__new__(Incident)
    copied.__dict__.update(incident.__dict__)
    copied.services = list(incident.services)
    copied.roles = dict(incident.roles)
    return copied


def apply_to_row(incident: Incident, row: IncidentRow) -> None:
    for name, value in incident_values(incident).items():
        setattr(row, name, value)
    _sync_services(incident, row)
    _sync_roles(incident, row)


def _sync_services(incident: Incident, row: IncidentRow) -> None:
    wanted = {name: pos for pos, name in enumerate(incident.services)}
    row.services = [s for s in row.services if s.service in wanted]
    for existing in row.services:
        existing.position = wanted.pop(existing.service)
    row.services.extend(IncidentServiceRow(service=name, position=pos) for name, pos in wanted.items())


def _sync_roles(incident: Incident, row: IncidentRow) -> None:
    current = {r.role: r for r in row.roles}
    row.roles = [r for r in row.roles if r.role in incident.roles]
    for role, user_id in incident.roles.items():
        if role in current:
            current[role].user_id = user_id
        else:
            row.roles.append(RoleAssignmentRow(role=role, user_id=user_id))
