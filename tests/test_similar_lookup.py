"""The similar-incident lookup through its ports: text shortlist, profiles, the semantic term and its
fallbacks. In-memory adapters stand in for storage and the embedding model (phase 2 brings the real ones)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from incidents.search.bm25 import Bm25Index
from incidents.search.documents import Audience
from incidents.search.ports import EmbeddingUnavailable
from incidents.search.query import Query
from incidents.search.similar_lookup import (
    EmbeddingSimilarity,
    NoSemanticModel,
    SemanticFallback,
    find_similar,
)
from incidents.search.similarity import IncidentProfile, similarity_text

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def profile(incident_id: int, title: str, days_ago: float = 10, private: bool = False) -> IncidentProfile:
    return IncidentProfile(
        incident_id=incident_id,
        reference=f"INC-2026-{incident_id:04d}",
        title=title,
        declared_at=NOW - timedelta(days=days_ago),
        private=private,
    )


PAST = [
    profile(1, "DB connection pool exhausted on checkout"),
    profile(2, "postgres: too many clients", private=True),
    profile(3, "Redis evicting keys, carts emptied"),
    profile(4, "TLS certificate expired"),
    profile(5, "connection pool exhausted again", days_ago=-1),  # declared after the new incident
]
NEW = profile(100, "Checkout failing: connection pool exhausted, too many clients", days_ago=0)


@dataclass
class MemoryIndex:
    """SearchIndex.similar_text over the in-process BM25."""

    profiles: list[IncidentProfile]
    asked: list[tuple[Query, Audience]] = field(default_factory=list)

    async def similar_text(
        self, query: Query, *, declared_before: datetime, exclude_incident_id: int, audience: Audience, limit: int
    ) -> dict[int, float]:
        """Private incidents are visible to admins only here (phase 2 applies the core access rules)."""
        self.asked.append((query, audience))
        public_only = not audience.all_private
        index = Bm25Index()
        for past in self.profiles:
            visible = not (public_only and past.private)
            if past.declared_at < declared_before and past.incident_id != exclude_incident_id and visible:
                index.add(past.incident_id, similarity_text(past, with_resolution=True))
        words = " ".join(str(phrase) for phrase in query.searched_phrases)
        scores = index.scores(words)
        return dict(sorted(scores.items(), key=lambda item: -item[1])[:limit])


@dataclass
class MemoryProfiles:
    known: list[IncidentProfile]

    async def profile(self, incident_id: int) -> IncidentProfile | None:
        return next((p for p in self.known if p.incident_id == incident_id), None)

    async def profiles(self, incident_ids: Sequence[int]) -> list[IncidentProfile]:
        return [p for p in self.known if p.incident_id in incident_ids]


@dataclass
class FakeModel:
    vector: list[float]
    fails: bool = False
    texts: list[str] = field(default_factory=list)

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.texts.extend(texts)
        if self.fails:
            raise EmbeddingUnavailable("model server answered 503")
        return [self.vector for _ in texts]


@dataclass
class MemoryEmbeddings:
    vectors: dict[int, list[float]]

    async def embedding(self, incident_id: int) -> list[float] | None:
        return self.vectors.get(incident_id)

    async def embeddings(self, incident_ids: Sequence[int]) -> dict[int, list[float]]:
        return {n: self.vectors[n] for n in incident_ids if n in self.vectors}

    async def store_embedding(self, incident_id: int, model: str, vector: Sequence[float]) -> None:
        self.vectors[incident_id] = list(vector)


async def test_without_a_model_the_text_decides_and_the_lookup_says_so() -> None:
    index = MemoryIndex(PAST)
    found = await find_similar(
        NEW, index=index, profiles=MemoryProfiles(PAST), semantic=NoSemanticModel(), audience=Audience.channel_post()
    )
    assert [s.profile.incident_id for s in found.suggestions] == [1]  # 2 is private, 5 is later, 3/4 share nothing
    assert found.fallback is SemanticFallback.NOT_CONFIGURED
    assert index.asked[0][1] == Audience.channel_post()


async def test_people_who_may_see_private_incidents_get_them() -> None:
    found = await find_similar(
        NEW,
        index=MemoryIndex(PAST),
        profiles=MemoryProfiles(PAST),
        semantic=NoSemanticModel(),
        audience=Audience.person("UADMIN", admin=True),
    )
    assert [s.profile.incident_id for s in found.suggestions] == [1, 2]


async def test_a_failing_model_falls_back_to_text() -> None:
    semantic = EmbeddingSimilarity(FakeModel([1.0, 0.0], fails=True), MemoryEmbeddings({1: [1.0, 0.0]}))
    found = await find_similar(
        NEW, index=MemoryIndex(PAST), profiles=MemoryProfiles(PAST), semantic=semantic, audience=Audience.channel_post()
    )
    assert found.fallback is SemanticFallback.FAILED
    assert [s.profile.incident_id for s in found.suggestions] == [1]


async def test_embeddings_add_the_semantic_term() -> None:
    model = FakeModel([1.0, 0.0])
    semantic = EmbeddingSimilarity(model, MemoryEmbeddings({1: [1.0, 0.0], 3: [0.0, 1.0]}))
    found = await find_similar(
        NEW,
        index=MemoryIndex(PAST),
        profiles=MemoryProfiles(PAST),
        semantic=semantic,
        audience=Audience.person("UADMIN", admin=True),
    )
    assert found.fallback is None
    assert model.texts == [similarity_text(NEW)]
    by_id = {s.profile.incident_id: s for s in found.suggestions}
    assert by_id[1].parts.semantic == 1.0 and by_id[2].parts.semantic == 0.0  # 2 has no stored embedding
    assert by_id[1].score > by_id[2].score


async def test_an_incident_with_nothing_to_search_for_finds_nothing() -> None:
    index = MemoryIndex(PAST)
    found = await find_similar(
        profile(101, "the of and", days_ago=0), index=index, profiles=MemoryProfiles(PAST), semantic=NoSemanticModel(),
        audience=Audience.channel_post(),
    )  # fmt: skip
    assert found.suggestions == () and index.asked == []
