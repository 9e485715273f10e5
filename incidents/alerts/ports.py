"""What the alerts slice needs from outside: its store, the group-commit recorder, and Slack (as a port)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol

from incidents.alerts.groups import AlertGroup
from incidents.alerts.integrations import Integration
from incidents.alerts.model import Alert
from incidents.alerts.routing import RouteDecision
from incidents.alerts.storms import Storm
from incidents.ports import UnitOfWork


@dataclass(frozen=True)
class RejectedBody:
    """A body the integration's mapping could not read (the 422), kept `alerts.REJECTED_KEPT` for `show`."""

    integration: str
    received_at: datetime
    reason: str
    body: str  # as received, cut to 64 KiB


@dataclass(frozen=True)
class ReceivedBody:
    """The alerts of one accepted body, for the recorder: stored durably before the sender hears 2xx."""

    integration: str
    alerts: Sequence[tuple[Alert, RouteDecision]]  # each routed, in body order
    received_at: datetime


class AlertRecorder(Protocol):
    async def record(self, body: ReceivedBody) -> None:
        """Return once the body's alerts are committed (with their groups); raise if they could not be."""
        ...


class AlertStore(Protocol):
    async def add_integration(self, integration: Integration) -> Integration:
        """Insert it; raises incidents.errors.InvalidInput when the name is taken."""
        ...

    async def integration(self, name: str) -> Integration | None: ...
    async def integrations(self) -> list[Integration]: ...
    async def save_integration(self, integration: Integration) -> None: ...
    async def remove_integration(self, name: str) -> None: ...
    async def add_rejected(self, rejected: RejectedBody) -> None: ...
    async def rejected(self, integration: str, *, since: datetime, limit: int) -> list[RejectedBody]: ...
    async def prune_rejected(self, before: datetime) -> None: ...
    async def group(self, group_id: int, *, lock: bool = False) -> AlertGroup | None: ...
    async def save_group(self, group: AlertGroup) -> None: ...
    async def groups_for_incident(self, incident_id: int) -> list[AlertGroup]: ...
    async def unlinked_groups_of_route(self, route: str, *, since: datetime) -> list[AlertGroup]: ...
    async def storm(self, channel: str) -> Storm | None: ...
    async def save_storm(self, storm: Storm) -> None: ...
    async def firing_count(self, route: str, *, since: datetime) -> int:
        """Firing alerts routed to `route` received after `since` (for declare_if windows)."""
        ...


class AlertsUnitOfWork(UnitOfWork, Protocol):
    """The core unit of work with the alerts store beside the others (one transaction)."""

    @property
    def alerts(self) -> AlertStore: ...

    async def __aenter__(self) -> AlertsUnitOfWork: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...


class AlertsUnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = True) -> AlertsUnitOfWork: ...


class AlertChat(Protocol):
    """Slack as the alerts slice sees it; the adapter words and lays out each message."""

    async def post_group(self, channel: str, group: AlertGroup, *, now: datetime, key: str) -> tuple[str, str]:
        """Post the group's message carrying `key` (found by the core chat's `find_notice`); returns the
        channel's ID and the message's ts."""
        ...

    async def update_group(self, channel: str, ts: str, group: AlertGroup, *, now: datetime) -> None: ...
    async def post_storm(self, channel: str, storm: Storm) -> str: ...
    async def update_storm(self, channel: str, ts: str, storm: Storm) -> None: ...
