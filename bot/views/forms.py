"""Modals for a running incident: stakeholder update, severity, role, resolution."""

from __future__ import annotations

from typing import Any

from bot.blocks.format import escape, mrkdwn
from bot.views.inputs import (
    Values,
    input_block,
    modal,
    option,
    selected_user,
    selected_value,
    static_select,
    text_input,
    text_value,
)
from incidents.model import Incident
from incidents.policy import Policy
from incidents.updates import FIELD_MAX, StakeholderUpdate

UPDATE, SEVERITY, ROLE, RESOLVE = "stakeholder_update", "change_severity", "assign_role", "resolve_incident"


def _context(incident: Incident) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(f"*{incident.reference}* · {escape(incident.title)}")]}


def _severity_select(policy: Policy, initial: str) -> dict[str, Any]:
    return static_select([option(f"{s.id} · {s.name}", s.id) for s in policy.severity_choices()], initial=initial)


def render_update_modal(policy: Policy, incident: Incident) -> dict[str, Any]:
    statuses = [option(s.name, s.id) for s in policy.statuses if policy.is_open(s.id)]
    blocks = [
        _context(incident),
        input_block("status", "Status", static_select(statuses, initial=incident.status)),
        input_block("severity", "Severity", _severity_select(policy, incident.severity)),
        input_block("summary", "What's happening", text_input(multiline=True, max_length=FIELD_MAX)),
        input_block("impact", "Impact", text_input(multiline=True, max_length=FIELD_MAX), optional=True),
        input_block("next_steps", "What's next", text_input(multiline=True, max_length=FIELD_MAX), optional=True),
        input_block(
            "eta", "ETA", text_input(max_length=200, placeholder="e.g. next update in 30 minutes"), optional=True
        ),
    ]
    return modal(UPDATE, "Post an update", blocks, submit="Post update", metadata=incident.reference)


def read_update(values: Values) -> StakeholderUpdate:
    return StakeholderUpdate(
        summary=text_value(values, "summary"),
        status=selected_value(values, "status"),
        severity=selected_value(values, "severity"),
        impact=text_value(values, "impact"),
        next_steps=text_value(values, "next_steps"),
        eta=text_value(values, "eta"),
    )


def render_severity_modal(policy: Policy, incident: Incident) -> dict[str, Any]:
    blocks = [
        _context(incident),
        input_block("severity", "Severity", _severity_select(policy, incident.severity)),
        input_block("note", "Why?", text_input(max_length=500), optional=True),
    ]
    return modal(SEVERITY, "Change severity", blocks, submit="Change", metadata=incident.reference)


def render_role_modal(policy: Policy, incident: Incident) -> dict[str, Any]:
    roles = [option(r.name, r.id) for r in policy.roles]
    blocks = [
        _context(incident),
        input_block("role", "Role", static_select(roles, initial="commander")),
        input_block("user", "Person", {"type": "users_select"}),
    ]
    return modal(ROLE, "Assign a role", blocks, submit="Assign", metadata=incident.reference)


def read_role(values: Values) -> tuple[str, str]:
    return selected_value(values, "role") or "", selected_user(values, "user") or ""


def render_resolve_modal(incident: Incident, *, initial: str = "") -> dict[str, Any]:
    blocks = [
        _context(incident),
        input_block(
            "summary",
            "Resolution summary",
            text_input(initial=initial, multiline=True, max_length=3000),
            hint="What fixed it? This starts the postmortem.",
        ),
    ]
    return modal(RESOLVE, "Resolve incident", blocks, submit="Resolve", metadata=incident.reference)


def read_note(values: Values, block_id: str) -> str:
    return text_value(values, block_id)
