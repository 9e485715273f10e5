"""Prometheus metrics of the language model that drafts postmortems: request latency and tokens."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

# Drafting requests take seconds to minutes (postmortem.model_timeout is 90 s by default).
LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 90.0, 120.0)


class ModelMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        """Without `registry` (tests, benchmarks), the metrics go to a registry of their own that nobody reads."""
        registry = registry if registry is not None else CollectorRegistry()
        self._latency = Histogram(
            "firebreak_model_request_duration_seconds",
            "Time the language model took to answer one drafting request, by outcome",
            ["outcome"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self._tokens = Counter(
            "firebreak_model_tokens",
            "Tokens the language model server reported using, by type (prompt or completion)",
            ["type"],
            registry=registry,
        )

    def request_finished(self, outcome: str, seconds: float) -> None:
        self._latency.labels(outcome).observe(seconds)

    def tokens_used(self, *, prompt: int, completion: int) -> None:
        self._tokens.labels("prompt").inc(prompt)
        self._tokens.labels("completion").inc(completion)
