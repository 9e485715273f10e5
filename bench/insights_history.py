"""A synthetic incident history for the insights benchmark and for looking at charts: deterministic (seeded),
shaped like a real one (more SEV3 than SEV1, working-hours heavy, long tails, reopens, repeats, pages)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from incidents.insights.rows import (
    ActionItemRow,
    IncidentLink,
    IncidentRow,
    InsightsData,
    LinkKind,
    PageRow,
    PostmortemState,
    StatusPeriod,
)
from incidents.model import DetectionMethod, ImpactStartSource

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
ROOT_CAUSES = ("deploy", "configuration", "capacity", "dependency", "infrastructure", "bug", "data", "other")
SERVICES = ("api", "web", "db", "cache", "queue", "search", "auth", "billing", "mail", "cdn", "dns", "edge")
PEOPLE = tuple(f"U{index:04d}" for index in range(40))
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC")


def _minutes(rng: random.Random, median: float) -> timedelta:
    return timedelta(minutes=rng.lognormvariate(0, 0.9) * median)


def _declared(rng: random.Random, start: datetime, span_days: int) -> datetime:
    while True:
        at = start + timedelta(seconds=rng.uniform(0, span_days * 86400))
        working = at.weekday() < 5 and 8 <= at.hour < 19
        if working or rng.random() < 0.35:  # out-of-hours incidents happen, less often
            return at


def synthetic_history(count: int, *, end: datetime, span_days: int = 730, seed: int = 13) -> InsightsData:
    """`count` incidents declared over the `span_days` before `end`, with their items, links and pages."""
    rng = random.Random(seed)
    start = end - timedelta(days=span_days)
    rows: list[IncidentRow] = []
    items: list[ActionItemRow] = []
    pages: list[PageRow] = []
    for number in range(1, count + 1):
        declared = _declared(rng, start, span_days)
        rows.append(_incident(rng, number, declared, end))
        for index in range(rng.choice((0, 1, 1, 2, 3))):
            created = declared + timedelta(hours=rng.uniform(1, 72))
            done = created + timedelta(days=rng.expovariate(1 / 25)) if rng.random() < 0.75 else None
            due = (created + timedelta(days=rng.choice((7, 30, 90)))).date()
            owner = rng.choice(PEOPLE)
            items.append(
                ActionItemRow(number * 10 + index, number, owner, created, due, done if done and done < end else None)
            )
        for _ in range(rng.choice((1, 1, 2, 3))):
            pages.append(PageRow(rng.choice(PEOPLE[:16]), declared + _minutes(rng, 2), number))
    links = tuple(
        IncidentLink(rng.randrange(2, count + 1), rng.randrange(1, count), rng.choice(tuple(LinkKind)))
        for _ in range(count // 50)
    )
    zones = {person: ZONES[index % len(ZONES)] for index, person in enumerate(PEOPLE)}
    return InsightsData(tuple(rows), tuple(items), links, tuple(pages), zones)


def _incident(rng: random.Random, number: int, declared: datetime, end: datetime) -> IncidentRow:
    severity = rng.choices(SEVERITIES, weights=(1, 3, 8, 4))[0]
    source = rng.choices(tuple(ImpactStartSource), weights=(3, 4, 3))[0]
    impact_start = declared - _minutes(rng, 12) if source is not ImpactStartSource.DEFAULT else declared
    detected = impact_start if source is ImpactStartSource.ALERT else declared
    commander, declarer = rng.choice(PEOPLE), rng.choice(PEOPLE)
    acknowledged = declared if commander == declarer or rng.random() < 0.4 else declared + _minutes(rng, 6)
    identified = acknowledged + _minutes(rng, 20)
    mitigated = identified + _minutes(rng, 25 * (SEVERITIES.index(severity) + 1))
    resolved = mitigated + _minutes(rng, 60)
    reopened = rng.random() < 0.05
    if reopened:
        resolved += timedelta(hours=rng.uniform(2, 30))
    still_open = resolved > end or rng.random() < 0.02
    periods = (
        StatusPeriod("investigating", declared, identified),
        StatusPeriod("identified", identified, mitigated),
        StatusPeriod("monitoring", mitigated, resolved),
        StatusPeriod("resolved", resolved, None),
    )
    published = resolved + timedelta(hours=rng.uniform(4, 200)) if severity in ("SEV1", "SEV2") else None
    roles = {"commander": commander}
    if rng.random() < 0.6:
        roles["tech_lead"] = rng.choice(PEOPLE)
    if rng.random() < 0.3:
        roles["scribe"] = rng.choice(PEOPLE)
    return IncidentRow(
        id=number,
        reference=f"INC-{declared.year}-{number:05d}",
        severity=severity,
        declared_at=declared,
        declared_by=declarer,
        services=tuple(rng.sample(SERVICES, rng.choice((1, 1, 1, 2)))),
        private=rng.random() < 0.05,
        insiders=frozenset({commander, declarer}),
        roles=roles,
        detected_at=detected,
        detection_method=rng.choice(tuple(DetectionMethod)),
        impact_started_at=impact_start,
        impact_start_source=source,
        impact_ended_at=None if still_open else mitigated,
        acknowledged_at=min(acknowledged, end),
        mitigated_at=None if still_open else mitigated,
        resolved_at=None if still_open else resolved,
        reopened_count=int(reopened),
        root_cause=rng.choice(ROOT_CAUSES) if rng.random() < 0.8 else None,
        status_periods=(periods[0], StatusPeriod("identified", identified, None)) if still_open else periods,
        postmortem=(PostmortemState.PUBLISHED if published and published < end else None)
        if severity in ("SEV1", "SEV2")
        else None,
        postmortem_published_at=published if published and published < end else None,
    )


NOW = datetime(2026, 10, 2, 12, tzinfo=UTC)
