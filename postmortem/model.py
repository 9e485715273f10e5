"""What the drafter needs from a language model: JSON text for a conversation and a schema."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from pydantic import BaseModel

Message = dict[str, str]
# One request, bounded by the time left: what the writer and the chunker call.
Ask = Callable[[list[Message], type[BaseModel]], Awaitable[str]]


class ModelFailed(Exception):
    """The model could not give a usable answer; `reason` says why in words for the user (no secrets)."""

    def __init__(self, reason: str, *, outcome: str = "failed") -> None:
        super().__init__(reason)
        self.reason = reason
        self.outcome = outcome  # a metric label: timeout, http_error, unreachable, empty…


class ChatModel(Protocol):
    name: str

    async def complete(self, messages: list[Message], schema: type[BaseModel], *, time_left: float) -> str:
        """The answer's text (JSON, if the server honours the schema). Raises ModelFailed."""
        ...

    async def close(self) -> None: ...
