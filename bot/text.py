"""Everything the bot says in words (not Block Kit layout), in one place so it reads as a whole."""

from __future__ import annotations

from datetime import datetime

from bot.blocks.format import escape, when
from incidents.durations import format_duration
from incidents.message_text import readable
from incidents.model import Incident, TimelineEvent
from incidents.policy import Policy

USAGE = """*Firebreak: `/incident` commands*
• `/incident` or `/incident declare [title]`: declare an incident (opens a form)
• `/incident status [ID] <status> [note]`: move it along ({statuses})
• `/incident severity [ID] <severity> [note]`: change severity ({severities})
• `/incident update [ID]`: post a stakeholder update
• `/incident role [ID] <role> @person`: assign a role ({roles}); `/incident roles [ID]` lists them
• `/incident resolve [ID]`: resolve with a summary; `/incident reopen [ID] [reason]` reopens
• `/incident list [open|all] [--severity SEV1] [--service api] [--mine]`: list incidents
• `/incident show [ID]`: show one incident
• `/incident timeline [ID] [export md|json|csv | sync]`: the timeline; `/incident note [at 14:32] <text>` adds to it
• `/incident action <text> [@owner] [due:3d] [priority:high]`: an action item; `/incident actions [mine|overdue|all]`
• `/incident postmortem [redraft|edit|review|publish]`: draft, edit and publish the postmortem
• `/incident digest [post]` (admins): preview the weekly digest, or post it to the digest channel now
• `/incident integration add|list|show|rotate|disable` (admins): alert integrations (monitoring that sends alerts)
• `/incident oncall [schedule|service]`: who is on call; `/incident page @person`; more: `/incident oncall help`
• `/incident search <words> [--service X] [--severity S] [--since 30d]`: search past incidents
• `/incident similar [ID]`: the past incidents most like this one
• `/incident runbook add <service> <url> [title]`, `/incident runbooks [service]`: the runbook library
In an incident channel the ID is implicit; elsewhere give it, e.g. `/incident status INC-2026-0042 monitoring`."""


def usage(policy: Policy) -> str:
    return USAGE.format(
        statuses=", ".join(s.id for s in policy.statuses),
        severities=", ".join(s.id for s in policy.severity_choices()),
        roles=", ".join(r.id for r in policy.roles),
    )


def unknown_command(word: str, policy: Policy) -> str:
    """`word` as the command's text holds it (Slack escapes it, and writes a typed @channel as a token)."""
    return f"I don't know `{escape(readable(word, {}))}`.\n\n{usage(policy)}"


def no_incident_to_change(doing: str, *, open_only: bool = False) -> str:
    """The message shortcuts' answer when their picker would be empty; `doing` e.g. "add this to"."""
    return (
        f"There is no {'open ' if open_only else ''}incident you can {doing}: only members of an incident's "
        "channel, its role holders and Firebreak admins can. Join the incident's channel first."
    )


def needs_argument(example: str) -> str:
    return f"Say which, e.g. `{example}`."


def incident_line(incident: Incident, policy: Policy, now: datetime) -> str:
    status = policy.status(incident.status)
    channel = f"<#{incident.channel_id}>" if incident.channel_id else "(no channel)"
    age = format_duration((incident.resolved_at or now) - incident.declared_at)
    lock = ":lock: " if incident.private else ""
    commander = f"<@{incident.commander}>" if incident.commander else "no commander"
    return (
        f"{lock}*{incident.reference}* [{incident.severity}] {escape(incident.title)} · "
        f"{status.name if status else incident.status} · {age} · {commander} · {channel}"
    )


def incident_list(incidents: list[Incident], policy: Policy, now: datetime, *, open_only: bool) -> str:
    if not incidents:
        return "No open incidents. :relieved:" if open_only else "No incidents match."
    heading = "Open incidents" if open_only else "Incidents"
    return f"*{heading}* ({len(incidents)})\n" + "\n".join(incident_line(i, policy, now) for i in incidents)


def incident_details(incident: Incident, events: list[TimelineEvent], policy: Policy, now: datetime) -> str:
    lines = [incident_line(incident, policy, now)]
    for label, at in (
        ("Declared", incident.declared_at),
        ("Acknowledged", incident.acknowledged_at),
        ("Identified", incident.identified_at),
        ("Mitigated", incident.mitigated_at),
        ("Resolved", incident.resolved_at),
        ("Closed", incident.closed_at),
    ):
        if at is not None:
            lines.append(f"{label}: {when(at)}")
    lines.append(roles_text(incident, policy))
    recent = events[-5:]
    if recent:
        lines.append("*Latest*")
        lines += [f"• {when(e.at)} {escape(e.text) if e.kind == 'declared' else e.text}" for e in recent]
    return "\n".join(lines)


def roles_text(incident: Incident, policy: Policy) -> str:
    lines = [f"*Roles in {incident.reference}*"]
    for role in policy.roles:
        holder = incident.roles.get(role.id)
        lines.append(f"• {role.name}: {f'<@{holder}>' if holder else '_unassigned_'}")
    return "\n".join(lines)


def problems_text(problems: list[str]) -> str:
    return "Done, but not everything worked:\n" + "\n".join(f"• {p}" for p in problems)


def unexpected_error(error_id: str) -> str:
    return f"Something went wrong on my side (error id `{error_id}`). Nothing was half-saved; please try again."
