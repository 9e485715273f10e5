"""The Web API client: one instance on one shared aiohttp session for the whole process."""

from __future__ import annotations

import copyreg
import logging

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def _share_when_copied(_session: aiohttp.ClientSession) -> str:
    # For copy.deepcopy, a reducer that returns a string means "this object is a singleton: reuse it".
    return "shared aiohttp session"


def allow_session_sharing() -> None:
    """Let Bolt's lazy listeners share the session instead of failing to copy it.

    Bolt builds a client per request around the app client's session, then deep-copies the request for each
    lazy listener. A ClientSession cannot be copied (and should not be: sharing its connection pool is the
    point), and aiohttp forbids subclassing it, so copies are told to share it. Idempotent.
    """
    copyreg.pickle(aiohttp.ClientSession, _share_when_copied)


def _client_logger() -> logging.Logger:
    """slack_sdk's logger, with its own level set to the level logging gives it now.

    slack_sdk decides whether to format its debug lines (every request's parameters, every response's headers
    and body) by the logger's *own* level, not the effective one, so a logger left at NOTSET pays for that
    formatting on every call, only for the lines to be dropped: a fifth of a Web API call's CPU.
    """
    logger = logging.getLogger("slack_sdk.web.async_client")
    logger.setLevel(logger.getEffectiveLevel())
    return logger


def web_client(
    *, token: str, base_url: str, session: aiohttp.ClientSession, observer: AsyncRetryHandler | None = None
) -> AsyncWebClient:
    """429s wait for Retry-After before retrying; dropped connections are retried too.

    `observer` (see bot/slack_metrics.py) goes first, so it sees every attempt before a handler retries it.
    """
    allow_session_sharing()
    retry_handlers: list[AsyncRetryHandler] = [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
    ]
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        session=session,
        logger=_client_logger(),  # Bolt gives the clients it makes per request this same logger
        retry_handlers=([observer] if observer is not None else []) + retry_handlers,
    )
