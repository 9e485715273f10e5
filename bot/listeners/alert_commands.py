"""`/incident integration add|list|show|rotate|disable` (admins): answered in the ack, as an ephemeral message.

Registered before the other `/incident` listeners, matching only this subcommand. The URL with a new token is
in that ephemeral answer alone (only the person who asked sees it) and is never logged.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.alerts_text import integration_added, integration_details, integration_line, integration_rotated
from bot.errors import describe
from incidents.alerts.context import AlertsContext
from incidents.alerts.integrations import alert_url

USAGE = (
    "`/incident integration add <kind> <name>` · `list` · `show <name>` · `rotate <name>` · `disable <name>` "
    "(kinds: alertmanager, grafana, datadog, sentry, pagerduty, opsgenie, generic)"
)
PLACEHOLDER_BASE = "https://<your-firebreak-host>"


def _words(command: dict[str, Any]) -> list[str]:
    return str(command.get("text", "")).split()


async def is_integration_command(command: dict[str, Any]) -> bool:
    words = _words(command)
    return bool(words) and words[0].lower() == "integration"


async def integration_answer(actx: AlertsContext, user: str, words: list[str]) -> str:
    """The answer to `/incident integration …` (its words after `integration`)."""
    admin = actx.admin
    admin.ensure_admin(user)
    verb, names = (words[0].lower(), words[1:]) if words else ("", [])
    base = actx.public_url or PLACEHOLDER_BASE
    if verb == "list":
        found = await admin.all()
        return "\n".join(integration_line(i) for i in found) or "No integrations yet. " + USAGE
    if verb == "add" and len(names) == 2:
        issued = await admin.add(names[0].lower(), names[1], actor=user)
        return integration_added(issued.integration, alert_url(base, names[1], issued.token))
    if verb in ("show", "rotate", "disable") and len(names) == 1:
        if verb == "show":
            integration, rejected = await admin.show(names[0])
            return integration_details(integration, rejected)
        if verb == "rotate":
            issued = await admin.rotate(names[0])
            return integration_rotated(issued.integration, alert_url(base, names[0], issued.token))
        await admin.set_enabled(names[0], False)
        return f"Integration *{names[0]}* is disabled: its alerts are refused (410) until it is enabled again."
    return USAGE


def register_alert_commands(app: AsyncApp, actx: AlertsContext) -> None:
    async def integration(ack: AsyncAck, command: dict[str, Any]) -> None:
        try:
            answer = await integration_answer(actx, command["user_id"], _words(command)[1:])
        except Exception as exc:
            answer = describe(exc)
        await ack(text=answer)

    app.command("/incident", matchers=[is_integration_command])(integration)
