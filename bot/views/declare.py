"""The declare modal and its submission."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.format import escape, mrkdwn
from bot.views.inputs import (
    Values,
    input_block,
    modal,
    option,
    selected_datetime,
    selected_user,
    selected_value,
    selected_values,
    static_select,
    text_input,
    text_value,
)
from incidents.declare import TITLE_MAX, DeclareRequest
from incidents.model import Incident
from incidents.policy import Policy

CALLBACK_ID = "declare_incident"
_PRIVATE = "private"


def render_declare_modal(
    policy: Policy, *, declarer: str, known_services: list[str], title: str = "", origin_channel: str | None = None
) -> dict[str, Any]:
    severities = [option(f"{s.id} · {s.name}", s.id) for s in policy.severity_choices()]
    blocks: list[dict[str, Any]] = [
        input_block(
            "title",
            "Title",
            text_input(initial=title, max_length=TITLE_MAX, placeholder="e.g. Checkout API returning 500s"),
        ),
        input_block(
            "severity",
            "Severity",
            static_select(severities, initial=policy.triage.id),
            hint="Not sure? Keep “Unknown / triage” and change it once you know more.",
        ),
        input_block("description", "What is happening?", text_input(multiline=True), optional=True),
    ]
    if known_services:
        services = {"type": "multi_static_select", "options": [option(s, s) for s in known_services[:100]]}
        blocks.append(input_block("services", "Affected services", services, optional=True))
    blocks += [
        input_block(
            "new_services",
            "Other services",
            text_input(max_length=500, placeholder="comma-separated"),
            optional=True,
            hint="Services not in the list; they are added to it.",
        ),
        input_block(
            "customer_impact",
            "Customer impact",
            {
                "type": "radio_buttons",
                "options": [option("Yes", "yes"), option("No", "no"), option("Unknown", "unknown")],
                "initial_option": option("Unknown", "unknown"),
            },
        ),
        input_block("commander", "Incident commander", {"type": "users_select", "initial_user": declarer}),
        input_block(
            _PRIVATE,
            "Visibility",
            {"type": "checkboxes", "options": [option("Private incident", _PRIVATE)]},
            optional=True,
            hint="Private: a private channel, no announcement, visible only to its members.",
        ),
        input_block(
            "impact_started_at",
            "Impact started",
            {"type": "datetimepicker"},
            optional=True,
            hint="Leave empty if it started just now.",
        ),
    ]
    metadata = json.dumps({"channel": origin_channel}) if origin_channel else ""
    return modal(CALLBACK_ID, "Declare an incident", blocks, submit="Declare", metadata=metadata)


def read_declare_submission(values: Values, *, user_id: str, view_id: str) -> DeclareRequest:
    extra = [s for s in text_value(values, "new_services").split(",") if s.strip()]
    return DeclareRequest(
        title=text_value(values, "title"),
        severity=selected_value(values, "severity") or "",
        declared_by=user_id,
        description=text_value(values, "description"),
        services=selected_values(values, "services") + extra,
        customer_impact=selected_value(values, "customer_impact") or "unknown",
        commander=selected_user(values, "commander"),
        private=_PRIVATE in selected_values(values, _PRIVATE),
        impact_started_at=selected_datetime(values, "impact_started_at"),
        declare_key=view_id,
    )


# Domain field names that are not block ids of the modal.
_FIELD_TO_BLOCK = {"services": "new_services"}


def field_errors(fields: dict[str, str]) -> dict[str, str]:
    return {_FIELD_TO_BLOCK.get(name, name): message for name, message in fields.items()}


def render_declaring_view(request: DeclareRequest) -> dict[str, Any]:
    """What the modal shows the moment it is submitted, while the incident is recorded and set up."""
    text = (
        f":hourglass_flowing_sand: Declaring *{escape(request.title.strip())}*…\n"
        "I'm opening its channel and inviting you and the commander now. If this doesn't change to its ID "
        "within a minute, run `/incident list`: if it isn't there, declare it again."
    )
    return _outcome_view("Declaring incident", text)


def render_declared_view(incident: Incident) -> dict[str, Any]:
    """The modal once the incident exists: its ID, and its channel when there is one."""
    text = f":white_check_mark: *{incident.reference}* is declared: {escape(incident.title)}\n"
    if incident.channel_id:
        text += f"Its channel is <#{incident.channel_id}>."
    else:
        text += "It has no channel yet: I've sent you what went wrong."
    return _outcome_view("Incident declared", text)


def render_declare_failed_view(message: str) -> dict[str, Any]:
    """The modal when declaring failed after the form was accepted (the database was unreachable, say)."""
    return _outcome_view("Something went wrong", f":warning: {message}")


def _outcome_view(title: str, text: str) -> dict[str, Any]:
    return modal("incident_declared", title, [{"type": "section", "text": mrkdwn(text)}], submit=None)
