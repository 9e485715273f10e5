"""Durations over many incidents: each measure's statistics overall and per severity, time in each status, and
the trend of a measure bucket by bucket. The per-incident durations come from definitions.py only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from incidents.insights.buckets import Granularity, bucket_of, bucket_starts
from incidents.insights.definitions import MEASURES, Measure, time_in_statuses
from incidents.insights.periods import Period
from incidents.insights.rows import IncidentRow
from incidents.insights.statistics import DurationStats, summarise


@dataclass(frozen=True, slots=True)
class MeasureFigures:
    measure: Measure
    overall: DurationStats
    by_severity: Mapping[str, DurationStats]  # severities with at least one incident in the population


@dataclass(frozen=True, slots=True)
class BucketStats:
    start: date  # the bucket's first local day
    stats: DurationStats


def ordered_severities(seen: Iterable[str], order: Sequence[str]) -> list[str]:
    """The policy's order first (SEV1, SEV2…), then any other severity met, alphabetically."""
    present = set(seen)
    known = [severity for severity in order if severity in present]
    return known + sorted(present - set(known))


def measure_figures(rows: Sequence[IncidentRow], measure: Measure, severity_order: Sequence[str]) -> MeasureFigures:
    """The measure's statistics over `rows`, overall and per severity (each incident at its current severity)."""
    compute = MEASURES[measure]
    overall: list[timedelta] = []
    per_severity: dict[str, list[timedelta]] = {}
    for row in rows:
        value = compute(row)
        if value is not None:
            overall.append(value)
            per_severity.setdefault(row.severity, []).append(value)
    by_severity = {sev: summarise(per_severity[sev]) for sev in ordered_severities(per_severity, severity_order)}
    return MeasureFigures(measure, summarise(overall), by_severity)


def status_time_figures(rows: Sequence[IncidentRow], as_of: datetime) -> dict[str, DurationStats]:
    """Status id -> statistics of the time incidents spent in it (those that were in it), first seen first."""
    spent: dict[str, list[timedelta]] = {}
    for row in rows:
        for status, duration in time_in_statuses(row, as_of).items():
            spent.setdefault(status, []).append(duration)
    return {status: summarise(durations) for status, durations in spent.items()}


def measure_trend(
    rows: Sequence[IncidentRow], measure: Measure, period: Period, granularity: Granularity
) -> tuple[BucketStats, ...]:
    """The measure's statistics per bucket of the period, by declaration time; empty buckets have n = 0."""
    zone = ZoneInfo(period.timezone)
    compute = MEASURES[measure]
    per_bucket: dict[date, list[timedelta]] = {start: [] for start in bucket_starts(period, granularity)}
    for row in rows:
        value = compute(row)
        if value is not None:
            per_bucket.setdefault(bucket_of(row.declared_at, zone, granularity), []).append(value)
    return tuple(BucketStats(start, summarise(values)) for start, values in sorted(per_bucket.items()))
