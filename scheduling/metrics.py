"""Prometheus metrics of scheduled work: how late it runs, and how much is due and waiting.

Implements the domain's FollowThroughMetrics port (the runner reports each piece of work it fires).
"""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry, Gauge, Histogram

# From "on time" (the timer fires at the due time) to an hour late (a scheduler that was down or stuck).
LAG_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


class SchedulerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._lag = Histogram(
            "firebreak_scheduler_lag_seconds",
            "How late due work ran: the time it fired minus the time it was due, by kind of work",
            ["kind"],
            buckets=LAG_BUCKETS,
            registry=registry,
        )
        self._due = Gauge(
            "firebreak_scheduler_due_work",
            "Scheduled work that is due and waiting to run, counted in the database when scraped",
            registry=registry,
        )

    def work_fired(self, kind: str, late_by: timedelta) -> None:
        self._lag.labels(kind).observe(max(late_by.total_seconds(), 0.0))

    def set_due_work(self, count: int) -> None:
        self._due.set(count)
