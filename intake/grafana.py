"""Grafana unified alerting's webhook contact point: Alertmanager's body plus `orgId`, `title`, `state`,
`message` and, per alert, `values`, `silenceURL`, `dashboardURL`, `panelURL` and `imageURL`.

Read as Alertmanager's (see intake/alertmanager.py for the group key, idempotency and title rules); the
per-alert URLs become links and `values` an annotation. The deprecated body-level `state` and `message` are
ignored: each alert's own `status` says more.
"""

from __future__ import annotations

from incidents.alerts.model import Alert, AlertSourceKind
from intake.alertmanager import parse_alert_list
from intake.context import IntakeContext


def parse_grafana(body: object, context: IntakeContext) -> list[Alert]:
    """The alerts of a Grafana webhook body."""
    return parse_alert_list(body, context, AlertSourceKind.GRAFANA)
