"""Follow-through figures: action items done in time and overdue, postmortem coverage, response and
resolution targets met. Each says over which items or incidents it is taken (see definitions.FIGURE_DEFINITIONS)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from incidents.insights.definitions import (
    ACTION_ITEM_WINDOW,
    POSTMORTEM_WINDOW,
    Measure,
    time_to_acknowledge,
    time_to_resolve,
)
from incidents.insights.measures import ordered_severities
from incidents.insights.periods import Period
from incidents.insights.rows import ActionItemRow, IncidentRow, PostmortemState
from incidents.insights.statistics import share


@dataclass(frozen=True, slots=True)
class ActionItemFigures:
    created: int  # items created in the period
    judged: int  # of those, the ones whose 30 days are over, or that were done within them
    done_in_time: int  # done within 30 days of their creation

    @property
    def share_done_in_time(self) -> float | None:
        return share(self.done_in_time, self.judged)


@dataclass(frozen=True, slots=True)
class PostmortemFigures:
    eligible: int  # resolved incidents of the postmortem severities (SEV1, SEV2)
    drafted: int  # with a postmortem in any state
    published: int
    published_in_time: int  # published within 72 h of resolution

    @property
    def coverage(self) -> float | None:
        return share(self.published, self.eligible)

    @property
    def share_published_in_time(self) -> float | None:
        return share(self.published_in_time, self.eligible)


@dataclass(frozen=True, slots=True)
class TargetFigures:
    severity: str
    target: timedelta
    judged: int  # incidents measured, plus those still waiting past the target (misses already)
    met: int

    @property
    def share_met(self) -> float | None:
        return share(self.met, self.judged)


def action_item_figures(items: Sequence[ActionItemRow], period: Period, now: datetime) -> ActionItemFigures:
    created = [item for item in items if period.contains(item.created_at)]
    in_time = [i for i in created if i.done_at is not None and i.done_at - i.created_at <= ACTION_ITEM_WINDOW]
    # An item created last week and still open has not failed yet: it is judged once its 30 days are over.
    done_ids = {item.id for item in in_time}
    judged = [i for i in created if now - i.created_at > ACTION_ITEM_WINDOW or i.id in done_ids]
    return ActionItemFigures(len(created), len(judged), len(in_time))


def overdue_by_owner(items: Sequence[ActionItemRow], today: date) -> dict[str, int]:
    """Owner -> open items due before `today` (the viewer's local date), most first: a snapshot, not a period's."""
    counter = Counter(item.owner for item in items if item.done_at is None and item.due_on < today)
    return dict(sorted(counter.items(), key=lambda entry: (-entry[1], entry[0])))


def postmortem_figures(rows: Sequence[IncidentRow], severities: Sequence[str]) -> PostmortemFigures:
    wanted = {severity.lower() for severity in severities}
    eligible = [row for row in rows if row.resolved_at is not None and row.severity.lower() in wanted]
    published = [row for row in eligible if row.postmortem is PostmortemState.PUBLISHED]
    in_time = [
        row
        for row in published
        if row.postmortem_published_at is not None
        and row.resolved_at is not None
        and row.postmortem_published_at - row.resolved_at <= POSTMORTEM_WINDOW
    ]
    drafted = sum(1 for row in eligible if row.postmortem is not None)
    return PostmortemFigures(len(eligible), drafted, len(published), len(in_time))


def target_figures(
    rows: Sequence[IncidentRow],
    measure: Measure,
    targets: Mapping[str, timedelta],
    now: datetime,
    severity_order: Sequence[str],
) -> tuple[TargetFigures, ...]:
    """Per severity with a target: how many incidents met it. MTTA against `response_target`, MTTR against
    `resolve_target`, each over its own measure's incidents, plus those still waiting past the target."""
    if measure not in (Measure.MTTA, Measure.MTTR):
        raise ValueError(f"no target is defined for {measure}")
    judged: Counter[str] = Counter()
    met: Counter[str] = Counter()
    by_id = {severity.lower(): (severity, target) for severity, target in targets.items()}
    for row in rows:
        found = by_id.get(row.severity.lower())
        if found is None:
            continue
        severity, target = found
        if measure is Measure.MTTA:
            value = time_to_acknowledge(row)
            waiting = row.acknowledged_at is None and now - row.detected > target
        else:
            value = time_to_resolve(row)
            waiting = row.resolved_at is None and now - row.declared_at > target
        if value is not None:
            judged[severity] += 1
            met[severity] += value <= target
        elif waiting:
            judged[severity] += 1
    return tuple(
        TargetFigures(severity, targets[severity], judged[severity], met[severity])
        for severity in ordered_severities(targets, severity_order)
    )
