"""Prometheus metrics of what Slack sends to `/slack/events`: how many requests, of which kind, with which HTTP
status, and how fast each was acknowledged.

Every label is a bounded set whatever a request says (an unsigned request may claim any event type): types
outside the known ones are counted as "other", and never a user, channel or team id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

from bot.capture_events import CAPTURE_EVENTS
from bot.command_parser import SUBCOMMANDS
from incidents.naming import normalise_reference

# Slack wants an ack within 3 s; the interesting range is a millisecond up to that.
ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0)
INTERACTIVITY_TYPES = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "interactive_message",
        "dialog_submission",
    }
)
EVENT_TYPES = CAPTURE_EVENTS | {"app_home_opened", "app_mention", "channel_rename", "channel_archive"}
OTHER = "other"

# The text served at GET /metrics, produced when asked.
Exposition = Callable[[], Awaitable[bytes]]


def command_type(text: object) -> str:
    """The subcommand of `/incident <text>`, as a label: one of SUBCOMMANDS, "none" or "unknown"."""
    words = str(text or "").split(maxsplit=1)
    if not words:
        return "none"
    word = words[0].lower()
    if word in SUBCOMMANDS:
        return word
    return "show" if normalise_reference(word) else "unknown"


def request_labels(body: dict[str, Any]) -> tuple[str, str]:
    """(kind, type) of a parsed request: command, interactivity, event, url_verification or other.

    Counted before the body's shape is checked (a refused request is counted too), so nothing here may
    assume a field has the type Slack gives it."""
    if "command" in body:
        return "command", command_type(body.get("text"))
    payload_type = body.get("type")
    if payload_type == "event_callback":
        event = body.get("event")
        event_type = event.get("type") if isinstance(event, dict) else None
        return "event", event_type if isinstance(event_type, str) and event_type in EVENT_TYPES else OTHER
    if payload_type == "url_verification":
        return "url_verification", ""
    if isinstance(payload_type, str) and payload_type in INTERACTIVITY_TYPES:
        return "interactivity", payload_type
    return OTHER, ""


class RequestMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._requests = Counter(
            "firebreak_slack_requests",
            "Requests Slack sent to /slack/events, by kind, type and the HTTP status answered",
            ["kind", "type", "status"],
            registry=registry,
        )
        self._ack = Histogram(
            "firebreak_slack_ack_duration_seconds",
            "Time from receiving a request from Slack to acknowledging it, by kind and type",
            ["kind", "type"],
            buckets=ACK_BUCKETS,
            registry=registry,
        )
        # The labelled children, kept: the capture path does thousands of these a second.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, kind: str, type_: str, status: int, seconds: float) -> None:
        key = (kind, type_, status)
        children = self._children.get(key)
        if children is None:
            children = (self._requests.labels(kind, type_, str(status)), self._ack.labels(kind, type_))
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)
