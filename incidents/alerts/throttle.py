"""Per-integration rate limits: a token bucket per integration, refilled at the policy's rate.

A sender over its limit is answered 429 with Retry-After (when the next body will be accepted), so one noisy
or misconfigured integration cannot crowd out the others. Held in the process: with several replicas, each
allows the rate (the limit protects the bot, not a quota).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidents.alerts.rate_limit import RateLimit


@dataclass
class _Bucket:
    tokens: float
    at: datetime


class Throttle:
    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}

    def take(self, integration: str, limit: RateLimit, now: datetime) -> float | None:
        """Take one body's worth; None when allowed, else the seconds to wait before the next is."""
        bucket = self._buckets.get(integration)
        if bucket is None:
            bucket = self._buckets[integration] = _Bucket(float(limit.requests), now)
        elapsed = max((now - bucket.at).total_seconds(), 0.0)
        bucket.tokens = min(float(limit.requests), bucket.tokens + elapsed * limit.per_second)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return (1.0 - bucket.tokens) / limit.per_second
