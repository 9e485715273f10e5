"""Search results: snippets with highlight spans, and document matches grouped into ranked incidents.

The engines mark the matched words of a snippet with two private-use characters (SNIPPET_START and
SNIPPET_END, which indexed text can never contain: see documents.indexable_text); `snippet_from_marked` turns
that into plain text plus spans, and bot/ renders the spans (as Slack bold). Nothing here is markup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from incidents.model import Incident
from incidents.search.documents import DocumentKind

SNIPPET_START = "\ue000"
SNIPPET_END = "\ue001"
SNIPPET_ELLIPSIS = "…"

# How much a match counts by where it was found: the title and description say what the incident was, the
# resolution and postmortem how it was fixed; one chat message among hundreds says the least.
KIND_WEIGHTS: dict[DocumentKind, float] = {
    DocumentKind.INCIDENT: 2.0,
    DocumentKind.RESOLUTION: 1.5,
    DocumentKind.POSTMORTEM: 1.2,
    DocumentKind.NOTE: 1.0,
    DocumentKind.UPDATE: 1.0,
    DocumentKind.ACTION_ITEM: 1.0,
    DocumentKind.MESSAGE: 0.8,
}
SNIPPETS_PER_INCIDENT = 3


@dataclass(frozen=True, slots=True)
class Snippet:
    """A stretch of a document; `highlights` are (start, end) offsets into `text` of the matched words."""

    kind: DocumentKind
    text: str
    highlights: tuple[tuple[int, int], ...] = ()
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentMatch:
    """One document the engine found. `score` is the engine's relevance turned non-negative, higher is
    better (FTS5: -bm25(); PostgreSQL: ts_rank_cd): comparable within one search only."""

    incident_id: int
    kind: DocumentKind
    key: str
    at: datetime
    score: float
    snippet: Snippet


@dataclass(frozen=True, slots=True)
class IncidentMatch:
    """An incident found, with its combined score and its best snippets, best first."""

    incident_id: int
    score: float
    snippets: tuple[Snippet, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """What a search answers: the incident (already checked visible to the asker), score and snippets."""

    incident: Incident
    score: float
    snippets: tuple[Snippet, ...]


def snippet_from_marked(marked: str, *, kind: DocumentKind, at: datetime | None = None) -> Snippet:
    """Turn an engine's snippet with SNIPPET_START/SNIPPET_END markers into text and highlight spans.

    Markers that do not pair up (an engine cutting a snippet inside a match) are dropped.
    """
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    opened: int | None = None
    for char in marked:
        if char == SNIPPET_START:
            opened = length
        elif char == SNIPPET_END:
            if opened is not None and length > opened:
                spans.append((opened, length))
            opened = None
        else:
            text.append(char)
            length += 1
    return Snippet(kind, "".join(text), tuple(spans), at)


def group_matches(
    matches: Iterable[DocumentMatch], *, limit: int = 10, snippets_per_incident: int = SNIPPETS_PER_INCIDENT
) -> list[IncidentMatch]:
    """Rank incidents by their matching documents: the best weighted document score, plus half the second's
    and a quarter of the third's (an incident matching in several places beats one stray mention, but a
    hundred chat messages do not drown a match in the title). Ties go to the more recent incident."""
    by_incident: dict[int, list[tuple[float, DocumentMatch]]] = defaultdict(list)
    for match in matches:
        by_incident[match.incident_id].append((match.score * KIND_WEIGHTS[match.kind], match))
    ranked: list[tuple[float, datetime, IncidentMatch]] = []
    for incident_id, scored in by_incident.items():
        scored.sort(key=lambda pair: (-pair[0], -pair[1].at.timestamp()))
        score = sum(weighted / 2**place for place, (weighted, _) in enumerate(scored[:3]))
        latest = max(match.at for _, match in scored)
        snippets = tuple(match.snippet for _, match in scored[:snippets_per_incident])
        ranked.append((score, latest, IncidentMatch(incident_id, score, snippets)))
    ranked.sort(key=lambda entry: (-entry[0], -entry[1].timestamp(), entry[2].incident_id))
    return [entry[2] for entry in ranked[:limit]]
