"""Socket Mode, connected in the background so that a signal stops the bot at any moment.

slack_sdk's client asks Slack for a WebSocket URL (apps.connections.open) inside a loop that retries every
error forever, a traceback each time, and Bolt's handler awaits that loop before returning: a refused app
token was never reported, and while Slack was unreachable SIGTERM went unheard. Here the URL is asked for
by a loop of our own, in a task that shutdown cancels: a refused token ends it with a settings error, and an
outage is a one-line warning and a retry, backing off.

Once connected, a dropped connection is the client's own to re-establish, and it logs each failed attempt as
an error with a traceback. Its logger ("firebreak.socket_mode") has a filter that makes those one-line warnings.
"""

from __future__ import annotations

import asyncio
import logging
import re

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.socket_edge import CheckedSocketModeHandler
from firebreak.settings import HINTS, SettingsError

log = logging.getLogger("firebreak")
# What apps.connections.open answers when the token itself is the problem: retrying cannot help.
REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "not_allowed_token_type",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
    }
)
FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 60.0
# What going without Slack for a while raises: failures to connect, to be answered, or an answer refusing.
CONNECTION_FAILURES = (OSError, TimeoutError, aiohttp.ClientError, SlackApiError)
_TICKET = re.compile(r"ticket=[^&\s'\"\]]+")  # the WebSocket URL's one-time ticket: no log needs it


class OneLineConnectionWarnings(logging.Filter):
    """slack_sdk's Socket Mode client logs a dropped connection, and each attempt to reconnect that fails, as an
    error (with a traceback, when it has one). To an operator these are one event, Slack unreachable for a while:
    each becomes a one-line warning. A record carrying any other exception (a bug) keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        failure = record.exc_info[1] if record.exc_info else None
        if record.levelno < logging.ERROR or (failure is not None and not isinstance(failure, CONNECTION_FAILURES)):
            return True
        words = " ".join(record.getMessage().split())
        record.msg, record.args = "Socket Mode: " + _TICKET.sub("ticket=…", words), None
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


def _client_logger() -> logging.Logger:
    logger = logging.getLogger("firebreak.socket_mode")
    if not any(isinstance(f, OneLineConnectionWarnings) for f in logger.filters):
        logger.addFilter(OneLineConnectionWarnings())
    return logger


class SocketMode:
    def __init__(self, bolt: AsyncApp, app_token: str, client: AsyncWebClient) -> None:
        self.handler = CheckedSocketModeHandler(bolt, app_token, web_client=client, logger=_client_logger())
        self._app_token = app_token
        self._client = client
        self.connecting: asyncio.Task[None] | None = None

    def start(self) -> asyncio.Task[None]:
        """Connect in the background; the task ends once connected, or raises SettingsError if refused."""
        self.connecting = asyncio.create_task(self._connect(), name="socket-mode")
        return self.connecting

    async def _connect(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                opened = await self._client.apps_connections_open(app_token=self._app_token)
                break
            except SlackApiError as exc:
                code = str(exc.response.get("error") or "unknown_error")
                if code in REFUSED:
                    raise SettingsError(
                        f"SLACK_APP_TOKEN was refused by Slack ({code}): set it to {HINTS['SLACK_APP_TOKEN']}."
                    ) from None
                problem = f"Slack answered {code}"
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                problem = f"Slack is unreachable ({exc})"
            log.warning("Socket Mode: %s; retrying in %.0fs", problem, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_RETRY_SECONDS)
        self.handler.client.wss_uri = opened["url"]
        await self.handler.connect_async()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        """Stop connecting (if still at it) and close the connection."""
        if self.connecting is not None and not self.connecting.done():
            self.connecting.cancel()
            await asyncio.wait({self.connecting})
        await self.handler.close_async()  # type: ignore[no-untyped-call]
