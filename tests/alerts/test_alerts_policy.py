"""The `alerts:` section of the policy file (incidents/alerts/policy.py), loaded as `firebreak check-config`
loads it: every mistake is refused with its key named."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from incidents.alerts.model import AlertStatus
from incidents.alerts.policy import AlertsPolicy
from incidents.alerts.rate_limit import RateLimit
from incidents.policy import Policy, PolicyError, load_policy

FULL = """
alerts:
  storm_threshold: 25
  refire_window: 30m
  on_all_resolved: identified
  rate_limit: 120/1m
  integrations:
    prometheus:
      rate_limit: {requests: 50, per: 10s}
    uptime-checker:
      generic:
        alerts: data.checks
        title: name
        status: state
        status_map: {DOWN: firing, Up: resolved}
        fingerprint: id
        labels: tags
        started_at: $.sent_at
  routes:
    - name: payments
      match: {labels: {team: payments}, labels_regex: {env: "prod|production"}, integration: [prometheus]}
      service: payments-api
      severity_map: {critical: SEV1}
      channel: C0PAYMENTS
      escalation_policy: payments-primary
      declare: SEV2
    - match: {severity: [warning]}
      declare_if: {count: 3, within: 10m}
    - match: {labels: {env: staging}}
      silence: true
    - default: true
      severity_map: {critical: SEV2, warning: SEV3}
      channel: "#alerts"
"""


def load(tmp_path: Path, text: str) -> Policy:
    path = tmp_path / "firebreak.yml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def test_a_full_section_loads(tmp_path: Path) -> None:
    alerts = load(tmp_path, FULL).alerts

    assert alerts.storm_threshold == 25 and alerts.refire_window == timedelta(minutes=30)
    assert alerts.rate_limit_for("prometheus") == RateLimit(requests=50, per=timedelta(seconds=10))
    assert alerts.rate_limit_for("anything-else") == RateLimit(requests=120, per=timedelta(minutes=1))
    mapping = alerts.generic_mapping_for("uptime-checker")
    assert mapping is not None and mapping.status_map["DOWN"] is AlertStatus.FIRING
    assert alerts.generic_mapping_for("prometheus") is None
    assert [route.name for route in alerts.routes] == ["payments", None, None, None]
    assert alerts.routes[1].declare_if is not None and alerts.routes[1].declare_if.within == timedelta(minutes=10)


def test_without_the_section_alerts_post_by_the_default_route() -> None:
    alerts = Policy().alerts

    assert len(alerts.routes) == 1 and alerts.default_route.default
    assert alerts.storm_threshold == 10 and alerts.refire_window == timedelta(hours=1)
    assert alerts.on_all_resolved == "monitoring"
    assert alerts.rate_limit_for("x").per_second == 10.0


@pytest.mark.parametrize(
    ("text", "rate"),
    [("600/1m", (600, 60)), ("10/s", (10, 1)), ("5 / 2h", (5, 7200)), ("1/1h30m", (1, 5400))],
)
def test_rates_are_written_as_people_write_them(text: str, rate: tuple[int, int]) -> None:
    limit = AlertsPolicy.model_validate({"rate_limit": text}).rate_limit

    assert (limit.requests, int(limit.per.total_seconds())) == rate


DEFAULT = "{default: true}"


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("routes: []", "alerts.routes: a default route is required"),
        ("routes: [{match: {labels: {a: b}}}]", "alerts.routes: a default route is required"),
        (
            f"routes: [{DEFAULT}, {{match: {{labels: {{a: b}}}}}}]",
            "exactly one route is the default, and it comes last",
        ),
        (f"routes: [{{service: x}}, {DEFAULT}]", "alerts.routes.0: a route needs a `match`"),
        (f"routes: [{{match: {{}}}}, {DEFAULT}]", "alerts.routes.0: a route needs a `match`"),
        ("routes: [{default: true, match: {labels: {a: b}}}]", "the default route matches everything"),
        (
            f"routes: [{{match: {{labels_regex: {{instance: 'db['}}}}}}, {DEFAULT}]",
            "alerts.routes.0.match.labels_regex: instance: 'db[' is not a valid regular expression",
        ),
        (
            f"routes: [{{match: {{labels_regex: {{a: 'x{{2}}('}}}}}}, {DEFAULT}]",
            "alerts.routes.0.match.labels_regex: a: 'x{2}(' is not a valid regular expression",
        ),
        (
            f"routes: [{{match: {{integration: [Prod AM]}}}}, {DEFAULT}]",
            "alerts.routes.0.match.integration: 'Prod AM' is not an integration name",
        ),
        (
            f"routes: [{{match: {{severity: [x]}}, declare: SEV1, declare_if: {{count: 2, within: 5m}}}}, {DEFAULT}]",
            "alerts.routes.0: give either `declare` or `declare_if`, not both",
        ),
        (f"routes: [{{match: {{severity: [x]}}, silence: true, declare: SEV1}}, {DEFAULT}]", "cannot declare"),
        (
            f"routes: [{{match: {{severity: [x]}}, declare_if: {{count: 0, within: 5m}}}}, {DEFAULT}]",
            "alerts.routes.0.declare_if.count",
        ),
        (
            f"routes: [{{match: {{severity: [x]}}, declare_if: {{count: 2, within: 0s}}}}, {DEFAULT}]",
            "alerts.routes.0.declare_if.within: must be longer than 0s",
        ),
        (
            f"routes: [{{match: {{severity: [x]}}, channel: alerts}}, {DEFAULT}]",
            "alerts.routes.0.channel: 'alerts' is not a channel",
        ),
        ("routes: [{name: a, match: {severity: [x]}}, {name: a, default: true}]", "route names must differ"),
        (f"routes: [{{match: {{severity: [x]}}, severity_mapp: {{}}}}, {DEFAULT}]", "did you mean 'severity_map'?"),
        (
            "routes: [{default: true, severity_map: {critical: SEV9}}]",
            "alerts: routes.0.severity_map.critical: 'SEV9' is not a severity (known: SEV1",
        ),
        (f"routes: [{{match: {{severity: [x]}}, declare: SEV7}}, {DEFAULT}]", "routes.0.declare: 'SEV7' is not"),
        (
            f"routes: [{{match: {{severity: [x]}}, declare_if: {{count: 2, within: 5m, severity: P1}}}}, {DEFAULT}]",
            "routes.0.declare_if.severity: 'P1' is not a severity",
        ),
        ("on_all_resolved: closed", "alerts: on_all_resolved: 'closed' marks the incident closed"),
        ("on_all_resolved: mitigating", "alerts: on_all_resolved: 'mitigating' is not a status (statuses: invest"),
        ("storm_threshold: 0", "alerts.storm_threshold"),
        ("refire_window: -5m", "alerts.refire_window"),
        ("refire_window: 5", "'5' has no unit"),
        ("rate_limit: lots", "alerts.rate_limit: 'lots' is not a rate: write it like 600/1m or 10/s"),
        ("rate_limit: 10/fortnight", "alerts.rate_limit: '10/fortnight' is not a rate"),
        ("rate_limit: 10/0s", "alerts.rate_limit.per: must be longer than 0s"),
        ("integrations: {Prod: {}}", "alerts.integrations: 'Prod' is not an integration name"),
        ("integrations: {x: {generic: {status: s}}}", "alerts.integrations.x.generic.title: Field required"),
        (
            "integrations: {x: {generic: {title: a..b, status: s}}}",
            "alerts.integrations.x.generic.title: 'a..b' is not a dotted path",
        ),
        ("integrations: {x: {generic: {title: t, status: a.$.b}}}", "`$` may only begin a path"),
        (
            "integrations: {x: {generic: {title: t, status: s, status_map: {up: fine}}}}",
            "alerts.integrations.x.generic.status_map.up",
        ),
        (
            "integrations: {x: {generic: {title: t, status: s, status_map: {up: resolved, UP: firing}}}}",
            "the same status value is listed twice",
        ),
        ("storm_treshold: 5", "alerts.storm_treshold: unknown key; did you mean 'storm_threshold'?"),
    ],
)
def test_each_mistake_is_refused_naming_its_key(tmp_path: Path, section: str, expected: str) -> None:
    indented = "\n".join(f"  {line}" for line in section.splitlines())

    with pytest.raises(PolicyError) as raised:
        load(tmp_path, f"alerts:\n{indented}\n")

    assert expected in str(raised.value)


def test_the_sections_own_problems_read_as_written(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as raised:
        load(tmp_path, "alerts: {routes: [{match: {severity: [x]}, channel: alerts}]}\n")

    # Pydantic would put "Value error, " in front of a plain ValueError's text.
    said = "alerts.routes.0.channel: 'alerts' is not a channel: give its ID (C…, G…) or #name"
    assert str(raised.value) == f"{tmp_path / 'firebreak.yml'}: {said}"


def test_references_are_checked_against_the_policy_they_are_in(tmp_path: Path) -> None:
    policy = load(
        tmp_path,
        "severities: [{id: P1, name: Page}]\n"
        "statuses: [{id: open, name: Open}, {id: quiet, name: Quiet, marks: mitigated},"
        " {id: done, name: Done, marks: resolved}]\n"
        "alerts: {on_all_resolved: quiet, routes: [{default: true, severity_map: {critical: p1}}]}\n",
    )

    assert policy.alerts.on_all_resolved == "quiet"
    with pytest.raises(PolicyError, match="on_all_resolved: 'monitoring' is not a status"):
        load(tmp_path, "statuses: [{id: open, name: Open}, {id: done, name: Done, marks: resolved}]\nalerts: {}\n")


def test_a_broken_severity_list_is_reported_once_not_again_by_the_alerts_section(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as raised:
        load(tmp_path, "severities: [{id: 'bad id'}]\nalerts: {routes: [{default: true, severity_map: {x: SEV1}}]}\n")

    assert "severities.0" in str(raised.value) and "alerts" not in str(raised.value)
