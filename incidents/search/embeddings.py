"""The semantic term with an embedding model: each incident looked up is embedded once and kept, so later
incidents are compared with it.

An incident's embedding is made the first time it is looked up (its declaration's suggestions, or
`/incident similar`) and stored; candidates without one (declared before a model was configured) score 0 on
this term. The model failing raises EmbeddingUnavailable, and the lookup falls back to text and says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from incidents.search.ports import EmbeddingModel, EmbeddingStore, EmbeddingUnavailable
from incidents.search.similarity import IncidentProfile, cosine_similarity, similarity_text


class StoredEmbeddingSimilarity:
    def __init__(self, model: EmbeddingModel, store: EmbeddingStore, model_name: str) -> None:
        self._model = model
        self._store = store
        self._model_name = model_name

    async def scores(self, target: IncidentProfile, candidate_ids: Sequence[int]) -> dict[int, float]:
        vector = await self._store.embedding(target.incident_id) if target.incident_id else None
        if vector is None:
            vectors = await self._model.embed([similarity_text(target)])
            if len(vectors) != 1 or not vectors[0]:
                raise EmbeddingUnavailable(f"the model answered {len(vectors)} embeddings for one text")
            vector = vectors[0]
            if target.incident_id:
                await self._store.store_embedding(target.incident_id, self._model_name, vector)
        stored = await self._store.embeddings(candidate_ids)
        return {incident_id: cosine_similarity(vector, other) for incident_id, other in stored.items()}
