"""The words sent to the model: instructions, the computed facts, the evidence, and the repair request."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from incidents.postmortem_doc import Facts
from incidents.postmortem_markdown import exact_duration, utc
from postmortem.checks import Problem
from postmortem.evidence import estimate_tokens

Message = dict[str, str]

RULES = """Rules:
- Use only the facts and the timeline below. Each timeline line starts with its id, e.g. [#1042].
- Every statement cites the ids of the timeline entries it rests on in `cites` (1042 for [#1042]). Cite only ids
  that appear in the input. Leave out whatever you cannot support with a citation.
- Be blameless: describe what systems and processes did. Never name a person, a role or a responder as the cause
  of anything, and never say someone made a mistake, forgot, or should have known better. People appear only as
  roles doing the response.
- The facts (times, durations, severity, impact) are computed from stored data: never contradict them.
- Answer with one JSON object matching the schema, and nothing else."""

DRAFT_SYSTEM = f"""You draft blameless incident postmortems from an incident's timeline.
{RULES}
- Sections: summary (2-4 statements), detection, response, recovery, root_cause.whys (a 5-whys chain from the
  symptom to the deepest cause, at most five), root_cause.contributing_factors, went_well, went_wrong, lucky
  (where we got lucky), action_items (specific, starting with a verb, with a priority), lessons. An empty list
  is better than an unsupported statement."""

CHUNK_SYSTEM = f"""You condense one part of a long incident timeline into notes for a postmortem writer.
{RULES}
- Keep what matters for the postmortem: symptoms, alerts, findings, decisions, changes made, mitigation,
  recovery, customer impact, and anything worth an action item. Key events are marked ★. At most 25 notes."""

DRAFT_SHAPE = {
    "summary": [{"text": "…", "cites": [1]}],
    "detection": [],
    "response": [],
    "recovery": [],
    "root_cause": {"whys": [], "contributing_factors": []},
    "went_well": [],
    "went_wrong": [],
    "lucky": [],
    "action_items": [{"text": "…", "priority": "high|medium|low", "cites": [1]}],
    "lessons": [],
}
NOTES_SHAPE = {"notes": [{"text": "…", "cites": [1]}]}


def facts_text(facts: Facts, context: dict[str, str]) -> str:
    """The computed facts, with no one's name in them (roles are counted, not named)."""
    lines = [
        f"Incident {facts.reference}: {context['title']}",
        f"Severity: {facts.severity} ({facts.severity_name}); customer impact: {facts.customer_impact}",
        f"Services: {', '.join(facts.services) or 'none recorded'}",
        f"Declared {utc(facts.declared_at)}; acknowledged {utc(facts.acknowledged_at)}; "
        f"mitigated {utc(facts.mitigated_at)}; resolved {utc(facts.resolved_at)}",
        f"Impact started {utc(facts.impact_start)}; lasted {exact_duration(facts.impact_duration)}; "
        f"time to mitigate {exact_duration(facts.time_to_mitigate)}; "
        f"time to resolve {exact_duration(facts.time_to_resolve)}",
        f"Responders: {len(facts.responders)}",
    ]
    for label, key in (("Description", "description"), ("Resolution", "resolution"), ("Reported impact", "impact")):
        if context.get(key):
            lines.append(f"{label}: {context[key]}")
    return "\n".join(lines)


def _user(facts_block: str, heading: str, lines: Sequence[str], shape: dict[str, Any]) -> str:
    return f"FACTS\n{facts_block}\n\n{heading}\n" + "\n".join(lines) + f"\n\nAnswer in this shape:\n{json.dumps(shape)}"


def draft_messages(facts_block: str, lines: Sequence[str], *, from_notes: bool) -> list[Message]:
    heading = "NOTES (condensed from the whole timeline; cite the entry ids they cite)" if from_notes else "TIMELINE"
    return [
        {"role": "system", "content": DRAFT_SYSTEM},
        {"role": "user", "content": _user(facts_block, heading, lines, DRAFT_SHAPE)},
    ]


def chunk_messages(facts_block: str, lines: Sequence[str], part: int, parts: int) -> list[Message]:
    heading = f"TIMELINE, part {part} of {parts}"
    return [
        {"role": "system", "content": CHUNK_SYSTEM},
        {"role": "user", "content": _user(facts_block, heading, lines, NOTES_SHAPE)},
    ]


def repair_messages(messages: list[Message], answer: str, problems: Sequence[Problem]) -> list[Message]:
    listed = "\n".join(f"- {p.where} “{p.text[:200]}” {p.reason}" for p in problems[:40])
    request = (
        "Some statements break the rules:\n"
        f"{listed}\n"
        "Return the complete corrected JSON object: fix each statement (cite only ids from the input; describe "
        "systems and processes, not people, as causes) or leave it out."
    )
    return [*messages, {"role": "assistant", "content": answer}, {"role": "user", "content": request}]


def invalid_json_messages(messages: list[Message], answer: str, error: str) -> list[Message]:
    request = f"That answer is not valid for the schema ({error[:500]}). Return only the complete JSON object."
    return [*messages, {"role": "assistant", "content": answer[:4000]}, {"role": "user", "content": request}]


def prompt_tokens(messages: Sequence[Message]) -> int:
    return sum(estimate_tokens(m["content"]) + 4 for m in messages)
