"""The labelled set of past incidents (tests/data/similar_incidents.json) and how suggestions are scored on it.

Evaluation replays history: incidents are declared in date order; each incident that has an earlier incident
of its family asks for the three most similar incidents declared before it (only those exist at that moment,
and the text index holds only them), and it is a hit when one of the three is of its family. At declaration
the new incident's root cause is not known yet, so it is left out of the query. Shared by
tests/test_similar_incidents.py and bench/search.py.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from incidents.search.bm25 import Bm25Index
from incidents.search.feedback import top_k_hit_rate
from incidents.search.similarity import IncidentProfile, SimilarityWeights, rank_similar, similarity_text

DATA = Path(__file__).resolve().parent / "data" / "similar_incidents.json"
TOP_K = 3


@dataclass(frozen=True)
class LabelledIncident:
    profile: IncidentProfile
    family: str


@dataclass
class Evaluation:
    hit_rate: float
    queries: int
    lookup_seconds: list[float] = field(default_factory=list)
    misses: list[tuple[LabelledIncident, list[LabelledIncident]]] = field(default_factory=list)


def load_labelled_set(path: Path = DATA) -> list[LabelledIncident]:
    """The incidents in date order."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    found = [
        LabelledIncident(
            IncidentProfile(
                incident_id=item["id"],
                reference=item["reference"],
                title=item["title"],
                declared_at=datetime.fromisoformat(item["declared_at"]),
                severity=item["severity"],
                description=item["description"],
                services=frozenset(item["services"]),
                alert_labels=frozenset(item["alert_labels"].items()),
                root_cause=item["root_cause"],
                resolution=item["resolution"],
            ),
            item["family"],
        )
        for item in raw["incidents"]
    ]
    return sorted(found, key=lambda labelled: labelled.profile.declared_at)


def evaluate(labelled: list[LabelledIncident], weights: SimilarityWeights) -> Evaluation:
    """Replay the history (see the module docstring) with the in-process BM25 as the text score."""
    index = Bm25Index()
    past: list[LabelledIncident] = []
    rankings: dict[int, list[int]] = {}
    relevant: dict[int, set[int]] = {}
    evaluation = Evaluation(hit_rate=0.0, queries=0)
    by_id = {item.profile.incident_id: item for item in labelled}
    for item in labelled:
        family = {p.profile.incident_id for p in past if p.family == item.family}
        if family:
            query = replace(item.profile, root_cause=None)  # not known at declaration
            started = time.perf_counter()
            text_scores = index.scores(similarity_text(query)) if weights.text > 0 else {}
            ranked = rank_similar(
                query,
                [p.profile for p in past],
                text_scores=text_scores,
                weights=weights,
                include_private=True,
                limit=TOP_K,
                min_score=0.0,  # rank only: the threshold is for what is worth showing, not for measuring
            )
            evaluation.lookup_seconds.append(time.perf_counter() - started)
            rankings[item.profile.incident_id] = [found.profile.incident_id for found in ranked]
            relevant[item.profile.incident_id] = family
            if not family & set(rankings[item.profile.incident_id]):
                evaluation.misses.append((item, [by_id[found.profile.incident_id] for found in ranked]))
        index.add(item.profile.incident_id, similarity_text(item.profile, with_resolution=True))
        past.append(item)
    evaluation.hit_rate = top_k_hit_rate(rankings, relevant, k=TOP_K) or 0.0
    evaluation.queries = len(rankings)
    return evaluation
