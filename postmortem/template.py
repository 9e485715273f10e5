"""The deterministic draft: each narrative section pre-filled with the timeline excerpts that bear on it and
the questions its author should answer. Used with no model, for private incidents, and when the model fails.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from incidents.action_items import Priority
from incidents.postmortem_doc import Claim, Facts, SuggestedAction
from incidents.postmortem_markdown import exact_duration, utc
from postmortem.evidence import Evidence
from postmortem.redaction import redact

EXCERPTS = 6
EXCERPT_MAX = 220

QUESTIONS: dict[str, tuple[str, ...]] = {
    "summary": ("In two or three sentences: what happened, who was affected, and how did it end?",),
    "detection": (
        "How was the problem first noticed: an alert, a customer, a colleague?",
        "How long passed between the start of impact and detection, and what would have shortened it?",
    ),
    "response": (
        "Who was pulled in, and how quickly? Was anyone missing?",
        "Were stakeholders kept informed often enough?",
        "What slowed the diagnosis down?",
    ),
    "recovery": (
        "What mitigated the impact, and what finally resolved it?",
        "Could impact have been stopped sooner (rollback, failover, a feature flag)?",
    ),
    "root_cause": (
        "Ask “why?” five times, about systems and processes, never about people.",
        "Which contributing factors made it worse or harder to see?",
    ),
    "went_well": ("What helped: tooling, runbooks, alerts, people's practices worth keeping?",),
    "went_wrong": ("Where did the process, tooling or documentation let the responders down?",),
    "lucky": ("What could have made this much worse, and didn't, by chance?",),
    "action_items": ("What would prevent this, detect it sooner, or make it quicker to fix? One owner each.",),
    "lessons": ("What should other teams know from this incident?",),
}

_W = r"(?i)\b"
KEYWORDS: dict[str, re.Pattern[str]] = {
    "detection": re.compile(
        _W + r"(alert\w*|alarm\w*|pag(?:e|ed|ing)|firing|fired|monitor\w*|noticed|reported|dashboard|spike\w*|"
        r"error rate|latency|5\d\d)\b"
    ),
    "response": re.compile(_W + r"(looking|investigat\w*|checking|escalat\w*|on-?call|joined|pulling in|paging)\b"),
    "recovery": re.compile(
        _W + r"(roll(?:ed|ing)?[ -]?back|revert\w*|restart\w*|fail(?:ed)?[ -]?over|mitigat\w*|recover\w*|"
        r"fix(?:ed)?|hotfix|deployed|scal(?:ed|ing) (?:up|out)|drain\w*|flush\w*|back to normal)\b"
    ),
    "root_cause": re.compile(
        _W + r"(root cause|caused by|because|due to|the cause|culprit|turns out|identified|exhaust\w*|misconfig\w*|"
        r"leak\w*)\b"
    ),
    "went_well": re.compile(_W + r"(thanks|thank you|great|nice|worked|quick(?:ly)?|helpful|runbook)\b"),
    "went_wrong": re.compile(
        _W + r"(unfortunately|didn't|did not|couldn't|could not|no access|missing|broken|stale|confus\w*|unclear)\b"
    ),
    "lucky": re.compile(_W + r"(luck\w*|fortunately|happened to|by chance|close call|just in time)\b"),
    "lessons": re.compile(_W + r"(lesson\w*|learn\w*|next time|in future|takeaway)\b"),
    "action_items": re.compile(_W + r"(action item|todo|to-do|follow[- ]?up|we should|we need to|ticket)\b"),
}
# Changes that belong in a section whatever their words.
KINDS: dict[str, frozenset[str]] = {
    "detection": frozenset({"declared"}),
    "response": frozenset({"role_assigned", "stakeholder_update", "severity_changed", "acknowledged"}),
    "recovery": frozenset({"resolved"}),
    "root_cause": frozenset(),
}
_ACTION_PREFIX = re.compile(r"(?i)^\W*(action item|todo|to-do|follow[- ]?up)\s*[:\-–]\s*")


def _clip(text: str) -> str:
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1] + "…"


def relevant(key: str, evidence: Sequence[Evidence]) -> list[Evidence]:
    """The entries that bear on a section: key events first, then in time order, a handful at most."""
    pattern, kinds = KEYWORDS.get(key), KINDS.get(key, frozenset())
    found = [e for e in evidence if e.kind in kinds or (pattern is not None and pattern.search(e.text))]
    chosen = sorted(found, key=lambda e: (not e.key, e.id))[:EXCERPTS]
    return sorted(chosen, key=lambda e: e.id)


def _excerpt_claim(item: Evidence) -> Claim:
    return Claim(f"{item.at_text[11:19]} {item.author_name}: {_clip(item.excerpt)}", (item.id,))


def _body(claims: Sequence[Claim], questions: Sequence[str], lead: str = "", tail: str = "") -> str:
    lines = [lead, ""] if lead else []
    if claims:
        lines.append("_Timeline excerpts that bear on this (check them, then write the section in your own words):_")
        lines += [f"> {c.text} [#{c.cites[0]}]" for c in claims]
        lines.append("")
    lines.append("_Questions to answer:_")
    lines += [f"- {q}" for q in questions]
    if tail:
        lines += ["", tail]
    return "\n".join(lines).strip()


def template_sections(
    facts: Facts, evidence: Sequence[Evidence], resolution: str
) -> tuple[dict[str, tuple[str, tuple[Claim, ...]]], tuple[SuggestedAction, ...]]:
    """Section key -> (body, claims) for every narrative section, and the suggested action items."""
    sections: dict[str, tuple[str, tuple[Claim, ...]]] = {}
    summary = _summary_claim(facts, evidence, resolution)
    sections["summary"] = (_body([], QUESTIONS["summary"], f"{summary.text} {_cites(summary)}".strip()), (summary,))
    for key in ("detection", "response", "recovery", "root_cause", "went_well", "went_wrong", "lucky", "lessons"):
        claims = tuple(_excerpt_claim(e) for e in relevant(key, evidence))
        tail = ""
        if key == "root_cause":
            tail = "_Five whys:_\n" + "\n".join(f"{n}. Why …?" for n in range(1, 6))
        sections[key] = (_body(claims, QUESTIONS[key], tail=tail), claims)
    suggestions = tuple(
        SuggestedAction(_clip(_ACTION_PREFIX.sub("", e.excerpt)), _priority(facts), (e.id,))
        for e in relevant("action_items", evidence)
    )
    lines = [f"- {a.text} _({a.priority.value})_ [#{a.cites[0]}]" for a in suggestions]
    lead = "_Suggested from the timeline:_\n" + "\n".join(lines) if lines else ""
    sections["action_items"] = (_body([], QUESTIONS["action_items"], lead), ())
    return sections, suggestions


def _cites(claim: Claim) -> str:
    return " ".join(f"[#{n}]" for n in claim.cites)


def _priority(facts: Facts) -> Priority:
    return Priority.HIGH if facts.severity.upper() in ("SEV1", "SEV0") else Priority.MEDIUM


def _summary_claim(facts: Facts, evidence: Sequence[Evidence], resolution: str) -> Claim:
    """A factual summary from the computed figures, citing the declaration and the resolution."""
    declared = next((e.id for e in evidence if e.kind == "declared"), None)
    resolved = next((e.id for e in reversed(evidence) if e.kind == "resolved"), None)
    text = f"{facts.title}: a {facts.severity} ({facts.severity_name}) incident declared {utc(facts.declared_at)}"
    if facts.resolved_at:
        text += f" and resolved {utc(facts.resolved_at)}, {exact_duration(facts.time_to_resolve)} after impact began"
    text += "."
    if resolution:
        text += f" Resolution: {_clip(redact(resolution))}"
    return Claim(text, tuple(n for n in (declared, resolved) if n is not None))
