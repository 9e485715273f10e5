"""What every method handler shares: the request it gets, the error it raises, argument parsing."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .state import Channel, Message, Workspace

T = TypeVar("T")
MAX_PAGE = 1000


class ApiError(Exception):
    """Raised by a handler; becomes {"ok": false, "error": error, **extra} with HTTP 200."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    args: dict[str, Any]
    token: str | None


Handler = Callable[[Workspace, Request], dict[str, Any]]


def arg_str(args: dict[str, Any], name: str, *, missing: str | None = None) -> str:
    """A string argument; "" when absent, or ApiError(missing) when that is given and it is absent."""
    value = args.get(name)
    text = "" if value is None else str(value)
    if not text and missing is not None:
        raise ApiError(missing)
    return text


def arg_bool(args: dict[str, Any], name: str) -> bool:
    value = args.get(name)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def arg_int(args: dict[str, Any], name: str, default: int) -> int:
    value = args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError("invalid_arguments", response_metadata={"messages": [f"invalid `{name}`"]}) from None


def arg_id_list(args: dict[str, Any], name: str) -> list[str]:
    """Slack takes lists of ids comma-separated; accept a JSON list (or a real list) too."""
    value = args.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            value = json.loads(stripped)
        else:
            return [part.strip() for part in stripped.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(item) for item in value if str(item)]
    raise ApiError("invalid_array_arg")


def arg_json_list(args: dict[str, Any], name: str) -> list[Any] | None:
    value = args.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, list):
        raise ApiError("invalid_arguments", response_metadata={"messages": [f"`{name}` must be a list"]})
    return value


def channel_arg(ws: Workspace, args: dict[str, Any], name: str = "channel") -> Channel:
    channel = ws.channels.get(arg_str(args, name))
    if channel is None:
        raise ApiError("channel_not_found")
    return channel


def message_arg(channel: Channel, ts: str) -> Message:
    message = channel.find_message(ts) if ts else None
    if message is None:
        raise ApiError("message_not_found")
    return message


def require_bot_member(ws: Workspace, channel: Channel) -> None:
    if ws.bot_user_id not in channel.members:
        raise ApiError("not_in_channel")


def paginate(
    items: Sequence[T], args: dict[str, Any], *, default_limit: int = 100, cap: int | None = None
) -> tuple[list[T], str]:
    """Cursor pagination as Slack does it: an opaque cursor in, `next_cursor` ("" on the last page) out.

    `cap` is the most one page holds whatever `limit` asks (fewer items than asked, as Slack allows itself)."""
    limit = max(1, min(arg_int(args, "limit", default_limit) or default_limit, cap or MAX_PAGE, MAX_PAGE))
    start = _decode_cursor(arg_str(args, "cursor"))
    page = list(items[start : start + limit])
    end = start + len(page)
    return page, _encode_cursor(end) if end < len(items) else ""


def _encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        kind, _, offset = base64.b64decode(cursor.encode(), validate=True).decode().partition(":")
        if kind != "offset":
            raise ValueError(kind)
        return int(offset)
    except ValueError:
        raise ApiError("invalid_cursor") from None
