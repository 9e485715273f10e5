"""Useful / Not relevant votes and the hit rates computed from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidents.search.feedback import (
    HitRate,
    ShownSuggestion,
    SuggestionFeedback,
    Verdict,
    live_hit_rate,
    top_k_hit_rate,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def shown(incident_id: int, suggested_id: int, rank: int = 1) -> ShownSuggestion:
    return ShownSuggestion(incident_id, suggested_id, rank, 0.5, NOW)


def vote(
    incident_id: int, suggested_id: int, verdict: Verdict, user: str = "U1", minutes: int = 0
) -> SuggestionFeedback:
    return SuggestionFeedback(incident_id, suggested_id, verdict, user, NOW + timedelta(minutes=minutes))


def test_the_live_hit_rate_is_useful_over_rated() -> None:
    suggestions = [shown(10, 1), shown(10, 2, rank=2), shown(10, 3, rank=3), shown(11, 1)]
    votes = [vote(10, 1, Verdict.USEFUL), vote(10, 2, Verdict.NOT_RELEVANT), vote(11, 1, Verdict.USEFUL)]
    rate = live_hit_rate(suggestions, votes)
    assert rate == HitRate(shown=4, rated=3, useful=2)
    assert rate.rate == 2 / 3


def test_the_latest_vote_on_a_suggestion_stands() -> None:
    votes = [
        vote(10, 1, Verdict.USEFUL, "U1", minutes=1),
        vote(10, 1, Verdict.NOT_RELEVANT, "U2", minutes=5),  # a later vote by someone else
        vote(10, 2, Verdict.NOT_RELEVANT, "U1", minutes=1),
        vote(10, 2, Verdict.USEFUL, "U1", minutes=3),  # changed their mind
    ]
    assert live_hit_rate([shown(10, 1), shown(10, 2)], votes) == HitRate(shown=2, rated=2, useful=1)


def test_votes_on_suggestions_never_shown_are_ignored_and_no_votes_is_no_rate() -> None:
    rate = live_hit_rate([shown(10, 1)], [vote(10, 9, Verdict.USEFUL)])
    assert rate == HitRate(shown=1, rated=0, useful=0)
    assert rate.rate is None


def test_the_top_k_hit_rate_counts_queries_with_a_relevant_result_in_the_first_k() -> None:
    rankings = {1: [5, 6, 7, 8], 2: [9, 10, 11], 3: []}
    relevant = {1: [8], 2: [10], 3: [4]}
    assert top_k_hit_rate(rankings, relevant, k=3) == 1 / 3
    assert top_k_hit_rate(rankings, relevant, k=4) == 2 / 3
    assert top_k_hit_rate({}, {}) is None
