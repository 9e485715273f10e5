"""`POST /slack/events`: every request is read, verified and checked here, once, before anything acts on it.

In order: the body is parsed (Slack's certificate checks are answered at once, as Bolt would); a request
without a valid signature gets 401, whatever it holds; a signed request that is not what Slack sends (not
JSON where JSON belongs, a missing user, a string where an object belongs…) gets 400 with the reason and one
warning in the log, and reaches no listener. Everything else goes to the capture path or to Bolt.

Bolt is handed the body already parsed and verified, the way its Socket Mode adapter hands it over: so it
neither parses nor verifies a second time, and it sees exactly the dict that was checked. (Its own form parser
also reads any slash command whose text contains the word "payload" as an empty body.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.capture_route import CaptureRoute
from bot.event_payloads import EVENTS, EventCallback, UrlVerification
from bot.plain_message import is_plain_message
from bot.request_metrics import OTHER, RequestMetrics, request_labels
from bot.slack_payloads import (
    BlockActions,
    MessageAction,
    Shortcut,
    SlackBody,
    SlashCommand,
    ViewClosed,
    ViewSubmission,
)

log = logging.getLogger(__name__)
SIGNATURE_WINDOW_SECONDS = 5 * 60  # Slack's: older requests may be replays
REASON_MAX = 200


class MalformedBody(ValueError):
    """The body cannot be read as anything Slack sends; the message says why, in a few words."""


def parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """The request as Slack means it: JSON (Events API), a form (slash commands) or a form holding JSON in
    `payload` (interactivity). A body starting with "{" is JSON whatever its Content-Type says, as in Bolt."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("the body is not UTF-8") from None
    if not text or text.isspace():
        raise MalformedBody("the body is empty")
    if content_type == "application/json" or text.startswith("{"):
        return _json_object(text, "the body")
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in form:
        return _json_object(form["payload"], "payload")
    return form


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        # pydantic's JSON parser (jiter) reads a body in less than half the time json.loads takes.
        parsed = from_json(text, cache_strings="keys")
    except ValueError:
        # It refuses a little more than json.loads does (a lone surrogate escape): the standard library's
        # verdict stands, so that what is refused stays what always was.
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            raise MalformedBody(f"{what} is not JSON") from None
    if not isinstance(parsed, dict):
        raise MalformedBody(f"{what} is not a JSON object")
    return parsed


def signature_is_valid(secret: bytes, raw: bytes, timestamp: str, signature: str, *, now: float) -> bool:
    """Slack's v0 signature: HMAC-SHA256 of "v0:{timestamp}:{body}". Checked over the raw bytes, since
    slack_sdk's verifier raises (rather than refuses) on a body that is not UTF-8 or a timestamp that is
    not a number."""
    # At most 12 digits: int() refuses (raises on) thousands of them.
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if abs(now - int(timestamp)) > SIGNATURE_WINDOW_SECONDS:
        return False
    expected = b"v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest().encode()
    return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


Labels = tuple[str, str]  # (kind, type) a request is counted under


class SlackEdge:
    def __init__(
        self, bolt: AsyncApp, signing_secret: str, metrics: RequestMetrics, capture: CaptureRoute | None = None
    ) -> None:
        """`capture`, when given, takes the events it recognises before Bolt sees them (bot/capture_route.py)."""
        self.bolt = bolt
        self.secret = signing_secret.encode()
        self.metrics = metrics
        self.capture = capture

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one request, and count it with the time it took to acknowledge."""
        started = time.perf_counter()
        (kind, type_), response = await self._answer(request)
        self.metrics.observe(kind, type_, response.status, time.perf_counter() - started)
        return response

    async def _answer(self, request: web.Request) -> tuple[Labels, web.Response]:
        raw = await request.read()
        body: dict[str, Any] | None = None
        problem: str | None = None
        try:
            body = parse_body(raw, request.content_type)
        except MalformedBody as exc:
            problem = str(exc)
        labels = request_labels(body) if body is not None else (OTHER, "")
        if body is not None and body.get("ssl_check") == "1":  # Slack checking our certificate; Bolt's answer
            return labels, web.Response(status=200)
        headers = request.headers
        timestamp, signature = headers.get("X-Slack-Request-Timestamp", ""), headers.get("X-Slack-Signature", "")
        if not signature_is_valid(self.secret, raw, timestamp, signature, now=time.time()):
            return labels, web.Response(status=401)
        if body is not None:
            problem = shape_problem(body)
        if problem is not None or body is None:
            return labels, _refuse(problem or "unreadable", retry=headers.get("X-Slack-Retry-Num"))
        if self.capture is not None and self.capture.claims(body):
            return ("capture", labels[1]), await self.capture.handle(body)
        bolt_request = AsyncBoltRequest(
            body=body,
            query=request.query_string,
            headers=headers,  # type: ignore[arg-type]  # a multidict of str, as Bolt's own aiohttp adapter passes
            mode="socket_mode",  # Bolt's word for "parsed and verified already": see the module's docstring
        )
        return labels, await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))


def refuse_malformed(problem: str, *, retry: str | int | None = None) -> str:
    """Log one warning for a malformed request, and return the reason it gives (also over Socket Mode)."""
    # One line, whatever keys the sender chose: the reason may quote them.
    reason = " ".join(f"Malformed Slack request: {problem}".split())[:REASON_MAX]
    log.warning("%s%s", reason, f" (retry {retry})" if retry else "")
    return reason


def _refuse(problem: str, *, retry: str | None) -> web.Response:
    reason = refuse_malformed(problem, retry=retry)
    # Slack would deliver a refused event again, up to three times: the same body would be refused again.
    return web.Response(status=400, text=reason, headers={"X-Slack-No-Retry": "1"})


# -- which shape a body must have, and what is wrong with it ---------------------------------------
PAYLOADS: dict[str, type[SlackBody]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "view_closed": ViewClosed,
    "shortcut": Shortcut,
    "message_action": MessageAction,
    "url_verification": UrlVerification,
    "event_callback": EventCallback,
}


def shape_of(body: dict[str, Any]) -> type[SlackBody] | None:
    """The shape `body` must have, by what it says it is; None when it is none of the kinds Slack sends."""
    if "command" in body:
        return SlashCommand
    kind = body.get("type")
    if not isinstance(kind, str):
        return None
    return PAYLOADS.get(kind, SlackBody)  # a kind Firebreak does not handle: Bolt answers it


def shape_problem(body: dict[str, Any]) -> str | None:
    """What is wrong with a parsed request body, in a few words; None when Firebreak can rely on it."""
    if is_plain_message(body):  # most requests, proved well-formed without building the shapes
        return None
    return model_problem(body)


def model_problem(body: dict[str, Any]) -> str | None:
    """What the shapes say is wrong with `body` (None when nothing): the verdict `is_plain_message` must match."""
    shape = shape_of(body)
    if shape is None:
        return "neither a slash command, an interactivity payload nor an Events API body"
    problem = _problem(shape, body, "")
    if problem is None and shape is EventCallback and body["event"]["type"] in EVENTS:
        problem = _problem(EVENTS[body["event"]["type"]], body["event"], "event.")
    return problem


def _problem(shape: type[BaseModel], data: dict[str, Any], prefix: str) -> str | None:
    try:
        shape.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False, include_input=False)[0]
        where = _where(error["loc"], data)
        where = f"{prefix}{where}" if where else prefix.rstrip(".") or "the body"
        said = _SAID.get(error["type"]) or error["msg"].removeprefix("Value error, ")
        return f"{where}: {said}"
    return None


# Pydantic's words for the common problems name its own types ("a valid dictionary or instance of _Id").
_SAID = {
    "missing": "is missing",
    "model_type": "should be an object",
    "dict_type": "should be an object",
    "model_attributes_type": "should be an object",
    "string_type": "should be a string",
    "list_type": "should be a list",
    "int_type": "should be a whole number",
    "bool_type": "should be true or false",
    "too_short": "should not be empty",
    "string_pattern_mismatch": "is not in the expected format",
}


# The tags pydantic puts in an error's location for the member of a union it tried: "str", "_Id", "list[str]"…
_UNION_TAG = re.compile(r"^(str|int|bool|none|[A-Z_].*|.*[\[\-].*)$")


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    """The dotted path of the offending key, as it is in the body."""
    path: list[str] = []
    for part in loc:
        if (isinstance(data, dict) and part in data) or (isinstance(data, list) and _an_index(part, data)):
            data = data[part]  # type: ignore[index]  # checked just before
        elif isinstance(part, str) and _UNION_TAG.match(part):
            continue
        else:
            data = None
        path.append(str(part))
    return ".".join(path)


def _an_index(part: int | str, items: list[Any]) -> bool:
    return isinstance(part, int) and 0 <= part < len(items)
