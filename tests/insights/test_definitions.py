"""Each duration's definition, case by case: who is in its population and who is left out of n."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidents.insights.definitions import (
    FIGURE_DEFINITIONS,
    MEASURE_DEFINITIONS,
    MEASURES,
    Measure,
    impact_duration,
    time_in_statuses,
    time_to_acknowledge,
    time_to_detect,
    time_to_mitigate,
    time_to_resolve,
)
from incidents.insights.rows import IncidentRow, PostmortemState, StatusPeriod, row_from_incident
from incidents.model import DetectionMethod, ImpactStartSource, Incident

T0 = datetime(2026, 5, 4, 12, tzinfo=UTC)


def row(**fields: object) -> IncidentRow:
    base: dict[str, object] = {"id": 1, "reference": "INC-2026-0001", "severity": "SEV2", "declared_at": T0}
    return IncidentRow(**(base | fields))  # type: ignore[arg-type]


def mins(value: int) -> timedelta:
    return timedelta(minutes=value)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, None),  # default start: the declaration itself, would read zero
        ({"impact_started_at": T0 - mins(25)}, None),  # a start given but still marked default
        ({"impact_started_at": T0 - mins(25), "impact_start_source": ImpactStartSource.ENTERED}, mins(25)),
        (
            {
                "impact_started_at": T0 - mins(9),
                "detected_at": T0 - mins(9),
                "impact_start_source": ImpactStartSource.ALERT,
            },
            mins(0),
        ),
        (
            {
                "impact_started_at": T0 - mins(30),
                "detected_at": T0 - mins(10),
                "impact_start_source": ImpactStartSource.ENTERED,
            },
            mins(20),
        ),
        ({"impact_started_at": T0 + mins(5), "impact_start_source": ImpactStartSource.ENTERED}, mins(0)),
    ],
)
def test_time_to_detect(fields: dict[str, object], expected: timedelta | None) -> None:
    assert time_to_detect(row(**fields)) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, None),  # never acknowledged
        ({"acknowledged_at": T0}, None),  # declared by its commander: acknowledged on detection, no wait
        ({"acknowledged_at": T0 + mins(7)}, mins(7)),
        ({"acknowledged_at": T0, "detected_at": T0 - mins(4)}, mins(4)),  # an alert waited for the declaration
    ],
)
def test_time_to_acknowledge(fields: dict[str, object], expected: timedelta | None) -> None:
    assert time_to_acknowledge(row(**fields)) == expected


def test_time_to_resolve_runs_from_the_declaration_whatever_the_impact_start() -> None:
    resolved = row(resolved_at=T0 + mins(90), impact_started_at=T0 - mins(60))

    assert time_to_resolve(resolved) == mins(90)
    assert time_to_resolve(row()) is None


def test_mitigation_and_impact_run_from_the_impact_start() -> None:
    mitigated = row(impact_started_at=T0 - mins(20), mitigated_at=T0 + mins(10), impact_ended_at=T0 + mins(10))
    resolved_only = row(resolved_at=T0 + mins(45))

    assert time_to_mitigate(mitigated) == mins(30)
    assert impact_duration(mitigated) == mins(30)
    assert time_to_mitigate(resolved_only) is None
    assert impact_duration(resolved_only) == mins(45)  # no mitigation recorded: the impact ended at resolution
    assert impact_duration(row()) is None


def test_time_in_each_status_adds_every_stay_and_counts_the_open_one_until_as_of() -> None:
    periods = (
        StatusPeriod("investigating", T0, T0 + mins(10)),
        StatusPeriod("monitoring", T0 + mins(10), T0 + mins(40)),
        StatusPeriod("investigating", T0 + mins(40), T0 + mins(45)),
        StatusPeriod("monitoring", T0 + mins(45)),
    )

    spent = time_in_statuses(row(status_periods=periods), as_of=T0 + mins(60))

    assert spent == {"investigating": mins(15), "monitoring": mins(45)}


def test_every_measure_has_a_definition_with_its_formula() -> None:
    assert set(MEASURES) == set(MEASURE_DEFINITIONS) == set(Measure)
    assert "resolved − declared" in MEASURE_DEFINITIONS[Measure.MTTR].text
    assert "acknowledged − detected" in MEASURE_DEFINITIONS[Measure.MTTA].text
    assert "detected − impact start" in MEASURE_DEFINITIONS[Measure.MTTD].text
    labels = [d.label for d in MEASURE_DEFINITIONS.values()] + [d.label for d in FIGURE_DEFINITIONS.values()]
    assert len(labels) == len(set(labels))  # no two figures share a name


def test_a_core_incident_becomes_a_row_with_the_same_durations() -> None:
    incident = Incident(
        reference="INC-2026-0042",
        year=2026,
        number=42,
        title="Checkout 500s",
        severity="SEV1",
        status="resolved",
        declared_by="U1",
        declared_at=T0,
        id=42,
        services=["api"],
        roles={"commander": "U2"},
        acknowledged_at=T0 + mins(3),
        resolved_at=T0 + mins(50),
        impact_started_at=T0 - mins(15),
        impact_start_source=ImpactStartSource.ENTERED,
        detection_method=DetectionMethod.CUSTOMER,
        postmortem_published_at=T0 + mins(600),
    )

    converted = row_from_incident(incident, root_cause="deploy")

    assert (time_to_detect(converted), time_to_acknowledge(converted), time_to_resolve(converted)) == (
        mins(15),
        mins(3),
        mins(50),
    )
    assert converted.services == ("api",) and converted.root_cause == "deploy"
    assert converted.postmortem is PostmortemState.PUBLISHED
