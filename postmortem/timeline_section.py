"""The postmortem's "Timeline of key events": computed from the timeline in every kind of draft, never thinned
by a model, faithful minute by minute.

A short incident (at most the policy's `postmortem.full_timeline_max` entries) keeps every entry. A longer one
keeps every key event, every change Firebreak recorded (status, severity, roles, stakeholder updates,
acknowledgements, escalations…), every note and message added by hand, every decision-bearing message
(`is_decision`), and the first and last messages; the routine messages left out are counted, and the document
points at the full timeline. The section stays within `BODY_MAX` characters by shortening excerpts, then by
leaving out entries that are not key events; a key event is never left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from incidents.postmortem_doc import Section, SectionSource
from incidents.timeline import Source, TimelineEntry
from postmortem.evidence import Evidence

# What a canvas or file section is shown whole at: Slack's longest message text (40,000 characters) as the mark.
BODY_MAX = 40_000
EXCERPT_WIDTHS = (300, 160, 80)  # tried in turn until the section fits

# Words that say something was decided or done (a rollback, a deploy, a restart, a setting changed) or found.
DECISION = re.compile(
    r"(?i)\b("
    r"decid\w*|decision|agreed|going (?:with|ahead)|"
    r"roll(?:ed|ing)?[ -]?back|rollback|revert\w*|deploy\w*|ship(?:ped|ping)?|release[ds]?|hot-?fix\w*|patch(?:ed|ing)|"
    r"restart\w*|reboot\w*|fail(?:ed|ing)?[ -]?over|switch(?:ed|ing)? (?:over|to)|"
    r"mitigat\w*|root cause|caused by|the cause|fixed|"
    r"rais(?:e|ed|ing)|lower(?:ed|ing)|increas(?:e|ed|ing)|decreas(?:e|ed|ing)|bump(?:ed|ing)?|doubled|halved|"
    r"scal(?:ed|ing) (?:up|out|down|in)|disabl(?:e|ed|ing)|enabl(?:e|ed|ing)|turn(?:ed|ing)? (?:off|on)|"
    r"kill(?:ed|ing)|stopp(?:ed|ing)|paus(?:e|ed|ing)|resum(?:e|ed|ing)|drain(?:ed|ing)?|block(?:ed|ing)|"
    r"feature flag|escalat\w*"
    r")\b"
)


def thread_roots(entries: Sequence[TimelineEntry]) -> set[str]:
    """The ts of every message that has replies."""
    return {e.thread_ts for e in entries if e.thread_ts}


def is_decision(entry: TimelineEntry, roots: set[str]) -> bool:
    """A message worth keeping in a long incident's timeline: it says something was decided, done or found
    (`DECISION`), it shares files or links (a graph, a log, a runbook), or it started a thread."""
    if entry.files or entry.links or (entry.message_ts is not None and entry.message_ts in roots):
        return True
    return DECISION.search(entry.text) is not None


@dataclass(frozen=True)
class TimelineChoice:
    shown: list[tuple[Evidence, str]]  # each with its mark ("first message", "last message" or "")
    routine_left_out: int  # ordinary messages of a long incident
    cut_to_fit: int  # entries that are no key event, left out so the section fits

    def note(self) -> str:
        """What was left out, in words ("" when nothing was)."""
        routine = f"{self.routine_left_out} routine message{'s' if self.routine_left_out != 1 else ''}"
        if self.cut_to_fit:
            others = f"{self.cut_to_fit} other entr{'ies' if self.cut_to_fit != 1 else 'y'}"
            return f"{routine} and {others} left out to fit" if self.routine_left_out else f"{others} left out to fit"
        return f"{routine} left out" if self.routine_left_out else ""


def choose(entries: Sequence[TimelineEntry], evidence: Sequence[Evidence], full_max: int) -> TimelineChoice:
    """Every entry of a short incident; of a long one, all but its routine messages (see the module's doc)."""
    messages = [e for e in evidence if e.kind == "message"]
    marks: dict[int, str] = {}
    if messages:
        marks[messages[0].id] = "first message"
        marks.setdefault(messages[-1].id, "last message")
    if len(evidence) <= full_max:
        return TimelineChoice([(e, marks.get(e.id, "")) for e in evidence], 0, 0)
    by_id = {e.id: e for e in entries}
    roots = thread_roots(entries)
    shown = []
    for item in evidence:
        entry = by_id[item.id]
        routine = entry.source is Source.CHAT and entry.kind == "message" and not is_decision(entry, roots)
        if item.key or item.id in marks or not routine:
            shown.append((item, marks.get(item.id, "")))
    return TimelineChoice(shown, len(evidence) - len(shown), 0)


def _line(item: Evidence, mark: str, width: int) -> str:
    note = f" _({mark})_" if mark else ""
    text = item.excerpt if len(item.excerpt) <= width else item.excerpt[: width - 1] + "…"
    return f"- **{item.at_text[:-1]} UTC** · {item.author_name}: {text}{note} [#{item.id}]"


def _fits(choice: TimelineChoice) -> tuple[list[str], TimelineChoice]:
    """Lines within BODY_MAX: excerpts shortened first, then entries that are no key event left out, latest
    first; key events are kept whatever it costs."""
    for width in EXCERPT_WIDTHS:
        lines = [_line(item, mark, width) for item, mark in choice.shown]
        if sum(len(line) + 1 for line in lines) <= BODY_MAX:
            return lines, choice
    width = EXCERPT_WIDTHS[-1]
    sizes = [len(_line(item, mark, width)) + 1 for item, mark in choice.shown]
    used = sum(sizes)
    dropped: set[int] = set()
    for index in range(len(choice.shown) - 1, -1, -1):
        if used <= BODY_MAX:
            break
        if not choice.shown[index][0].key:
            dropped.add(index)
            used -= sizes[index]
    kept = [shown for index, shown in enumerate(choice.shown) if index not in dropped]
    fitted = TimelineChoice(kept, choice.routine_left_out, len(dropped))
    return [_line(item, mark, width) for item, mark in kept], fitted


def timeline_section(
    entries: Sequence[TimelineEntry], evidence: Sequence[Evidence], title: str, *, full_max: int
) -> tuple[Section, str]:
    """The section, and what it left out in words ("" when nothing): the document says where the rest is."""
    lines, choice = _fits(choose(entries, evidence, full_max))
    body = "\n".join(lines) or "_No key events were recorded._"
    return Section("timeline", title, body, SectionSource.COMPUTED), choice.note()
