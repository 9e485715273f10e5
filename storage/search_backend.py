"""The search backend (incidents.search.service.SearchBackend) over the database: each call one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.exc import IntegrityError

from incidents.errors import NotFound
from incidents.model import Incident
from incidents.search.documents import Audience
from incidents.search.feedback import HitRate, ShownSuggestion, SuggestionFeedback, Verdict, live_hit_rate
from incidents.search.filters import SearchFilters
from incidents.search.query import Query
from incidents.search.results import DocumentMatch
from incidents.search.service import Runbook
from incidents.search.similarity import IncidentProfile
from storage import search_queries
from storage.database import Database
from storage.dialect import insert_for
from storage.incident_store import SqlIncidentStore
from storage.mapping import INCIDENT_COLUMNS
from storage.search_catch_up import catch_up
from storage.search_reindex import reindex_all
from storage.tables import IncidentEmbeddingRow, IncidentRow, RunbookRow, SimilarFeedbackRow, SimilarSuggestionRow

_I = cast(Table, IncidentRow.__table__)
_RB = cast(Table, RunbookRow.__table__)
_SHOWN = cast(Table, SimilarSuggestionRow.__table__)
_VOTES = cast(Table, SimilarFeedbackRow.__table__)
_VECTORS = cast(Table, IncidentEmbeddingRow.__table__)


class SqlSearchBackend:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def search(
        self, query: Query, filters: SearchFilters, audience: Audience, *, limit: int
    ) -> list[DocumentMatch]:
        await catch_up(self._database)  # what was captured before the search is found by it
        async with self._database.session(write=False) as session:
            return await search_queries.search_documents(session, query, filters, audience, limit=limit)

    async def similar_text(
        self, query: Query, *, declared_before: datetime, exclude_incident_id: int, audience: Audience, limit: int
    ) -> dict[int, float]:
        await catch_up(self._database)
        async with self._database.session(write=False) as session:
            return await search_queries.similar_text(
                session,
                query,
                declared_before=declared_before,
                exclude_incident_id=exclude_incident_id,
                audience=audience,
                limit=limit,
            )

    async def incidents(self, incident_ids: Sequence[int]) -> dict[int, Incident]:
        if not incident_ids:
            return {}
        async with self._database.session(write=False) as session:
            store = SqlIncidentStore(session)
            found = await store._load(select(*INCIDENT_COLUMNS).where(_I.c.id.in_(list(incident_ids))))
        return {incident.id: incident for incident in found if incident.id is not None}

    async def has_history(self, incident_id: int, services: Sequence[str]) -> bool:
        other = select(_I.c.id).where(_I.c.id != incident_id).limit(1)
        books = select(_RB.c.id).where(_RB.c.service.in_(list(services))).limit(1)
        async with self._database.session(write=False) as session:
            if await session.scalar(other) is not None:
                return True
            return bool(services) and await session.scalar(books) is not None

    async def profile(self, incident_id: int) -> IncidentProfile | None:
        found = await self.profiles([incident_id])
        return found[0] if found else None

    async def profiles(self, incident_ids: Sequence[int]) -> list[IncidentProfile]:
        # Alert labels and root causes join here once those slices store them; until then the scorer's terms
        # for them are zero for every candidate, which leaves the ranking to text, services and recency.
        return [IncidentProfile.of(incident) for incident in (await self.incidents(incident_ids)).values()]

    async def record_shown(self, suggestions: Sequence[ShownSuggestion]) -> None:
        if not suggestions:
            return
        rows = [
            {"incident_id": s.incident_id, "suggested_id": s.suggested_id, "rank": s.rank, "score": s.score,
             "shown_at": s.shown_at}
            for s in suggestions
        ]  # fmt: skip
        async with self._database.session(write=True) as session, session.begin():
            dialect = session.get_bind().dialect.name
            stmt = insert_for(dialect, _SHOWN).on_conflict_do_nothing(
                index_elements=[_SHOWN.c.incident_id, _SHOWN.c.suggested_id]
            )
            await session.execute(stmt, rows)

    async def record_feedback(self, feedback: SuggestionFeedback) -> None:
        values = {
            "incident_id": feedback.incident_id,
            "suggested_id": feedback.suggested_id,
            "verdict": feedback.verdict.value,
            "user_id": feedback.user_id,
            "at": feedback.at,
        }
        async with self._database.session(write=True) as session, session.begin():
            shown = await session.scalar(
                select(func.count())
                .select_from(_SHOWN)
                .where(_SHOWN.c.incident_id == feedback.incident_id, _SHOWN.c.suggested_id == feedback.suggested_id)
            )
            if not shown:
                raise NotFound("That suggestion was never shown.")
            await session.execute(_VOTES.insert().values(values))

    async def hit_rate(self) -> HitRate:
        async with self._database.session(write=False) as session:
            shown = (await session.execute(select(_SHOWN))).all()
            votes = (await session.execute(select(_VOTES))).all()
        return live_hit_rate(
            [ShownSuggestion(r.incident_id, r.suggested_id, r.rank, r.score, r.shown_at) for r in shown],
            [SuggestionFeedback(v.incident_id, v.suggested_id, Verdict(v.verdict), v.user_id, v.at) for v in votes],
        )

    async def runbooks(self, services: Sequence[str] | None = None) -> list[Runbook]:
        stmt = select(_RB).order_by(_RB.c.service, _RB.c.id)
        if services is not None:
            stmt = stmt.where(_RB.c.service.in_(list(services)))
        async with self._database.session(write=False) as session:
            rows = (await session.execute(stmt)).all()
        return [Runbook(r.service, r.url, r.title, r.added_by, r.added_at) for r in rows]

    async def add_runbook(self, runbook: Runbook) -> bool:
        values: dict[str, Any] = {
            "service": runbook.service,
            "url": runbook.url,
            "title": runbook.title,
            "added_by": runbook.added_by,
            "added_at": runbook.added_at,
        }
        try:
            async with self._database.session(write=True) as session, session.begin():
                await session.execute(_RB.insert().values(values))
        except IntegrityError:
            return False
        return True

    async def remove_runbook(self, service: str, url: str) -> Runbook | None:
        async with self._database.session(write=True) as session, session.begin():
            row = (
                await session.execute(delete(_RB).where(_RB.c.service == service, _RB.c.url == url).returning(*_RB.c))
            ).first()
        return Runbook(row.service, row.url, row.title, row.added_by, row.added_at) if row else None

    async def embedding(self, incident_id: int) -> list[float] | None:
        return (await self.embeddings([incident_id])).get(incident_id)

    async def embeddings(self, incident_ids: Sequence[int]) -> dict[int, list[float]]:
        if not incident_ids:
            return {}
        stmt = select(_VECTORS.c.incident_id, _VECTORS.c.vector).where(_VECTORS.c.incident_id.in_(list(incident_ids)))
        async with self._database.session(write=False) as session:
            return {incident_id: list(vector) for incident_id, vector in (await session.execute(stmt)).all()}

    async def store_embedding(self, incident_id: int, model: str, vector: Sequence[float]) -> None:
        values = {"incident_id": incident_id, "model": model, "vector": list(vector), "updated_at": datetime.now(UTC)}
        async with self._database.session(write=True) as session, session.begin():
            stmt = insert_for(session.get_bind().dialect.name, _VECTORS).on_conflict_do_update(
                index_elements=[_VECTORS.c.incident_id],
                set_={"model": model, "vector": list(vector), "updated_at": values["updated_at"]},
            )
            await session.execute(stmt, [values])

    async def reindex(self, progress: Callable[[int, int], None]) -> int:
        return await reindex_all(self._database, progress)
