"""What the alerts slice's use cases need, wired once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.alerts.admin import IntegrationAdmin
from incidents.alerts.ports import AlertChat, AlertsUnitOfWorkFactory
from incidents.context import Context


@dataclass(frozen=True)
class AlertsContext:
    core: Context  # the clock, the policy, and what declaring and changing incidents need
    uow: AlertsUnitOfWorkFactory
    chat: AlertChat
    admin: IntegrationAdmin
    public_url: str | None = None  # where senders reach this bot: the base of the alert URLs shown to admins
