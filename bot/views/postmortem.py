"""Modals for postmortems: pick a section, edit its text, and track a suggested action item."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.blocks.format import clip, escape, mrkdwn
from bot.views.inputs import (
    Values,
    input_block,
    modal,
    option,
    selected_user,
    selected_value,
    static_select,
    text_input,
)
from incidents.message_text import encode_entities
from incidents.postmortem_doc import Postmortem, Section, SuggestedAction
from incidents.postmortems import SECTION_MAX, editable_sections

PICK, EDIT, TRACK_ITEM = "postmortem_pick_section", "postmortem_edit_section", "postmortem_track_item"


def _context(postmortem: Postmortem) -> dict[str, Any]:
    facts = postmortem.document.facts
    text = f"*{facts.reference}* · {escape(facts.title)} · postmortem v{postmortem.version}"
    return {"type": "context", "elements": [mrkdwn(clip(text, 3000))]}


def render_pick_modal(postmortem: Postmortem) -> dict[str, Any]:
    choices = [option(clip(s.title, 75), s.key) for s in editable_sections(postmortem)]
    blocks = [_context(postmortem), input_block("section", "Section", static_select(choices))]
    return modal(PICK, "Edit the postmortem", blocks, submit="Next", metadata=postmortem.reference)


def picked_section(view: dict[str, Any]) -> tuple[str, str | None]:
    values: Values = view.get("state", {}).get("values", {})
    return str(view.get("private_metadata") or ""), selected_value(values, "section")


def render_section_modal(postmortem: Postmortem, section: Section) -> dict[str, Any]:
    blocks = [
        _context(postmortem),
        input_block(
            "text",
            section.title,
            text_input(initial=section.body, multiline=True, max_length=SECTION_MAX),
            hint="Markdown. Keep [#123] citations to timeline entries (`/incident timeline` shows them).",
        ),
    ]
    metadata = json.dumps({"reference": postmortem.reference, "section": section.key})
    return modal(EDIT, clip(f"Edit: {section.title}", 24), blocks, submit="Save", metadata=metadata)


def read_section_edit(view: dict[str, Any]) -> tuple[str, str, str]:
    """(reference, section key, text)"""
    meta = json.loads(view.get("private_metadata") or "{}")
    values: Values = view.get("state", {}).get("values", {})
    raw = values.get("text", {}).get("text", {}).get("value")
    return str(meta.get("reference", "")), str(meta.get("section", "")), str(raw or "").strip()


def render_track_modal(
    postmortem: Postmortem, index: int, suggestion: SuggestedAction, *, owner: str, due: date
) -> dict[str, Any]:
    blocks = [
        _context(postmortem),
        input_block("text", "What needs doing", text_input(initial=suggestion.text, multiline=True, max_length=500)),
        input_block("owner", "Owner", {"type": "users_select", "initial_user": owner}),
        input_block(
            "due",
            "Due",
            {"type": "datepicker", "initial_date": due.isoformat()},
            hint=f"The default for a {suggestion.priority.value}-priority item, from the policy.",
        ),
    ]
    metadata = json.dumps({"reference": postmortem.reference, "version": postmortem.version, "index": index})
    return modal(TRACK_ITEM, "Track action item", blocks, submit="Track", metadata=metadata)


def read_track(view: dict[str, Any]) -> tuple[str, int, int, str, str | None, date | None]:
    """(reference, version, index, text, owner, due)"""
    meta = json.loads(view.get("private_metadata") or "{}")
    values: Values = view.get("state", {}).get("values", {})
    raw_due = values.get("due", {}).get("due", {}).get("selected_date")
    # Typed into a plain-text field: held, like every item's text, as Slack writes message text.
    text = encode_entities(str(values.get("text", {}).get("text", {}).get("value") or "").strip())
    return (
        str(meta.get("reference", "")),
        int(meta.get("version", 0)),
        int(meta.get("index", -1)),
        text,
        selected_user(values, "owner"),
        date.fromisoformat(raw_due) if raw_due else None,
    )
