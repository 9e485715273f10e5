"""How many incidents: by week and month, by severity, service, detection method and root cause, and by
weekday and hour. An incident is counted in the bucket of its declaration; one with two services counts once
for each (so the services add up to more than the total), one with none under NO_SERVICE."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from incidents.insights.buckets import Granularity, bucket_start, bucket_starts, declaration_days
from incidents.insights.measures import ordered_severities
from incidents.insights.periods import Period
from incidents.insights.rows import IncidentRow

NO_SERVICE = "(no service)"
UNCLASSIFIED = "(unclassified)"  # no root cause picked yet


@dataclass(frozen=True, slots=True)
class BucketCounts:
    start: date
    by_severity: Mapping[str, int]  # severities with incidents in this bucket

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True, slots=True)
class VolumeFigures:
    total: int
    by_week: tuple[BucketCounts, ...]  # every week the period touches (Mondays), zero-filled
    by_month: tuple[BucketCounts, ...]
    by_severity: Mapping[str, int]  # in the policy's order
    by_service: Mapping[str, int]  # most incidents first
    by_detection: Mapping[str, int]  # detection method -> count, most first


@dataclass(frozen=True, slots=True)
class Heatmap:
    """counts[weekday][hour]: weekday 0 is Monday, hours in `timezone`, by when impact started."""

    timezone: str
    counts: tuple[tuple[int, ...], ...]

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))


def volume_series(
    rows: Sequence[IncidentRow], period: Period, granularity: Granularity, days: Sequence[date] | None = None
) -> tuple[BucketCounts, ...]:
    """Incidents per bucket of the period, split by severity; empty buckets included. `days`: the rows' local
    declaration days, when the caller has them already (declaration_days)."""
    days = days if days is not None else declaration_days(rows, period.timezone)
    counts: dict[date, Counter[str]] = {start: Counter() for start in bucket_starts(period, granularity)}
    for row, day in zip(rows, days, strict=True):
        counts.setdefault(bucket_start(day, granularity), Counter())[row.severity] += 1
    return tuple(BucketCounts(start, dict(counter)) for start, counter in sorted(counts.items()))


def _most_first(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def volume_figures(
    rows: Sequence[IncidentRow], period: Period, severity_order: Sequence[str], days: Sequence[date] | None = None
) -> VolumeFigures:
    days = days if days is not None else declaration_days(rows, period.timezone)
    severities = Counter(row.severity for row in rows)
    services: Counter[str] = Counter()
    for row in rows:
        services.update(set(row.services) or (NO_SERVICE,))
    return VolumeFigures(
        total=len(rows),
        by_week=volume_series(rows, period, "week", days),
        by_month=volume_series(rows, period, "month", days),
        by_severity={sev: severities[sev] for sev in ordered_severities(severities, severity_order)},
        by_service=_most_first(services),
        by_detection=_most_first(Counter(row.detection_method.value for row in rows)),
    )


def root_cause_counts(rows: Sequence[IncidentRow], names: Mapping[str, str]) -> dict[str, int]:
    """Root-cause name -> incidents, most first; unknown ids keep their id, none is UNCLASSIFIED."""
    counter = Counter(names.get(row.root_cause, row.root_cause) if row.root_cause else UNCLASSIFIED for row in rows)
    return _most_first(counter)


def heatmap(rows: Sequence[IncidentRow], timezone: str) -> Heatmap:
    """When incidents start: impact start (entered, from an alert, else the declaration) by local weekday and
    hour, so the hours that hurt show rather than the hours someone got round to declaring."""
    zone = ZoneInfo(timezone)
    grid = [[0] * 24 for _ in range(7)]
    for row in rows:
        local = row.impact_start.astimezone(zone)
        grid[local.weekday()][local.hour] += 1
    return Heatmap(timezone, tuple(tuple(day) for day in grid))
