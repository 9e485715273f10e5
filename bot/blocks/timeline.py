"""`/incident timeline`: key events and the latest entries, in each reader's own timezone (Slack dates)."""

from __future__ import annotations

from typing import Any

from bot.blocks.format import button, clip_mrkdwn, escape, mrkdwn
from incidents.message_text import message_mrkdwn
from incidents.reading import Timeline
from incidents.timeline import Source, TimelineEntry
from incidents.timeline_export import entry_permalink, file_label

EXPORT_ACTIONS = {"timeline_export_md": "md", "timeline_export_json": "json", "timeline_export_csv": "csv"}
LATEST = 15
LINE_MAX = 500
FILES_SHOWN = 5  # a message may carry many files; a line must stay well under a section's 3,000 characters
SECTION_MAX = 2900  # under Slack's 3000 characters per section, leaving room for the cut marker


def _when(entry: TimelineEntry) -> str:
    stamp = int(entry.at.timestamp())
    return f"<!date^{stamp}^{{date_short}} {{time_secs}}|{entry.at:%Y-%m-%d %H:%M:%S} UTC>"


def _file_link(file: dict[str, str]) -> str:
    label = escape(file_label(file))
    return f":paperclip: <{escape(file['permalink'])}|{label}>" if file.get("permalink") else f":paperclip: {label}"


def entry_line(entry: TimelineEntry) -> str:
    who = f"<@{entry.actor}>" if entry.actor else escape(str(entry.data.get("bot_name") or "Firebreak"))
    marks = ("★ " if entry.is_key_event else "") + ("↳ " if entry.thread_ts else "")
    suffix = " _(edited)_" if entry.edited else ""
    number = f"`#{entry.id}` " if entry.source is Source.MANUAL else ""
    link = entry_permalink(entry)
    original = f" · <{escape(link)}|original message>" if link else ""
    files = "".join(f" · {_file_link(f)}" for f in entry.files[:FILES_SHOWN])
    if len(entry.files) > FILES_SHOWN:
        files += f" · +{len(entry.files) - FILES_SHOWN} more file(s)"
    head = f"{marks}{_when(entry)} {number}{who}: "
    tail = f"{suffix}{original}{files}"
    # What is cut is the message's text, never its links.
    text = clip_mrkdwn(message_mrkdwn(entry.text).replace("\n", " "), max(LINE_MAX - len(head) - len(tail), 80))
    return f"{head}{text}{tail}"


def _sections(title: str, lines: list[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    chunk = f"*{title}*"
    for line in lines:
        if len(chunk) + len(line) + 1 > SECTION_MAX:
            blocks.append({"type": "section", "text": mrkdwn(chunk)})
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    blocks.append({"type": "section", "text": mrkdwn(chunk)})
    return blocks[:10]


def render_timeline_blocks(timeline: Timeline) -> list[dict[str, Any]]:
    incident = timeline.incident
    key = timeline.key_events
    latest = timeline.entries[-LATEST:]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(f"*Timeline of {incident.reference}* · {len(timeline.entries)} entries")}
    ]
    blocks += _sections(f"Key events ({len(key)})", [entry_line(e) for e in key[-30:]] or ["_none yet_"])
    blocks += _sections(f"Latest {len(latest)}", [entry_line(e) for e in latest] or ["_nothing yet_"])
    ref = incident.reference
    blocks.append(
        {
            "type": "actions",
            "elements": [button(f"Export {fmt}", action, ref) for action, fmt in EXPORT_ACTIONS.items()],
        }
    )
    blocks.append(
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    "★ key event (:pushpin: a message or pin it to flag it) · `/incident note <text>` adds a note · "
                    "`/incident note edit|time|remove <#> …` fixes one"
                )
            ],
        }
    )
    return blocks[:50]


def timeline_fallback(timeline: Timeline) -> str:
    return f"Timeline of {timeline.incident.reference}: {len(timeline.entries)} entries"
