"""Writing the narrative with the model: within the budget, checked, repaired once, and what still fails dropped."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from postmortem.checks import Checker, Problem
from postmortem.chunking import RequestLog, condense
from postmortem.evidence import Evidence
from postmortem.model import Ask, ChatModel, Message, ModelFailed
from postmortem.prompts import draft_messages, invalid_json_messages, prompt_tokens, repair_messages
from postmortem.schema import NarrativeDraft

# The final request leaves this share of the budget free, so that a repair request (which carries the first
# answer and the problems with it) fits the budget too.
REPAIR_RESERVE = 0.25


@dataclass(frozen=True)
class Written:
    draft: NarrativeDraft
    notes: tuple[str, ...]  # what the user should know: chunking, repairs, dropped statements
    log: RequestLog
    single_prompt_tokens: int  # the size the whole timeline in one request would have had


class ModelWriter:
    def __init__(self, model: ChatModel) -> None:
        self.model = model

    async def write(
        self, facts_block: str, evidence: Sequence[Evidence], *, budget: int, seconds: float, checker: Checker
    ) -> Written:
        """The narrative, or ModelFailed / TimeoutError (the caller falls back to the template)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        log = RequestLog()

        async def ask(messages: list[Message], schema: type[BaseModel]) -> str:  # each request: the time left
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            return await self.model.complete(messages, schema, time_left=remaining)

        lines = [e.line() for e in evidence]
        single = prompt_tokens(draft_messages(facts_block, lines, from_notes=False))
        final_budget = int(budget * (1 - REPAIR_RESERVE))
        notes: list[str] = []
        if single <= final_budget:
            messages = draft_messages(facts_block, lines, from_notes=False)
        else:
            key_lines = [e.line() for e in evidence if e.key]

            def fits(candidate: Sequence[str]) -> bool:
                return prompt_tokens(draft_messages(facts_block, candidate, from_notes=True)) <= final_budget

            condensed = await condense(
                facts_block, lines, room_for=fits, budget=budget, checker=checker, ask=ask, log=log
            )
            with_keys = ["Key events:", *key_lines, "", "Notes:", *condensed]
            messages = draft_messages(facts_block, with_keys if fits(with_keys) else condensed, from_notes=True)
            notes.append(
                f"The timeline (≈{single:,} tokens) was condensed in {log.chunks} chunk(s) to fit the "
                f"{budget:,}-token budget." + (" Some notes were left out to fit." if log.sampled else "")
            )
        draft, answer = await self._draft(ask, messages, log)
        clean, problems = checker.review(draft)
        if problems:
            repaired = await self._repair(ask, messages, answer, problems, budget, log)
            clean, still = checker.review(repaired) if repaired is not None else (clean, problems)
            notes.append(_repair_note(problems, still))
        return Written(clean, tuple(notes), log, single)

    async def _draft(self, ask: Ask, messages: list[Message], log: RequestLog) -> tuple[NarrativeDraft, str]:
        log.add(messages)
        answer = await ask(messages, NarrativeDraft)
        try:
            return NarrativeDraft.model_validate_json(answer), answer
        except ValidationError as exc:
            # The one repair goes to making the answer valid at all.
            retry = invalid_json_messages(messages, answer, str(exc.errors()[:3]))
            log.add(retry)
            answer = await ask(retry, NarrativeDraft)
            try:
                return NarrativeDraft.model_validate_json(answer), answer
            except ValidationError as again:
                raise ModelFailed("the model's answer did not match the postmortem schema") from again

    async def _repair(
        self,
        ask: Ask,
        messages: list[Message],
        answer: str,
        problems: Sequence[Problem],
        budget: int,
        log: RequestLog,
    ) -> NarrativeDraft | None:
        request = repair_messages(messages, answer, problems)
        if prompt_tokens(request) > budget:  # the first answer does not fit again: ask afresh, with the problems
            request = repair_messages(messages, "(answer omitted)", problems)
        log.add(request)
        try:
            return NarrativeDraft.model_validate_json(await ask(request, NarrativeDraft))
        except (ValidationError, ModelFailed):
            return None  # keep the first answer, without the statements that failed


def _kind(problem: Problem) -> str:
    if "not in the timeline" in problem.reason:
        return "citations of entries that do not exist"
    if "cites no" in problem.reason:
        return "statements without a citation"
    if "person" in problem.reason:
        return "a person named as a cause"
    return "empty statements"


def _repair_note(problems: Sequence[Problem], still: Sequence[Problem]) -> str:
    kinds = sorted({_kind(p) for p in problems})
    text = f"The model's first answer had {len(problems)} problem(s) ({'; '.join(kinds)}); one repair was asked."
    if still:
        dropped = len({p.where for p in still})
        text += f" {dropped} statement(s) still failing the checks were dropped."
    return text
