"""The metrics registry, built once per runtime (never a module-level global, so several runtimes in one process,
as in the tests, do not collide), and the page served at GET /metrics."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, PlatformCollector, ProcessCollector, generate_latest

from bot.request_metrics import Exposition, RequestMetrics
from bot.slack_metrics import SlackCallMetrics
from incidents.ports import Clock
from postmortem.model_metrics import ModelMetrics
from scheduling.metrics import SchedulerMetrics
from storage.capture_metrics import CaptureMetrics
from storage.database import Database
from storage.work_store import count_due_work

log = logging.getLogger("firebreak.metrics")
DUE_WORK_TIMEOUT_SECONDS = 2.0  # a scrape must not hang on a slow database


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    requests: RequestMetrics
    slack_calls: SlackCallMetrics
    capture: CaptureMetrics
    scheduler: SchedulerMetrics
    model: ModelMetrics


def build_metrics(slack_api_url: str) -> Metrics:
    """Every Firebreak metric on a fresh registry, with the process's own (CPU, memory, file descriptors)."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    return Metrics(
        registry=registry,
        requests=RequestMetrics(registry),
        slack_calls=SlackCallMetrics(registry, slack_api_url),
        capture=CaptureMetrics(registry),
        scheduler=SchedulerMetrics(registry),
        model=ModelMetrics(registry),
    )


def metrics_page(metrics: Metrics, database: Database, clock: Clock) -> Exposition:
    """The /metrics page (due work is counted when scraped)."""

    async def exposition() -> bytes:
        try:
            async with asyncio.timeout(DUE_WORK_TIMEOUT_SECONDS):
                metrics.scheduler.set_due_work(await count_due_work(database, clock.now()))
        except Exception as exc:  # the rest of the page is still worth serving; the gauge keeps its last value
            log.warning("Could not count due work for /metrics: %s", type(exc).__name__)
        return generate_latest(metrics.registry)

    return exposition
