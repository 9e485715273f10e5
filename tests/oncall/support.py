"""A policy with on-call schedules and escalation policies, and readers of what paging sent, for Slack tests."""

from __future__ import annotations

from typing import Any

from incidents.policy import Channels, Policy
from slacksim import FakeSlack


def oncall_policy(slack: FakeSlack, **oncall_extra: Any) -> Policy:
    """`primary` (UTC, UCAROL this week from Monday 2026-11-23 09:00, then UDAVE), routed from `checkout`."""
    incidents = slack.channel_by_name("incidents")
    assert incidents is not None
    oncall_channel = slack.channel_by_name("oncall") or slack.add_channel("oncall", members=["UCAROL", "UDAVE"])
    oncall: dict[str, Any] = {
        "schedules": {
            "primary": {
                "timezone": "UTC",
                "channel": oncall_channel.id,
                "usergroup": "S0PRIMARY",
                "layers": [
                    {"users": ["UCAROL", "UDAVE"], "turn": "1w", "handoff": "mon 09:00", "anchor": "2026-11-23"}
                ],
            }
        },
        "escalation_policies": {
            "checkout-urgent": {
                "repeat": 1,
                "steps": [
                    {"schedule": "primary", "wait": "5m"},
                    {"users": ["UBOB", "UEVE"], "mode": "round_robin", "wait": "5m"},
                ],
            },
            "checkout": {"steps": [{"schedule": "primary", "wait": "30m"}, {"channel": oncall_channel.id}]},
        },
        "services": {
            "checkout": {"policy": "checkout", "by_severity": {"SEV1": "checkout-urgent"}, "assign_commander": True}
        },
        **oncall_extra,
    }
    return Policy.model_validate(
        {"channels": Channels(announcement=incidents.id).model_dump(), "admins": ["UADMIN"], "oncall": oncall}
    )


def page_dms(slack: FakeSlack, to: str | None = None) -> list[dict[str, Any]]:
    """The page DMs sent (with their Acknowledge button), oldest first."""
    found = []
    for call in slack.calls_to("chat.postMessage"):
        if not call.ok or "oncall_page_acknowledge" not in str(call.args.get("blocks")):
            continue
        if to is None or call.args.get("channel") == to:
            found.append(call.args)
    return found


def ack_value(dm: dict[str, Any]) -> str:
    for block in dm.get("blocks") or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == "oncall_page_acknowledge":
                return str(element["value"])
    raise AssertionError(f"no Acknowledge button in {dm}")
