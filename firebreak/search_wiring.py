"""Wiring search, similar incidents and runbooks: the database backend, the channel post, and the semantic
term (an OpenAI-compatible embedding model when FIREBREAK_EMBEDDING_MODEL names one; otherwise text only)."""

from __future__ import annotations

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.search_chat import SlackSimilarChat
from firebreak.settings import Settings
from incidents.search.service import SearchServices
from incidents.search.similar_lookup import NoSemanticModel, SemanticSimilarity
from storage.database import Database
from storage.search_backend import SqlSearchBackend


def search_services(
    settings: Settings, database: Database, client: AsyncWebClient, session: aiohttp.ClientSession
) -> SearchServices:
    backend = SqlSearchBackend(database)

    def semantic() -> SemanticSimilarity:
        return NoSemanticModel()

    return SearchServices(backend=backend, chat=SlackSimilarChat(client), semantic=semantic)
