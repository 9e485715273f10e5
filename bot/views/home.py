"""The App Home tab: open incidents the user may see, and a button to declare."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.format import button, clip, mrkdwn, plain
from bot.text import incident_line
from incidents.model import Incident
from incidents.policy import Policy

DECLARE_ACTION = "home_declare"


def render_home(incidents: list[Incident], policy: Policy, now: datetime, *, user_id: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Firebreak", 150)},
        {"type": "actions", "elements": [button("Declare an incident", DECLARE_ACTION, "declare", style="danger")]},
        {"type": "section", "text": mrkdwn(f"*Open incidents* ({len(incidents)})")},
    ]
    if not incidents:
        blocks.append({"type": "section", "text": mrkdwn("Nothing open. :relieved:")})
    for incident in incidents[:40]:  # 100 blocks at most in a Home tab; keep room for later sections
        mine = [r for r, u in incident.roles.items() if u == user_id]
        roles = f"\nYour role: {', '.join(mine)}" if mine else ""
        blocks.append({"type": "section", "text": mrkdwn(clip(incident_line(incident, policy, now) + roles, 3000))})
    return {"type": "home", "blocks": blocks}
