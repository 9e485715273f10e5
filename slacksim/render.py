"""State -> the JSON objects Slack returns (key shapes per java-slack-sdk's api/*.json samples)."""

from __future__ import annotations

from typing import Any

from .state import Channel, Message, StoredFile, User, View, Workspace

PERMALINK_ROOT = "https://fake.slack.test"


def channel_json(ws: Workspace, channel: Channel, *, num_members: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": channel.id,
        "name": channel.name,
        "is_channel": not channel.is_im,
        "is_group": channel.is_private and not channel.is_im,
        "is_im": channel.is_im,
        "is_mpim": False,
        "is_private": channel.is_private,
        "created": channel.created,
        "is_archived": channel.is_archived,
        "is_general": False,
        "unlinked": 0,
        "name_normalized": channel.name,
        "is_shared": False,
        "is_org_shared": False,
        "is_ext_shared": False,
        "is_pending_ext_shared": False,
        "creator": channel.creator,
        "is_member": ws.bot_user_id in channel.members,
        "topic": {"value": channel.topic, "creator": channel.creator if channel.topic else "", "last_set": 0},
        "purpose": {
            "value": channel.purpose,
            "creator": channel.creator if channel.purpose else "",
            "last_set": 0,
        },
        "previous_names": list(channel.previous_names),
        "context_team_id": ws.team_id,
    }
    if channel.is_im:
        body["user"] = channel.name
    if num_members:
        body["num_members"] = len(channel.members)
    return body


def threads_of(channel: Channel) -> dict[str, list[Message]]:
    """Replies per parent ts, in one pass, so rendering a page of history stays linear."""
    threads: dict[str, list[Message]] = {}
    for message in channel.messages:
        if message.is_reply and message.thread_ts:
            threads.setdefault(message.thread_ts, []).append(message)
    return threads


def message_json(
    ws: Workspace,
    message: Message,
    channel: Channel | None = None,
    threads: dict[str, list[Message]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "message", "user": message.user, "text": message.text, "ts": message.ts}
    body["team"] = ws.team_id
    if message.bot_id:
        body["bot_id"] = message.bot_id
        body["app_id"] = ws.app_id
    if message.blocks is not None:
        body["blocks"] = message.blocks
    if message.attachments is not None:
        body["attachments"] = message.attachments
    if message.subtype:
        body["subtype"] = message.subtype
    if message.thread_ts:
        body["thread_ts"] = message.thread_ts
    if message.edited_ts:
        body["edited"] = {"user": message.user, "ts": message.edited_ts}
    if message.metadata:
        body["metadata"] = message.metadata
    if message.reactions:
        body["reactions"] = [
            {"name": name, "users": list(users), "count": len(users)} for name, users in message.reactions.items()
        ]
    if message.files:
        body["files"] = [file_json(ws, ws.files[file_id]) for file_id in message.files if file_id in ws.files]
        body["upload"] = False
    if channel is not None:
        if message.is_reply and message.thread_ts:
            parent = channel.find_message(message.thread_ts)
            if parent is not None:
                body["parent_user_id"] = parent.user
                if message.subtype == "thread_broadcast":  # Slack sends the thread's parent along, as `root`
                    body["root"] = message_json(ws, parent, channel, threads)
        if message.ts in channel.pins:
            body["pinned_to"] = [channel.id]
        if not message.is_reply:
            replies = (threads_of(channel) if threads is None else threads).get(message.ts, [])
            if replies:
                body["thread_ts"] = message.ts
                body["reply_count"] = len(replies)
                body["reply_users"] = sorted({m.user for m in replies})
                body["reply_users_count"] = len(body["reply_users"])
                body["latest_reply"] = replies[-1].ts
    return body


def user_json(ws: Workspace, user: User) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "team": ws.team_id,
    }
    if user.email is not None:
        profile["email"] = user.email
    if user.is_bot:
        profile["bot_id"] = ws.bot_id if user.id == ws.bot_user_id else f"B{user.id[1:]}"
    return {
        "id": user.id,
        "team_id": ws.team_id,
        "name": user.name,
        "deleted": user.deleted,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": user.tz,
        "tz_offset": user.tz_offset,
        "profile": profile,
        "is_admin": False,
        "is_owner": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": 0,
    }


def view_json(ws: Workspace, view: View) -> dict[str, Any]:
    return {
        "id": view.id,
        "team_id": ws.team_id,
        "type": view.type,
        "title": view.title,
        "submit": view.submit,
        "close": view.close,
        "blocks": view.blocks,
        "private_metadata": view.private_metadata,
        "callback_id": view.callback_id,
        "external_id": view.external_id,
        "state": {"values": view.state},
        "hash": view.hash,
        "clear_on_close": False,
        "notify_on_close": False,
        "root_view_id": view.root_view_id or view.id,
        "previous_view_id": view.previous_view_id,
        "app_id": ws.app_id,
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }


def file_json(ws: Workspace, stored: StoredFile) -> dict[str, Any]:
    public: dict[str, list[dict[str, Any]]] = {}
    private: dict[str, list[dict[str, Any]]] = {}
    for channel_id, ts in stored.shares.items():
        channel = ws.channels.get(channel_id)
        bucket = private if channel is not None and channel.is_private else public
        name = channel.name if channel is not None else ""
        bucket[channel_id] = [{"ts": ts, "channel_name": name, "team_id": ws.team_id, "share_user_id": stored.user}]
    return {
        "id": stored.id,
        "created": stored.created,
        "timestamp": stored.created,
        "name": stored.name,
        "title": stored.title,
        "mimetype": "application/octet-stream",
        "filetype": stored.name.rpartition(".")[2] if "." in stored.name else "binary",
        "user": stored.user,
        "user_team": ws.team_id,
        "size": stored.length if stored.content is None else len(stored.content),
        "mode": "hosted",
        "is_external": False,
        "is_public": bool(public),
        "url_private": f"{ws.server_root}files/{stored.id}",
        "permalink": f"{PERMALINK_ROOT}/files/{ws.bot_user_id}/{stored.id}",
        "channels": [cid for cid in public],
        "groups": [cid for cid in private],
        "ims": [],
        "shares": {key: value for key, value in (("public", public), ("private", private)) if value},
    }


def permalink(channel_id: str, ts: str) -> str:
    return f"{PERMALINK_ROOT}/archives/{channel_id}/p{ts.replace('.', '')}"
