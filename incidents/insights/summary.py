"""Every figure of a period, with the previous period beside it: what `/incident stats`, reports, charts and the
digest show. One call, pure, over rows read once (see `rows_window` for which rows to read).

Figures describe the period's incidents (by declaration) as they stand when computed: an incident of last month
resolved yesterday counts in last month's MTTR, and one still open counts its open status until now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from incidents.insights.audience import Audience, Scope
from incidents.insights.buckets import declaration_days, granularity_for
from incidents.insights.definitions import REPEAT_WINDOW, Measure
from incidents.insights.followthrough import (
    ActionItemFigures,
    PostmortemFigures,
    TargetFigures,
    action_item_figures,
    overdue_by_owner,
    postmortem_figures,
    target_figures,
)
from incidents.insights.load import OfficeHours, ResponderLoad, responder_load
from incidents.insights.measures import (
    BucketStats,
    MeasureFigures,
    measure_figures,
    measure_trend,
    measured,
    status_time_figures,
)
from incidents.insights.periods import Period
from incidents.insights.repeats import RepeatFigures, RepeatIndex
from incidents.insights.rows import ActionItemRow, IncidentRow, InsightsData
from incidents.insights.statistics import DurationStats
from incidents.insights.volume import (
    BucketCounts,
    Heatmap,
    VolumeFigures,
    heatmap,
    root_cause_counts,
    volume_figures,
    volume_series,
)

TRENDED = (Measure.MTTA, Measure.MTTR)  # the measures charted bucket by bucket


@dataclass(frozen=True)
class InsightsSettings:
    """What the figures need from the policy, built by the composition root: the severities' order and targets
    (`response_target`, `resolve_target`), `insights.root_causes`, `reminders.postmortem_severities` and the
    working hours (for out-of-hours pages)."""

    severity_order: tuple[str, ...] = ()  # the policy's severities, most severe first
    root_causes: Mapping[str, str] = field(default_factory=dict)  # id -> name
    response_targets: Mapping[str, timedelta] = field(default_factory=dict)  # severity -> response_target
    resolve_targets: Mapping[str, timedelta] = field(default_factory=dict)  # severity -> resolve_target
    postmortem_severities: tuple[str, ...] = ("SEV1", "SEV2")
    office_hours: OfficeHours = field(default_factory=OfficeHours)


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    incidents: tuple[IncidentRow, ...]  # the period's incidents this audience may see, within the scope
    measures: Mapping[Measure, MeasureFigures]
    status_time: Mapping[str, DurationStats]
    trends: Mapping[Measure, tuple[BucketStats, ...]]  # MTTA and MTTR per bucket (granularity_for(period))
    volume: VolumeFigures
    volume_series: tuple[BucketCounts, ...]  # incidents per bucket of the same granularity as the trends
    root_causes: Mapping[str, int]
    repeats: RepeatFigures
    heatmap: Heatmap
    load: tuple[ResponderLoad, ...]
    action_items: ActionItemFigures
    postmortems: PostmortemFigures
    acknowledged_in_time: tuple[TargetFigures, ...]
    resolved_in_time: tuple[TargetFigures, ...]

    @property
    def empty(self) -> bool:
        return not self.incidents


@dataclass(frozen=True)
class InsightsSummary:
    current: PeriodFigures
    previous: PeriodFigures
    overdue_by_owner: Mapping[str, int]  # a snapshot as of `computed_at`
    scope: Scope
    audience: Audience
    computed_at: datetime
    severity_order: tuple[str, ...] = ()  # the policy's, for whoever lists or draws severities

    @property
    def empty(self) -> bool:
        """No incidents in the period: say "No incidents from … to …" and draw no chart."""
        return self.current.empty


def rows_window(period: Period) -> tuple[datetime, datetime]:
    """The declarations to read for `period`: back to REPEAT_WINDOW before the previous period, for repeats."""
    return period.previous().start - REPEAT_WINDOW, period.end


def compute_insights(
    data: InsightsData,
    period: Period,
    *,
    settings: InsightsSettings,
    audience: Audience,
    now: datetime,
    scope: Scope | None = None,
) -> InsightsSummary:
    """Every figure of `period` and of the one before it, for `audience`, narrowed to `scope`."""
    scope = scope or Scope()
    seen = tuple(row for row in data.incidents if audience.may_see(row))
    visible = tuple(row for row in seen if scope.matches(row))
    in_scope = {row.id for row in visible}
    items = tuple(i for i in data.action_items if audience.may_see(i) and i.incident_id in in_scope)
    # A SEV1 may repeat an earlier SEV3: the scope narrows what is counted, not what may be repeated.
    repeats = RepeatIndex(seen, data.links)
    current = _period_figures(data, visible, items, repeats, period, settings, audience, now)
    previous = _period_figures(data, visible, items, repeats, period.previous(), settings, audience, now)
    today = now.astimezone(ZoneInfo(period.timezone)).date()
    overdue = overdue_by_owner(items, today)
    return InsightsSummary(current, previous, overdue, scope, audience, now, settings.severity_order)


def _period_figures(
    data: InsightsData,
    visible: tuple[IncidentRow, ...],
    items: tuple[ActionItemRow, ...],
    repeats: RepeatIndex,
    period: Period,
    settings: InsightsSettings,
    audience: Audience,
    now: datetime,
) -> PeriodFigures:
    rows = tuple(row for row in visible if period.contains(row.declared_at))
    order = settings.severity_order
    granularity = granularity_for(period)
    days = declaration_days(rows, period.timezone)
    values = measured(rows)
    return PeriodFigures(
        period=period,
        incidents=rows,
        measures={measure: measure_figures(rows, measure, order, values[measure]) for measure in Measure},
        status_time=status_time_figures(rows, now),
        trends={
            measure: measure_trend(rows, measure, period, granularity, days, values[measure]) for measure in TRENDED
        },
        volume=volume_figures(rows, period, order, days),
        volume_series=volume_series(rows, period, granularity, days),
        root_causes=root_cause_counts(rows, settings.root_causes),
        repeats=repeats.repeats(rows),
        heatmap=heatmap(rows, period.timezone),
        load=responder_load(
            rows,
            data.pages,
            period,
            audience=audience,
            timezones=data.timezones,
            hours=settings.office_hours,
        ),
        action_items=action_item_figures(items, period, now),
        postmortems=postmortem_figures(rows, settings.postmortem_severities),
        acknowledged_in_time=target_figures(rows, Measure.MTTA, settings.response_targets, now, order),
        resolved_in_time=target_figures(rows, Measure.MTTR, settings.resolve_targets, now, order),
    )
