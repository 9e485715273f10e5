"""Wiring the alerts slice (issue 12): the recorder, the intake endpoint, and the work the scheduler runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts_chat import SlackAlertChat
from incidents.alerts.admin import IntegrationAdmin
from incidents.alerts.context import AlertsContext
from incidents.alerts.intake import AlertIntake
from incidents.alerts.runner import AlertWork
from incidents.alerts.work import ALERT_WORK_KINDS
from incidents.context import Context
from incidents.ports import DueWork
from intake.http import AlertEndpoint
from storage.alerts_recorder import AlertRecorder
from storage.alerts_store import SqlAlertsUnitOfWorkFactory
from storage.database import Database


@dataclass
class AlertsWiring:
    actx: AlertsContext
    recorder: AlertRecorder
    intake: AlertIntake
    endpoint: AlertEndpoint
    work: AlertWork
    admin: IntegrationAdmin

    def handlers(self) -> dict[str, Callable[[DueWork], Awaitable[None]]]:
        """The scheduler's handlers for the slice's kinds of work."""
        return dict.fromkeys(ALERT_WORK_KINDS, self.work.run)

    def serve(self, app: web.Application) -> None:
        self.endpoint.add_routes(app)

    def start(self) -> None:
        self.recorder.on_due = self.actx.core.outbox.wake
        self.recorder.start()

    async def stop(self) -> None:
        await self.recorder.stop()


def alerts_wiring(database: Database, ctx: Context, client: AsyncWebClient, *, public_url: str | None) -> AlertsWiring:
    policy = ctx.policy
    uow = SqlAlertsUnitOfWorkFactory(database)
    recorder = AlertRecorder(database, ctx.clock, policy.alerts, default_channel=policy.channels.announcement)
    admin = IntegrationAdmin(uow, ctx.clock, policy)
    actx = AlertsContext(core=ctx, uow=uow, chat=SlackAlertChat(client), admin=admin, public_url=public_url)
    intake = AlertIntake(uow, recorder, ctx.clock, policy.alerts)
    admin.on_change = intake.forget
    return AlertsWiring(actx, recorder, intake, AlertEndpoint(intake), AlertWork(actx), admin)
