"""Modals opened from an alert group's post: the declare form pre-filled from the alert, and Link to incident."""

from __future__ import annotations

import json
from typing import Any

from bot.views.declare import render_declare_modal
from bot.views.inputs import input_block, modal, option, static_select
from incidents.alerts.groups import AlertGroup
from incidents.declare import DeclareRequest
from incidents.model import Incident
from incidents.policy import Policy

DECLARE_FROM_ALERT, LINK_ALERT = "alert_declare_form", "alert_link_form"


def render_alert_declare_modal(
    policy: Policy, request: DeclareRequest, group: AlertGroup, *, declarer: str, known_services: list[str]
) -> dict[str, Any]:
    """The usual declare form, pre-filled from the alert: title, severity, description, services, impact start."""
    view = render_declare_modal(policy, declarer=declarer, known_services=known_services, title=request.title)
    for block in view["blocks"]:
        element = block.get("element", {})
        if block.get("block_id") == "severity":
            chosen = next((o for o in element.get("options", []) if o["value"] == request.severity), None)
            if chosen:
                element["initial_option"] = chosen
        elif block.get("block_id") == "description":
            element["initial_value"] = request.description
        elif block.get("block_id") == "new_services" and request.services:
            element["initial_value"] = ", ".join(request.services)
        elif block.get("block_id") == "impact_started_at" and request.impact_started_at:
            element["initial_date_time"] = int(request.impact_started_at.timestamp())
    view["callback_id"] = DECLARE_FROM_ALERT
    view["private_metadata"] = json.dumps({"group": group.id})
    return view


def render_link_modal(group: AlertGroup, incidents: list[Incident]) -> dict[str, Any]:
    choices = [option(f"{i.reference} · {i.title}", i.reference) for i in incidents[:100]]
    blocks = [input_block("incident", "Open incident", static_select(choices))]
    return modal(LINK_ALERT, "Link to incident", blocks, submit="Link", metadata=json.dumps({"group": group.id}))


def group_of(view: dict[str, Any]) -> int:
    return int(json.loads(view.get("private_metadata") or "{}")["group"])
