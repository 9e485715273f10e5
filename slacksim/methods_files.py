"""The two-step file upload (getUploadURLExternal, bytes to the URL, completeUploadExternal) and canvases."""

from __future__ import annotations

import time
from typing import Any

from .api import ApiError, Handler, Request, arg_id_list, arg_int, arg_json_list, arg_str, channel_arg
from .render import file_json
from .state import Canvas, Message, StoredFile, Workspace


def get_upload_url(ws: Workspace, req: Request) -> dict[str, Any]:
    filename = arg_str(req.args, "filename")
    length = arg_int(req.args, "length", 0)
    if not filename or length <= 0:
        raise ApiError("invalid_arguments", response_metadata={"messages": ["`filename` and `length` are required"]})
    stored = StoredFile(
        id=ws.new_id("F"), name=filename, title=filename, length=length, user=ws.bot_user_id, created=int(time.time())
    )
    ws.files[stored.id] = stored
    return {"ok": True, "upload_url": f"{ws.server_root}upload/{stored.id}", "file_id": stored.id}


def complete_upload(ws: Workspace, req: Request) -> dict[str, Any]:
    entries = arg_json_list(req.args, "files")
    if not entries:
        raise ApiError("invalid_arguments", response_metadata={"messages": ["`files` is required"]})
    stored_files: list[StoredFile] = []
    for entry in entries:
        stored = ws.files.get(str(entry.get("id", ""))) if isinstance(entry, dict) else None
        if stored is None or stored.content is None:
            raise ApiError("file_not_found")
        if entry.get("title"):
            stored.title = str(entry["title"])
        stored_files.append(stored)
    channel_ids = arg_id_list(req.args, "channels") or [c for c in [arg_str(req.args, "channel_id")] if c]
    for channel_id in channel_ids:
        channel = channel_arg(ws, {"channel": channel_id})
        if channel.is_private and ws.bot_user_id not in channel.members:
            raise ApiError("not_in_channel")
        # A share is a bot message carrying the files, optionally in a thread.
        share = Message(
            ts=ws.next_ts(),
            user=ws.bot_user_id,
            text=arg_str(req.args, "initial_comment"),
            thread_ts=arg_str(req.args, "thread_ts") or None,
            bot_id=ws.bot_id,
            files=[f.id for f in stored_files],
        )
        channel.messages.append(share)
        for stored in stored_files:
            stored.shares[channel.id] = share.ts
    return {"ok": True, "files": [file_json(ws, f) for f in stored_files]}


def files_info(ws: Workspace, req: Request) -> dict[str, Any]:
    stored = ws.files.get(arg_str(req.args, "file"))
    if stored is None:
        raise ApiError("file_not_found")
    return {"ok": True, "file": file_json(ws, stored)}


def _document(req: Request) -> dict[str, Any] | None:
    content = req.args.get("document_content")
    return content if isinstance(content, dict) else None


def canvases_create(ws: Workspace, req: Request) -> dict[str, Any]:
    if not ws.canvases_enabled:
        raise ApiError("canvas_disabled_user_team")
    channel_id = arg_str(req.args, "channel_id") or None
    if channel_id is not None:
        channel_arg(ws, req.args, "channel_id")
    canvas = Canvas(ws.new_id("F"), arg_str(req.args, "title"), channel_id, _document(req))
    ws.canvases[canvas.id] = canvas
    return {"ok": True, "canvas_id": canvas.id}


def channel_canvas_create(ws: Workspace, req: Request) -> dict[str, Any]:
    if not ws.canvases_enabled:
        raise ApiError("team_tier_cannot_create_channel_canvases")
    channel = channel_arg(ws, req.args, "channel_id")
    if any(c.is_channel_canvas and c.channel_id == channel.id for c in ws.canvases.values()):
        raise ApiError("channel_canvas_already_exists")
    canvas = Canvas(ws.new_id("F"), arg_str(req.args, "title"), channel.id, _document(req), is_channel_canvas=True)
    ws.canvases[canvas.id] = canvas
    return {"ok": True, "canvas_id": canvas.id}


METHODS: dict[str, Handler] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.info": files_info,
    "canvases.create": canvases_create,
    "conversations.canvases.create": channel_canvas_create,
}
