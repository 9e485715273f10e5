"""The declare form's submission: acked at once, then recorded and set up a few at a time, in order.

The ack only reads and checks the form (no I/O, except asking Slack once per process about a commander other
than the declarer, within a time budget), so it is answered in well under a millisecond however busy the
database is: field errors come back in the modal and nothing is created, otherwise the modal says
"Declaring…". The incident is then recorded and its channel set up by a few workers on the app's
tracked runner; once it exists the modal shows its ID and channel (views.update on the submitted view).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import deque
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import describe
from bot.people_fields import person_field_errors
from bot.views.declare import (
    CALLBACK_ID,
    field_errors,
    read_declare_submission,
    render_declare_failed_view,
    render_declared_view,
    render_declaring_view,
)
from incidents.context import Context
from incidents.declare import DeclareRequest, declare_incident, validate_declaration
from incidents.errors import ChatError, InvalidInput

log = logging.getLogger(__name__)

# Declarations being recorded and set up at once. A few overlap one's waits with another's work; more would
# crowd the acks out of the event loop in a burst, and have every declaration of the burst finish last.
WORKERS = 4


@dataclass(frozen=True)
class Submission:
    """What declaring needs of a submitted form (and no more: a burst of them waits in memory)."""

    request: DeclareRequest
    view_id: str
    origin_channel: str | None


def register_declare(app: AsyncApp, ctx: Context, later: AsyncLazyListenerRunner) -> None:
    """`later` runs the work after an ack (the app's tracked lazy-listener runner)."""
    queue = DeclareQueue(ctx, later)

    async def ack_declare(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], request: AsyncBoltRequest) -> None:
        values: dict[str, Any] = view.get("state", {}).get("values", {})
        declare = read_declare_submission(values, user_id=body["user"]["id"], view_id=view["id"])
        try:
            validate_declaration(ctx, declare)
        except InvalidInput as exc:
            await ack(response_action="errors", errors=field_errors(exc.fields))
            return
        except Exception as exc:
            await ack(response_action="errors", errors={"title": describe(exc)[:150]})
            return
        if declare.commander and declare.commander != declare.declared_by:
            wrong = await person_field_errors(ctx, declare.declared_by, {"commander": declare.commander})
            if wrong:
                await ack(response_action="errors", errors=field_errors(wrong))
                return
        await ack(response_action="update", view=render_declaring_view(declare))
        queue.add(Submission(declare, view["id"], _origin_channel(view)), request)

    # No Bolt lazy listener: Bolt would deep-copy the whole request (the form's state and all) for it, which
    # costs as much as the rest of the ack. The queue starts its workers on the same tracked runner instead.
    app.view(CALLBACK_ID)(ack_declare)


class DeclareQueue:
    """Submissions waiting to be declared, first come first served, and up to WORKERS tasks declaring them."""

    def __init__(self, ctx: Context, later: AsyncLazyListenerRunner, *, workers: int = WORKERS) -> None:
        self._ctx = ctx
        self._later = later
        self._most = workers
        self._waiting: deque[Submission] = deque()
        self._working = 0

    def add(self, submission: Submission, request: AsyncBoltRequest) -> None:
        """Queue `submission`; `request` (the one that brought it) is what a new worker is started with."""
        self._waiting.append(submission)
        if self._working >= self._most:
            return
        self._working += 1

        async def work(client: AsyncWebClient) -> None:
            try:
                while self._waiting:
                    submission = self._waiting.popleft()
                    try:
                        await _declare(self._ctx, client, submission)
                    except Exception:  # _declare reports what it can; this worker must go on with the rest
                        log.exception("Declaring the submission of view %s failed", submission.view_id)
            finally:
                self._working -= 1

        self._later.start(function=work, request=request)


async def _declare(ctx: Context, client: AsyncWebClient, submission: Submission) -> None:
    """Record and set up the incident, then show its ID and channel in the modal (or what went wrong)."""
    try:
        declaration = await declare_incident(ctx, submission.request)
    except Exception as exc:
        message = describe(exc)
        if not await _show(client, submission.view_id, render_declare_failed_view(message)):
            with contextlib.suppress(ChatError):
                await ctx.chat.tell_user(submission.request.declared_by, message, channel=submission.origin_channel)
        return
    if declaration.created:  # a duplicate submission leaves the modal to the one that created it
        await _show(client, submission.view_id, render_declared_view(declaration.incident))


async def _show(client: AsyncWebClient, view_id: str, view: dict[str, Any]) -> bool:
    """Replace what the submitted modal shows; False when it can't be (closed by the user, Slack down)."""
    try:
        await client.views_update(view_id=view_id, view=view)
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
        log.info("Could not update the declare modal %s: %s", view_id, exc)
        return False
    return True


def _origin_channel(view: dict[str, Any]) -> str | None:
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        channel = json.loads(view.get("private_metadata") or "{}").get("channel")
        return str(channel) if channel else None
    return None
