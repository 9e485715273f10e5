"""Identity, users, pins, reactions and bookmarks."""

from __future__ import annotations

import time
from typing import Any

from .api import ApiError, Handler, Request, arg_str, channel_arg, message_arg
from .methods_usergroups import METHODS as USERGROUP_METHODS
from .render import PERMALINK_ROOT, message_json, threads_of, user_json
from .state import Bookmark, Channel, Message, Workspace


def auth_test(ws: Workspace, req: Request) -> dict[str, Any]:
    bot = ws.users[ws.bot_user_id]
    return {
        "ok": True,
        "url": f"{PERMALINK_ROOT}/",
        "team": "Fake Slack",
        "user": bot.name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "is_enterprise_install": False,
    }


def connections_open(ws: Workspace, req: Request) -> dict[str, Any]:
    # The router has already insisted on an xapp- token; a test must say where Socket Mode lives.
    if ws.socket_mode_url is None:
        raise ApiError("fake_socket_mode_url_not_set")
    return {"ok": True, "url": ws.socket_mode_url}


def users_info(ws: Workspace, req: Request) -> dict[str, Any]:
    user = ws.users.get(arg_str(req.args, "user"))
    if user is None:
        raise ApiError("user_not_found")
    return {"ok": True, "user": user_json(ws, user)}


def lookup_by_email(ws: Workspace, req: Request) -> dict[str, Any]:
    email = arg_str(req.args, "email").lower()
    for user in ws.users.values():
        if email and user.email is not None and user.email.lower() == email:
            return {"ok": True, "user": user_json(ws, user)}
    raise ApiError("users_not_found")


def _pinnable(ws: Workspace, req: Request) -> tuple[Channel, Message]:
    channel = channel_arg(ws, req.args)
    timestamp = arg_str(req.args, "timestamp", missing="no_item_specified")
    return channel, message_arg(channel, timestamp)


def pins_add(ws: Workspace, req: Request) -> dict[str, Any]:
    channel, message = _pinnable(ws, req)
    if message.ts in channel.pins:
        raise ApiError("already_pinned")
    channel.pins.add(message.ts)
    return {"ok": True}


def pins_remove(ws: Workspace, req: Request) -> dict[str, Any]:
    channel, message = _pinnable(ws, req)
    if message.ts not in channel.pins:
        raise ApiError("no_pin")
    channel.pins.discard(message.ts)
    return {"ok": True}


def pins_list(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    items = []
    threads = threads_of(channel)
    for message in channel.messages:
        if message.ts in channel.pins:
            items.append(
                {
                    "type": "message",
                    "created": int(time.time()),
                    "created_by": ws.bot_user_id,
                    "channel": channel.id,
                    "message": message_json(ws, message, channel, threads),
                }
            )
    return {"ok": True, "items": items}


def reactions_add(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    timestamp = arg_str(req.args, "timestamp", missing="no_item_specified")
    name = arg_str(req.args, "name", missing="invalid_name").strip(":")
    message = message_arg(channel, timestamp)
    users = message.reactions.setdefault(name, [])
    if ws.bot_user_id in users:
        raise ApiError("already_reacted")
    users.append(ws.bot_user_id)
    return {"ok": True}


def bookmarks_add(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args, "channel_id")
    title = arg_str(req.args, "title")
    kind = arg_str(req.args, "type")
    if not title or kind != "link":
        raise ApiError("invalid_arguments", response_metadata={"messages": ["title and type=link are required"]})
    bookmark = Bookmark(
        id=ws.new_id("Bk"),
        channel_id=channel.id,
        title=title,
        type=kind,
        link=arg_str(req.args, "link"),
        emoji=arg_str(req.args, "emoji"),
    )
    ws.bookmarks.append(bookmark)
    now = int(time.time())
    return {
        "ok": True,
        "bookmark": {
            "id": bookmark.id,
            "channel_id": bookmark.channel_id,
            "title": bookmark.title,
            "link": bookmark.link,
            "emoji": bookmark.emoji,
            "type": bookmark.type,
            "date_created": now,
            "date_updated": now,
            "rank": str(len(ws.bookmarks)),
            "last_updated_by_user_id": ws.bot_user_id,
            "last_updated_by_team_id": ws.team_id,
            "app_id": ws.app_id,
        },
    }


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "apps.connections.open": connections_open,
    "users.info": users_info,
    "users.lookupByEmail": lookup_by_email,
    "pins.add": pins_add,
    "pins.remove": pins_remove,
    "pins.list": pins_list,
    "reactions.add": reactions_add,
    "bookmarks.add": bookmarks_add,
    **USERGROUP_METHODS,  # usergroups.list, usergroups.users.list, usergroups.users.update
}
