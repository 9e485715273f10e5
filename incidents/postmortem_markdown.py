"""The postmortem as Markdown: the uploaded file, the canvas, and `firebreak postmortem`.

Kept to what Slack canvases render (headings, lists, bold, quotes): no tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from incidents.postmortem_doc import DraftKind, Facts, Postmortem, PostmortemDocument


def utc(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC") if at else "—"


def exact_duration(delta: timedelta | None) -> str:
    """To the second, e.g. `1h 5m 30s`, so figures can be checked against the timestamps."""
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    if secs or not parts:
        parts.append(f"{secs}s")
    return sign + " ".join(parts)


def draft_label(doc: PostmortemDocument) -> str:
    """Which kind of draft this is, in words the reader understands."""
    if doc.draft.kind is DraftKind.MODEL:
        return f"drafted by a language model ({doc.draft.model}), every statement cited"
    reason = f": {doc.draft.reason}" if doc.draft.reason else ""
    return f"template draft{reason}"


def _name(user_id: str, names: Mapping[str, str]) -> str:
    return names.get(user_id, user_id)


def metadata_lines(facts: Facts, names: Mapping[str, str]) -> list[str]:
    roles = "; ".join(f"{role}: {_name(uid, names)}" for role, uid in facts.roles) or "—"
    responders = ", ".join(_name(uid, names) for uid in facts.responders) or "—"
    rows = [
        ("Incident", facts.reference),
        ("Title", facts.title),
        ("Severity", f"{facts.severity} ({facts.severity_name})"),
        ("Roles", roles),
        ("Responders", responders),
        ("Declared", utc(facts.declared_at)),
        ("Acknowledged", utc(facts.acknowledged_at)),
        ("Mitigated", utc(facts.mitigated_at)),
        ("Resolved", utc(facts.resolved_at)),
        ("Time to acknowledge (from declaration)", exact_duration(facts.time_to_acknowledge)),
        ("Time to mitigate (from impact start)", exact_duration(facts.time_to_mitigate)),
        ("Time to resolve (from impact start)", exact_duration(facts.time_to_resolve)),
    ]
    return [f"- **{label}:** {value}" for label, value in rows]


def _version(postmortem: Postmortem) -> str:
    return f"version {postmortem.version}" if postmortem.version else "not stored: drafted just now from the timeline"


def full_timeline_pointer(reference: str, link: str | None) -> str:
    """Where the full timeline is: the file uploaded beside the postmortem, else the command that exports it."""
    if link:
        return f"[{reference} timeline, every entry]({link})"
    return f"`/incident timeline {reference} export md` in Slack exports it"


def render_markdown(postmortem: Postmortem, names: Mapping[str, str], *, full_timeline: str | None = None) -> str:
    """The document; `full_timeline` is the link to the whole timeline, for a timeline section that left some out."""
    doc = postmortem.document
    facts = doc.facts
    lines = [
        f"# Postmortem: {facts.reference}: {facts.title}",
        "",
        f"_{postmortem.status.label} · {_version(postmortem)} · {draft_label(doc)}_",
        "",
        *metadata_lines(facts, names),
    ]
    for section in doc.sections:
        lines += ["", f"## {section.title}", "", section.body.strip() or "_Nothing yet._"]
        if section.key == "timeline" and doc.timeline_note:
            pointer = full_timeline_pointer(facts.reference, full_timeline)
            lines += ["", f"_{doc.timeline_note}; the full timeline: {pointer}._"]
    if doc.cited:
        lines += ["", "## Cited timeline entries", ""]
        for entry in doc.cited:
            excerpt = entry.excerpt.replace("\n", " ")
            lines.append(f"- [#{entry.id}] {utc(entry.at)} · {_name(entry.author, names)}: {excerpt}")
    if doc.draft.notes:
        lines += ["", "---", "", *[f"_{note}_" for note in doc.draft.notes]]
    return "\n".join(lines) + "\n"
