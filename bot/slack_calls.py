"""One Web API call with Slack's errors turned into the domain's ChatError (used by every Slack adapter)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from incidents.errors import ChatError

log = logging.getLogger("bot.slack")

UNREACHABLE = "slack_unreachable"  # the code of a call that never got an answer from Slack
REQUEST_FAILED = "slack_request_failed"  # the code of a call slack_sdk could not complete (an upload's bytes)


async def call_slack(method: str, pending: Awaitable[AsyncSlackResponse]) -> dict[str, Any]:
    """Await `pending` (a client call for `method`); its data, or ChatError with Slack's error code."""
    try:
        response = await pending
    except SlackApiError as exc:
        code = str(exc.response.get("error", "unknown_error")) if exc.response is not None else "unknown_error"
        log.warning("Slack %s failed: %s", method, code)
        status = exc.response.status_code if exc.response is not None else 200
        retry_after = _retry_after(exc.response.headers) if status == 429 and exc.response is not None else None
        raise ChatError(code, retry_after=retry_after, transient=status >= 500) from exc
    except SlackRequestError as exc:
        # A step slack_sdk runs itself failed, e.g. sending a file's bytes to Slack's file server in
        # files_upload_v2: a Slack failure like any other to the use case, never an unexplained error.
        log.warning("Slack %s failed: %s", method, REQUEST_FAILED)
        raise ChatError(REQUEST_FAILED, transient=True) from exc
    except (aiohttp.ClientError, TimeoutError) as exc:
        # Still failing after slack_sdk's retries: to the use case this is one more Slack failure, reported
        # like any other, so the step is skipped (or kept for later) instead of the whole action failing.
        log.warning("Slack %s failed: unreachable (%s)", method, type(exc).__name__)
        raise ChatError(UNREACHABLE, transient=True) from exc
    data = response.data
    return data if isinstance(data, dict) else {}


def _retry_after(headers: Mapping[str, Any]) -> float:
    """A 429's Retry-After in seconds (slack_sdk already waited it out as often as it retries): 1 if absent."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return max(float(raw), 1.0)
            except (TypeError, ValueError):
                break
    return 1.0
