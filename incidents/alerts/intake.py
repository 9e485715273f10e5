"""Receiving alerts: the use cases behind `POST /alerts/<integration>` (the HTTP adapter is intake/http.py).

Who is sending (the integration, checked against its token), whether it may send now (its rate limit), routing
each alert, and recording the body's alerts durably (group commit) before the sender is answered. A body the
integration's parser cannot read is kept `REJECTED_KEPT` for `/incident integration show`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidents.alerts.generic_mapping import GenericMapping
from incidents.alerts.integrations import Integration, token_matches
from incidents.alerts.model import Alert, AlertSourceKind
from incidents.alerts.policy import AlertsPolicy
from incidents.alerts.ports import AlertRecorder, AlertsUnitOfWorkFactory, ReceivedBody, RejectedBody
from incidents.alerts.routing import RouteTable, apply_route, route_alert
from incidents.alerts.throttle import Throttle
from incidents.ports import Clock

REJECTED_KEPT = timedelta(days=7)
# How long an integration read from the database is trusted: a token rotated or an integration disabled in
# another process takes effect within this (in this process: at once).
INTEGRATION_TTL = timedelta(seconds=5)


@dataclass(frozen=True)
class _Known:
    integration: Integration | None
    read_at: datetime


class AlertIntake:
    def __init__(
        self, uow: AlertsUnitOfWorkFactory, recorder: AlertRecorder, clock: Clock, policy: AlertsPolicy
    ) -> None:
        self.uow = uow
        self.recorder = recorder
        self.clock = clock
        self.policy = policy
        self.routes = RouteTable(policy)
        self.throttle = Throttle()
        self._known: dict[str, _Known] = {}
        self._pruned_at: datetime | None = None

    async def integration(self, name: str) -> Integration | None:
        """The integration called `name` (None: there is none); raises when the database cannot be read."""
        now = self.clock.now()
        known = self._known.get(name)
        if known is not None and now - known.read_at < INTEGRATION_TTL:
            return known.integration
        async with self.uow(write=False) as uow:
            found = await uow.alerts.integration(name)
        self._known[name] = _Known(found, now)
        return found

    def forget(self, name: str) -> None:
        """An integration changed in this process (rotated, disabled, removed): read it again next time."""
        self._known.pop(name, None)

    @staticmethod
    def authentic(integration: Integration | None, token: str | None) -> bool:
        # Compared even when there is no such integration, so an unknown name costs the same as a wrong token.
        digest_of = integration or _NOBODY
        return token_matches(digest_of, token or "") and integration is not None and bool(token)

    def wait_before(self, integration: Integration) -> float | None:
        """None when the integration may send now; else the seconds to wait (its rate limit is spent)."""
        return self.throttle.take(integration.name, self.policy.rate_limit_for(integration.name), self.clock.now())

    def mapping(self, integration: Integration) -> GenericMapping | None:
        return self.policy.generic_mapping_for(integration.name)

    async def accept(self, integration: Integration, alerts: Sequence[Alert], received_at: datetime) -> None:
        """Route the body's alerts and return once they are stored (with what they change)."""
        routed = []
        for alert in alerts:
            decision = route_alert(self.routes, alert)
            routed.append((apply_route(alert, decision), decision))
        if routed:
            await self.recorder.record(ReceivedBody(integration.name, routed, received_at))

    async def reject(self, integration: Integration, reason: str, body: bytes, received_at: datetime) -> None:
        """Keep a body that could not be read, for `integration show` (and forget those older than a week)."""
        async with self.uow() as uow:
            await uow.alerts.add_rejected(
                RejectedBody(integration.name, received_at, reason, body.decode("utf-8", errors="replace"))
            )
            if self._pruned_at is None or received_at - self._pruned_at > timedelta(hours=1):
                await uow.alerts.prune_rejected(received_at - REJECTED_KEPT)
                self._pruned_at = received_at
            await uow.commit()


# Stands in for an unknown integration, so that its token is compared (and refused) like any other.
_NOBODY = Integration("", AlertSourceKind.GENERIC, "0" * 64, enabled=False, created_by="", created_at=datetime.min)
