"""Prometheus metrics of the capture writer: how many events each group commit carries, and how long it takes."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
COMMIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class CaptureMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        """Without `registry` (tests, benchmarks), the metrics go to a registry of their own that nobody reads."""
        registry = registry if registry is not None else CollectorRegistry()
        self._size = Histogram(
            "firebreak_capture_batch_size_events",
            "Captured events written per group commit",
            buckets=BATCH_BUCKETS,
            registry=registry,
        )
        self._commit = Histogram(
            "firebreak_capture_commit_duration_seconds",
            "Time to write and commit one batch of captured events",
            buckets=COMMIT_BUCKETS,
            registry=registry,
        )
        self._failed = Counter(
            "firebreak_capture_batches_failed", "Batches of captured events that could not be stored", registry=registry
        )

    def batch_committed(self, size: int, seconds: float) -> None:
        self._size.observe(size)
        self._commit.observe(seconds)

    def batch_failed(self) -> None:
        self._failed.inc()
