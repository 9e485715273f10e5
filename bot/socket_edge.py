"""Requests over Socket Mode get the shape check of the HTTP edge (bot/slack_edge.py) before Bolt sees them.

Over HTTP a malformed request is refused with 400 and `X-Slack-No-Retry`. Over Socket Mode there is no status to
answer with, and an envelope left unacknowledged is delivered again; so a malformed one is acknowledged (with no
payload: no listener answers it) and dropped, with the same one-line warning. Nothing is stored.

slack_bolt's AsyncSocketModeHandler registers its `handle` with the Socket Mode client for every request; this
subclass checks first, then hands a well-formed request to Bolt exactly as before.
"""

from __future__ import annotations

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.slack_edge import refuse_malformed, shape_problem


class CheckedSocketModeHandler(AsyncSocketModeHandler):
    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        # slack_sdk turns a payload that is a string into {"text": …}: no kind of request, so refused here too.
        problem = shape_problem(req.payload)
        if problem is None:
            await super().handle(client, req)
            return
        refuse_malformed(problem, retry=req.retry_attempt)
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
