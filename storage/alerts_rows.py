"""Alert groups, storms and integrations to and from their rows."""

from __future__ import annotations

from typing import Any

from incidents.alerts.groups import AlertGroup
from incidents.alerts.integrations import Integration
from incidents.alerts.model import AlertLink, AlertSourceKind, AlertStatus
from incidents.alerts.storms import Storm
from storage.alerts_tables import AlertGroupRow, AlertStormRow, IntegrationRow

GROUP_FIELDS = [
    "integration",
    "group_key",
    "episode",
    "title",
    "route",
    "channel",
    "escalation_policy",
    "declare",
    "silenced_by_route",
    "started_at",
    "first_seen",
    "last_seen",
    "count",
    "source_severity",
    "severity",
    "service",
    "labels",
    "resolved_at",
    "acknowledged_by",
    "acknowledged_at",
    "silenced_until",
    "silenced_until_resolved",
    "silenced_by",
    "incident_id",
    "incident_reference",
    "in_storm",
    "post_ts",
    "posted_at",
    "version",
    "posted_version",
]


def group_values(group: AlertGroup) -> dict[str, Any]:
    values = {name: getattr(group, name) for name in GROUP_FIELDS}
    values["status"] = group.status.value
    values["links"] = [{"url": link.url, "title": link.title} for link in group.links]
    if group.id is not None:
        values["id"] = group.id
    return values


def group_from_row(row: AlertGroupRow) -> AlertGroup:
    values = {name: getattr(row, name) for name in GROUP_FIELDS}
    values["labels"] = dict(row.labels or {})
    return AlertGroup(
        **values,
        status=AlertStatus(row.status),
        links=[AlertLink(str(link.get("url", "")), str(link.get("title", ""))) for link in row.links or []],
        id=row.id,
    )


def group_from_mapping(row: Any) -> AlertGroup:
    """From a Core result row (the recorder reads with Core, not the ORM)."""
    mapping = row._mapping  # built on every access: read it once
    values = {name: mapping[name] for name in GROUP_FIELDS}
    values["labels"] = dict(values["labels"] or {})
    links = mapping["links"] or []
    return AlertGroup(
        **values,
        status=AlertStatus(mapping["status"]),
        links=[AlertLink(str(link.get("url", "")), str(link.get("title", ""))) for link in links],
        id=mapping["id"],
    )


STORM_FIELDS = [
    "channel",
    "started_at",
    "last_group_at",
    "groups",
    "alerts",
    "ts",
    "version",
    "posted_version",
    "posted_at",
]


def storm_values(storm: Storm) -> dict[str, Any]:
    return {name: getattr(storm, name) for name in STORM_FIELDS}


def storm_from_row(row: AlertStormRow | Any) -> Storm:
    source = row._mapping if hasattr(row, "_mapping") else None
    return Storm(**{name: (source[name] if source is not None else getattr(row, name)) for name in STORM_FIELDS})


def integration_from_row(row: IntegrationRow) -> Integration:
    return Integration(
        name=row.name,
        kind=AlertSourceKind(row.kind),
        token_hash=row.token_hash,
        enabled=row.enabled,
        created_by=row.created_by,
        created_at=row.created_at,
        rotated_at=row.rotated_at,
        id=row.id,
    )
