"""Wiring search, similar incidents and runbooks: the database backend, the channel post, and the semantic
term (an OpenAI-compatible embedding model when FIREBREAK_EMBEDDING_MODEL names one; otherwise text only)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.search_chat import SlackSimilarChat
from firebreak.embedding_model import OpenAIEmbeddingModel
from firebreak.settings import Settings
from incidents.search.embeddings import StoredEmbeddingSimilarity
from incidents.search.service import SearchServices
from incidents.search.similar_lookup import NoSemanticModel, SemanticSimilarity
from storage.database import Database
from storage.search_backend import SqlSearchBackend
from storage.search_catch_up import catch_up

log = logging.getLogger(__name__)


def search_services(
    settings: Settings, database: Database, client: AsyncWebClient, session: aiohttp.ClientSession
) -> SearchServices:
    backend = SqlSearchBackend(database)
    model = embedding_model(settings)

    def semantic() -> SemanticSimilarity:
        if model is None:
            return NoSemanticModel()
        return StoredEmbeddingSimilarity(model, backend, model.name)

    return SearchServices(backend=backend, chat=SlackSimilarChat(client), semantic=semantic)


def embedding_model(settings: Settings) -> OpenAIEmbeddingModel | None:
    """The model when FIREBREAK_EMBEDDING_MODEL names one and a key or a base URL says where; else None."""
    name = settings.firebreak_embedding_model
    if not name:
        return None
    if settings.openai_api_key is None and settings.openai_base_url is None:
        log.warning("FIREBREAK_EMBEDDING_MODEL is set without OPENAI_API_KEY or OPENAI_BASE_URL: text similarity only")
        return None
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return OpenAIEmbeddingModel(model=name, api_key=key, base_url=settings.openai_base_url)


@contextlib.asynccontextmanager
async def index_catching_up(database: Database, interval: float) -> AsyncIterator[None]:
    """While inside, new timeline entries are indexed every `interval` seconds (0: only when someone
    searches; see storage/search_catch_up.py)."""

    async def keep_up() -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await catch_up(database)
            except Exception:  # the database may be briefly unavailable: the next round catches up
                log.exception("Catching the search index up failed")

    task = asyncio.create_task(keep_up(), name="search-index") if interval > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
