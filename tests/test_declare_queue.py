"""The declare queue: submissions declared first come first served, a few at a time, one failure stopping none."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

import bot.listeners.declare as declare_listener
from bot.listeners.declare import DeclareQueue, Submission
from incidents.context import Context
from incidents.declare import Declaration, DeclareRequest
from tests.storage_support import make_incident


class Runner:
    """Stands for the tracked lazy-listener runner: runs each started function as a task."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.tasks: list[asyncio.Task[None]] = []

    def start(self, function: Any, request: Any) -> None:
        self.tasks.append(asyncio.create_task(function(client=self.client)))

    async def drain(self) -> None:
        while not all(t.done() for t in self.tasks):
            await asyncio.gather(*self.tasks)


class Client:
    def __init__(self) -> None:
        self.updated: list[str] = []

    async def views_update(self, *, view_id: str, view: dict[str, Any]) -> None:
        self.updated.append(view_id)


def submission(n: int) -> Submission:
    return Submission(DeclareRequest(title=f"T{n}", severity="SEV2", declared_by="UALICE"), f"V{n}", None)


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replaces declaring with a stand-in that notes the order and how many run at once."""
    seen: dict[str, Any] = {"order": [], "at_once": 0, "most": 0, "gate": asyncio.Event()}

    async def declare_incident(_ctx: Context, request: DeclareRequest) -> Declaration:
        seen["order"].append(request.title)
        seen["at_once"] += 1
        seen["most"] = max(seen["most"], seen["at_once"])
        try:
            await seen["gate"].wait()
            if request.title == "T3":
                raise RuntimeError("boom")
            return Declaration(make_incident(int(request.title[1:])), created=request.title != "T5", setup=None)
        finally:
            seen["at_once"] -= 1

    monkeypatch.setattr(declare_listener, "declare_incident", declare_incident)
    return seen


async def test_submissions_are_declared_in_order_four_at_a_time(declared: dict[str, Any]) -> None:
    client = Client()
    runner = Runner(client)
    queue = DeclareQueue(cast(Context, object()), cast(Any, runner))

    for n in range(10):
        queue.add(submission(n), request=None)  # type: ignore[arg-type]
    await asyncio.sleep(0)
    declared["gate"].set()
    await runner.drain()

    assert len(runner.tasks) == 4  # workers, not one task per submission
    assert declared["order"] == [f"T{n}" for n in range(10)]
    assert declared["most"] == 4
    # T3 failed (its modal says so), T5 was a duplicate (the submission that created it shows the outcome).
    assert sorted(client.updated) == [f"V{n}" for n in range(10) if n != 5]
