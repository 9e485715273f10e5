"""Putting a postmortem in Slack: a canvas in the incident channel where the workspace allows canvases, always
an uploaded Markdown file, the suggested action items with Track buttons, and the announcement when published.

Failures are returned as problems for the user (the postmortem itself is stored either way); a workspace
without canvases is not a problem, just a workspace without canvases.
"""

from __future__ import annotations

import logging
from datetime import UTC

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.format import channel_mention
from bot.blocks.postmortem import (
    announcement_text,
    draft_headline,
    file_comment,
    full_timeline_comment,
    render_announcement_blocks,
    render_draft_blocks,
)
from bot.slack_calls import call_slack
from incidents.context import Context
from incidents.errors import ChatError
from incidents.model import Incident
from incidents.postmortem_doc import Postmortem
from incidents.postmortem_markdown import render_markdown
from incidents.postmortem_publish import Publication
from incidents.reading import incident_timeline, timeline_file

log = logging.getLogger(__name__)

# What Slack answers when the workspace (plan, settings or token) has no canvases: then the file is enough.
CANVASES_UNAVAILABLE = frozenset(
    {
        "canvas_disabled_user_team",
        "team_tier_cannot_create_channel_canvases",
        "free_teams_cannot_create_non_tabbed_canvases",
        "canvas_creation_failed",
        "not_allowed_token_type",
        "missing_scope",
        "unknown_method",
        "not_supported",
    }
)


async def _names(ctx: Context, postmortem: Postmortem) -> dict[str, str]:
    facts = postmortem.document.facts
    people = {uid for _role, uid in facts.roles} | set(facts.responders)
    people |= {c.author for c in postmortem.document.cited if c.author[:1] in ("U", "W")}
    return await ctx.chat.user_names(sorted(people))


async def post_canvas(client: AsyncWebClient, channel_id: str, title: str, markdown: str) -> str | None:
    """The channel's canvas (or, once it has one, a canvas tabbed in the channel); None where unavailable."""
    content = {"type": "markdown", "markdown": markdown}
    try:
        try:
            data = await call_slack(
                "conversations.canvases.create",
                client.conversations_canvases_create(channel_id=channel_id, document_content=content, title=title),
            )
        except ChatError as exc:
            if exc.code != "channel_canvas_already_exists":
                raise
            data = await call_slack(
                "canvases.create", client.canvases_create(title=title, document_content=content, channel_id=channel_id)
            )
    except ChatError as exc:
        if exc.code in CANVASES_UNAVAILABLE:
            return None
        raise
    return str(data.get("canvas_id") or "") or None


async def _upload(
    client: AsyncWebClient, channel_id: str, *, filename: str, content: str, title: str, comment: str
) -> str | None:
    """Upload a file to the channel; its permalink, when Slack gives one."""
    data = await call_slack(
        "files.upload_v2",
        client.files_upload_v2(
            channel=channel_id, filename=filename, content=content.encode(), title=title, initial_comment=comment
        ),
    )
    files = data.get("files") or [data.get("file") or {}]
    return str(files[0].get("permalink") or "") or None if files else None


async def upload_markdown(client: AsyncWebClient, channel_id: str, postmortem: Postmortem, markdown: str) -> str | None:
    """Upload the Markdown file; its permalink, when Slack gives one."""
    return await _upload(
        client,
        channel_id,
        filename=f"{postmortem.reference}-postmortem-v{postmortem.version}.md",
        content=markdown,
        title=f"{postmortem.reference} postmortem v{postmortem.version}",
        comment=file_comment(postmortem),
    )


async def postmortem_markdown(
    ctx: Context, client: AsyncWebClient, incident: Incident, postmortem: Postmortem, problems: list[str]
) -> str:
    """The document as Markdown. When its timeline section left entries out, the whole timeline is uploaded
    beside it first (the md export, times in UTC as in the postmortem) and the document links it."""
    link = None
    if postmortem.document.timeline_note and incident.channel_id:
        content = await timeline_file(ctx, await incident_timeline(ctx, incident), "md", UTC)
        try:
            link = await _upload(
                client,
                incident.channel_id,
                filename=f"{incident.reference}-timeline.md",
                content=content,
                title=f"{incident.reference} timeline",
                comment=full_timeline_comment(postmortem),
            )
        except ChatError as exc:
            problems.append(f"I couldn't upload the full timeline beside the postmortem ({exc.code}).")
    return render_markdown(postmortem, await _names(ctx, postmortem), full_timeline=link)


async def post_postmortem(
    ctx: Context, client: AsyncWebClient, incident: Incident, postmortem: Postmortem, *, automatic: bool = False
) -> list[str]:
    """Canvas (where possible), file and suggestions in the incident channel; returns what did not work."""
    if incident.channel_id is None:
        return [f"{incident.reference} has no channel, so the postmortem was stored but not posted."]
    channel = incident.channel_id
    problems: list[str] = []
    markdown = await postmortem_markdown(ctx, client, incident, postmortem, problems)
    title = f"Postmortem: {incident.reference} (v{postmortem.version})"
    try:
        await post_canvas(client, channel, title, markdown)
    except ChatError as exc:
        problems.append(f"I couldn't create the canvas ({exc.code}); the file has it all.")
    try:
        await upload_markdown(client, channel, postmortem, markdown)
    except ChatError as exc:
        problems.append(f"I couldn't upload the postmortem file ({exc.code}).")
    try:
        await call_slack(
            "chat.postMessage",
            client.chat_postMessage(
                channel=channel,
                text=draft_headline(postmortem, automatic=automatic),
                blocks=render_draft_blocks(postmortem, automatic=automatic),
            ),
        )
    except ChatError as exc:
        problems.append(f"I couldn't post the suggested action items ({exc.code}).")
    return problems


async def announce_publication(
    ctx: Context, client: AsyncWebClient, publication: Publication
) -> tuple[list[str], str | None]:
    """The published file in the incident channel, and a short summary linking it in the announcement channel.

    The announcement goes out whatever happened to the file (it then points at the incident channel, where the
    drafts' files and canvas are). Returns the problems, and the id of the channel it was announced in (None
    when it was not: a private incident, no announcement channel, or Slack refused)."""
    postmortem, incident = publication.postmortem, publication.incident
    problems: list[str] = []
    link = None
    if incident.channel_id:
        markdown = await postmortem_markdown(ctx, client, incident, postmortem, problems)
        try:
            link = await upload_markdown(client, incident.channel_id, postmortem, markdown)
        except ChatError as exc:
            problems.append(f"I couldn't upload the published postmortem ({exc.code}).")
    if not publication.announce_to:
        return problems, None
    try:
        data = await call_slack(
            "chat.postMessage",
            client.chat_postMessage(
                channel=publication.announce_to,
                text=announcement_text(postmortem),
                blocks=render_announcement_blocks(postmortem, link, incident.channel_id),
                unfurl_links=False,
            ),
        )
    except ChatError as exc:
        problems.append(f"I couldn't announce it in {channel_mention(publication.announce_to)} ({exc.code}).")
        return problems, None
    # Slack answers with the channel's id, also when the policy names the channel.
    return problems, str(data.get("channel") or publication.announce_to)
