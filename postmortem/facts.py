"""What is computed, never generated: the metadata and the impact figures (the timeline: timeline_section.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from incidents.model import Incident
from incidents.policy import Policy
from incidents.postmortem_doc import Facts, Section, SectionSource
from incidents.postmortem_markdown import exact_duration, utc
from incidents.timeline import Source, TimelineEntry
from postmortem.evidence import is_evidence, is_person
from postmortem.redaction import redact


def compute_facts(incident: Incident, entries: Sequence[TimelineEntry], policy: Policy) -> Facts:
    severity = policy.severity(incident.severity)
    roles = tuple((r.name, incident.roles[r.id]) for r in policy.roles if incident.roles.get(r.id))
    responders: dict[str, None] = dict.fromkeys(uid for _name, uid in roles)
    for entry in entries:
        if is_evidence(entry) and is_person(entry.actor):
            responders.setdefault(entry.actor or "")
    updates = [e for e in entries if e.kind == "stakeholder_update" and not e.deleted and e.data.get("impact")]
    return Facts(
        reference=incident.reference,
        title=incident.title,
        severity=incident.severity,
        severity_name=severity.name if severity else incident.severity,
        private=incident.private,
        customer_impact=incident.customer_impact.value,
        services=tuple(incident.services),
        roles=roles,
        responders=tuple(responders),
        declared_at=incident.declared_at,
        acknowledged_at=incident.acknowledged_at,
        identified_at=incident.identified_at,
        mitigated_at=incident.mitigated_at,
        resolved_at=incident.resolved_at,
        impact_started_at=incident.impact_started_at,
        impact_ended_at=incident.impact_ended_at,
        reported_impact=redact(str(updates[-1].data["impact"])) if updates else "",
        entries=sum(1 for e in entries if is_evidence(e)),
        messages=sum(1 for e in entries if is_evidence(e) and e.source is Source.CHAT),
    )


def impact_section(facts: Facts, entries: Sequence[TimelineEntry], names: Mapping[str, str], title: str) -> Section:
    end = facts.impact_ended_at or facts.resolved_at
    window = f"from {utc(facts.impact_start)} to {utc(end)}" if end else f"since {utc(facts.impact_start)}, ongoing"
    lines = [
        f"- **Duration of impact:** {exact_duration(facts.impact_duration)} ({window})",
        f"- **Customer impact:** {facts.customer_impact}",
        f"- **Services:** {', '.join(facts.services) or 'none recorded'}",
        f"- **Severity:** {facts.severity} ({facts.severity_name})",
    ]
    for entry in entries:
        if entry.kind == "severity_changed" and not entry.deleted:
            who = names.get(entry.actor or "", entry.actor or "Firebreak")
            lines.append(
                f"  - {entry.data.get('from')} → {entry.data.get('to')} at {utc(entry.at)} by {who} [#{entry.id}]"
            )
    updates = [e for e in entries if e.kind == "stakeholder_update" and not e.deleted and e.data.get("impact")]
    if updates:
        latest = updates[-1]
        lines.append(f"- **Reported impact (latest update):** {facts.reported_impact} [#{latest.id}]")
    else:
        lines.append("- **Reported impact:** not recorded in any stakeholder update")
    return Section("impact", title, "\n".join(lines), SectionSource.COMPUTED)
