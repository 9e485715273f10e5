"""On-call from Slack (issue 11): `/incident oncall …`, `/incident page …`, and the buttons of pages and swaps."""

from __future__ import annotations

import contextlib
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.errors import describe
from bot.oncall_text import page_acknowledged
from incidents.context import Context
from incidents.oncall.pages import acknowledge_page

EPHEMERAL: dict[str, Any] = {"response_type": "ephemeral", "replace_original": False}


def register_oncall(app: AsyncApp, ctx: Context) -> None:
    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def acknowledge(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        try:
            done = await acknowledge_page(ctx, body["user"]["id"], str(action.get("value") or ""))
            message = page_acknowledged(done.reference, already=done.already)
        except Exception as exc:
            message = describe(exc)
        with contextlib.suppress(Exception):
            await respond(text=message, **EPHEMERAL)

    app.action("oncall_page_acknowledge")(ack=just_ack, lazy=[acknowledge])
