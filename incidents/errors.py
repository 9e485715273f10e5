"""Typed errors that reach the user in the right place (a modal field, an ephemeral message)."""

from __future__ import annotations


class IncidentError(Exception):
    """Base for errors a user can act on; the message is shown to them as is."""


class NotFound(IncidentError):
    """The incident (or another thing asked for) does not exist, or is not visible to the user."""


class PermissionDenied(IncidentError):
    """The user may not change this incident."""


class InvalidInput(IncidentError):
    """Input that fails validation; `fields` maps a field name to the problem with it."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


class InvalidTransition(IncidentError):
    """A lifecycle change that the rules do not allow (e.g. reopening an open incident)."""


# Failures that say nothing about the request itself (too many requests, a platform outage): trying the same
# thing again later can succeed. Every other refusal (an archived channel, a deactivated user) would be repeated.
TRANSIENT_CODES = frozenset(
    {"ratelimited", "slack_unreachable", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class ChatError(Exception):
    """A chat platform call failed; `code` is the platform's error code (e.g. `not_in_channel`).

    `retry_after` is how long the platform asked us to wait (a rate limit's Retry-After, in seconds), and
    `transient` marks a failure of the platform rather than of the request (a 5xx, no answer at all).
    """

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        users: tuple[str, ...] = (),
        retry_after: float | None = None,
        transient: bool = False,
    ) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.users = users  # for per-user failures such as invites: who was affected
        self.retry_after = retry_after
        self.transient = transient

    @property
    def retryable(self) -> bool:
        """Whether the same call may succeed later (as opposed to being refused again)."""
        return self.transient or self.retry_after is not None or self.code in TRANSIENT_CODES


class ChannelNameTaken(ChatError):
    """The channel name asked for is in use; the caller picks another."""

    def __init__(self, name: str) -> None:
        super().__init__("name_taken", name)
        self.name = name


class DuplicateDeclaration(IncidentError):
    """The same submission was declared concurrently by another worker; the caller re-reads it."""
