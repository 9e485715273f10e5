"""Rows to domain dataclasses and back, in one place so a new field is added once."""

from __future__ import annotations

from incidents.model import CustomerImpact, Incident
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
)


def to_domain(row: IncidentRow) -> Incident:
    values = {name: getattr(row, name) for name in _SAME}
    return Incident(
        **values,
        customer_impact=CustomerImpact(row.customer_impact),
        services=[s.service for s in row.services],
        roles={r.role: r.user_id for r in row.roles},
        id=row.id,
    )


def apply_to_row(incident: Incident, row: IncidentRow) -> None:
    for name in _SAME:
        setattr(row, name, getattr(incident, name))
    row.customer_impact = incident.customer_impact.value
    # Resolved and closed incidents are "not open": a column, so listing open incidents is one index scan.
    row.is_open = incident.resolved_at is None and incident.closed_at is None
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
