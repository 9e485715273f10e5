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
from firebreak.settings import Settings
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

    def semantic() -> SemanticSimilarity:
        return NoSemanticModel()

    return SearchServices(backend=backend, chat=SlackSimilarChat(client), semantic=semantic)


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
