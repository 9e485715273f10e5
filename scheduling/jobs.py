"""The scheduler's jobs: module-level functions taking plain ids, so APScheduler can name and replace them.

The job looks up its runner by id in a registry the composition root fills; nothing is pickled.
"""

from __future__ import annotations

from typing import Protocol


class Runs(Protocol):
    async def run_now(self) -> None: ...
    async def keep_leadership(self) -> None: ...


_RUNNERS: dict[str, Runs] = {}


def register(runner_id: str, runner: Runs) -> None:
    _RUNNERS[runner_id] = runner


def unregister(runner_id: str) -> None:
    _RUNNERS.pop(runner_id, None)


async def run_due_work(runner_id: str) -> None:
    runner = _RUNNERS.get(runner_id)
    if runner is not None:
        await runner.run_now()


async def check_leadership(runner_id: str) -> None:
    runner = _RUNNERS.get(runner_id)
    if runner is not None:
        await runner.keep_leadership()
