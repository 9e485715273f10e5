"""Postmortems in SQL: one header row per incident (status, current version) and every version's document."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.postmortem_doc import Postmortem, PostmortemDocument, PostmortemStatus
from storage.dialect import upsert
from storage.tables import IncidentRow, PostmortemRow, PostmortemVersionRow


class SqlPostmortemStore:
    def __init__(self, session: AsyncSession, *, lock_rows: bool = False) -> None:
        self.session = session
        self.lock_rows = lock_rows  # PostgreSQL: concurrent writers to one postmortem go one after another

    async def _header(self, incident_id: int) -> PostmortemRow | None:
        stmt = select(PostmortemRow).where(PostmortemRow.incident_id == incident_id)
        if self.lock_rows:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def _ensure_header(self, incident_id: int, at: datetime, status: PostmortemStatus) -> PostmortemRow:
        """The postmortem's row, created if need be; two first drafts at once make one row, not an error."""
        row = {"incident_id": incident_id, "status": status.value, "version": 0, "created_at": at, "updated_at": at}
        insert_row = upsert(self.session, PostmortemRow.__table__, [row]).on_conflict_do_nothing(
            index_elements=["incident_id"]
        )
        await self.session.execute(insert_row)
        header = await self._header(incident_id)
        assert header is not None
        return header

    async def _load(self, incident_id: int, version: int | None) -> Postmortem | None:
        stmt = (
            select(PostmortemRow, PostmortemVersionRow, IncidentRow.reference)
            .join(PostmortemVersionRow, PostmortemVersionRow.postmortem_id == PostmortemRow.id)
            .join(IncidentRow, IncidentRow.id == PostmortemRow.incident_id)
            .where(PostmortemRow.incident_id == incident_id)
            .where(PostmortemVersionRow.version == (version if version is not None else PostmortemRow.version))
        )
        found = (await self.session.execute(stmt)).first()
        if found is None:
            return None
        header, row, reference = found
        return Postmortem(
            incident_id=incident_id,
            reference=reference,
            version=row.version,
            status=PostmortemStatus(header.status),
            document=PostmortemDocument.from_dict(row.document),
            created_at=row.created_at,
            created_by=row.created_by,
            change=row.change,
            published_at=header.published_at,
            published_by=header.published_by,
        )

    async def current(self, incident_id: int) -> Postmortem | None:
        return await self._load(incident_id, None)

    async def version(self, incident_id: int, version: int) -> Postmortem | None:
        return await self._load(incident_id, version)

    async def add_version(
        self,
        incident_id: int,
        document: PostmortemDocument,
        *,
        at: datetime,
        by: str | None,
        change: str,
        status: PostmortemStatus,
    ) -> int:
        header = await self._ensure_header(incident_id, at, status)
        header.version += 1
        header.status, header.updated_at = status.value, at
        await self.session.execute(
            insert(PostmortemVersionRow).values(
                postmortem_id=header.id,
                version=header.version,
                created_at=at,
                created_by=by,
                change=change[:200],
                draft_kind=document.draft.kind.value,
                document=document.to_dict(),
            )
        )
        await self.session.flush()
        return header.version

    async def set_status(self, incident_id: int, status: PostmortemStatus, *, at: datetime, by: str) -> None:
        header = await self._header(incident_id)
        if header is None:
            raise LookupError(incident_id)
        header.status, header.updated_at = status.value, at
        if status is PostmortemStatus.PUBLISHED:
            header.published_at, header.published_by = at, by
        await self.session.flush()
