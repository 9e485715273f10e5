"""Turning an HTTP request into (args, token) the way Slack reads it, whichever encoding the client chose."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from aiohttp import web

# Arguments that Slack takes as JSON. slack_sdk sends some methods as JSON bodies (values arrive as
# objects) and others form-encoded or in the query string (values arrive as JSON-encoded strings).
JSON_ARGS = frozenset(
    {"blocks", "attachments", "view", "files", "metadata", "document_content", "changes", "unfurls"}
    | {"user_auth_blocks", "options", "option_groups", "bookmark"}
)


def decode_json_args(args: dict[str, Any]) -> dict[str, Any]:
    for name in JSON_ARGS.intersection(args):
        value = args[name]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            # Left as sent when it is not JSON: the handler's validation then names the field.
            with contextlib.suppress(ValueError):
                args[name] = json.loads(value)
    return args


async def read_args(request: web.Request) -> tuple[dict[str, Any], str | None]:
    """Query string, then body (JSON or form), merged; the token comes out of the arguments."""
    args: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                args.update(body)
        else:
            form = await request.post()
            args.update({key: value for key, value in form.items() if isinstance(value, str)})
    token = args.pop("token", None)
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header.removeprefix("Bearer ").strip()
    return decode_json_args(args), (str(token) if token else None)
