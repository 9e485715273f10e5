"""The per-engine part of bench/search.py's report: capture with and without indexing, search p99, lookups."""

from __future__ import annotations

import argparse
import asyncio
import statistics

from bench.common import percentile
from bench.search_capture import capture_rates_http
from bench.search_capture import ratio as http_rate_ratio
from bench.search_scale import IN_FLIGHT, p99, run_scale

CAPTURE_RATIO_TARGET = 0.85
SEARCH_P99_TARGET_MS = 150.0
LOOKUP_TARGET_MS = 100.0


def scale_section(kind: str, args: argparse.Namespace) -> bool:
    """Capture with and without indexing, search p99 and similar lookups on one engine; True when on target."""
    if kind == "postgresql" and not args.postgres_url:
        print("\n## PostgreSQL: skipped (no --postgres-url and no FIREBREAK_TEST_POSTGRES_URL)")
        return False
    url = args.postgres_url if kind == "postgresql" else None
    scale = asyncio.run(run_scale(kind, url, incidents=args.incidents, entries=args.entries, events=args.events))
    print(f"\n## {kind}: capture writer with indexing vs without ({IN_FLIGHT} in flight, same run, catch-up included)")
    without, indexed = statistics.median(scale.capture_rates["without"]), statistics.median(scale.capture_rates["with"])
    ratio = indexed / without
    print(f"without indexing {without:10,.0f} messages/s   (rounds: {_rates(scale.capture_rates['without'])})")
    print(f"with indexing    {indexed:10,.0f} messages/s   (rounds: {_rates(scale.capture_rates['with'])})")
    capture_ok = ratio >= CAPTURE_RATIO_TARGET
    print(f"ratio {ratio:.2f} (target >= {CAPTURE_RATIO_TARGET}): {_verdict(capture_ok)}")
    print(
        f"\n## {kind}: search over {args.incidents:,} incidents and {args.entries:,} timeline entries "
        f"({scale.documents:,} documents, loaded in {scale.load_seconds:.0f} s)"
    )
    ok = capture_ok
    if kind == "sqlite" and args.http_events:
        rates = asyncio.run(capture_rates_http(args.http_events, 3))
        http_ratio = http_rate_ratio(rates)
        passed = http_ratio >= CAPTURE_RATIO_TARGET
        ok = ok and passed
        print(f"over signed HTTP (bench/capture.py's path): without {_rates(rates['without'])} events/s")
        print(f"                                             with    {_rates(rates['with'])} events/s")
        print(f"ratio {http_ratio:.2f} (target >= {CAPTURE_RATIO_TARGET}): {_verdict(passed)}")
    for audience, values in scale.search_ms.items():
        passed = p99(values) <= SEARCH_P99_TARGET_MS
        ok = ok and passed
        print(
            f"search as {audience:7} p50 {percentile(values, 50):7.1f} ms  p99 {p99(values):7.1f} ms"
            f"  (target p99 <= {SEARCH_P99_TARGET_MS:.0f} ms): {_verdict(passed)}"
        )
    passed = p99(scale.similar_ms) <= LOOKUP_TARGET_MS
    print(
        f"similar lookup   p50 {percentile(scale.similar_ms, 50):7.1f} ms  p99 {p99(scale.similar_ms):7.1f} ms"
        f"  (target p99 <= {LOOKUP_TARGET_MS:.0f} ms): {_verdict(passed)}"
    )
    return ok and passed


def _rates(values: list[float]) -> str:
    return ", ".join(f"{value:,.0f}" for value in values)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
