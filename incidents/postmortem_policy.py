"""The policy's `postmortem:` keys: section names, when to draft automatically, and what the model may see."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from incidents.durations import Duration

# The document's sections, in order, with their default names. Keys are stable (storage, commands, the
# model's schema); names are what people read, and the policy may rename them.
DEFAULT_SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "impact": "Impact",
    "timeline": "Timeline of key events",
    "detection": "Detection",
    "response": "Response",
    "recovery": "Recovery",
    "root_cause": "Root cause and contributing factors",
    "went_well": "What went well",
    "went_wrong": "What went wrong",
    "lucky": "Where we got lucky",
    "action_items": "Action items",
    "lessons": "Lessons",
}
# Filled from stored data, never by a drafter.
COMPUTED_SECTIONS = frozenset({"impact", "timeline"})


class PostmortemPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Section key -> the name shown for it; keys left out keep their default name.
    sections: dict[str, str] = Field(default_factory=dict)
    # Severities whose incidents get a draft the moment they are resolved.
    auto_draft_severities: list[str] = Field(default_factory=lambda: ["SEV1", "SEV2"])
    # The most a single request to the model may carry (estimated tokens); longer timelines are summarised in
    # chunks first.
    token_budget: int = Field(default=12_000, ge=2_000, le=1_000_000)
    # Private incidents stay out of the model's reach unless this says otherwise: they get the template draft.
    send_private_incidents: bool = False
    # How long drafting with the model may take in all; past it, the template draft is used.
    model_timeout: Duration = timedelta(seconds=90)
    # The postmortem's timeline keeps every entry of an incident with at most this many; a longer one keeps its
    # key events, changes, notes and decision-bearing messages, and links the full timeline.
    full_timeline_max: int = Field(default=60, ge=0, le=1000)

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, sections: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(sections) - set(DEFAULT_SECTIONS))
        if unknown:
            raise ValueError(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(DEFAULT_SECTIONS)}")
        for key, name in sections.items():
            if not name.strip() or len(name) > 80:
                raise ValueError(f"the name of section '{key}' must be 1 to 80 characters")
        return sections

    @field_validator("model_timeout")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value.total_seconds() <= 0:
            raise ValueError("must be longer than 0s")
        return value

    def section_titles(self) -> dict[str, str]:
        """Every section key, in document order, with the name to show."""
        return {key: self.sections.get(key, name) for key, name in DEFAULT_SECTIONS.items()}

    def drafts_automatically(self, severity: str) -> bool:
        return severity.lower() in {s.lower() for s in self.auto_draft_severities}
