"""The `insights:` policy section and `resolve_target`: validated by `firebreak check-config` with errors that
name the key."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest

from incidents.policy import PolicyError, load_policy


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "firebreak.yml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    return str(caught.value).splitlines()


def test_the_defaults_have_root_causes_utc_and_no_reports_or_resolve_targets() -> None:
    policy = load_policy(None)

    assert policy.insights.timezone == "UTC" and policy.insights.reports == []
    assert "deploy" in policy.insights.root_cause_names()
    assert all(severity.resolve_target is None for severity in policy.severities)


def test_a_full_insights_section_and_resolve_targets_load(tmp_path: Path) -> None:
    policy = load_policy(
        write(
            tmp_path,
            """
severities:
  - {id: SEV1, name: Critical, response_target: 5m, resolve_target: 4h}
  - {id: SEV2, name: Major, resolve_target: 1d}
insights:
  timezone: Europe/Berlin
  root_causes:
    - {id: deploy, name: Deploy}
    - {id: capacity, name: Capacity, description: Ran out of something}
  reports:
    - {every: week, channel: C0REPORTS, weekday: mon, at: "09:30"}
    - {every: quarter, channel: C0EXECS, at: 8:00}
""",
        )
    )

    assert [s.resolve_target for s in policy.severities] == [timedelta(hours=4), timedelta(days=1)]
    assert policy.insights.timezone == "Europe/Berlin"
    assert policy.insights.root_cause_names() == {"deploy": "Deploy", "capacity": "Capacity"}
    weekly, quarterly = policy.insights.reports
    assert (weekly.every, weekly.weekday, weekly.at) == ("week", "mon", time(9, 30))
    assert (quarterly.every, quarterly.weekday, quarterly.at) == ("quarter", None, time(8, 0))  # YAML's 8:00 = 480


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "insights: {timezone: Europe/Berln}",
            "insights.timezone: Value error, 'Europe/Berln' is not a timezone; did you mean 'Europe/Berlin'?",
        ),
        (
            "insights: {root_causes: [{id: deploy, name: A}, {id: deploy, name: B}]}",
            "insights.root_causes: Value error, id 'deploy' appears twice",
        ),
        ("insights: {root_causes: [{id: Deploy Bad, name: A}]}", "insights.root_causes.0.id: String should match"),
        (
            "insights: {reports: [{every: month, channel: C1, weekday: mon}]}",
            "insights.reports.0: Value error, weekday applies to weekly reports; a monthly report goes out on the 1st",
        ),
        ("insights: {reports: [{every: fortnight, channel: C1}]}", "insights.reports.0.every: Input should be"),
        ("insights: {reports: [{every: week, channel: C1, at: 2500}]}", "insights.reports.0.at: Value error, 2500"),
        (
            "insights: {reports: [{every: week, channel: C1}, {every: week, channel: C1}]}",
            "insights.reports: Value error, two weekly reports to C1",
        ),
        ("insights: {timezon: UTC}", "insights.timezon: unknown key; did you mean 'timezone'?"),
        (
            "severities: [{id: SEV1, name: Critical, resolve_target: soon}]",
            "severities.0.resolve_target: Value error, 'soon' is not a duration",
        ),
    ],
)
def test_mistakes_are_reported_with_the_key(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)

    assert any(expected in line for line in found), found
