"""A fake OpenAI-compatible server: `POST /v1/chat/completions` and `/v1/embeddings` on 127.0.0.1:0, recording
every request body.

`openai` 3.x talks through httpx2, which HTTP mocking libraries do not intercept, so the drafter is tested over
real HTTP. By default it behaves like a good model (valid JSON, citing ids from the request); tests queue
`Answer`s to make it cite entries that do not exist, blame people, fail, or never answer.
"""

from __future__ import annotations

import asyncio
import json
import re
import zlib
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

EMBEDDING_SIZE = 32

_IDS = re.compile(r"\[#(\d+)\]")


@dataclass
class Answer:
    content: str | dict[str, Any] | None = None  # a dict is sent as JSON text
    status: int = 200
    hang: bool = False  # never answer: the client has to give up


@dataclass
class Recorded:
    body: dict[str, Any]
    raw: bytes
    headers: dict[str, str]

    @property
    def schema(self) -> str:
        return str(self.body.get("response_format", {}).get("json_schema", {}).get("name", ""))

    @property
    def text(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))

    @property
    def cited_ids(self) -> list[int]:
        user = [str(m.get("content", "")) for m in self.body.get("messages", []) if m.get("role") == "user"]
        return [int(n) for n in _IDS.findall(user[0] if user else "")]


def claim(text: str, *cites: int) -> dict[str, Any]:
    return {"text": text, "cites": list(cites)}


def good_draft(ids: list[int]) -> dict[str, Any]:
    """A blameless draft citing ids that were in the request."""
    first, middle, last = ids[0], ids[len(ids) // 2], ids[-1]
    return {
        "summary": [claim("A faulty change degraded the service until it was rolled back.", first, last)],
        "detection": [claim("An alert fired within a minute of the impact starting.", first)],
        "response": [claim("The incident commander pulled in the service owners.", middle)],
        "recovery": [claim("Rolling back the change restored normal error rates.", last)],
        "root_cause": {
            "whys": [
                claim("Why did requests fail? The payment client timed out.", middle),
                claim("Why did it time out? A retry setting changed in the release.", middle),
            ],
            "contributing_factors": [claim("There was no canary stage for this service.", last)],
        },
        "went_well": [claim("The rollback runbook worked.", last)],
        "went_wrong": [claim("Diagnosis took longer than the rollback.", middle)],
        "lucky": [],
        "action_items": [
            {"text": "Add a canary stage to the deploy pipeline", "priority": "high", "cites": [last]},
            {"text": "Alert on error ratio per deploy", "priority": "medium", "cites": [middle]},
        ],
        "lessons": [claim("Changes to timeouts deserve a canary.", middle)],
    }


def good_notes(ids: list[int]) -> dict[str, Any]:
    return {"notes": [claim("Responders investigated the errors in this period.", ids[0], ids[-1])]}


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.answers: list[Answer] = []  # consumed in order; when empty, the well-behaved default
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.embedding_requests: list[dict[str, Any]] = []
        self.embedding_status = 200  # anything else: the embeddings endpoint fails with it

    def queue(self, *answers: Answer) -> None:
        self.answers.extend(answers)

    def drafts(self) -> list[Recorded]:
        return [r for r in self.requests if r.schema == "NarrativeDraft"]

    def chunks(self) -> list[Recorded]:
        return [r for r in self.requests if r.schema == "ChunkNotes"]

    async def _completions(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body = json.loads(raw)
        recorded = Recorded(body, raw, dict(request.headers))
        self.requests.append(recorded)
        answer = self.answers.pop(0) if self.answers else None
        if answer is not None and answer.hang:
            await self._release.wait()
            return web.json_response({"error": {"message": "gone"}}, status=503)
        if answer is not None and answer.status != 200:
            return web.json_response({"error": {"message": "overloaded", "type": "server_error"}}, status=answer.status)
        content: Any = answer.content if answer is not None else None
        if content is None:
            ids = recorded.cited_ids or [0]
            content = good_notes(ids) if recorded.schema == "ChunkNotes" else good_draft(ids)
        text = content if isinstance(content, str) else json.dumps(content)
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 1_790_000_000,
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    async def _embeddings(self, request: web.Request) -> web.Response:
        """A bag of words hashed into EMBEDDING_SIZE dimensions: texts sharing words point the same way."""
        body = await request.json()
        self.embedding_requests.append(body)
        if self.embedding_status != 200:
            return web.json_response(
                {"error": {"message": "down", "type": "server_error"}}, status=self.embedding_status
            )
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = []
        for index, text in enumerate(texts):
            vector = [0.0] * EMBEDDING_SIZE
            for word in re.findall(r"[a-z]+", str(text).lower()):
                vector[zlib.crc32(word.encode()) % EMBEDDING_SIZE] += 1.0
            data.append({"object": "embedding", "index": index, "embedding": vector})
        usage = {"prompt_tokens": 1, "total_tokens": 1}
        return web.json_response({"object": "list", "data": data, "model": body.get("model"), "usage": usage})

    async def __aenter__(self) -> FakeOpenAI:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_post("/v1/embeddings", self._embeddings)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/v1"
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()
