"""Captured items as timeline_entries rows."""

from __future__ import annotations

from typing import Any

from incidents.capture import Capture
from incidents.timeline import FileRef, Source, ts_to_datetime


def entry_row(capture: Capture, *, kind: str, text: str) -> dict[str, Any]:
    return {
        "incident_id": capture.incident_id,
        "at": ts_to_datetime(capture.ts) if capture.ts else capture.at,
        "kind": kind,
        "source": Source.CHAT.value,
        "actor": capture.user,
        "text": text,
        "data": {},
        "message_ts": capture.ts,
        "thread_ts": None,
        "flagged": False,
        "flags": [],
        "deleted_at": None,
        "edits": [],
        "files": [],
        "links": [],
        "permalink": None,
    }


def message_row(capture: Capture) -> dict[str, Any]:
    message = capture.message
    assert message is not None
    row = entry_row(capture, kind="message", text=message.text)
    data: dict[str, Any] = {}
    if message.bot_id:
        data["bot_id"] = message.bot_id
        if message.bot_name:
            data["bot_name"] = message.bot_name
    row.update(
        at=ts_to_datetime(message.ts),
        actor=message.user,
        message_ts=message.ts,
        thread_ts=message.thread_ts if message.is_reply else None,
        data=data,
        files=[_file(f) for f in message.files],
        links=list(message.links),
    )
    return row


def _file(file: FileRef) -> dict[str, str]:
    stored = {"name": file.name, "filetype": file.filetype, "permalink": file.permalink}
    if file.title:
        stored["title"] = file.title
    return stored
