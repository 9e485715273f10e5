"""Similar incidents: the scorer's terms and rules, and its hit rate on the labelled set."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from incidents.model import Incident
from incidents.search.similarity import (
    DEFAULT_WEIGHTS,
    MAX_SIMILARITY_WORDS,
    SERVICE_RECENCY_BASELINE,
    TEXT_ONLY,
    IncidentProfile,
    ScoreParts,
    SimilarityWeights,
    cosine_similarity,
    rank_similar,
    score_parts,
    shortlist,
    similarity_query,
    similarity_text,
)
from scripts.similar_incidents.generate import FAMILIES, render
from tests.similar_incidents import DATA, evaluate, load_labelled_set

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
HALF_LIFE = DEFAULT_WEIGHTS.recency_half_life


def profile(incident_id: int, days_ago: float = 10, **fields: object) -> IncidentProfile:
    values: dict[str, object] = {"reference": f"INC-2026-{incident_id:04d}", "title": f"Incident {incident_id}"}
    values.update(fields)
    return IncidentProfile(incident_id=incident_id, declared_at=NOW - timedelta(days=days_ago), **values)  # type: ignore[arg-type]


TARGET = profile(
    100,
    days_ago=0,
    services=frozenset({"checkout", "payments"}),
    alert_labels=frozenset({("alertname", "PgBouncerPoolExhausted"), ("env", "prod"), ("instance", "db-1")}),
)


@pytest.mark.parametrize(
    ("candidate", "text", "expected"),
    [
        (profile(1, days_ago=0), 1.0, ScoreParts(text=1.0, recency=1.0)),
        (profile(1, days_ago=180, services=frozenset({"checkout"})), 0.0, ScoreParts(services=0.5, recency=0.5)),
        (
            profile(1, days_ago=360, services=frozenset({"checkout", "payments", "orders", "web"})),
            0.25,
            ScoreParts(text=0.25, services=0.5, recency=0.25),
        ),
        (
            # `instance` names a machine, not a failure: only alertname and env count.
            profile(
                1, days_ago=180, alert_labels=frozenset({("alertname", "PgBouncerPoolExhausted"), ("instance", "db-1")})
            ),
            0.0,
            ScoreParts(alert_labels=0.5, recency=0.5),
        ),
    ],
)
def test_each_term_is_what_the_documentation_says(
    candidate: IncidentProfile, text: float, expected: ScoreParts
) -> None:
    assert score_parts(TARGET, candidate, text=text, semantic=0.0, half_life=HALF_LIFE) == expected


def test_root_cause_counts_only_when_both_are_known_and_equal() -> None:
    with_cause = profile(1, root_cause="capacity")
    parts = score_parts(TARGET, with_cause, text=0, semantic=0, half_life=HALF_LIFE)
    assert parts.root_cause == 0.0  # the new incident's cause is not known yet
    target = profile(100, days_ago=0, root_cause="capacity")
    assert score_parts(target, with_cause, text=0, semantic=0, half_life=HALF_LIFE).root_cause == 1.0
    other = profile(2, root_cause="deploy")
    assert score_parts(target, other, text=0, semantic=0, half_life=HALF_LIFE).root_cause == 0.0


def test_only_past_public_incidents_other_than_itself_are_suggested() -> None:
    candidates = [
        profile(1, days_ago=5),
        profile(2, days_ago=-1),  # declared after the target
        profile(3, days_ago=5, private=True),
        profile(100, days_ago=0),  # the target itself
    ]
    scores = {1: 1.0, 2: 5.0, 3: 5.0, 100: 9.0}
    assert [s.profile.incident_id for s in rank_similar(TARGET, candidates, text_scores=scores)] == [1]
    with_private = rank_similar(TARGET, candidates, text_scores=scores, include_private=True)
    assert [s.profile.incident_id for s in with_private] == [3, 1]


def test_text_scores_are_normalised_to_the_best_candidate() -> None:
    candidates = [profile(1), profile(2), profile(3)]
    ranked = rank_similar(TARGET, candidates, text_scores={1: 8.0, 2: 2.0, 3: 0.0}, weights=TEXT_ONLY, min_score=0)
    assert [(s.profile.incident_id, s.parts.text) for s in ranked] == [(1, 1.0), (2, 0.25), (3, 0.0)]


def test_candidates_below_the_threshold_are_not_suggested() -> None:
    # Recent but sharing nothing: recency alone (0.05 at most) is under MIN_SCORE.
    assert rank_similar(TARGET, [profile(1, days_ago=1)], text_scores={}) == []


def test_ties_go_to_the_more_recent_incident_and_the_limit_holds() -> None:
    candidates = [profile(n, days_ago=n) for n in range(1, 6)]
    ranked = rank_similar(TARGET, candidates, text_scores=dict.fromkeys(range(1, 6), 1.0), weights=TEXT_ONLY)
    assert [s.profile.incident_id for s in ranked] == [1, 2, 3]


def test_the_semantic_term_uses_its_weight() -> None:
    weights = SimilarityWeights(text=0.0, services=0.0, alert_labels=0.0, root_cause=0.0, recency=0.0, semantic=1.0)
    ranked = rank_similar(TARGET, [profile(1), profile(2)], text_scores={}, weights=weights, semantic_scores={2: 0.9})
    assert [(s.profile.incident_id, s.score) for s in ranked] == [(2, 0.9)]


def test_cosine_similarity() -> None:
    assert cosine_similarity([1.0, 0.0], [1.0, 0.0]) == 1.0
    assert cosine_similarity([1.0, 0.0], [0.0, 2.0]) == 0.0
    assert cosine_similarity([1.0, 1.0], [1.0]) == 0.0
    assert cosine_similarity([0.0, 0.0], [1.0, 1.0]) == 0.0


def test_the_compared_text_splits_alert_names_and_leaves_out_machine_labels() -> None:
    text = similarity_text(TARGET)
    assert "Pg Bouncer Pool Exhausted" in text and "db-1" not in text and "checkout payments" in text
    past = profile(1, resolution="Raised the pool size.")
    assert "Raised the pool size." in similarity_text(past, with_resolution=True)
    assert "Raised" not in similarity_text(past)


def test_a_profile_is_made_from_a_stored_incident() -> None:
    incident = Incident(
        reference="INC-2026-0001", year=2026, number=1, title="Pool exhausted", severity="SEV2", status="investigating",
        declared_by="UALICE", declared_at=NOW, services=["Checkout"], private=True, id=7,
    )  # fmt: skip
    made = IncidentProfile.of(incident, alert_labels=[("alertname", "X")], root_cause="capacity")
    assert (made.incident_id, made.services, made.private, made.root_cause) == (7, {"checkout"}, True, "capacity")
    incident.id = None
    with pytest.raises(ValueError, match="no id yet"):
        IncidentProfile.of(incident)


# -- the labelled set ---------------------------------------------------------------------------------
def test_the_labelled_set_is_what_the_committed_script_generates() -> None:
    assert DATA.read_text(encoding="utf-8") == render()


def test_the_labelled_set_has_forty_families_of_reworded_reports() -> None:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    incidents = raw["incidents"]
    families = {incident["family"] for incident in incidents}
    assert len(incidents) >= 200 and len(families) == len(FAMILIES) == 40
    for family in families:
        members = [incident for incident in incidents if incident["family"] == family]
        assert len(members) >= 5
        assert len({member["title"] for member in members}) == len(members)  # every report is worded anew


def test_text_alone_finds_a_same_family_incident_in_the_top_three() -> None:
    labelled = load_labelled_set()
    text = evaluate(labelled, TEXT_ONLY)
    baseline = evaluate(labelled, SERVICE_RECENCY_BASELINE)
    assert text.queries >= 150
    assert text.hit_rate >= 0.9
    assert text.hit_rate >= baseline.hit_rate + 0.2
    assert evaluate(labelled, DEFAULT_WEIGHTS).hit_rate >= 0.9


def test_the_engine_query_is_any_of_the_distinct_words() -> None:
    target = profile(
        1,
        title="DB pool exhausted: the pool is full",
        description='"too many clients" -- OR NEAR(x)',
        services=frozenset({"checkout"}),
    )
    query = similarity_query(target)
    assert len(query.required) == 1 and not query.excluded
    assert [str(option) for option in query.required[0].options] == [
        "db", "pool", "exhausted", "full", "many", "clients", "near", "x", "checkout",
    ]  # fmt: skip
    long = profile(2, title=" ".join(f"word{n}" for n in range(100)))
    assert len(similarity_query(long).searched_phrases) == MAX_SIMILARITY_WORDS
    assert similarity_query(profile(3, title="the of and")).is_empty


def test_the_shortlist_keeps_the_best_text_scores() -> None:
    assert shortlist({1: 0.5, 2: 3.0, 3: 3.0, 4: 1.0}, limit=3) == {2: 3.0, 3: 3.0, 4: 1.0}
    assert list(shortlist({5: 1.0, 2: 1.0}, limit=1)) == [2]
