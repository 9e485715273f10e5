"""What `/incident search`, `/incident similar` and runbooks say, and the suggestions posted after a
declaration: the search slice's wording, in one place. Highlights become Slack bold here; the domain only
says where they are."""

from __future__ import annotations

from typing import Any

from bot.blocks.format import button, clip_mrkdwn, escape, mrkdwn, when
from incidents.search.documents import DocumentKind
from incidents.search.feedback import HitRate
from incidents.search.results import Snippet
from incidents.search.service import Runbook, SimilarPost
from incidents.search.similar_lookup import SemanticFallback
from incidents.search.similarity import SimilarIncident
from incidents.search.use_cases import SearchAnswer, SimilarAnswer

USEFUL, NOT_RELEVANT = "similar_useful", "similar_not_relevant"
SECTION_LIMIT = 3000
_WHERE = {
    DocumentKind.INCIDENT: "title",
    DocumentKind.RESOLUTION: "resolution",
    DocumentKind.MESSAGE: "message",
    DocumentKind.NOTE: "note",
    DocumentKind.UPDATE: "update",
    DocumentKind.POSTMORTEM: "postmortem",
    DocumentKind.ACTION_ITEM: "action item",
}
_FALLBACK = {
    SemanticFallback.NOT_CONFIGURED: "Matched on words, services and recency (no embedding model is configured).",
    SemanticFallback.FAILED: "Matched on words, services and recency: the embedding model did not answer.",
}
SEARCH_HELP = (
    'Search past incidents: `/incident search database timeout`, `"connection pool" -staging`, '
    "`pool OR pgbouncer`, with `--service checkout`, `--severity SEV1`, `--since 30d` (or a date)."
)


def highlighted(snippet: Snippet) -> str:
    """The snippet as mrkdwn, its matched words in bold (everything else escaped)."""
    out: list[str] = []
    at = 0
    for start, end in snippet.highlights:
        out.append(escape(snippet.text[at:start]))
        word = snippet.text[start:end].strip()
        out.append(f"*{escape(word)}*" if word else escape(snippet.text[start:end]))
        at = end
    out.append(escape(snippet.text[at:]))
    return " ".join("".join(out).split())


def search_answer(answer: SearchAnswer) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, blocks) for the asker only."""
    asked = escape(str(answer.query)) or "(no words)"
    if answer.query.is_empty:
        return SEARCH_HELP, []
    if not answer.hits:
        text = f"No incidents match `{asked}`. Try fewer words, or `OR` between alternatives."
        return text, []
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(f"*{len(answer.hits)} incident(s)* matching `{asked}`, best first")}
    ]
    for hit in answer.hits:
        incident = hit.incident
        lock = ":lock: " if incident.private else ""
        head = (
            f"{lock}*{incident.reference}* [{incident.severity}] {escape(incident.title)} · "
            f"declared {when(incident.declared_at)} · {incident.status}"
        )
        lines = [f">_{_WHERE[s.kind]}_: {highlighted(s)}" for s in hit.snippets]
        blocks.append({"type": "section", "text": mrkdwn(clip_mrkdwn("\n".join([head, *lines]), SECTION_LIMIT))})
    return f"{len(answer.hits)} incident(s) matching {asked}", blocks


def _suggestion(found: SimilarIncident, runbooks: dict[str, tuple[Runbook, ...]], published: bool) -> str:
    past = found.profile
    lines = [
        f"*{past.reference}* [{past.severity}] {escape(past.title)} · declared {when(past.declared_at)}",
        f"How it was resolved: {escape(past.resolution) if past.resolution else '_no resolution summary_'}",
    ]
    if published:
        lines.append(f"Postmortem: published (`/incident postmortem {past.reference}`)")
    books = [book for service in sorted(past.services) for book in runbooks.get(service, ())]
    if books:
        lines.append("Runbooks: " + ", ".join(runbook_link(book) for book in books[:5]))
    return clip_mrkdwn("\n".join(lines), SECTION_LIMIT)


def runbook_link(book: Runbook) -> str:
    return f"<{book.url}|{escape(book.title).replace('|', '/')}>"


def similar_post_blocks(post: SimilarPost) -> tuple[str, list[dict[str, Any]]]:
    """The post in a new incident's channel: similar past incidents with Useful / Not relevant, and the
    runbooks of its services."""
    incident_id = post.incident.id
    blocks: list[dict[str, Any]] = []
    if post.suggestions:
        blocks.append({"type": "section", "text": mrkdwn("*Similar past incidents*: did one of these help?")})
    for found in post.suggestions:
        value = f"{incident_id}:{found.profile.incident_id}"
        published = found.profile.incident_id in post.postmortem_published
        blocks.append({"type": "section", "text": mrkdwn(_suggestion(found, post.runbooks, published))})
        blocks.append(
            {
                "type": "actions",
                "block_id": f"similar_{found.profile.incident_id}",
                "elements": [
                    button("Useful", USEFUL, value, style="primary"),
                    button("Not relevant", NOT_RELEVANT, value),
                ],
            }
        )
    own = [book for service in post.incident.services for book in post.runbooks.get(service.lower(), ())]
    if own:
        links = "\n".join(f"• {escape(book.service)}: {runbook_link(book)}" for book in own[:10])
        blocks.append({"type": "section", "text": mrkdwn(f"*Runbooks for the affected services*\n{links}")})
    if post.suggestions and post.fallback is not None:
        blocks.append({"type": "context", "elements": [mrkdwn(_FALLBACK[post.fallback])]})
    count = len(post.suggestions)
    return f"{count} similar past incident(s) and the runbooks for {post.incident.reference}", blocks


def similar_answer(answer: SimilarAnswer) -> str:
    if not answer.suggestions:
        text = f"I found no past incident like {answer.incident.reference}."
    else:
        published: set[int] = set()
        parts = [
            _suggestion(found, answer.runbooks, found.profile.incident_id in published) for found in answer.suggestions
        ]
        text = f"*Past incidents most like {answer.incident.reference}:*\n\n" + "\n\n".join(parts)
        if answer.fallback is not None:
            text += f"\n_{_FALLBACK[answer.fallback]}_"
    if answer.hit_rate is not None:
        text += "\n" + hit_rate_text(answer.hit_rate)
    return text


def hit_rate_text(rate: HitRate) -> str:
    if rate.rate is None:
        return f"Live hit rate: none yet ({rate.shown} suggestion(s) shown, none rated)."
    return (
        f"Live hit rate: {rate.rate:.0%} ({rate.useful} of {rate.rated} rated suggestion(s) useful; "
        f"{rate.shown} shown)."
    )


def runbook_added(book: Runbook, new: bool) -> str:
    if not new:
        return f"{escape(book.service)} already has that runbook: {runbook_link(book)}."
    return f"Added a runbook for {escape(book.service)}: {runbook_link(book)}. New incidents on it will show it."


def runbook_removed(book: Runbook) -> str:
    return f"Removed the runbook {runbook_link(book)} of {escape(book.service)}."


def runbook_list(books: list[Runbook], service: str | None) -> str:
    if not books:
        where = f" for {escape(service)}" if service else ""
        return f"No runbooks{where} yet. Add one: `/incident runbook add <service> <https://…> [title]`."
    lines = [f"• {escape(book.service)}: {runbook_link(book)} (added by <@{book.added_by}>)" for book in books]
    return "*Runbooks*\n" + "\n".join(lines[:100])


def feedback_thanks(useful: bool) -> str:
    return "Thanks: marked useful." if useful else "Thanks: marked not relevant."
