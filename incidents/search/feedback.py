"""Whether suggestions help: the Useful / Not relevant votes on shown similar incidents, and hit rates.

Live hit rate (what `/incident similar stats` shows): of the suggestions someone rated, the share rated
useful. A suggestion is one past incident shown in one incident's channel; when several people vote, or one
changes their mind, the latest vote stands for the suggestion (one voice per suggestion, so a crowded channel
does not outweigh a quiet one). Suggestions nobody rated count as shown, not as misses.

Offline top-k hit rate (the labelled set): the share of queries for which at least one of the first k
suggestions is relevant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Verdict(StrEnum):
    USEFUL = "useful"
    NOT_RELEVANT = "not_relevant"


@dataclass(frozen=True, slots=True)
class ShownSuggestion:
    """A past incident suggested in an incident's channel: (`incident_id`, `suggested_id`) identifies it."""

    incident_id: int  # the incident whose channel showed it
    suggested_id: int  # the past incident suggested
    rank: int  # 1 for the best
    score: float
    shown_at: datetime


@dataclass(frozen=True, slots=True)
class SuggestionFeedback:
    incident_id: int
    suggested_id: int
    verdict: Verdict
    user_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class HitRate:
    shown: int
    rated: int
    useful: int

    @property
    def rate(self) -> float | None:
        """useful / rated, or None before anyone rated anything (no rate is not a rate of zero)."""
        return self.useful / self.rated if self.rated else None


def live_hit_rate(shown: Iterable[ShownSuggestion], feedback: Iterable[SuggestionFeedback]) -> HitRate:
    """The live hit rate over these suggestions (see the module docstring); votes on suggestions not among
    `shown` are ignored."""
    keys = {(suggestion.incident_id, suggestion.suggested_id) for suggestion in shown}
    latest: dict[tuple[int, int], SuggestionFeedback] = {}
    for vote in feedback:
        key = (vote.incident_id, vote.suggested_id)
        if key in keys and (key not in latest or vote.at >= latest[key].at):
            latest[key] = vote
    useful = sum(1 for vote in latest.values() if vote.verdict is Verdict.USEFUL)
    return HitRate(shown=len(keys), rated=len(latest), useful=useful)


def top_k_hit_rate(
    rankings: Mapping[int, Sequence[int]], relevant: Mapping[int, Iterable[int]], *, k: int = 3
) -> float | None:
    """Share of queries (keys of `rankings`) whose first k results include one of their relevant ids; None
    without queries."""
    if not rankings:
        return None
    hits = sum(1 for query, ranked in rankings.items() if set(ranked[:k]) & set(relevant.get(query, ())))
    return hits / len(rankings)
