"""Postmortem benchmark: drafting the 2,000-entry incident without a model, and the prompt sizes with one.

Run from the repository root: `.venv/bin/python bench/postmortem.py`.

1. Time to draft without a model (target < 1 s): read the timeline from a SQLite database, compute the facts,
   fill the template, render the Markdown. Next to it, the baseline measured in the same run: only reading
   the same timeline. Medians of several runs, after a warm-up.
2. Prompt size in tokens before and after chunking, for the 2,000-entry incident and a 5,000-message one:
   "before" is the whole timeline in one request; "after" is what was actually sent to a local fake
   OpenAI-compatible server (tests/fakeopenai.py) with the policy's default budget: how many requests, the
   largest, and the final draft request. Tokens are estimated (≈3.5 characters a token, postmortem/evidence.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench`, `tests` and the app packages importable
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Awaitable, Callable, Sequence  # noqa: E402

from sqlalchemy import insert  # noqa: E402

from incidents.model import Incident  # noqa: E402
from incidents.policy import Policy  # noqa: E402
from incidents.postmortem_doc import Postmortem, PostmortemStatus  # noqa: E402
from incidents.postmortem_markdown import render_markdown  # noqa: E402
from incidents.postmortem_ports import DraftRequest  # noqa: E402
from postmortem.drafter import PostmortemDrafter  # noqa: E402
from postmortem.openai_model import OpenAIChatModel  # noqa: E402
from postmortem.prompts import prompt_tokens  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import TimelineEntryRow  # noqa: E402
from storage.uow import SqlUnitOfWorkFactory  # noqa: E402
from tests.fakeopenai import FakeOpenAI  # noqa: E402
from tests.postmortem_incidents import PEOPLE, Scenario, multi_day_degradation, timeline_rows  # noqa: E402

DRAFT_TARGET_S = 1.0


async def store(database: Database, scenario: Scenario) -> Incident:
    async with SqlUnitOfWorkFactory(database)() as uow:
        incident = await uow.incidents.add(scenario.incident, declare_key=None)
        assert incident.id is not None
        await uow.session.execute(insert(TimelineEntryRow), timeline_rows(incident.id, scenario.entries))
        await uow.commit()
    return incident


async def median_seconds(work: Callable[[], Awaitable[object]], runs: int) -> float:
    await work()  # warm-up: imports, compiled regexes, the connection pool
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def drafting(runs: int) -> tuple[float, float, float, int]:
    scenario = multi_day_degradation()
    policy = Policy()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{folder}/bench.db")
        try:
            await upgrade(database)
            incident = await store(database, scenario)
            assert incident.id is not None
            factory = SqlUnitOfWorkFactory(database)
            drafter = PostmortemDrafter()
            size = 0

            async def read() -> int:
                async with factory(write=False) as uow:
                    return len(await uow.timeline.entries(incident.id or 0))

            async def draft() -> int:
                nonlocal size
                async with factory(write=False) as uow:
                    entries = await uow.timeline.entries(incident.id or 0)
                document = await drafter.draft(DraftRequest(incident, entries, PEOPLE, policy))
                postmortem = Postmortem(
                    incident.id or 0,
                    incident.reference,
                    1,
                    PostmortemStatus.DRAFT,
                    document,
                    incident.declared_at,
                    None,
                    "",
                )
                size = len(render_markdown(postmortem, PEOPLE))
                return size

            entries = await read()
            baseline = await median_seconds(read, runs)
            total = await median_seconds(draft, runs)
            in_memory = await median_seconds(
                lambda: drafter.draft(DraftRequest(incident, scenario.entries, PEOPLE, policy)), runs
            )
        finally:
            await database.dispose()
    print(f"  timeline: {entries:,} entries; Markdown: {size:,} characters")
    return baseline, total, in_memory, entries


async def prompts(scenario: Scenario, budget: int) -> list[str]:
    async with FakeOpenAI() as fake:
        drafter = PostmortemDrafter(OpenAIChatModel(model="bench", api_key="bench", base_url=fake.base_url))
        try:
            started = time.perf_counter()
            document = await drafter.draft(DraftRequest(scenario.incident, scenario.entries, PEOPLE, Policy()))
            elapsed = time.perf_counter() - started
        finally:
            await drafter.close()
        written = drafter.last_written
        assert written is not None and document.draft.kind.value == "model"
        sizes = [prompt_tokens(r.body["messages"]) for r in fake.requests]
        final = prompt_tokens(fake.drafts()[-1].body["messages"])
        messages = sum(1 for e in scenario.entries if e.kind == "message")
        within = max(sizes) <= budget
        return [
            f"{len(scenario.entries):>6,} entries ({messages:,} messages)",
            f"{written.single_prompt_tokens:>10,}",
            f"{len(fake.requests):>4}",
            f"{max(sizes):>9,}",
            f"{final:>9,}",
            f"{elapsed * 1000:>8.0f} ms",
            "PASS" if within else "FAIL",
        ]


async def run(args: argparse.Namespace) -> bool:
    print(f"Firebreak postmortem benchmark: {platform.python_implementation()} {platform.python_version()}\n")
    print(f"1. Drafting the 2,000-entry incident without a model (median of {args.runs} runs after a warm-up)")
    baseline, total, in_memory, _entries = await drafting(args.runs)
    passed = total < DRAFT_TARGET_S
    print(f"  baseline: read the timeline from SQLite             {baseline * 1000:8.1f} ms")
    print(f"  draft (read + facts + template + Markdown)          {total * 1000:8.1f} ms  ({total / baseline:.1f}x)")
    print(f"  draft alone, timeline already in memory             {in_memory * 1000:8.1f} ms")
    print(f"  target < {DRAFT_TARGET_S:g} s: {'PASS' if passed else 'FAIL'}\n")

    budget = Policy().postmortem.token_budget
    print(f"2. Prompt size in tokens, before and after chunking (budget {budget:,} tokens a request)")
    header = ["incident", "one request", "reqs", "largest", "final", "model time", "<= budget"]
    rows = [await prompts(multi_day_degradation(), budget), await prompts(multi_day_degradation(5_000), budget)]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  " + "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    print(
        "  'one request': the whole timeline in a single prompt (what chunking avoids); 'largest'/'final': "
        "the biggest request sent and the final draft request; model time: against a local fake server."
    )
    all_passed = passed and all(r[-1] == "PASS" for r in rows)
    print(f"\nTargets met: {'all' if all_passed else 'not all'}.")
    return all_passed


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(0 if asyncio.run(run(parser.parse_args(argv))) else 1)


if __name__ == "__main__":
    main()
