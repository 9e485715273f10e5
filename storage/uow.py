"""The unit of work: one session, one transaction per use case."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession

from storage.action_item_store import SqlActionItemStore
from storage.database import Database
from storage.incident_store import SqlIncidentStore
from storage.oncall_store import SqlOncallStore
from storage.postmortem_store import SqlPostmortemStore
from storage.timeline_store import SqlTimelineStore
from storage.work_store import SqlWorkStore


class SqlUnitOfWork:
    session: AsyncSession
    incidents: SqlIncidentStore
    timeline: SqlTimelineStore
    action_items: SqlActionItemStore
    postmortems: SqlPostmortemStore  # postmortems (issue 5)
    work: SqlWorkStore
    oncall: SqlOncallStore  # on-call (issue 11)

    def __init__(self, database: Database, *, write: bool) -> None:
        self._database = database
        self._write = write

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._database.session(write=self._write)
        if self._write:
            await self.session.begin()
        # A read begins by itself at its first query, so one answered from the read cache costs no transaction.
        self.incidents = SqlIncidentStore(self.session, lock_rows=self._write, cache=self._database.read_cache)
        self.timeline = SqlTimelineStore(self.session)
        self.action_items = SqlActionItemStore(self.session)
        self.postmortems = SqlPostmortemStore(self.session, lock_rows=self._write)
        self.work = SqlWorkStore(self.session)
        self.oncall = SqlOncallStore(self.session, lock_rows=self._write)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Whatever was not committed explicitly is rolled back: no half-written state.
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()


class SqlUnitOfWorkFactory:
    def __init__(self, database: Database) -> None:
        self.database = database

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.database, write=write)

    @property
    def committed_writes(self) -> int:
        return self.database.read_cache.version
