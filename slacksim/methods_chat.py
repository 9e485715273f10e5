"""chat.* methods: post, update, ephemeral, delete, permalink."""

from __future__ import annotations

from typing import Any

from .api import ApiError, Handler, Request, arg_bool, arg_json_list, arg_str, channel_arg, message_arg
from .blockkit import message_block_errors
from .render import message_json, permalink
from .state import Channel, Message, Workspace

TEXT_TRUNCATE_AT = 40_000  # Slack truncates longer text rather than refusing it (limits file, section 1)


def _target_channel(ws: Workspace, req: Request) -> Channel:
    """`channel` may be an id, a #name, or a user id (a DM with the bot), as Slack accepts."""
    target = arg_str(req.args, "channel", missing="channel_not_found")
    if target in ws.channels:
        return ws.channels[target]
    if target in ws.users and target != ws.bot_user_id:
        return ws.im_with(target)
    by_name = ws.channel_by_name(target.removeprefix("#"))
    if by_name is None or by_name.is_im:
        raise ApiError("channel_not_found")
    return by_name


def _can_post(ws: Workspace, channel: Channel) -> None:
    if channel.is_archived:
        raise ApiError("is_archived")
    # chat:write.public lets the bot post to any public channel; private ones need membership.
    if channel.is_private and ws.bot_user_id not in channel.members:
        raise ApiError("not_in_channel")


def _content(req: Request, *, required: bool = True) -> tuple[str | None, list[Any] | None]:
    text = req.args.get("text")
    blocks = arg_json_list(req.args, "blocks")
    attachments = arg_json_list(req.args, "attachments")
    if required and not text and not blocks and not attachments:
        raise ApiError("no_text")
    if blocks is not None:
        errors = message_block_errors(blocks)
        if errors:
            messages = [f"[ERROR] {error}" for error in errors]
            raise ApiError("invalid_blocks", errors=errors, response_metadata={"messages": messages})
    return (None if text is None else str(text)[:TEXT_TRUNCATE_AT]), blocks


def post_message(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = _target_channel(ws, req)
    _can_post(ws, channel)
    text, blocks = _content(req)
    metadata = req.args.get("metadata")
    thread_ts = arg_str(req.args, "thread_ts") or None
    message = Message(
        ts=ws.next_ts(),
        user=ws.bot_user_id,
        text=text or "",
        blocks=blocks,
        thread_ts=thread_ts,
        subtype="thread_broadcast" if thread_ts and arg_bool(req.args, "reply_broadcast") else None,
        bot_id=ws.bot_id,
        metadata=metadata if isinstance(metadata, dict) else None,
        attachments=arg_json_list(req.args, "attachments"),
    )
    channel.messages.append(message)
    return {"ok": True, "channel": channel.id, "ts": message.ts, "message": message_json(ws, message)}


def update(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    message = message_arg(channel, arg_str(req.args, "ts"))
    if message.user != ws.bot_user_id:
        raise ApiError("cant_update_message")
    text, blocks = _content(req)
    if text is not None:
        message.text = text
    if blocks is not None:
        message.blocks = blocks
    if "attachments" in req.args:
        message.attachments = arg_json_list(req.args, "attachments")
    metadata = req.args.get("metadata")
    if isinstance(metadata, dict):
        message.metadata = metadata
    message.edited_ts = ws.next_ts()
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message_json(ws, message),
    }


def post_ephemeral(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = _target_channel(ws, req)
    _can_post(ws, channel)
    user_id = arg_str(req.args, "user", missing="user_not_found")
    if user_id not in ws.users:
        raise ApiError("user_not_found")
    if user_id not in channel.members:
        raise ApiError("user_not_in_channel")
    _content(req)
    # Ephemeral messages never enter history; the recorded Call is the only trace, as in Slack.
    return {"ok": True, "message_ts": ws.next_ts()}


def delete(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    message = message_arg(channel, arg_str(req.args, "ts"))
    if message.user != ws.bot_user_id:
        raise ApiError("cant_delete_message")
    channel.messages.remove(message)
    channel.pins.discard(message.ts)
    return {"ok": True, "channel": channel.id, "ts": message.ts}


def get_permalink(ws: Workspace, req: Request) -> dict[str, Any]:
    channel = channel_arg(ws, req.args)
    if channel.is_private and ws.bot_user_id not in channel.members:
        raise ApiError("channel_not_found")  # a private conversation the bot is not in does not exist for it
    message = message_arg(channel, arg_str(req.args, "message_ts"))
    link = permalink(channel.id, message.ts)
    if message.is_reply and message.thread_ts:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"ok": True, "channel": channel.id, "permalink": link}


METHODS: dict[str, Handler] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.postEphemeral": post_ephemeral,
    "chat.delete": delete,
    "chat.getPermalink": get_permalink,
}
