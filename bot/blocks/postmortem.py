"""How postmortems look in Slack: the draft's message with a Track button per suggested action item, the
announcement of a published postmortem, and the words said to the user."""

from __future__ import annotations

import re
from typing import Any

from bot.blocks.format import button, channel_mention, clip, clip_mrkdwn, escape, mrkdwn
from incidents.model import Incident
from incidents.postmortem_doc import DraftKind, Postmortem
from incidents.postmortem_markdown import exact_duration

TRACK = "postmortem_track"
GIST_MAX = 600  # the announcement's summary: a paragraph, not the document
_CITATIONS = re.compile(r"\s*\[#\d+\]")
SUGGESTIONS_SHOWN = 20  # a message holds 50 blocks
USAGE = (
    "`/incident postmortem`: draft it (or post the current version again) · `/incident postmortem redraft`: "
    "draft again from the timeline (edited sections are kept) · `/incident postmortem edit [section]` · "
    "`/incident postmortem review` · `/incident postmortem publish` (closes the incident)"
)


def track_value(postmortem: Postmortem, index: int) -> str:
    return f"{postmortem.reference}:{postmortem.version}:{index}"


def read_track_value(value: str) -> tuple[str, int, int] | None:
    parts = value.split(":")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return parts[0], int(parts[1]), int(parts[2])


def kind_text(postmortem: Postmortem) -> str:
    """Which kind of draft it is, said plainly: the user must know whether a model wrote it."""
    doc = postmortem.document
    if doc.draft.kind is DraftKind.MODEL:
        return f"a model draft ({doc.draft.model}): every statement cites the timeline; check them"
    return f"a template draft, because {doc.draft.reason}: the narrative sections hold timeline excerpts and questions"


def draft_headline(postmortem: Postmortem, *, automatic: bool) -> str:
    how = "drafted on resolution" if automatic else postmortem.change
    return f"Postmortem v{postmortem.version} of {postmortem.reference} {how}: {kind_text(postmortem)}."


def render_draft_blocks(postmortem: Postmortem, *, automatic: bool) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": mrkdwn(clip(f":memo: {escape(draft_headline(postmortem, automatic=automatic))}", 3000)),
        }
    ]
    suggestions = postmortem.document.suggestions[:SUGGESTIONS_SHOWN]
    if suggestions:
        blocks.append({"type": "section", "text": mrkdwn("*Suggested action items*: track the ones worth doing.")})
    for index, suggestion in enumerate(suggestions):
        cites = " ".join(f"#{n}" for n in suggestion.cites)
        text = f"• {escape(suggestion.text)} _({suggestion.priority.value}{', ' + cites if cites else ''})_"
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(clip(text, 3000)),
                "accessory": button("Track", TRACK, track_value(postmortem, index)),
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    "`/incident postmortem edit` changes a section · `/incident postmortem review` · "
                    "`/incident postmortem publish`"
                )
            ],
        }
    )
    return blocks


def file_comment(postmortem: Postmortem) -> str:
    return f"Postmortem v{postmortem.version} of {postmortem.reference} ({postmortem.status.label.lower()})"


def full_timeline_comment(postmortem: Postmortem) -> str:
    return (
        f"The full timeline of {postmortem.reference}, beside postmortem v{postmortem.version}: "
        f"its timeline section keeps the key events ({postmortem.document.timeline_note})"
    )


def announcement_text(postmortem: Postmortem) -> str:
    return f"Postmortem published: {postmortem.reference}: {escape(postmortem.document.facts.title)}"


def render_announcement_blocks(
    postmortem: Postmortem, link: str | None, channel_id: str | None
) -> list[dict[str, Any]]:
    """What people outside the incident read: title, severity, how long it lasted, the gist, and the link."""
    facts = postmortem.document.facts
    head = f":white_check_mark: *Postmortem published: {facts.reference}: {escape(facts.title)}*"
    resolved = f" · resolved {exact_duration(facts.time_to_resolve)} after impact began" if facts.resolved_at else ""
    figures = (
        f"*Severity* {escape(facts.severity)} ({escape(facts.severity_name)}) · "
        f"*Impact* {exact_duration(facts.impact_duration)}{resolved}"
    )
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(clip_mrkdwn(f"{head}\n{figures}", 3000))}]
    gist = _gist(postmortem)
    if gist:
        blocks.append({"type": "section", "text": mrkdwn(clip_mrkdwn(escape(gist), GIST_MAX))})
    channel = f"<#{channel_id}>" if channel_id else ""
    if link:
        where = f"<{escape(link)}|Read the postmortem>" + (f" · discussed in {channel}" if channel else "")
    else:
        where = f"The postmortem is in {channel}" if channel else "The postmortem is stored with the incident"
    services = f" · services: {escape(', '.join(facts.services))}" if facts.services else ""
    blocks.append({"type": "context", "elements": [mrkdwn(clip_mrkdwn(where + services, 3000))]})
    return blocks


def _gist(postmortem: Postmortem) -> str:
    """The summary's first paragraph, without its citations (they mean nothing outside the document)."""
    summary = postmortem.document.section("summary")
    if summary is None:
        return ""
    first = summary.body.strip().split("\n\n")[0]
    return " ".join(_CITATIONS.sub("", first).split())


def published_text(postmortem: Postmortem, *, closed: bool, announced: str | None) -> str:
    """`announced`: the id of the channel the announcement was posted in, None when it was not."""
    parts = [f"Postmortem v{postmortem.version} of {postmortem.reference} is published"]
    if closed:
        parts.append("the incident is closed")
    if announced:
        parts.append(f"announced in {channel_mention(announced)}")
    return ", ".join(parts) + "."


def saved_text(postmortem: Postmortem, section_title: str) -> str:
    return (
        f"Saved {section_title} as v{postmortem.version} of {postmortem.reference}'s postmortem. "
        "`/incident postmortem` posts the current version."
    )


def draft_line(postmortem: Postmortem) -> str:
    """The answer to whoever asked for the draft."""
    return f"{draft_headline(postmortem, automatic=False)} `/incident postmortem edit` changes a section."


def reading_text(incident: Incident, postmortem: Postmortem) -> str:
    """The current version for someone who may read it but not post it into the incident's channel."""
    where = f"its canvas and file are in <#{incident.channel_id}>" if incident.channel_id else "it has no channel"
    head = (
        f"v{postmortem.version} of {incident.reference}'s postmortem ({postmortem.status.label.lower()}, "
        f"{kind_text(postmortem)}); {where}."
    )
    summary = postmortem.document.section("summary")
    if summary is None:
        return head
    text = summary.body.split("\n\n_Questions")[0]
    return f"{head}\n*{escape(summary.title)}*\n{clip(escape(text), 1500)}"
