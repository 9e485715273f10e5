"""Checking what the model wrote: every claim cites entries that exist, and no person is named as a cause.

`review` returns the draft without the claims that fail, and the problems found; the drafter asks the model to
repair those once, then drops what still fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from postmortem.schema import CLAIM_SECTIONS, ActionSuggestion, CitedClaim, NarrativeDraft, RootCause

# Words that make a person the cause wherever they appear in the sentence…
_STRONG = re.compile(
    r"(?i)\b(caus(?:e|ed|es|ing)|fault\w*|blam\w*|mistake\w*|negligen\w*|careless\w*|human error|"
    r"responsible for|screw(?:ed)? up|incompeten\w*)\b"
)
# …and ones that do only right after the person (“Responder 2 forgot to…”).
_WEAK = r"(?:failed to|forgot|should have|neglected|didn'?t|did not|broke|ignored|missed)"
_PEOPLE_NOUNS = ("engineer", "developer", "someone", "responder")
_SENTENCE = re.compile(r"[.;!?]+\s*")


@dataclass(frozen=True)
class Problem:
    where: str  # e.g. "summary[0]", "root_cause.whys[2]", "action_items[1]"
    text: str
    reason: str


class Checker:
    def __init__(self, known_ids: Iterable[int], person_terms: Iterable[str]) -> None:
        self.known = set(known_ids)
        terms = sorted({*person_terms, *_PEOPLE_NOUNS}, key=len, reverse=True)
        person = "|".join(re.escape(t) for t in terms)
        self._person = re.compile(rf"(?i)(?<![\w])(?:{person})(?![\w])")
        self._weak = re.compile(rf"(?i)(?<![\w])(?:{person})(?![\w])(?:\W+\w+){{0,3}}?\W+{_WEAK}\b")

    def blames_a_person(self, text: str) -> bool:
        for sentence in _SENTENCE.split(text):
            if self._person.search(sentence) and (_STRONG.search(sentence) or self._weak.search(sentence)):
                return True
        return False

    def problems(self, where: str, text: str, cites: list[int]) -> list[Problem]:
        found = []
        if not text.strip():
            found.append(Problem(where, text, "is empty"))
        if not cites:
            found.append(Problem(where, text, "cites no timeline entry"))
        unknown = sorted({c for c in cites if c not in self.known})
        if unknown:
            ids = ", ".join(f"#{c}" for c in unknown)
            found.append(
                Problem(where, text, f"cites {ids}, which {'is' if len(unknown) == 1 else 'are'} not in the timeline")
            )
        if self.blames_a_person(text):
            found.append(Problem(where, text, "names a person as the cause (the postmortem must be blameless)"))
        return found

    def _claims(self, where: str, claims: list[CitedClaim], problems: list[Problem]) -> list[CitedClaim]:
        kept = []
        for index, claim in enumerate(claims):
            found = self.problems(f"{where}[{index}]", claim.text, claim.cites)
            problems.extend(found)
            if not found:
                kept.append(claim)
        return kept

    def review(self, draft: NarrativeDraft) -> tuple[NarrativeDraft, list[Problem]]:
        problems: list[Problem] = []
        values: dict[str, object] = {key: self._claims(key, getattr(draft, key), problems) for key in CLAIM_SECTIONS}
        values["root_cause"] = RootCause(
            whys=self._claims("root_cause.whys", draft.root_cause.whys, problems),
            contributing_factors=self._claims(
                "root_cause.contributing_factors", draft.root_cause.contributing_factors, problems
            ),
        )
        actions: list[ActionSuggestion] = []
        for index, action in enumerate(draft.action_items):
            found = self.problems(f"action_items[{index}]", action.text, action.cites)
            problems.extend(found)
            if not found:
                actions.append(action)
        values["action_items"] = actions
        return NarrativeDraft.model_validate(values), problems

    def review_notes(self, notes: list[CitedClaim], allowed: set[int]) -> list[CitedClaim]:
        """Chunk notes: kept only when every citation is an entry of that chunk."""
        return [n for n in notes if n.text.strip() and n.cites and all(c in allowed for c in n.cites)]
