"""The App Home tab: the user's roles, open incidents they may see with their last update, and Declare."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.action_items import home_section
from bot.blocks.format import button, clip, mrkdwn, plain
from bot.text import incident_line
from incidents.action_items import ActionItem
from incidents.durations import format_duration
from incidents.model import Incident
from incidents.policy import Policy

DECLARE_ACTION = "home_declare"


def _role_names(policy: Policy, incident: Incident, user_id: str) -> list[str]:
    return [(policy.role(r).name if policy.role(r) else r) for r, u in incident.roles.items() if u == user_id]  # type: ignore[union-attr]


def render_home(
    incidents: list[Incident],
    policy: Policy,
    now: datetime,
    *,
    user_id: str,
    last_update: dict[int, datetime] | None = None,
    items: list[ActionItem] | None = None,
) -> dict[str, Any]:
    last_update = last_update or {}
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Firebreak", 150)},
        {"type": "actions", "elements": [button("Declare an incident", DECLARE_ACTION, "declare", style="danger")]},
    ]
    mine = [(i, _role_names(policy, i, user_id)) for i in incidents]
    mine = [(i, roles) for i, roles in mine if roles]
    if mine:
        lines = [f"• *{i.reference}* {', '.join(roles)}" for i, roles in mine]
        blocks.append({"type": "section", "text": mrkdwn(clip("*Your roles*\n" + "\n".join(lines), 3000))})
    if items is not None:
        blocks += home_section(items, now.date())
    blocks.append({"type": "section", "text": mrkdwn(f"*Open incidents* ({len(incidents)})")})
    if not incidents:
        blocks.append({"type": "section", "text": mrkdwn("Nothing open. :relieved:")})
    for incident in incidents[:40]:  # at most 100 blocks in a Home tab
        updated = last_update.get(incident.id or -1)
        since = f"last update {format_duration(now - updated)} ago" if updated else "no update yet"
        roles = _role_names(policy, incident, user_id)
        yours = f" · you: {', '.join(roles)}" if roles else ""
        text = f"{incident_line(incident, policy, now)}\n_{since}{yours}_"
        blocks.append({"type": "section", "text": mrkdwn(clip(text, 3000))})
    return {"type": "home", "blocks": blocks}
