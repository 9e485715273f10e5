"""One parser per kind of sender, and `parse_alerts` to pick the right one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from incidents.alerts.generic_mapping import GenericMapping
from incidents.alerts.model import Alert, AlertSourceKind
from intake.alertmanager import parse_alertmanager
from intake.context import IntakeContext
from intake.datadog import parse_datadog
from intake.generic import parse_generic
from intake.grafana import parse_grafana
from intake.opsgenie import parse_opsgenie
from intake.pagerduty import parse_pagerduty
from intake.sentry import parse_sentry

Parser = Callable[[object, IntakeContext], list[Alert]]

PARSERS: dict[AlertSourceKind, Parser] = {
    AlertSourceKind.ALERTMANAGER: parse_alertmanager,
    AlertSourceKind.GRAFANA: parse_grafana,
    AlertSourceKind.DATADOG: parse_datadog,
    AlertSourceKind.SENTRY: parse_sentry,
    AlertSourceKind.PAGERDUTY: parse_pagerduty,
    AlertSourceKind.OPSGENIE: parse_opsgenie,
    AlertSourceKind.GENERIC: parse_generic,
}


def parse_alerts(
    kind: AlertSourceKind,
    body: object,
    *,
    integration: str,
    received_at: datetime,
    mapping: GenericMapping | None = None,
) -> list[Alert]:
    """The alerts in a decoded JSON body from an integration of `kind`, in body order (a body with N alerts is
    N alerts; an event that carries no alert state is none).

    Raises `intake.errors.AlertBodyError` (its `path` names what is missing or wrong, for the 422 answer), or
    `MissingMapping` for a generic integration the policy gives no mapping. Nothing else, whatever the JSON.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    return PARSERS[kind](body, IntakeContext(integration=integration, received_at=received_at, mapping=mapping))
