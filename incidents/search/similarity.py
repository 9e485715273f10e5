"""Similar incidents: which past incidents look like this one, by a score that says why.

score = Σ weight × term, each term in 0..1:
- text: BM25 of this incident's title, description, services and alert labels against each past incident's
  text (the engine's or the in-process index's), divided by the best candidate's, so the best text match is 1;
- services: Jaccard overlap of the service sets (|A∩B| / |A∪B|);
- alert_labels: Jaccard overlap of the alerts' label pairs, leaving out labels that name a machine rather than
  a failure (IGNORED_LABEL_KEYS);
- root_cause: 1 when both root causes are known and equal (at declaration the new one is rarely known yet);
- recency: 0.5 ** (age / half-life), age counted back from this incident's declaration;
- semantic: cosine similarity of the two incidents' embeddings, when a model is configured (else 0).
The default weights (DEFAULT_WEIGHTS) make text decide and the rest break near-ties; on the labelled set
(tests/data/similar_incidents.json, bench/search.py) text alone finds a same-family incident in the top 3
for more than nine incidents in ten. Only incidents declared before this one are candidates.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from incidents.model import Incident
from incidents.search.bm25 import STOPWORDS, normalised, split_identifiers
from incidents.search.query import AnyOf, Phrase, Query, clean_text

IGNORED_LABEL_KEYS = frozenset(
    {"instance", "pod", "pod_name", "container", "host", "hostname", "node", "ip", "severity", "priority"}
)
_T = TypeVar("_T")
MAX_SIMILARITY_WORDS = 64  # distinct words of an incident's text an engine is asked about (title words first)
_WORD = re.compile(r"[^\W_]+")
# Lookups score the text search's best TEXT_CANDIDATES incidents, not every past incident: with text weighing
# 0.6, an incident outside them would need nearly every other term at its best to reach the top three.
TEXT_CANDIDATES = 200
MIN_SCORE = 0.1  # below this a candidate's only merit is being recent: not worth a responder's attention


@dataclass(frozen=True, slots=True)
class IncidentProfile:
    """What the scorer knows of an incident (built from the incident, its alerts and its insights fields)."""

    incident_id: int
    reference: str
    title: str
    declared_at: datetime
    severity: str = ""
    description: str = ""
    services: frozenset[str] = frozenset()
    alert_labels: frozenset[tuple[str, str]] = frozenset()
    root_cause: str | None = None
    resolution: str = ""
    private: bool = False

    @classmethod
    def of(
        cls, incident: Incident, *, alert_labels: Iterable[tuple[str, str]] = (), root_cause: str | None = None
    ) -> IncidentProfile:
        """The profile of a stored incident (it has an id)."""
        if incident.id is None:
            raise ValueError(f"{incident.reference} has no id yet: store it before comparing it")
        return cls(
            incident_id=incident.id,
            reference=incident.reference,
            title=incident.title,
            declared_at=incident.declared_at,
            severity=incident.severity,
            description=incident.description,
            services=frozenset(service.lower() for service in incident.services),
            alert_labels=frozenset(alert_labels),
            root_cause=root_cause,
            resolution=incident.resolution_summary,
            private=incident.private,
        )


def similarity_text(profile: IncidentProfile, *, with_resolution: bool = False) -> str:
    """The text compared: title, description, services and alert label values (identifiers split into words,
    so an engine's tokenizer sees `PgBouncerPoolExhausted` as words); a past incident adds its resolution."""
    labels = " ".join(split_identifiers(value) for key, value in sorted(_meaningful(profile.alert_labels)))
    parts = [profile.title, profile.description, " ".join(sorted(profile.services)), labels]
    if with_resolution:
        parts.append(profile.resolution)
    return "\n".join(part for part in parts if part)


def similarity_query(profile: IncidentProfile) -> Query:
    """The engine query for an incident's similar ones: any of the distinct words of its similarity text
    (stopwords left out, at most MAX_SIMILARITY_WORDS), so bm25 ranks past incidents by how many of the words
    they share and how rare those are. Built from words alone, never the text's punctuation."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(clean_text(similarity_text(profile))):
        if word.lower() not in STOPWORDS:
            seen.setdefault(word.lower(), None)
    words = list(seen)[:MAX_SIMILARITY_WORDS]
    return Query((AnyOf(tuple(Phrase((word,)) for word in words)),)) if words else Query()


@dataclass(frozen=True, slots=True)
class SimilarityWeights:
    text: float = 0.60
    services: float = 0.15
    alert_labels: float = 0.10
    root_cause: float = 0.10
    recency: float = 0.05
    semantic: float = 0.0
    recency_half_life: timedelta = timedelta(days=180)


DEFAULT_WEIGHTS = SimilarityWeights()
# With an embedding model, meaning takes a share from the words (reworded reports are its strength).
WITH_EMBEDDINGS = SimilarityWeights(text=0.40, semantic=0.25, services=0.15, alert_labels=0.10, root_cause=0.05)
TEXT_ONLY = SimilarityWeights(text=1.0, services=0.0, alert_labels=0.0, root_cause=0.0, recency=0.0)
# The baseline the scorer must beat: the most recent incidents on the same services.
SERVICE_RECENCY_BASELINE = SimilarityWeights(text=0.0, services=1.0, alert_labels=0.0, root_cause=0.0, recency=0.2)


@dataclass(frozen=True, slots=True)
class ScoreParts:
    """Each term of the score before weighting, in 0..1: what a suggestion can say about why it was made."""

    text: float = 0.0
    services: float = 0.0
    alert_labels: float = 0.0
    root_cause: float = 0.0
    recency: float = 0.0
    semantic: float = 0.0

    def weighted(self, weights: SimilarityWeights) -> float:
        return (
            weights.text * self.text
            + weights.services * self.services
            + weights.alert_labels * self.alert_labels
            + weights.root_cause * self.root_cause
            + weights.recency * self.recency
            + weights.semantic * self.semantic
        )


@dataclass(frozen=True, slots=True)
class SimilarIncident:
    profile: IncidentProfile
    score: float
    parts: ScoreParts


def rank_similar(
    target: IncidentProfile,
    candidates: Iterable[IncidentProfile],
    *,
    text_scores: Mapping[int, float],
    weights: SimilarityWeights = DEFAULT_WEIGHTS,
    semantic_scores: Mapping[int, float] | None = None,
    include_private: bool = False,
    limit: int = 3,
    min_score: float = MIN_SCORE,
) -> list[SimilarIncident]:
    """The `limit` best past incidents for `target`, best first.

    `text_scores` are raw text scores by incident id (any non-negative scale: they are normalised here); an
    incident without one scores 0 on text. `semantic_scores` are cosine similarities (absent: 0). Private
    incidents are left out unless `include_private` (never in a post to a channel). Ties go to the more
    recent incident.
    """
    eligible = [
        candidate
        for candidate in candidates
        if candidate.incident_id != target.incident_id
        and candidate.declared_at < target.declared_at
        and (include_private or not candidate.private)
    ]
    text = normalised({c.incident_id: max(text_scores.get(c.incident_id, 0.0), 0.0) for c in eligible})
    semantic = semantic_scores or {}
    ranked: list[SimilarIncident] = []
    for candidate in eligible:
        parts = score_parts(
            target,
            candidate,
            text=text[candidate.incident_id],
            semantic=semantic.get(candidate.incident_id, 0.0),
            half_life=weights.recency_half_life,
        )
        score = parts.weighted(weights)
        if score >= min_score:
            ranked.append(SimilarIncident(candidate, score, parts))
    ranked.sort(key=lambda found: (-found.score, -found.profile.declared_at.timestamp(), found.profile.incident_id))
    return ranked[:limit]


def score_parts(
    target: IncidentProfile, candidate: IncidentProfile, *, text: float, semantic: float, half_life: timedelta
) -> ScoreParts:
    """The terms for one candidate, given its normalised text score and its cosine similarity."""
    age = max(target.declared_at - candidate.declared_at, timedelta(0))
    both_known = target.root_cause is not None and candidate.root_cause is not None
    return ScoreParts(
        text=min(max(text, 0.0), 1.0),
        services=_jaccard(target.services, candidate.services),
        alert_labels=_jaccard(_meaningful(target.alert_labels), _meaningful(candidate.alert_labels)),
        root_cause=1.0 if both_known and target.root_cause == candidate.root_cause else 0.0,
        recency=0.5 ** (age / half_life) if half_life > timedelta(0) else 0.0,
        semantic=min(max(semantic, 0.0), 1.0),
    )


def shortlist(text_scores: Mapping[int, float], limit: int = TEXT_CANDIDATES) -> dict[int, float]:
    """The `limit` best text scores (ties to the lower id, so the same input gives the same shortlist)."""
    best = heapq.nsmallest(limit, text_scores.items(), key=lambda item: (-item[1], item[0]))
    return dict(best)


def cosine_similarity(left: Sequence[float], right: Sequence[float]) -> float:
    """Cosine of the angle between two embeddings; 0 for vectors of different lengths or of zero length."""
    if len(left) != len(right) or not left:
        return 0.0
    dot = sum(a * b for a, b in zip(left, right, strict=True))
    norms = math.sqrt(sum(a * a for a in left)) * math.sqrt(sum(b * b for b in right))
    return dot / norms if norms > 0 else 0.0


def _meaningful(labels: frozenset[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    return frozenset((key, value) for key, value in labels if key.lower() not in IGNORED_LABEL_KEYS)


def _jaccard(left: frozenset[_T], right: frozenset[_T]) -> float:
    union = len(left | right)
    return len(left & right) / union if union else 0.0
