"""The postmortem document: computed facts, sections of cited claims, suggested action items; and its versions.

Plain frozen dataclasses. A document round-trips through `to_dict`/`from_dict` (JSON-safe) for storage and for
`firebreak postmortem --format json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from incidents.action_items import Priority

CITATION = re.compile(r"\[#(\d+)\]")


class PostmortemStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "in_review": "In review", "published": "Published"}[self.value]


class DraftKind(StrEnum):
    MODEL = "model"  # narrative written by the language model, checked and cited
    TEMPLATE = "template"  # deterministic: timeline excerpts and guiding questions


class SectionSource(StrEnum):
    COMPUTED = "computed"  # from stored data
    MODEL = "model"
    TEMPLATE = "template"
    EDITED = "edited"  # written by a person


@dataclass(frozen=True)
class Claim:
    """One statement and the timeline entries (ids) it rests on."""

    text: str
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    body: str  # Markdown, citations written as [#id]
    source: SectionSource
    claims: tuple[Claim, ...] = ()

    @property
    def citations(self) -> list[int]:
        return sorted({int(n) for n in CITATION.findall(self.body)})


@dataclass(frozen=True)
class SuggestedAction:
    text: str
    priority: Priority = Priority.MEDIUM
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class CitedEntry:
    """A timeline entry a claim cites, so a reader can check the claim without leaving the document."""

    id: int
    at: datetime
    author: str  # a user id, a bot's name, or "Firebreak"
    excerpt: str  # redacted


@dataclass(frozen=True)
class Facts:
    """Everything computed from stored data, never generated."""

    reference: str
    title: str
    severity: str
    severity_name: str
    private: bool
    customer_impact: str
    services: tuple[str, ...]
    roles: tuple[tuple[str, str], ...]  # (role name, user id), in the policy's order
    responders: tuple[str, ...]  # user ids of everyone who took part
    declared_at: datetime
    acknowledged_at: datetime | None
    identified_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    impact_started_at: datetime | None
    impact_ended_at: datetime | None
    reported_impact: str  # the latest stakeholder update's impact, e.g. users affected; "" if never reported
    entries: int
    messages: int

    @property
    def impact_start(self) -> datetime:
        return self.impact_started_at or self.declared_at

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        """From declaration."""
        return self.acknowledged_at - self.declared_at if self.acknowledged_at else None

    @property
    def time_to_mitigate(self) -> timedelta | None:
        """From the start of impact (the declaration unless the declarer said it started earlier)."""
        return self.mitigated_at - self.impact_start if self.mitigated_at else None

    @property
    def time_to_resolve(self) -> timedelta | None:
        """From the start of impact."""
        return self.resolved_at - self.impact_start if self.resolved_at else None

    @property
    def impact_duration(self) -> timedelta | None:
        end = self.impact_ended_at or self.resolved_at
        return end - self.impact_start if end else None


@dataclass(frozen=True)
class DraftInfo:
    kind: DraftKind
    model: str | None = None
    reason: str = ""  # why the template was used, in words for the user
    notes: tuple[str, ...] = ()  # what the checks did: claims dropped, chunks summarised…


@dataclass(frozen=True)
class PostmortemDocument:
    facts: Facts
    sections: tuple[Section, ...]
    suggestions: tuple[SuggestedAction, ...]
    cited: tuple[CitedEntry, ...]
    draft: DraftInfo
    # What the timeline section left out, in words (e.g. "212 routine messages left out"); "" when it holds the
    # whole timeline. The Markdown adds where the full timeline is.
    timeline_note: str = ""

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def with_section(self, section: Section) -> PostmortemDocument:
        return replace(self, sections=tuple(section if s.key == section.key else s for s in self.sections))

    def to_dict(self) -> dict[str, Any]:
        return _encode(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PostmortemDocument:
        return _decode(data)


@dataclass(frozen=True)
class Postmortem:
    """One version of an incident's postmortem, with the postmortem's current status."""

    incident_id: int
    reference: str
    version: int
    status: PostmortemStatus
    document: PostmortemDocument
    created_at: datetime  # of this version
    created_by: str | None  # None when drafted automatically
    change: str  # what made this version, e.g. "drafted", "edited Summary"
    published_at: datetime | None = None
    published_by: str | None = None


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _encode(doc: PostmortemDocument) -> dict[str, Any]:
    f = doc.facts
    facts: dict[str, Any] = {
        **{name: getattr(f, name) for name in ("reference", "title", "severity", "severity_name", "private")},
        "customer_impact": f.customer_impact,
        "services": list(f.services),
        "roles": [list(pair) for pair in f.roles],
        "responders": list(f.responders),
        **{name: _time(getattr(f, name)) for name in _TIMES},
        "reported_impact": f.reported_impact,
        "entries": f.entries,
        "messages": f.messages,
    }
    for name in ("time_to_acknowledge", "time_to_mitigate", "time_to_resolve", "impact_duration"):
        delta = getattr(f, name)
        facts[f"{name}_seconds"] = int(delta.total_seconds()) if delta is not None else None
    return {
        "facts": facts,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "body": s.body,
                "source": s.source.value,
                "claims": [{"text": c.text, "cites": list(c.cites)} for c in s.claims],
            }
            for s in doc.sections
        ],
        "suggestions": [
            {"text": a.text, "priority": a.priority.value, "cites": list(a.cites)} for a in doc.suggestions
        ],
        "cited": [{"id": c.id, "at": c.at.isoformat(), "author": c.author, "excerpt": c.excerpt} for c in doc.cited],
        "draft": {
            "kind": doc.draft.kind.value,
            "model": doc.draft.model,
            "reason": doc.draft.reason,
            "notes": list(doc.draft.notes),
        },
        "timeline_note": doc.timeline_note,
    }


_TIMES = (
    "declared_at",
    "acknowledged_at",
    "identified_at",
    "mitigated_at",
    "resolved_at",
    "impact_started_at",
    "impact_ended_at",
)


def _decode(data: dict[str, Any]) -> PostmortemDocument:
    f = data["facts"]
    declared = _parse(f["declared_at"])
    assert declared is not None
    facts = Facts(
        reference=f["reference"],
        title=f["title"],
        severity=f["severity"],
        severity_name=f["severity_name"],
        private=bool(f["private"]),
        customer_impact=f["customer_impact"],
        services=tuple(f["services"]),
        roles=tuple((str(r[0]), str(r[1])) for r in f["roles"]),
        responders=tuple(f["responders"]),
        declared_at=declared,
        acknowledged_at=_parse(f["acknowledged_at"]),
        identified_at=_parse(f["identified_at"]),
        mitigated_at=_parse(f["mitigated_at"]),
        resolved_at=_parse(f["resolved_at"]),
        impact_started_at=_parse(f["impact_started_at"]),
        impact_ended_at=_parse(f["impact_ended_at"]),
        reported_impact=f["reported_impact"],
        entries=int(f["entries"]),
        messages=int(f["messages"]),
    )
    sections = tuple(
        Section(
            key=s["key"],
            title=s["title"],
            body=s["body"],
            source=SectionSource(s["source"]),
            claims=tuple(Claim(c["text"], tuple(c["cites"])) for c in s["claims"]),
        )
        for s in data["sections"]
    )
    suggestions = tuple(
        SuggestedAction(a["text"], Priority(a["priority"]), tuple(a["cites"])) for a in data["suggestions"]
    )
    cited = tuple(
        CitedEntry(int(c["id"]), datetime.fromisoformat(c["at"]), c["author"], c["excerpt"]) for c in data["cited"]
    )
    d = data["draft"]
    draft = DraftInfo(DraftKind(d["kind"]), d["model"], d["reason"], tuple(d["notes"]))
    return PostmortemDocument(facts, sections, suggestions, cited, draft, str(data.get("timeline_note") or ""))
