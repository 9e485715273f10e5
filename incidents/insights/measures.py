"""Durations over many incidents: each measure's statistics overall and per severity, time in each status, and
the trend of a measure bucket by bucket. The per-incident durations come from definitions.py only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from incidents.insights.buckets import Granularity, bucket_start, bucket_starts, declaration_days
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


def measured(rows: Sequence[IncidentRow]) -> dict[Measure, list[timedelta | None]]:
    """Every measure of every row, worked out once for the statistics, the trends and the targets."""
    return {measure: [compute(row) for row in rows] for measure, compute in MEASURES.items()}


def measure_figures(
    rows: Sequence[IncidentRow],
    measure: Measure,
    severity_order: Sequence[str],
    values: Sequence[timedelta | None] | None = None,
) -> MeasureFigures:
    """The measure's statistics over `rows`, overall and per severity (each incident at its current severity);
    `values`: the rows' durations, when the caller has them already (measured())."""
    values = values if values is not None else [MEASURES[measure](row) for row in rows]
    overall: list[timedelta] = []
    per_severity: dict[str, list[timedelta]] = {}
    for row, value in zip(rows, values, strict=True):
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
    rows: Sequence[IncidentRow],
    measure: Measure,
    period: Period,
    granularity: Granularity,
    days: Sequence[date] | None = None,
    values: Sequence[timedelta | None] | None = None,
) -> tuple[BucketStats, ...]:
    """The measure's statistics per bucket of the period, by declaration day; empty buckets have n = 0.
    `days` and `values`: the rows' local declaration days and durations, when the caller has them already."""
    days = days if days is not None else declaration_days(rows, period.timezone)
    values = values if values is not None else [MEASURES[measure](row) for row in rows]
    per_bucket: dict[date, list[timedelta]] = {start: [] for start in bucket_starts(period, granularity)}
    for day, value in zip(days, values, strict=True):
        if value is not None:
            per_bucket.setdefault(bucket_start(day, granularity), []).append(value)
    return tuple(BucketStats(start, summarise(values)) for start, values in sorted(per_bucket.items()))
