"""What the search commands need, wired once: the index and records (storage), the channel post (Slack) and
the optional semantic term (an embedding model).

Each backend call is its own transaction: search is read-only, and each write (a suggestion shown, a vote, a
runbook) is one statement or two that stand alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidents.model import Incident
from incidents.search.documents import Audience
from incidents.search.feedback import HitRate, ShownSuggestion, SuggestionFeedback
from incidents.search.filters import SearchFilters
from incidents.search.ports import SimilarityProfiles, SimilarTextSearch
from incidents.search.query import Query
from incidents.search.results import DocumentMatch
from incidents.search.similar_lookup import SemanticFallback, SemanticSimilarity
from incidents.search.similarity import SimilarIncident


@dataclass(frozen=True, slots=True)
class Runbook:
    service: str  # lower case
    url: str
    title: str
    added_by: str
    added_at: datetime


class SearchBackend(SimilarTextSearch, SimilarityProfiles, Protocol):
    async def search(
        self, query: Query, filters: SearchFilters, audience: Audience, *, limit: int
    ) -> list[DocumentMatch]: ...

    async def incidents(self, incident_ids: Sequence[int]) -> dict[int, Incident]: ...

    async def has_history(self, incident_id: int, services: Sequence[str]) -> bool:
        """Whether there is another incident, or a runbook for one of these services (lower case)."""

    async def record_shown(self, suggestions: Sequence[ShownSuggestion]) -> None: ...

    async def record_feedback(self, feedback: SuggestionFeedback) -> None:
        """Store a vote; raises incidents.errors.NotFound when that suggestion was never shown."""

    async def hit_rate(self) -> HitRate: ...

    async def runbooks(self, services: Sequence[str] | None = None) -> list[Runbook]:
        """The runbooks of these services (lower case), or all of them; by service, then as added."""

    async def add_runbook(self, runbook: Runbook) -> bool:
        """False when the service already has a runbook at that URL."""

    async def remove_runbook(self, service: str, url: str) -> Runbook | None: ...

    async def reindex(self, progress: Callable[[int, int], None]) -> int:
        """Rebuild the whole index from what is stored, in batches of incidents, calling progress(done, total);
        returns the number of documents indexed."""


@dataclass(frozen=True, slots=True)
class SimilarPost:
    """What the channel of a newly declared incident is shown."""

    incident: Incident
    suggestions: tuple[SimilarIncident, ...]
    runbooks: dict[str, tuple[Runbook, ...]]  # by service: the new incident's and the suggested incidents'
    fallback: SemanticFallback | None
    postmortem_published: frozenset[int]  # suggested incidents whose postmortem is published


class SimilarChat(Protocol):
    async def post_similar(self, channel: str, post: SimilarPost) -> None:
        """Post the suggestions (and runbooks) in the channel; raises incidents.errors.ChatError."""


@dataclass(frozen=True)
class SearchServices:
    backend: SearchBackend
    chat: SimilarChat
    semantic: Callable[[], SemanticSimilarity]  # a fresh one per lookup (the model's client is shared)
