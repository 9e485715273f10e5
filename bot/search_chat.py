"""The similar-incidents post in a new incident's channel (incidents.search.service.SimilarChat)."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.search_text import similar_post_blocks
from bot.slack_calls import call_slack
from incidents.search.service import SimilarPost


class SlackSimilarChat:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def post_similar(self, channel: str, post: SimilarPost) -> None:
        text, blocks = similar_post_blocks(post)
        await call_slack(
            "chat.postMessage",
            self._client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False),
        )
