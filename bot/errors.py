"""Turning exceptions into words for the user, at the place they are looking."""

from __future__ import annotations

import logging
import uuid

from bot.text import unexpected_error
from incidents.errors import IncidentError

log = logging.getLogger("firebreak.errors")


def describe(exc: BaseException) -> str:
    """A user-facing message: the domain's own words, or an error id that matches a logged traceback."""
    if isinstance(exc, IncidentError):
        return str(exc)
    error_id = uuid.uuid4().hex[:8]
    log.error("Unexpected error %s", error_id, exc_info=exc)
    return unexpected_error(error_id)
