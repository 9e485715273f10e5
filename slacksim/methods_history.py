"""Paginated conversations.* reads: members, history, replies, list."""

from __future__ import annotations

from typing import Any

from .api import ApiError, Handler, Request, arg_bool, arg_str, channel_arg, paginate
from .render import channel_json, message_json, threads_of
from .state import Message, Workspace, parse_ts

CHANNEL_TYPES = frozenset({"public_channel", "private_channel", "im", "mpim"})


def members(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    page, next_cursor = paginate(sorted(channel.members), req.args)
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}


def _window(req: Request, messages: list[Message]) -> list[Message]:
    """Apply `oldest` / `latest` / `inclusive` the way Slack documents them."""
    inclusive = arg_bool(req.args, "inclusive")
    bounds: list[tuple[str, int]] = []
    for name in ("oldest", "latest"):
        raw = arg_str(req.args, name)
        if raw:
            try:
                bounds.append((name, parse_ts(raw)))
            except ValueError:
                raise ApiError(f"invalid_ts_{name}") from None
    result = []
    for message in messages:
        key = parse_ts(message.ts)
        keep = True
        for name, bound in bounds:
            if name == "oldest":
                keep = keep and (key >= bound if inclusive else key > bound)
            else:
                keep = keep and (key <= bound if inclusive else key < bound)
        if keep:
            result.append(message)
    return result


def history(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    # Thread replies stay out of history, as in Slack, unless also sent to the channel (thread_broadcast); it
    # lists parents, plain messages and those replies newest first.
    top_level = [m for m in channel.messages if m.in_history]
    top_level.sort(key=lambda m: parse_ts(m.ts), reverse=True)
    page, next_cursor = paginate(_window(req, top_level), req.args, cap=ws.history_page_cap)
    threads = threads_of(channel)
    return {
        "ok": True,
        "messages": [message_json(ws, m, channel, threads) for m in page],
        "has_more": bool(next_cursor),
        "pin_count": len(channel.pins),
        "response_metadata": {"next_cursor": next_cursor},
    }


def replies(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    thread_ts = arg_str(req.args, "ts")
    parent = channel.find_message(thread_ts) if thread_ts else None
    if parent is None:
        raise ApiError("thread_not_found")
    threads = threads_of(channel)
    thread = sorted(threads.get(thread_ts, []), key=lambda m: parse_ts(m.ts))
    # The parent always leads, oldest reply next, as Slack returns a thread.
    page, next_cursor = paginate([parent, *_window(req, thread)], req.args, cap=ws.history_page_cap)
    return {
        "ok": True,
        "messages": [message_json(ws, m, channel, threads) for m in page],
        "has_more": bool(next_cursor),
        "response_metadata": {"next_cursor": next_cursor},
    }


def list_conversations(ws: Workspace, req: Request) -> dict[str, Any]:
    types = {t.strip() for t in (arg_str(req.args, "types") or "public_channel").split(",") if t.strip()}
    if not types <= CHANNEL_TYPES:
        raise ApiError("invalid_types")
    exclude_archived = arg_bool(req.args, "exclude_archived")
    visible = []
    for channel in ws.channels.values():
        kind = "im" if channel.is_im else "private_channel" if channel.is_private else "public_channel"
        if kind not in types or (exclude_archived and channel.is_archived):
            continue
        # Private conversations are only visible to their members.
        if channel.is_private and ws.bot_user_id not in channel.members:
            continue
        visible.append(channel)
    page, next_cursor = paginate(visible, req.args)
    return {
        "ok": True,
        "channels": [channel_json(ws, c, num_members=True) for c in page],
        "response_metadata": {"next_cursor": next_cursor},
    }


METHODS: dict[str, Handler] = {
    "conversations.members": members,
    "conversations.history": history,
    "conversations.replies": replies,
    "conversations.list": list_conversations,
}
