"""Search benchmark, first part: what the pure search core can already show.

Run from the repository root: `.venv/bin/python bench/search.py [--incidents N --entries N --engines sqlite
postgresql]`. Exit status 1 when a target is missed. PostgreSQL runs on --postgres-url (default
FIREBREAK_TEST_POSTGRES_URL), in databases it creates and drops.

1. Similar incidents on the labelled set (tests/data/similar_incidents.json, replayed in date order: see
   tests/similar_incidents.py): top-3 hit rate on text alone with the in-process BM25 and with SQLite FTS5 in
   memory (bm25(), the query compiled by storage/search_sqlite.py), the default scorer, and the baseline
   measured in the same run: the most recent incidents on the same services.
   Targets: text alone >= 0.9 and >= baseline + 0.2.
2. Lookup time: one similar-incident lookup against the labelled set, and against a corpus of N incidents
   (the labelled set repeated, ids shifted: only for timing) as phase 2 will run it: the text search's best
   200 incidents (in-process BM25, or FTS5 with LIMIT) ranked by the scorer. Target: <= 100 ms (p99). Next
   to it, the baseline's lookup in the same run (the newest 200 incidents sharing a service, ranked).
3. Parsing and compiling a typed query (parse_query + fts5_match + compile_tsquery) next to str.split().
4. Per engine (bench/search_scale.py): capture with indexing vs without in the same run (target >= 0.85x);
   search p99 over 20,000 incidents and 1,000,000 timeline entries (target <= 150 ms); the similar-incident
   lookup against that database (target p99 <= 100 ms).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench`, `tests` and the app packages importable
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import sqlite3  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import replace  # noqa: E402

from bench.common import CpuMeter, percentile  # noqa: E402
from bench.search_scale_report import scale_section  # noqa: E402
from incidents.search.bm25 import Bm25Index  # noqa: E402
from incidents.search.feedback import top_k_hit_rate  # noqa: E402
from incidents.search.query import parse_query  # noqa: E402
from incidents.search.similarity import (  # noqa: E402
    DEFAULT_WEIGHTS,
    SERVICE_RECENCY_BASELINE,
    TEXT_CANDIDATES,
    TEXT_ONLY,
    IncidentProfile,
    SimilarityWeights,
    rank_similar,
    shortlist,
    similarity_query,
    similarity_text,
)
from storage.search_postgres import compile_tsquery  # noqa: E402
from storage.search_sqlite import FTS5_TOKENIZE, fts5_match  # noqa: E402
from tests.similar_incidents import TOP_K, Evaluation, LabelledIncident, evaluate, load_labelled_set  # noqa: E402

HIT_RATE_TARGET = 0.9
ABOVE_BASELINE_TARGET = 0.2
LOOKUP_TARGET_MS = 100.0
TYPED_QUERIES = [
    "database timeout",
    '"connection pool" exhausted -staging',
    "pool OR pgbouncer checkout timeout",
    'unbalanced "quote and -- stray OR operators',
    "NEAR(a b) title:x AND y* ^z",
    "certificate expired api.example.com",
]


def _fts5_table() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE docs USING fts5(text, tokenize='{FTS5_TOKENIZE}')")
    return db


def _fts5_scores(db: sqlite3.Connection, profile: IncidentProfile) -> dict[int, float]:
    match = fts5_match(similarity_query(profile))
    if match is None:
        return {}
    rows = db.execute(
        "SELECT rowid, -bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
        (match, TEXT_CANDIDATES),
    )
    return {rowid: score for rowid, score in rows}


def evaluate_fts5(labelled: list[LabelledIncident], weights: SimilarityWeights) -> Evaluation:
    """As tests.similar_incidents.evaluate, with SQLite FTS5's bm25() as the text score."""
    db = _fts5_table()
    past: list[LabelledIncident] = []
    rankings: dict[int, list[int]] = {}
    relevant: dict[int, set[int]] = {}
    lookups: list[float] = []
    for item in labelled:
        family = {p.profile.incident_id for p in past if p.family == item.family}
        if family:
            query = replace(item.profile, root_cause=None)
            started = time.perf_counter()
            scores = _fts5_scores(db, query)
            ranked = rank_similar(
                query,
                [p.profile for p in past],
                text_scores=scores,
                weights=weights,
                include_private=True,
                limit=TOP_K,
                min_score=0.0,
            )
            lookups.append(time.perf_counter() - started)
            rankings[item.profile.incident_id] = [found.profile.incident_id for found in ranked]
            relevant[item.profile.incident_id] = family
        db.execute(
            "INSERT INTO docs(rowid, text) VALUES (?, ?)",
            (item.profile.incident_id, similarity_text(item.profile, with_resolution=True)),
        )
        past.append(item)
    db.close()
    return Evaluation(top_k_hit_rate(rankings, relevant, k=TOP_K) or 0.0, len(rankings), lookups)


def _large_corpus(labelled: list[LabelledIncident], size: int) -> list[IncidentProfile]:
    shift = len(labelled)
    return [replace(labelled[n % shift].profile, incident_id=n + 1, reference=f"INC-X-{n + 1}") for n in range(size)]


def lookup_times(labelled: list[LabelledIncident], size: int, queries: int) -> dict[str, list[float]]:
    """Lookup times (seconds) against `size` incidents, each as phase 2 will run it: the text search's best
    TEXT_CANDIDATES incidents (in-process BM25, or FTS5 with LIMIT) ranked by the default scorer; and the
    baseline: the newest TEXT_CANDIDATES incidents sharing a service, ranked by services + recency."""
    corpus = _large_corpus(labelled, size)
    by_id = {profile.incident_id: profile for profile in corpus}
    index = Bm25Index()
    db = _fts5_table()
    for profile in corpus:
        index.add(profile.incident_id, similarity_text(profile, with_resolution=True))
    db.executemany(
        "INSERT INTO docs(rowid, text) VALUES (?, ?)",
        ((p.incident_id, similarity_text(p, with_resolution=True)) for p in corpus),
    )
    newest_first = sorted(corpus, key=lambda profile: profile.declared_at, reverse=True)
    late = newest_first[0].declared_at
    targets = [replace(item.profile, incident_id=0, declared_at=late, root_cause=None) for item in labelled]

    def by_text(target: IncidentProfile, scores: dict[int, float]) -> object:
        best = shortlist(scores)
        candidates = [by_id[incident_id] for incident_id in best]
        return rank_similar(target, candidates, text_scores=best, weights=DEFAULT_WEIGHTS, include_private=True)

    def baseline(target: IncidentProfile) -> object:
        sharing = [p for p in newest_first if p.services & target.services][:TEXT_CANDIDATES]
        return rank_similar(target, sharing, text_scores={}, weights=SERVICE_RECENCY_BASELINE, include_private=True)

    lookups: dict[str, Callable[[IncidentProfile], object]] = {
        "bm25": lambda target: by_text(target, index.scores(similarity_text(target))),
        "fts5": lambda target: by_text(target, _fts5_scores(db, target)),
        "baseline": baseline,
    }
    times: dict[str, list[float]] = {name: [] for name in lookups}
    for n in range(queries):
        target = targets[n % len(targets)]
        for name, lookup in lookups.items():
            started = time.perf_counter()
            lookup(target)
            times[name].append(time.perf_counter() - started)
    db.close()
    return times


def parse_and_compile_us(rounds: int) -> dict[str, float]:
    """Microseconds per typed query for each step, and str.split() in the same run as the baseline."""
    steps: dict[str, Callable[[str], object]] = {
        "parse_query": parse_query,
        "parse_query + fts5_match": lambda typed: fts5_match(parse_query(typed)),
        "parse_query + compile_tsquery": lambda typed: compile_tsquery(parse_query(typed)),
        "baseline str.split()": str.split,
    }
    timings: dict[str, float] = {}
    for name, step in steps.items():
        started = time.perf_counter()
        for _ in range(rounds):
            for typed in TYPED_QUERIES:
                step(typed)
        timings[name] = (time.perf_counter() - started) / (rounds * len(TYPED_QUERIES)) * 1e6
    return timings


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=int, default=20_000, help="incidents in the lookup-time corpus")
    parser.add_argument("--queries", type=int, default=200, help="lookups timed against that corpus")
    parser.add_argument("--incidents", type=int, default=20_000, help="incidents in the database corpus")
    parser.add_argument("--entries", type=int, default=1_000_000, help="timeline entries in the database corpus")
    parser.add_argument("--events", type=int, default=20_000, help="messages per capture-writer round")
    parser.add_argument("--http-events", type=int, default=10_000, help="events per HTTP capture round (0: skip)")
    parser.add_argument("--engines", nargs="*", default=["sqlite", "postgresql"], help="sqlite and/or postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("FIREBREAK_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    print(f"# bench/search.py on {platform.python_implementation()} {platform.python_version()}")
    labelled = load_labelled_set()
    families = len({item.family for item in labelled})
    print(f"\n## Similar incidents: top-{TOP_K} hit rate, {len(labelled)} incidents in {families} families")
    meter = CpuMeter()
    with meter:
        text = evaluate(labelled, TEXT_ONLY)
        text_fts5 = evaluate_fts5(labelled, TEXT_ONLY)
        scorer = evaluate(labelled, DEFAULT_WEIGHTS)
        baseline = evaluate(labelled, SERVICE_RECENCY_BASELINE)
    rows = [
        ("text alone, in-process BM25", text),
        ("text alone, SQLite FTS5 bm25()", text_fts5),
        ("default scorer (text+services+labels+recency)", scorer),
        ("baseline: services + recency", baseline),
    ]
    for name, evaluation in rows:
        print(f"{name:48} {evaluation.hit_rate:6.3f}  ({evaluation.queries} lookups)")
    ok = True
    for name, evaluation in rows[:2]:
        passed = evaluation.hit_rate >= HIT_RATE_TARGET
        above = evaluation.hit_rate - baseline.hit_rate
        passed_above = above >= ABOVE_BASELINE_TARGET
        ok = ok and passed and passed_above
        print(f"target {name}: >= {HIT_RATE_TARGET}: {_verdict(passed)}; ", end="")
        print(f"{above:+.3f} over the baseline (>= +{ABOVE_BASELINE_TARGET}): {_verdict(passed_above)}")
    labelled_p99 = percentile(scorer.lookup_seconds, 99) * 1000
    print(f"lookup on the labelled set (default scorer, in process): p99 {labelled_p99:.2f} ms")

    print(f"\n## Lookup time against {args.corpus:,} incidents ({args.queries} lookups each)")
    with meter:
        times = lookup_times(labelled, args.corpus, args.queries)
    for name, values in times.items():
        p50, p99 = percentile(values, 50) * 1000, percentile(values, 99) * 1000
        target = "" if name == "baseline" else f"  target p99 <= {LOOKUP_TARGET_MS:.0f} ms: "
        passed = p99 <= LOOKUP_TARGET_MS
        if name != "baseline":
            ok = ok and passed
            target += _verdict(passed)
        print(f"{name:10} p50 {p50:8.2f} ms  p99 {p99:8.2f} ms{target}")

    print("\n## Parsing and compiling a typed query")
    for name, micros in parse_and_compile_us(1000).items():
        print(f"{name:32} {micros:8.2f} µs/query")

    for kind in args.engines:
        ok = scale_section(kind, args) and ok

    others = max(meter.machine - meter.process, 0.0)
    if meter.wall > 0 and others / meter.wall > 0.2:
        print(f"\nnote: other processes used {others / meter.wall:.1f} CPU cores on average during the run")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
