"""An OpenAI-compatible embeddings endpoint (incidents.search.ports.EmbeddingModel) through the `openai` package."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import openai
from openai import AsyncOpenAI

from incidents.search.ports import EmbeddingUnavailable

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0  # a suggestion without the semantic term beats one that never comes


class OpenAIEmbeddingModel:
    def __init__(self, *, model: str, api_key: str | None, base_url: str | None) -> None:
        self.name = model
        # Local servers (Ollama, vLLM) take any key; the client insists on one.
        self._client = AsyncOpenAI(api_key=api_key or "unused", base_url=base_url, max_retries=0)

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        try:
            response = await self._client.embeddings.create(model=self.name, input=list(texts), timeout=TIMEOUT_SECONDS)
        except openai.APIStatusError as exc:
            # Only the status: a response body may echo the request (and so the incident's text).
            log.warning("Embedding request failed with HTTP %s", exc.status_code)
            raise EmbeddingUnavailable(f"the embedding model answered HTTP {exc.status_code}") from exc
        except openai.OpenAIError as exc:
            log.warning("Embedding request failed: %s", type(exc).__name__)
            raise EmbeddingUnavailable("the embedding model could not be reached") from exc
        return [list(item.embedding) for item in sorted(response.data, key=lambda item: item.index)]

    async def close(self) -> None:
        await self._client.close()
