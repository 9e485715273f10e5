"""conversations.* methods that change a channel: create, membership, naming, topic, archiving."""

from __future__ import annotations

import re
import time
from typing import Any

from .api import ApiError, Handler, Request, arg_bool, arg_id_list, arg_str, channel_arg, require_bot_member
from .render import channel_json
from .state import Channel, Workspace

NAME_MAX = 80
TOPIC_MAX = 250
_ALLOWED_NAME = re.compile(r"[a-z0-9_-]+")


def check_channel_name(name: str) -> None:
    """Channel-name rules from conversations.create (limits file, section 5)."""
    if not name:
        raise ApiError("invalid_name_required")
    if len(name) > NAME_MAX:
        raise ApiError("invalid_name_maxlength")
    if not _ALLOWED_NAME.fullmatch(name):
        raise ApiError("invalid_name_specials")
    if not name.strip("-_"):
        raise ApiError("invalid_name_punctuation")


def _ok_channel(ws: Workspace, channel: Channel, **extra: Any) -> dict[str, Any]:
    return {"ok": True, "channel": channel_json(ws, channel), **extra}


def create(ws: Workspace, req: Request) -> dict[str, Any]:
    name = arg_str(req.args, "name")
    check_channel_name(name)
    # Archived channels keep their names, so an old incident channel still blocks its name.
    if ws.channel_by_name(name) is not None:
        raise ApiError("name_taken")
    channel = Channel(
        id=ws.new_id("C"),
        name=name,
        is_private=arg_bool(req.args, "is_private"),
        created=int(time.time()),
        creator=ws.bot_user_id,
        members={ws.bot_user_id},
    )
    ws.channels[channel.id] = channel
    return _ok_channel(ws, channel)


def invite(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    user_ids = arg_id_list(req.args, "users")
    if not user_ids:
        raise ApiError("no_user")
    require_bot_member(ws, channel)
    if channel.is_archived:
        raise ApiError("is_archived")
    if ws.bot_user_id in user_ids:
        raise ApiError("cant_invite_self")
    for user_id in user_ids:
        user = ws.users.get(user_id)
        if user is None:
            raise ApiError("user_not_found")
        if user.deleted:
            raise ApiError("cant_invite")
    # Slack only refuses when nobody new would join; otherwise the newcomers are added.
    if all(user_id in channel.members for user_id in user_ids):
        raise ApiError("already_in_channel")
    channel.members.update(user_ids)
    return _ok_channel(ws, channel)


def kick(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    user_id = arg_str(req.args, "user", missing="user_not_found")
    if user_id not in ws.users:
        raise ApiError("user_not_found")
    if user_id == ws.bot_user_id:
        raise ApiError("cant_kick_self")
    require_bot_member(ws, channel)
    if user_id not in channel.members:
        raise ApiError("not_in_channel")
    channel.members.discard(user_id)
    return {"ok": True}


def join(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    if channel.is_private:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise ApiError("is_archived")
    if ws.bot_user_id in channel.members:
        return _ok_channel(ws, channel, warning="already_in_channel")
    channel.members.add(ws.bot_user_id)
    return _ok_channel(ws, channel)


def leave(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    if channel.is_archived:
        raise ApiError("is_archived")
    if ws.bot_user_id not in channel.members:
        return {"ok": False, "not_in_channel": True}
    channel.members.discard(ws.bot_user_id)
    return {"ok": True}


def rename(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    require_bot_member(ws, channel)
    name = arg_str(req.args, "name")
    check_channel_name(name)
    holder = ws.channel_by_name(name)
    if holder is not None and holder is not channel:
        raise ApiError("name_taken")
    if name != channel.name:
        channel.previous_names.append(channel.name)
        channel.name = name
    return _ok_channel(ws, channel)


def archive(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    if channel.is_archived:
        raise ApiError("already_archived")
    channel.is_archived = True
    return {"ok": True}


def unarchive(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    if not channel.is_archived:
        raise ApiError("not_archived")
    channel.is_archived = False
    return {"ok": True}


def _settable(ws: Workspace, req: Request, field: str) -> tuple[Channel, str]:
    channel = channel_arg(ws, req.args)
    require_bot_member(ws, channel)
    if channel.is_archived:
        raise ApiError("is_archived")
    value = arg_str(req.args, field)
    if len(value) > TOPIC_MAX:
        raise ApiError("too_long")
    return channel, value


def set_topic(ws: Workspace, req: Request) -> dict[str, Any]:
    channel, topic = _settable(ws, req, "topic")
    channel.topic = topic
    return _ok_channel(ws, channel)


def set_purpose(ws: Workspace, req: Request) -> dict[str, Any]:
    channel, purpose = _settable(ws, req, "purpose")
    channel.purpose = purpose
    return _ok_channel(ws, channel)


def info(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    num_members = arg_bool(req.args, "include_num_members")
    return {"ok": True, "channel": channel_json(ws, channel, num_members=num_members)}


def open_dm(ws: Workspace, req: Request) -> dict[str, Any]:
    """conversations.open with one user: the bot's DM channel with them (created on first use)."""
    users = [u for u in arg_str(req.args, "users").split(",") if u]
    if len(users) != 1:
        raise ApiError("invalid_arguments")
    if users[0] not in ws.users:
        raise ApiError("user_not_found")
    channel = ws.im_with(users[0])
    return {"ok": True, "channel": {"id": channel.id, "is_im": True}}


METHODS: dict[str, Handler] = {
    "conversations.open": open_dm,
    "conversations.create": create,
    "conversations.invite": invite,
    "conversations.kick": kick,
    "conversations.join": join,
    "conversations.leave": leave,
    "conversations.rename": rename,
    "conversations.archive": archive,
    "conversations.unarchive": unarchive,
    "conversations.setTopic": set_topic,
    "conversations.setPurpose": set_purpose,
    "conversations.info": info,
}
