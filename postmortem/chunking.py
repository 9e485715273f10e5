"""Long timelines within the token budget: condense them in chunks, then condense the notes if need be.

A chunk is a run of consecutive timeline lines that, with the instructions and the facts, fits the budget. Each
chunk becomes a few cited notes (citations outside the chunk are dropped). When the notes of all chunks are
still too long, they are condensed the same way, at most `MAX_LEVELS` times; the last resort keeps an even
sample of them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from postmortem.checks import Checker
from postmortem.evidence import estimate_tokens
from postmortem.model import Ask, Message, ModelFailed
from postmortem.prompts import chunk_messages, invalid_json_messages, prompt_tokens
from postmortem.schema import ChunkNotes

MAX_LEVELS = 3
CONCURRENCY = 4
_IDS = re.compile(r"\[#(\d+)\]")


@dataclass
class RequestLog:
    """How big each request was (estimated tokens), for the draft's notes and the benchmark."""

    sizes: list[int] = field(default_factory=list)
    chunks: int = 0
    levels: int = 0
    sampled: bool = False

    def add(self, messages: Sequence[Message]) -> None:
        self.sizes.append(prompt_tokens(messages))


def pack(lines: Sequence[str], room: int) -> list[list[str]]:
    """Consecutive lines in groups of at most `room` estimated tokens (a longer line is a group of its own)."""
    chunks: list[list[str]] = []
    current: list[str] = []
    used = 0
    for line in lines:
        cost = estimate_tokens(line) + 1
        if current and used + cost > room:
            chunks.append(current)
            current, used = [], 0
        current.append(line)
        used += cost
    if current:
        chunks.append(current)
    return chunks


async def _notes(ask: Ask, messages: list[Message], log: RequestLog) -> ChunkNotes:
    log.add(messages)
    answer = await ask(messages, ChunkNotes)
    try:
        return ChunkNotes.model_validate_json(answer)
    except ValidationError as exc:
        retry = invalid_json_messages(messages, answer, str(exc.errors()[:3]))
        log.add(retry)
        answer = await ask(retry, ChunkNotes)
        try:
            return ChunkNotes.model_validate_json(answer)
        except ValidationError as again:
            raise ModelFailed("the model's notes on the timeline did not match the schema") from again


async def condense(
    facts_block: str,
    lines: Sequence[str],
    *,
    room_for: Callable[[Sequence[str]], bool],
    budget: int,
    checker: Checker,
    ask: Ask,
    log: RequestLog,
) -> list[str]:
    """Notes (one line each, citations as [#id]) standing for `lines`, until `room_for(notes)` holds."""
    current = list(lines)
    overhead = prompt_tokens(chunk_messages(facts_block, [], 1, 1)) + 16
    room = budget - overhead
    if room < 200:
        raise ModelFailed("the token budget is too small for the facts and instructions")
    gate = asyncio.Semaphore(CONCURRENCY)
    while not room_for(current):
        if log.levels == MAX_LEVELS:
            current = _sample(current, room_for)
            log.sampled = True
            break
        log.levels += 1
        chunks = pack(current, room)
        log.chunks += len(chunks)

        async def one(index: int, chunk: list[str], parts: int) -> list[str]:
            async with gate:
                notes = await _notes(ask, chunk_messages(facts_block, chunk, index + 1, parts), log)
            allowed = {int(n) for line in chunk for n in _IDS.findall(line)}
            kept = checker.review_notes(notes.notes, allowed)
            return [f"- {n.text.strip()} " + " ".join(f"[#{c}]" for c in sorted(set(n.cites))) for n in kept]

        results = await asyncio.gather(*(one(i, c, len(chunks)) for i, c in enumerate(chunks)))
        current = [line for notes in results for line in notes]
    return current


def _sample(lines: list[str], room_for: Callable[[Sequence[str]], bool]) -> list[str]:
    """An even sample of `lines` that fits: better a thinner picture of the whole than only its start."""
    step = 2
    while step < len(lines) and not room_for(lines[::step]):
        step += 1
    return lines[::step]
