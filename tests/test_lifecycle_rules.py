"""The lifecycle rules that MTTA/MTTR are computed from (incidents/lifecycle.py), on the pure domain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidents.lifecycle import apply_status
from incidents.model import Incident
from incidents.policy import Policy, Status

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POLICY = Policy()


def _status(status_id: str) -> Status:
    status = POLICY.status(status_id)
    assert status is not None
    return status


def _incident(**overrides: object) -> Incident:
    values: dict[str, object] = dict(
        reference="INC-2026-0001",
        year=2026,
        number=1,
        title="t",
        severity="SEV2",
        status="investigating",
        declared_by="U1",
        declared_at=T0,
        impact_started_at=T0,
    )
    values.update(overrides)
    return Incident(**values)  # type: ignore[arg-type]


def test_moving_forward_sets_the_milestone() -> None:
    incident = _incident()
    apply_status(incident, POLICY, _status("identified"), T0 + timedelta(minutes=10))
    assert incident.identified_at == T0 + timedelta(minutes=10)
    assert incident.mitigated_at is incident.resolved_at is incident.closed_at is None


def test_skipped_milestones_are_filled_with_the_same_time() -> None:
    incident = _incident()
    at = T0 + timedelta(hours=2)
    apply_status(incident, POLICY, _status("resolved"), at)
    assert incident.identified_at == incident.mitigated_at == incident.resolved_at == incident.impact_ended_at == at
    assert incident.closed_at is None


def test_earlier_milestones_keep_their_first_time() -> None:
    incident = _incident()
    apply_status(incident, POLICY, _status("identified"), T0 + timedelta(minutes=5))
    apply_status(incident, POLICY, _status("monitoring"), T0 + timedelta(minutes=30))
    apply_status(incident, POLICY, _status("resolved"), T0 + timedelta(minutes=90))
    assert incident.identified_at == T0 + timedelta(minutes=5)
    assert incident.mitigated_at == incident.impact_ended_at == T0 + timedelta(minutes=30)
    assert incident.resolved_at == T0 + timedelta(minutes=90)


def test_moving_backward_clears_later_milestones_and_reports_them() -> None:
    incident = _incident()
    apply_status(incident, POLICY, _status("monitoring"), T0 + timedelta(minutes=30))
    cleared = apply_status(incident, POLICY, _status("identified"), T0 + timedelta(minutes=40))
    assert incident.mitigated_at is None and incident.impact_ended_at is None
    assert incident.identified_at == T0 + timedelta(minutes=30)
    assert set(cleared) == {"mitigated_at", "impact_ended_at"}


def test_reopening_keeps_declared_acknowledged_and_impact_start() -> None:
    incident = _incident(acknowledged_at=T0 + timedelta(minutes=1))
    apply_status(incident, POLICY, _status("closed"), T0 + timedelta(hours=3))
    apply_status(incident, POLICY, POLICY.reopen_to, T0 + timedelta(hours=4))
    assert incident.status == "investigating"
    assert incident.declared_at == T0 and incident.impact_started_at == T0
    assert incident.acknowledged_at == T0 + timedelta(minutes=1)
    assert incident.resolved_at is incident.closed_at is incident.mitigated_at is incident.identified_at is None


def test_any_change_acknowledges_an_unacknowledged_incident() -> None:
    incident = _incident(acknowledged_at=None)
    apply_status(incident, POLICY, _status("identified"), T0 + timedelta(minutes=7))
    assert incident.acknowledged_at == T0 + timedelta(minutes=7)


def test_custom_statuses_follow_the_same_rules() -> None:
    policy = Policy.model_validate(
        {
            "statuses": [
                {"id": "triage", "name": "Triage"},
                {"id": "fixing", "name": "Fixing", "marks": "identified"},
                {"id": "done", "name": "Done", "marks": "resolved"},
            ],
            "reopen_status": "fixing",
        }
    )
    incident = _incident(status="triage")
    done = policy.status("done")
    assert done is not None
    apply_status(incident, policy, done, T0 + timedelta(hours=1))
    assert incident.mitigated_at == incident.resolved_at == T0 + timedelta(hours=1)
    assert policy.reopen_to.id == "fixing" and not policy.is_open("done")


@pytest.mark.parametrize("status_id", ["investigating", "identified", "monitoring"])
def test_open_statuses(status_id: str) -> None:
    assert POLICY.is_open(status_id)
