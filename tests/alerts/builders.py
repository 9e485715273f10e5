"""Alerts for tests, with every field the test does not care about filled in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from incidents.alerts.model import Alert, AlertSourceKind, AlertStatus

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def an_alert(
    *,
    labels: Mapping[str, str] | None = None,
    fingerprint: str | None = None,
    integration: str = "prometheus",
    title: str = "High memory usage",
    status: AlertStatus = AlertStatus.FIRING,
    source_severity: str | None = None,
    service: str | None = None,
    started_at: datetime = T0,
) -> Alert:
    return Alert(
        kind=AlertSourceKind.ALERTMANAGER,
        integration=integration,
        title=title,
        status=status,
        started_at=started_at,
        idempotency_key=f"{fingerprint}-{status}-{started_at.isoformat()}",
        fingerprint=fingerprint,
        source_severity=source_severity,
        service=service,
        labels=dict(labels or {}),
    )
