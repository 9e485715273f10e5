"""Modals for action items: create, complete (with evidence), reassign, change the due date."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.blocks.format import clip
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
from incidents.action_items import Priority
from incidents.message_text import encode_entities
from incidents.model import Incident

NEW, COMPLETE, REASSIGN, RESCHEDULE = (
    "new_action_item",
    "complete_action_item",
    "reassign_action_item",
    "reschedule_action_item",
)
SHORTCUT = "create_action_item"


def render_new_item_modal(
    *, creator: str, incidents: list[Incident], preselect: str | None, text: str = "", source: str = "modal"
) -> dict[str, Any]:
    priorities = [option(p.value.title(), p.value) for p in Priority]
    blocks: list[dict[str, Any]] = []
    if preselect is None or len(incidents) > 1:
        choices = [option(clip(f"{i.reference} {i.title}", 75), i.reference) for i in incidents]
        blocks.append(input_block("incident", "Incident", static_select(choices, initial=preselect)))
    blocks += [
        input_block("text", "What needs doing", text_input(initial=text, multiline=True, max_length=500)),
        input_block("owner", "Owner", {"type": "users_select", "initial_user": creator}),
        input_block("priority", "Priority", static_select(priorities, initial=Priority.MEDIUM.value)),
        input_block("due", "Due", {"type": "datepicker"}, optional=True, hint="Empty: by priority, from the policy."),
    ]
    metadata = json.dumps({"incident": preselect, "source": source})
    return modal(NEW, "New action item", blocks, submit="Create", metadata=metadata)


def read_new_item(view: dict[str, Any]) -> tuple[str | None, str, str | None, Priority, date | None, str]:
    values: Values = view.get("state", {}).get("values", {})
    meta = json.loads(view.get("private_metadata") or "{}")
    reference = selected_value(values, "incident") or meta.get("incident")
    due_text = values.get("due", {}).get("due", {}).get("selected_date")
    due = date.fromisoformat(due_text) if due_text else None
    priority = Priority(selected_value(values, "priority") or Priority.MEDIUM.value)
    return (
        reference,
        encode_entities(text_value(values, "text")),  # plain text: held, like every item's, as Slack writes it
        selected_user(values, "owner"),
        priority,
        due,
        meta.get("source", "modal"),
    )


def render_complete_modal(item_id: int) -> dict[str, Any]:
    blocks = [
        input_block(
            "evidence",
            "Evidence (optional)",
            text_input(max_length=500, placeholder="a link to the PR, ticket, runbook…"),
            optional=True,
        )
    ]
    return modal(COMPLETE, f"Done: #{item_id}", blocks, submit="Mark done", metadata=str(item_id))


def render_reassign_modal(item_id: int) -> dict[str, Any]:
    blocks = [input_block("owner", "New owner", {"type": "users_select"})]
    return modal(REASSIGN, f"Reassign #{item_id}", blocks, submit="Reassign", metadata=str(item_id))


def render_reschedule_modal(item_id: int, current: date) -> dict[str, Any]:
    blocks = [input_block("due", "Due", {"type": "datepicker", "initial_date": current.isoformat()})]
    return modal(RESCHEDULE, f"Reschedule #{item_id}", blocks, submit="Save", metadata=str(item_id))
