"""A family: one failure mode, reported in different words each time it happened."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """`reports` are (title, description) pairs as different people wrote them up; `{slot}` placeholders
    (pct, n, minutes, region, version, host) are filled by the generator. `alerts` are the alert names a
    monitor fires for it (none: people noticed first)."""

    id: str
    services: tuple[str, ...]
    root_cause: str
    alerts: tuple[str, ...]
    resolutions: tuple[str, ...]
    reports: tuple[tuple[str, str], ...]
