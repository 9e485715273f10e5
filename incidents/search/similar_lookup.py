"""Finding an incident's similar past incidents through the ports: the text search's shortlist, the profiles
of those incidents, the optional semantic term, and the scorer (similarity.py).

The semantic term comes from a SemanticSimilarity: `EmbeddingSimilarity` over an embedding model and the
stored embeddings when one is configured, `NoSemanticModel` otherwise. When it is not configured or fails,
the lookup uses the text weights and says which (`SimilarLookup.fallback`), so the answer can tell people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from incidents.search.documents import Audience
from incidents.search.ports import (
    EmbeddingModel,
    EmbeddingStore,
    EmbeddingUnavailable,
    SimilarityProfiles,
    SimilarTextSearch,
)
from incidents.search.similarity import (
    DEFAULT_WEIGHTS,
    TEXT_CANDIDATES,
    WITH_EMBEDDINGS,
    IncidentProfile,
    SimilarIncident,
    cosine_similarity,
    rank_similar,
    similarity_query,
    similarity_text,
)


class EmbeddingNotConfigured(EmbeddingUnavailable):
    """No embedding model is configured (FIREBREAK_EMBEDDING_MODEL unset)."""


class SemanticFallback(StrEnum):
    NOT_CONFIGURED = "not_configured"
    FAILED = "failed"


class SemanticSimilarity(Protocol):
    async def scores(self, target: IncidentProfile, candidate_ids: Sequence[int]) -> dict[int, float]:
        """Cosine similarity of the target with each candidate that has an embedding; raises
        EmbeddingUnavailable (EmbeddingNotConfigured when there is no model) when it cannot say."""
        ...


class NoSemanticModel:
    """The semantic term when no embedding model is configured."""

    async def scores(self, target: IncidentProfile, candidate_ids: Sequence[int]) -> dict[int, float]:
        raise EmbeddingNotConfigured("no embedding model is configured")


class EmbeddingSimilarity:
    """Embeds the target's text with the model and compares it with the candidates' stored embeddings (stored
    when they were indexed; a candidate without one scores 0 on this term)."""

    def __init__(self, model: EmbeddingModel, store: EmbeddingStore) -> None:
        self._model = model
        self._store = store

    async def scores(self, target: IncidentProfile, candidate_ids: Sequence[int]) -> dict[int, float]:
        vectors = await self._model.embed([similarity_text(target)])
        if len(vectors) != 1:
            raise EmbeddingUnavailable(f"the model answered {len(vectors)} embeddings for one text")
        stored = await self._store.embeddings(candidate_ids)
        return {incident_id: cosine_similarity(vectors[0], vector) for incident_id, vector in stored.items()}


@dataclass(frozen=True, slots=True)
class SimilarLookup:
    suggestions: tuple[SimilarIncident, ...]
    fallback: SemanticFallback | None  # None: the semantic term was used


async def find_similar(
    target: IncidentProfile,
    *,
    index: SimilarTextSearch,
    profiles: SimilarityProfiles,
    semantic: SemanticSimilarity,
    audience: Audience,
    limit: int = 3,
) -> SimilarLookup:
    """The `limit` past incidents most similar to `target` that the audience may see, best first (a post to a
    channel is Audience.channel_post(): public incidents only)."""
    query = similarity_query(target)
    text_scores: dict[int, float] = {}
    if not query.is_empty:
        text_scores = await index.similar_text(
            query,
            declared_before=target.declared_at,
            exclude_incident_id=target.incident_id,
            audience=audience,
            limit=TEXT_CANDIDATES,
        )
    candidates = await profiles.profiles(sorted(text_scores)) if text_scores else []
    fallback: SemanticFallback | None = None
    semantic_scores: dict[int, float] = {}
    try:
        semantic_scores = await semantic.scores(target, [candidate.incident_id for candidate in candidates])
    except EmbeddingNotConfigured:
        fallback = SemanticFallback.NOT_CONFIGURED
    except EmbeddingUnavailable:
        fallback = SemanticFallback.FAILED
    ranked = rank_similar(
        target,
        candidates,
        text_scores=text_scores,
        weights=DEFAULT_WEIGHTS if fallback else WITH_EMBEDDINGS,
        semantic_scores=semantic_scores,
        # The index left out what the audience may not see; a channel post is checked here once more.
        include_private=audience != Audience.channel_post(),
        limit=limit,
    )
    return SimilarLookup(tuple(ranked), fallback)
