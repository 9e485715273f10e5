"""What search needs from the outside world; storage (and an embedding client) implement these.

Phase 2 wires real adapters: the SQLite FTS5 and PostgreSQL tsvector indexes (storage/search_*.py), the stores
of suggestions and votes, and an OpenAI-compatible embeddings client.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from incidents.search.documents import Audience, DocumentKind, SearchDocument
from incidents.search.feedback import HitRate, ShownSuggestion, SuggestionFeedback
from incidents.search.filters import SearchFilters
from incidents.search.query import Query
from incidents.search.results import DocumentMatch
from incidents.search.similarity import IncidentProfile


class SimilarTextSearch(Protocol):
    """The text half of a similar-incident lookup (all that similar_lookup.find_similar needs of the index)."""

    async def similar_text(
        self, query: Query, *, declared_before: datetime, exclude_incident_id: int, audience: Audience, limit: int
    ) -> dict[int, float]:
        """Raw text scores (non-negative, higher is better) of the `limit` best past incidents the audience
        may see, for similarity.similarity_query's query (any word matching): incident id -> its best
        document's score."""


class SearchIndex(SimilarTextSearch, Protocol):
    """The full-text index of documents. Writes join the caller's transaction (one per use case)."""

    async def write(self, documents: Sequence[SearchDocument]) -> None:
        """Insert or replace these documents (by incident, kind and key)."""

    async def remove(self, incident_id: int, kind: DocumentKind | None = None, key: str | None = None) -> None:
        """Remove an incident's documents: all of them, those of one kind, or one."""

    async def set_private(self, incident_id: int, private: bool) -> None:
        """Mark every document of the incident private or public (its visibility changed)."""

    async def search(
        self, query: Query, filters: SearchFilters, audience: Audience, *, limit: int
    ) -> list[DocumentMatch]:
        """Up to `limit` best documents matching the query, of incidents passing the filters that the
        audience may see, each with a marked snippet turned into a Snippet (results.snippet_from_marked).
        An empty query finds nothing."""


class SimilarityProfiles(Protocol):
    async def profile(self, incident_id: int) -> IncidentProfile | None: ...

    async def profiles(self, incident_ids: Sequence[int]) -> list[IncidentProfile]: ...


class SuggestionStore(Protocol):
    async def record_shown(self, suggestions: Sequence[ShownSuggestion]) -> None: ...

    async def record_feedback(self, feedback: SuggestionFeedback) -> None:
        """Store a vote; raises incidents.errors.NotFound when that suggestion was never shown."""

    async def hit_rate(self, *, since: datetime | None = None) -> HitRate: ...


class EmbeddingModel(Protocol):
    """An OpenAI-compatible embeddings endpoint: one vector per text, in order. Raises EmbeddingUnavailable
    when it cannot answer, so the caller falls back to text and says so."""

    async def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class EmbeddingStore(Protocol):
    async def embedding(self, incident_id: int) -> list[float] | None: ...

    async def embeddings(self, incident_ids: Sequence[int]) -> dict[int, list[float]]: ...

    async def store_embedding(self, incident_id: int, model: str, vector: Sequence[float]) -> None: ...


class EmbeddingUnavailable(Exception):
    """The embedding model could not answer (unset, unreachable, refused, timed out): fall back to text."""
