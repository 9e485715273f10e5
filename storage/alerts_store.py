"""The alerts slice's store: integrations, groups, storms and rejected bodies, inside one unit of work."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.alerts.groups import AlertGroup
from incidents.alerts.integrations import Integration
from incidents.alerts.model import AlertStatus
from incidents.alerts.ports import RejectedBody
from incidents.alerts.storms import Storm
from incidents.errors import InvalidInput
from storage.alerts_rows import group_from_row, group_values, integration_from_row, storm_from_row, storm_values
from storage.alerts_tables import AlertGroupRow, AlertRow, AlertStormRow, IntegrationRow, RejectedBodyRow
from storage.database import Database
from storage.dialect import upsert
from storage.uow import SqlUnitOfWork

REJECTED_BODY_MAX = 64 * 1024


class SqlAlertStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- integrations ---------------------------------------------------------------------------------
    async def add_integration(self, integration: Integration) -> Integration:
        row = IntegrationRow(
            name=integration.name,
            kind=integration.kind.value,
            token_hash=integration.token_hash,
            enabled=integration.enabled,
            created_by=integration.created_by,
            created_at=integration.created_at,
            rotated_at=integration.rotated_at,
        )
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            raise InvalidInput({"name": f"There is already an integration named {integration.name}."}) from None
        integration.id = row.id
        return integration

    async def integration(self, name: str) -> Integration | None:
        row = (await self.session.scalars(select(IntegrationRow).where(IntegrationRow.name == name))).first()
        return integration_from_row(row) if row else None

    async def integrations(self) -> list[Integration]:
        rows = (await self.session.scalars(select(IntegrationRow).order_by(IntegrationRow.name))).all()
        return [integration_from_row(row) for row in rows]

    async def save_integration(self, integration: Integration) -> None:
        await self.session.execute(
            update(IntegrationRow)
            .where(IntegrationRow.name == integration.name)
            .values(token_hash=integration.token_hash, enabled=integration.enabled, rotated_at=integration.rotated_at)
        )

    async def remove_integration(self, name: str) -> None:
        await self.session.execute(delete(IntegrationRow).where(IntegrationRow.name == name))

    # -- rejected bodies ------------------------------------------------------------------------------
    async def add_rejected(self, rejected: RejectedBody) -> None:
        self.session.add(
            RejectedBodyRow(
                integration=rejected.integration,
                received_at=rejected.received_at,
                reason=rejected.reason,
                body=rejected.body[:REJECTED_BODY_MAX],
            )
        )
        await self.session.flush()

    async def rejected(self, integration: str, *, since: datetime, limit: int) -> list[RejectedBody]:
        stmt = (
            select(RejectedBodyRow)
            .where(RejectedBodyRow.integration == integration, RejectedBodyRow.received_at >= since)
            .order_by(RejectedBodyRow.received_at.desc(), RejectedBodyRow.id.desc())
            .limit(limit)
        )
        return [
            RejectedBody(row.integration, row.received_at, row.reason, row.body)
            for row in (await self.session.scalars(stmt)).all()
        ]

    async def prune_rejected(self, before: datetime) -> None:
        await self.session.execute(delete(RejectedBodyRow).where(RejectedBodyRow.received_at < before))

    # -- groups ---------------------------------------------------------------------------------------
    async def group(self, group_id: int, *, lock: bool = False) -> AlertGroup | None:
        stmt = select(AlertGroupRow).where(AlertGroupRow.id == group_id).execution_options(populate_existing=True)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self.session.scalars(stmt)).first()
        return group_from_row(row) if row else None

    async def save_group(self, group: AlertGroup) -> None:
        assert group.id is not None
        values = group_values(group)
        del values["id"]
        await self.session.execute(update(AlertGroupRow).where(AlertGroupRow.id == group.id).values(**values))

    async def groups_for_incident(self, incident_id: int) -> list[AlertGroup]:
        stmt = select(AlertGroupRow).where(AlertGroupRow.incident_id == incident_id).order_by(AlertGroupRow.id)
        return [group_from_row(row) for row in (await self.session.scalars(stmt)).all()]

    async def unlinked_groups_of_route(self, route: str, *, since: datetime) -> list[AlertGroup]:
        stmt = (
            select(AlertGroupRow)
            .where(
                AlertGroupRow.route == route,
                AlertGroupRow.last_seen > since,
                AlertGroupRow.incident_id.is_(None),
                AlertGroupRow.status == AlertStatus.FIRING.value,
            )
            .order_by(AlertGroupRow.id)
        )
        return [group_from_row(row) for row in (await self.session.scalars(stmt)).all()]

    async def firing_count(self, route: str, *, since: datetime) -> int:
        stmt = select(func.count()).where(
            AlertRow.route == route, AlertRow.received_at > since, AlertRow.status == AlertStatus.FIRING.value
        )
        return int((await self.session.execute(stmt)).scalar_one())

    # -- storms ---------------------------------------------------------------------------------------
    async def storm(self, channel: str) -> Storm | None:
        stmt = select(AlertStormRow).where(AlertStormRow.channel == channel).execution_options(populate_existing=True)
        row = (await self.session.scalars(stmt)).first()
        return storm_from_row(row) if row else None

    async def save_storm(self, storm: Storm) -> None:
        values = storm_values(storm)
        stmt = upsert(self.session, AlertStormRow, [values]).on_conflict_do_update(
            index_elements=[AlertStormRow.channel], set_={k: v for k, v in values.items() if k != "channel"}
        )
        await self.session.execute(stmt)


class SqlAlertsUnitOfWork(SqlUnitOfWork):
    """The core unit of work with the alerts store beside the others, on the same session."""

    alerts: SqlAlertStore

    async def __aenter__(self) -> SqlAlertsUnitOfWork:
        await super().__aenter__()
        self.alerts = SqlAlertStore(self.session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await super().__aexit__(exc_type, exc, tb)


class SqlAlertsUnitOfWorkFactory:
    def __init__(self, database: Database) -> None:
        self.database = database

    def __call__(self, *, write: bool = True) -> SqlAlertsUnitOfWork:
        return SqlAlertsUnitOfWork(self.database, write=write)
