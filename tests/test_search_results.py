"""Search results: snippets as text with highlight spans, documents grouped into ranked incidents, and what
the index is given (documents, BM25)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidents.model import Incident
from incidents.search.bm25 import Bm25Index, normalised, stem, tokenize
from incidents.search.documents import (
    MAX_DOCUMENT_CHARS,
    Audience,
    DocumentKind,
    SearchDocument,
    incident_documents,
    indexable_text,
)
from incidents.search.results import (
    SNIPPET_END,
    SNIPPET_START,
    DocumentMatch,
    Snippet,
    group_matches,
    snippet_from_marked,
)
from tests.search_support import NO_DEADLINE

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
S, E = SNIPPET_START, SNIPPET_END


@pytest.mark.parametrize(
    ("marked", "text", "spans"),
    [
        (f"the {S}pool{E} is {S}exhausted{E}", "the pool is exhausted", ((4, 8), (12, 21))),
        ("no match here", "no match here", ()),
        (f"…cut {S}mid", "…cut mid", ()),  # an engine cut the snippet inside a match
        (f"stray{E} end {S}{E}", "stray end ", ()),  # unpaired and empty markers are dropped
        (f"{S}日本語{E} ok", "日本語 ok", ((0, 3),)),
    ],
)
def test_marked_snippets_become_text_and_spans(marked: str, text: str, spans: tuple[tuple[int, int], ...]) -> None:
    assert snippet_from_marked(marked, kind=DocumentKind.NOTE) == Snippet(DocumentKind.NOTE, text, spans)


@given(st.text(alphabet=st.sampled_from(["a", " ", "é", S, E]), max_size=40))
@NO_DEADLINE
def test_spans_always_lie_inside_the_text(marked: str) -> None:
    snippet = snippet_from_marked(marked, kind=DocumentKind.MESSAGE)
    assert S not in snippet.text and E not in snippet.text
    previous_end = 0
    for start, end in snippet.highlights:
        assert previous_end <= start < end <= len(snippet.text)
        previous_end = end


def match(incident_id: int, kind: DocumentKind, score: float, days_ago: float = 1, key: str = "0") -> DocumentMatch:
    at = NOW - timedelta(days=days_ago)
    return DocumentMatch(incident_id, kind, key, at, score, Snippet(kind, f"{incident_id}/{kind}/{key}", (), at))


def test_incidents_rank_by_their_best_documents_weighted_by_kind() -> None:
    matches = [
        match(1, DocumentKind.MESSAGE, 5.0),  # 5 × 0.8 = 4
        match(2, DocumentKind.INCIDENT, 2.5),  # 2.5 × 2 = 5
        match(3, DocumentKind.NOTE, 3.0, key="a"),  # 3 + 3/2 + 3/4 = 5.25: found in several places
        match(3, DocumentKind.NOTE, 3.0, key="b"),
        match(3, DocumentKind.NOTE, 3.0, key="c"),
        match(3, DocumentKind.NOTE, 3.0, key="d"),  # a fourth adds nothing
    ]
    ranked = group_matches(matches)
    assert [(found.incident_id, found.score) for found in ranked] == [(3, 5.25), (2, 5.0), (1, 4.0)]
    assert len(ranked[0].snippets) == 3


def test_a_flood_of_chat_messages_does_not_outrank_a_title_match() -> None:
    chatter = [match(1, DocumentKind.MESSAGE, 1.0, key=str(n)) for n in range(100)]
    ranked = group_matches([*chatter, match(2, DocumentKind.INCIDENT, 1.0)])
    assert [found.incident_id for found in ranked] == [2, 1]


def test_ties_go_to_the_more_recent_incident_and_the_limit_holds() -> None:
    matches = [match(n, DocumentKind.NOTE, 1.0, days_ago=n) for n in range(1, 15)]
    ranked = group_matches(matches, limit=10)
    assert [found.incident_id for found in ranked] == list(range(1, 11))
    assert group_matches([]) == []


def test_best_snippets_come_first() -> None:
    ranked = group_matches([match(1, DocumentKind.MESSAGE, 1.0, key="low"), match(1, DocumentKind.RESOLUTION, 1.0)])
    assert [snippet.kind for snippet in ranked[0].snippets] == [DocumentKind.RESOLUTION, DocumentKind.MESSAGE]


# -- documents --------------------------------------------------------------------------------------------
def _incident(**changes: object) -> Incident:
    values: dict[str, object] = {
        "reference": "INC-2026-0007", "year": 2026, "number": 7, "title": "Pool exhausted", "severity": "SEV2",
        "status": "investigating", "declared_by": "U1", "declared_at": NOW, "id": 7,
    }  # fmt: skip
    values.update(changes)
    return Incident(**values)  # type: ignore[arg-type]


def test_an_incident_gives_its_title_description_and_resolution() -> None:
    resolved = NOW + timedelta(hours=2)
    incident = _incident(description="Checkout\x00 failing", resolution_summary="Raised the pool", resolved_at=resolved)
    assert incident_documents(incident) == [
        SearchDocument(7, DocumentKind.INCIDENT, "0", NOW, "Pool exhausted\nCheckout  failing", False),
        SearchDocument(7, DocumentKind.RESOLUTION, "0", resolved, "Raised the pool", False),
    ]
    private = incident_documents(_incident(private=True))
    assert [(document.kind, document.private) for document in private] == [(DocumentKind.INCIDENT, True)]
    with pytest.raises(ValueError, match="store it"):
        incident_documents(_incident(id=None))


def test_indexed_text_cannot_forge_a_highlight_and_is_bounded() -> None:
    assert indexable_text(f"a{S}b{E}c\ud800") == "a b c "
    assert len(indexable_text("x" * (MAX_DOCUMENT_CHARS + 10))) == MAX_DOCUMENT_CHARS


def test_audiences() -> None:
    assert Audience.channel_post() == Audience(viewer=None, all_private=False)
    assert Audience.person("UADMIN", admin=True) == Audience("UADMIN", True)


# -- BM25 -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "stem_of_all"),
    [
        (["connection", "connections", "connect"], "connect"),
        (["timeouts", "timeout"], "timeout"),
        (["timing", "timed", "time"], "tim"),
        (["rotate", "rotated", "rotation", "rotates"], "rotat"),
        (["dropped", "drop", "dropping"], "drop"),
        (["failures", "failing", "failed", "fail"], "fail"),
        (["status"], "status"),
        (["class"], "class"),
        (["502s"], "502s"),
    ],
)
def test_the_stemmer_joins_forms_of_a_word(words: list[str], stem_of_all: str) -> None:
    assert {stem(word) for word in words} == {stem_of_all}


def test_tokens_split_identifiers_and_drop_stopwords() -> None:
    assert tokenize("The PgBouncerPoolExhausted alert: HTTPErrors!") == [
        "pg",
        "bounc",
        "pool",
        "exhaust",
        "alert",
        "http",
        "error",
    ]


def test_bm25_ranks_rarer_and_more_matching_words_higher() -> None:
    index = Bm25Index()
    index.add(1, "database connection pool exhausted")
    index.add(2, "database timeout")
    index.add(3, "cache evictions")
    index.add(4, "database disk full")
    scores = index.scores("connection pool database")
    assert max(scores, key=scores.__getitem__) == 1
    assert 3 not in scores
    assert set(index.scores("database", among={2, 3})) == {2}
    index.add(1, "cache")  # replaces
    index.remove(4)
    index.remove(99)
    assert len(index) == 3 and set(index.scores("database")) == {2}
    assert Bm25Index().scores("anything") == {}


def test_normalised_scores() -> None:
    assert normalised({1: 4.0, 2: 1.0}) == {1: 1.0, 2: 0.25}
    assert normalised({1: 0.0}) == {1: 0.0}
    assert normalised({}) == {}
