"""The timeline as a file: Markdown for people, JSON and CSV for tools. Times in the reader's timezone."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from incidents.message_text import readable
from incidents.model import Incident
from incidents.timeline import TimelineEntry

FORMATS = ("md", "json", "csv")


def author(entry: TimelineEntry, names: Mapping[str, str]) -> str:
    if entry.actor:
        return names.get(entry.actor, entry.actor)
    return str(entry.data.get("bot_name") or ("Firebreak" if entry.source.value == "system" else "unknown"))


class TimeFormat:
    """Local times, with the date only when the incident spans more than one local day."""

    def __init__(self, zone: tzinfo, entries: list[TimelineEntry]) -> None:
        self.zone = zone
        days = {e.at.astimezone(zone).date() for e in entries}
        self.with_date = len(days) > 1

    def __call__(self, at: datetime) -> str:
        local = at.astimezone(self.zone)
        return local.strftime("%Y-%m-%d %H:%M:%S" if self.with_date else "%H:%M:%S")


def file_label(file: Mapping[str, str]) -> str:
    """A shared file's name, and its title too when the sharer gave it a different one."""
    name, title = file.get("name") or "", file.get("title") or ""
    if name and title and title != name:
        return f"{name} ({title})"
    return name or title or "file"


def entry_permalink(entry: TimelineEntry) -> str | None:
    """Where the entry's message lives in the chat (a message added from another channel), if known."""
    link = entry.permalink or entry.data.get("permalink")
    return str(link) if link else None


def entry_record(entry: TimelineEntry, names: Mapping[str, str], zone: tzinfo) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.astimezone(zone).isoformat(),
        "kind": entry.kind,
        "source": entry.source.value,
        "author": author(entry, names),
        "author_id": entry.actor,
        "text": readable(entry.text, names),
        "flagged": entry.flagged,
        "deleted": entry.deleted,
        "thread_ts": entry.thread_ts,
        "message_ts": entry.message_ts,
        "edits": [{"text": readable(e["text"], names), "at": e["at"]} for e in entry.edits],
        "files": entry.files,
        "links": entry.links,
        "permalink": entry_permalink(entry),
    }


def render(fmt: str, incident: Incident, entries: list[TimelineEntry], names: Mapping[str, str], zone: tzinfo) -> str:
    if fmt == "json":
        # One entry a line: readable and diff-able. No `indent`: it forces Python's pure-Python encoder,
        # several times slower on a 20,000-entry timeline.
        head = {"incident": incident.reference, "title": incident.title, "timezone": str(zone)}
        lines = ",\n".join(json.dumps(entry_record(e, names, zone), ensure_ascii=False) for e in entries)
        return f'{json.dumps(head, ensure_ascii=False)[:-1]}, "entries": [\n{lines}\n]}}\n'
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "at", "kind", "author", "text", "flagged", "edited", "thread_ts", "permalink"])
        for e in entries:
            record = entry_record(e, names, zone)
            writer.writerow(
                [
                    e.id,
                    record["at"],
                    e.kind,
                    record["author"],
                    record["text"],
                    e.flagged,
                    e.edited,
                    e.thread_ts or "",
                    record["permalink"] or "",
                ]
            )
        return out.getvalue()
    return _markdown(incident, entries, names, zone)


def _markdown(incident: Incident, entries: list[TimelineEntry], names: Mapping[str, str], zone: tzinfo) -> str:
    when = TimeFormat(zone, entries)
    lines = [f"# {incident.reference}: {incident.title}", "", f"Times in {zone}. ★ marks key events.", ""]
    for e in entries:
        star = "★ " if e.is_key_event else ""
        reply = "↳ " if e.thread_ts else ""
        text = readable(e.text, names).replace("\n", "\n  ")
        edited = " _(edited)_" if e.edited else ""
        deleted = " _(deleted)_" if e.deleted else ""
        link = entry_permalink(e)
        original = f" ([original message]({link}))" if link else ""
        lines.append(f"- {star}`{when(e.at)}` {reply}**{author(e, names)}**: {text}{edited}{deleted}{original}")
        for f in e.files:
            lines.append(f"  - file: [{file_label(f)}]({f.get('permalink', '')}) ({f.get('filetype', '')})")
    return "\n".join(lines) + "\n"
