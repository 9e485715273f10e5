"""Input blocks and reading their submitted values, for every modal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.blocks.format import clip, plain

Values = dict[str, dict[str, dict[str, Any]]]


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value[:150]}


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> dict[str, Any]:
    element = {**element, "action_id": block_id}
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element}
    if optional:
        block["optional"] = True
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def text_input(
    *, initial: str = "", multiline: bool = False, max_length: int = 3000, placeholder: str = ""
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = clip(initial, max_length)
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def static_select(options: Sequence[dict[str, Any]], *, initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select", "options": list(options)[:100]}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return element


def modal(
    callback_id: str, title: str, blocks: list[dict[str, Any]], *, submit: str | None, metadata: str = ""
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "close": plain("Cancel" if submit else "Close", 24),
        "blocks": blocks[:100],
        "private_metadata": metadata[:3000],
    }
    if submit:
        view["submit"] = plain(submit, 24)
    return view


def text_value(values: Values, block_id: str) -> str:
    value = values.get(block_id, {}).get(block_id, {}).get("value")
    return str(value).strip() if value else ""


def selected_value(values: Values, block_id: str) -> str | None:
    chosen = values.get(block_id, {}).get(block_id, {}).get("selected_option")
    return str(chosen["value"]) if chosen else None


def selected_values(values: Values, block_id: str) -> list[str]:
    chosen = values.get(block_id, {}).get(block_id, {}).get("selected_options") or []
    return [str(o["value"]) for o in chosen]


def selected_user(values: Values, block_id: str) -> str | None:
    user = values.get(block_id, {}).get(block_id, {}).get("selected_user")
    return str(user) if user else None


def selected_datetime(values: Values, block_id: str) -> datetime | None:
    stamp = values.get(block_id, {}).get(block_id, {}).get("selected_date_time")
    return datetime.fromtimestamp(int(stamp), tz=UTC) if stamp else None
