"""What the model must answer with, as pydantic models: the JSON schema sent with the request, and the validator
of the answer. No defaults and no extra keys, so the schema is usable in strict structured-output mode."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CitedClaim(_Strict):
    text: str
    cites: list[int]  # ids of timeline entries, the numbers in [#1234]


class RootCause(_Strict):
    whys: list[CitedClaim]  # the 5-whys chain, from the symptom down to the deepest cause
    contributing_factors: list[CitedClaim]


class ActionSuggestion(_Strict):
    text: str
    priority: Literal["high", "medium", "low"]
    cites: list[int]


class NarrativeDraft(_Strict):
    summary: list[CitedClaim]
    detection: list[CitedClaim]
    response: list[CitedClaim]
    recovery: list[CitedClaim]
    root_cause: RootCause
    went_well: list[CitedClaim]
    went_wrong: list[CitedClaim]
    lucky: list[CitedClaim]
    action_items: list[ActionSuggestion]
    lessons: list[CitedClaim]


class ChunkNotes(_Strict):
    """What a chunk of a long timeline boils down to: the facts worth keeping, each cited."""

    notes: list[CitedClaim]


CLAIM_SECTIONS = ("summary", "detection", "response", "recovery", "went_well", "went_wrong", "lucky", "lessons")


def response_format(model: type[BaseModel], name: str) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": name, "schema": model.model_json_schema(), "strict": True}}
