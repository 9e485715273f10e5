"""The one set of definitions: what each duration measures, over which incidents, and its words.

Stats, charts, CSV, reports and the postmortem all take their durations from the functions here and show the
`Definition` beside the figure, so no two numbers share a name with different meanings. A function returns
None when the incident is not in the measure's population (not resolved yet, a default impact start…), and
such an incident is left out of n rather than counted as zero.

A duration is never negative: a start entered later than the moment it is measured to (someone typed an impact
start after the declaration, say) counts as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from incidents.insights.rows import IncidentRow
from incidents.model import ImpactStartSource

# Fixed by the definitions rather than the policy, so the same words always mean the same number.
REPEAT_WINDOW = timedelta(days=90)  # same service and root cause within this long: a repeat
ACTION_ITEM_WINDOW = timedelta(days=30)  # an action item done within this long of its creation: in time
POSTMORTEM_WINDOW = timedelta(hours=72)  # a postmortem published within this long of resolution: in time

_ZERO = timedelta(0)
_MEASURED_STARTS = frozenset({ImpactStartSource.ENTERED, ImpactStartSource.ALERT})


class Measure(StrEnum):
    MTTD = "mttd"
    MTTA = "mtta"
    MTTR = "mttr"
    MITIGATE = "mitigate"
    IMPACT = "impact"


@dataclass(frozen=True, slots=True)
class Definition:
    """How a figure is computed, in words shown wherever the figure is (Slack, CSV header, report, README)."""

    key: str
    name: str  # e.g. "MTTR"
    label: str  # the per-incident name, e.g. "Time to resolve (declared → resolved)"
    text: str  # the definition: formula and population


MEASURE_DEFINITIONS: Mapping[Measure, Definition] = {
    Measure.MTTD: Definition(
        "mttd",
        "MTTD",
        "Time to detect (impact start → detected)",
        "detected − impact start. Detected: the first linked alert's start, else the declaration. Over "
        "incidents whose impact start was entered or came from an alert (a default start is the declaration "
        "itself and would read zero).",
    ),
    Measure.MTTA: Definition(
        "mtta",
        "MTTA",
        "Time to acknowledge (detected → acknowledged)",
        "acknowledged − detected. Over incidents acknowledged after they were detected: one declared by its "
        "own commander with no earlier alert is acknowledged the moment it is detected and waited for nobody.",
    ),
    Measure.MTTR: Definition(
        "mttr",
        "MTTR",
        "Time to resolve (declared → resolved)",
        "resolved − declared, to the last resolution when the incident was reopened. Over resolved incidents.",
    ),
    Measure.MITIGATE: Definition(
        "mitigate",
        "Time to mitigate",
        "Time to mitigate (impact start → mitigated)",
        "mitigated − impact start (entered, from an alert, or the declaration). Over mitigated incidents.",
    ),
    Measure.IMPACT: Definition(
        "impact",
        "Impact duration",
        "Impact duration (impact start → impact end)",
        "impact end − impact start; the impact ends when the incident is mitigated (else resolved). Over "
        "incidents whose impact ended.",
    ),
}

STATUS_TIME_DEFINITION = Definition(
    "status_time",
    "Time in status",
    "Time in status",
    "The time spent in each status, every stay added up (a reopened incident may visit a status twice); a "
    "status the incident is still in counts until the figures were computed. Over incidents that were in it.",
)


def _span(start: datetime, end: datetime | None) -> timedelta | None:
    return None if end is None else max(end - start, _ZERO)


def time_to_detect(row: IncidentRow) -> timedelta | None:
    """MTTD's duration for one incident (see MEASURE_DEFINITIONS)."""
    if row.impact_start_source not in _MEASURED_STARTS or row.impact_started_at is None:
        return None
    return _span(row.impact_started_at, row.detected)


def time_to_acknowledge(row: IncidentRow) -> timedelta | None:
    """MTTA's duration for one incident (see MEASURE_DEFINITIONS)."""
    if row.acknowledged_at is None or row.acknowledged_at <= row.detected:
        return None
    return row.acknowledged_at - row.detected


def time_to_resolve(row: IncidentRow) -> timedelta | None:
    """MTTR's duration for one incident (see MEASURE_DEFINITIONS)."""
    return _span(row.declared_at, row.resolved_at)


def time_to_mitigate(row: IncidentRow) -> timedelta | None:
    return _span(row.impact_start, row.mitigated_at)


def impact_duration(row: IncidentRow) -> timedelta | None:
    return _span(row.impact_start, row.impact_ended_at or row.mitigated_at or row.resolved_at)


MEASURES: Mapping[Measure, Callable[[IncidentRow], timedelta | None]] = {
    Measure.MTTD: time_to_detect,
    Measure.MTTA: time_to_acknowledge,
    Measure.MTTR: time_to_resolve,
    Measure.MITIGATE: time_to_mitigate,
    Measure.IMPACT: impact_duration,
}


def time_in_statuses(row: IncidentRow, as_of: datetime) -> dict[str, timedelta]:
    """Status id -> time spent in it, every stay added up; an open stay counts until `as_of`."""
    spent: dict[str, timedelta] = {}
    for period in row.status_periods:
        end = period.ended_at if period.ended_at is not None else as_of
        if end > period.started_at:
            spent[period.status] = spent.get(period.status, _ZERO) + (end - period.started_at)
    return spent


# The other figures' definitions, keyed as the summary, CSV and README name them.
FIGURE_DEFINITIONS: Mapping[str, Definition] = {
    definition.key: definition
    for definition in (
        Definition(
            "volume",
            "Incidents",
            "Incidents declared",
            "Incidents declared in the period (each in the week, month or day of its declaration), at their "
            "current severity and services; one with two services counts once for each.",
        ),
        Definition(
            "root_causes",
            "Root causes",
            "Root-cause category",
            "Incidents by the root-cause category picked for them (policy `insights.root_causes`); "
            "unclassified until one is picked.",
        ),
        Definition(
            "repeats",
            "Recurrence rate",
            "Repeat incident",
            "Repeats / incidents in the period. A repeat shares a service and the root-cause category with an "
            "incident declared at most 90 days before it, or is linked `repeat` to an earlier incident.",
        ),
        Definition(
            "heatmap",
            "When incidents start",
            "Impact start (weekday × hour)",
            "Incidents by the weekday and hour their impact started (entered, from an alert, else the "
            "declaration), in the insights timezone.",
        ),
        Definition(
            "load",
            "Responder load",
            "Responder load",
            "Per person: incidents in which they hold each role; pages, and pages out of their office hours in "
            "their own timezone (once pages are recorded). People see their own row, admins everyone's.",
        ),
        Definition(
            "action_items",
            "Action items done within 30 days",
            "Done within 30 days",
            "Action items created in the period and done within 30 days of their creation, over those created "
            "more than 30 days ago or already done in time (an item still inside its 30 days has not failed).",
        ),
        Definition(
            "overdue",
            "Overdue action items",
            "Overdue",
            "Open action items whose due date has passed, by owner, as of now (whatever the period).",
        ),
        Definition(
            "postmortems",
            "Postmortem coverage",
            "Postmortem published",
            "Resolved incidents of the postmortem severities (SEV1, SEV2) with a published postmortem, and "
            "those published within 72 h of resolution.",
        ),
        Definition(
            "response_target",
            "Acknowledged within target",
            "Acknowledged within response_target",
            "Incidents whose MTTA duration is within their severity's response_target, over MTTA's incidents "
            "plus those still unacknowledged past the target.",
        ),
        Definition(
            "resolve_target",
            "Resolved within target",
            "Resolved within resolve_target",
            "Incidents whose MTTR duration is within their severity's resolve_target, over resolved incidents "
            "plus those still open past the target.",
        ),
    )
}
