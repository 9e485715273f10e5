"""The language model through the `openai` package: OpenAI, Azure, Ollama, vLLM, any compatible server."""

from __future__ import annotations

import logging
import time
from typing import Any, cast

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel

from postmortem.model import Message, ModelFailed
from postmortem.model_metrics import ModelMetrics
from postmortem.schema import response_format

log = logging.getLogger(__name__)


class OpenAIChatModel:
    def __init__(
        self,
        *,
        model: str,
        api_key: str | None,
        base_url: str | None,
        max_retries: int = 0,
        metrics: ModelMetrics | None = None,
    ) -> None:
        self.name = model
        self._metrics = metrics or ModelMetrics()
        # Local servers (Ollama, vLLM) take any key; the client insists on one.
        self._client = AsyncOpenAI(api_key=api_key or "unused", base_url=base_url, max_retries=max_retries)

    async def complete(self, messages: list[Message], schema: type[BaseModel], *, time_left: float) -> str:
        started = time.perf_counter()
        try:
            content = await self._request(messages, schema, time_left=time_left)
        except ModelFailed as exc:
            self._metrics.request_finished(exc.outcome, time.perf_counter() - started)
            raise
        self._metrics.request_finished("ok", time.perf_counter() - started)
        return content

    async def _request(self, messages: list[Message], schema: type[BaseModel], *, time_left: float) -> str:
        try:
            response = await self._client.chat.completions.create(
                model=self.name,
                messages=cast(Any, messages),
                response_format=cast(Any, response_format(schema, schema.__name__)),
                temperature=0.2,
                timeout=time_left,
            )
        except openai.APITimeoutError as exc:
            raise ModelFailed("the model did not answer in time", outcome="timeout") from exc
        except openai.APIStatusError as exc:
            # Only the status: a response body may echo the request (and so the incident's text).
            log.warning("Postmortem model request failed with HTTP %s", exc.status_code)
            raise ModelFailed(f"the model server answered HTTP {exc.status_code}", outcome="http_error") from exc
        except openai.APIError as exc:
            log.warning("Postmortem model request failed: %s", type(exc).__name__)
            raise ModelFailed("the model server could not be reached", outcome="unreachable") from exc
        if response.usage is not None:
            self._metrics.tokens_used(prompt=response.usage.prompt_tokens, completion=response.usage.completion_tokens)
        choice = response.choices[0] if response.choices else None
        content = choice.message.content if choice is not None else None
        if not content:
            raise ModelFailed("the model gave an empty answer", outcome="empty")
        return content

    async def close(self) -> None:
        await self._client.close()
