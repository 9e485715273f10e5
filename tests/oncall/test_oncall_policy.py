"""The `oncall:` section: a good one loads, and each bad line is named by file and key (check-config's words)."""

from __future__ import annotations

import subprocess
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest

from firebreak.cli import main
from incidents.oncall.policy_fields import Handoff
from incidents.policy import PolicyError, load_policy

ROOT = Path(__file__).resolve().parents[2]

GOOD = """
oncall:
  schedules:
    primary:
      timezone: Europe/Berlin
      usergroup: S0PRIMARY
      channel: C0ONCALL
      layers:
        - name: 24x7
          users: [U0ANNA, U0BEN]
          turn: 1w
          handoff: mon 09:00
          anchor: 2026-10-05
        - name: weekday nights
          users: [U0CARA]
          turn: 1d
          handoff: 18:00          # unquoted: YAML reads 18:00 as 1080 (minutes); understood all the same
          anchor: 2026-10-05
          restrictions: [{days: [mon, tue, wed, thu, friday], from: "18:00", to: "09:00"}]
    calendar:
      timezone: America/New_York
      layers: [{ical: "https://calendar.example.com/oncall.ics", people: {"bob@example.com": U0BOB}}]
  escalation_policies:
    checkout-urgent:
      repeat: 2
      steps:
        - {schedule: primary, wait: 5m}
        - {users: [U0ANNA, U0BEN], mode: round_robin, wait: 10m}
        - {usergroup: S0SRE}
        - {channel: "#sre-escalations", wait: 15m}
    checkout:
      steps: [{schedule: primary, wait: 30m}, {policy: checkout-urgent}]
  services:
    checkout: {policy: checkout, by_severity: {SEV1: checkout-urgent}, assign_commander: true}
  load: {max_pages_week: 10, max_out_of_hours_week: 3}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "firebreak.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_oncall_section_loads(tmp_path: Path) -> None:
    oncall = load_policy(write(tmp_path, GOOD)).oncall

    layer = oncall.schedules["primary"].layers[1]
    assert oncall.schedules["primary"].layers[0].handoff == Handoff(at=time(9, 0), weekday=0)
    assert layer.handoff == Handoff(at=time(18, 0))
    assert layer.restrictions[0].days == ["mon", "tue", "wed", "thu", "fri"]
    assert layer.restrictions[0].crosses_midnight
    assert oncall.escalation_policies["checkout-urgent"].steps[0].wait == timedelta(minutes=5)
    assert oncall.service_policy("checkout", "sev1") == "checkout-urgent"
    assert oncall.service_policy("checkout", "SEV3") == "checkout"
    assert oncall.service_policy("search") is None
    assert oncall.commander_schedule("checkout") == "primary"
    assert oncall.load.max_pages_week == 10


def test_the_example_policy_file_loads_with_its_oncall_section() -> None:
    policy = load_policy(ROOT / "firebreak.example.yml")

    assert policy.oncall.schedules == {}  # the example's schedules are commented out, ready to fill in


def test_no_oncall_section_means_no_schedules(tmp_path: Path) -> None:
    assert load_policy(write(tmp_path, "admins: []\n")).oncall.schedules == {}


SCHEDULE = "oncall:\n  schedules:\n    primary:\n      timezone: {zone}\n      layers: [{layer}]\n"
LAYER = "{{users: [U0ANNA], turn: {turn}, handoff: '{handoff}', anchor: 2026-10-05}}"


def schedule(zone: str = "UTC", turn: str = "1w", handoff: str = "mon 09:00", layer: str | None = None) -> str:
    return SCHEDULE.format(zone=zone, layer=layer or LAYER.format(turn=turn, handoff=handoff))


def policies(steps: str, extra: str = "") -> str:
    return schedule() + f"  escalation_policies:\n    first:\n      steps: {steps}\n{extra}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (schedule(handoff="mon 25:00"), "oncall.schedules.primary.layers.0.handoff: 'mon 25:00' is not a time"),
        (schedule(handoff="someday 09:00"), "layers.0.handoff: 'someday 09:00' is not a handoff"),
        (schedule(zone="Mars/Olympus"), "oncall.schedules.primary.timezone: unknown timezone 'Mars/Olympus'"),
        (schedule(turn="2w"), "layers.0.turn: a turn is whole minutes from 1h to 1w"),
        (schedule(turn="30m"), "layers.0.turn: a turn is whole minutes from 1h to 1w"),
        (
            schedule(layer="{users: [alice], turn: 1d, handoff: '09:00', anchor: 2026-10-05}"),
            "oncall.schedules.primary.layers.0.users.0: 'alice' is not a Slack user id (U…)",
        ),
        (schedule(layer="{users: [U0ANNA], turn: 1d}"), "layers.0.handoff: a rotating layer needs a handoff"),
        (schedule(layer="{users: [U0ANNA], turn: 1d, handoff: '09:00'}"), "layers.0.anchor: a rotating layer needs"),
        (schedule(layer="{turn: 1d, handoff: '09:00', anchor: 2026-10-05}"), "layers.0.users: a layer needs users"),
        (
            schedule(layer="{ical: 'https://x.example/c.ics', users: [U0ANNA]}"),
            "layers.0.users: an iCal layer takes its people and times from the calendar",
        ),
        (schedule(layer="{ical: 'ftp://x.example/c.ics'}"), "layers.0.ical: 'ftp://x.example/c.ics' is not a calendar"),
        (
            schedule(
                layer="{users: [U0ANNA], turn: 1d, handoff: '09:00', anchor: 2026-10-05, "
                "restrictions: [{days: [funday]}]}"
            ),
            "layers.0.restrictions.0.days.0: 'funday' is not a day",
        ),
        (
            schedule(
                layer="{users: [U0ANNA], turn: 1d, handoff: '09:00', anchor: 2026-10-05, restrictions: [{from: '9am'}]}"
            ),
            "layers.0.restrictions.0.from: '9am' is not a time",
        ),
        (
            schedule(
                layer="{users: [U0ANNA], turn: 1d, handoff: '09:00', anchor: 2026-10-05, "
                "restrictions: [{form: '09:00'}]}"
            ),
            "layers.0.restrictions.0.form: unknown key; did you mean 'from'?",
        ),
        (
            "oncall:\n  schedules:\n    shifts: {timezone: UTC, layers: [{ical: 'https://x.example/c.ics'}]}\n",
            "oncall.schedules.shifts: 'shifts' is a word of `/incident oncall`",
        ),
        (
            "oncall:\n  schedules:\n    Primary Rota: {timezone: UTC, layers: [{ical: 'https://x.example/c.ics'}]}\n",
            "oncall.schedules.Primary Rota: 'Primary Rota' cannot name a schedule",
        ),
        (
            policies("[{schedule: primry}]"),
            "oncall.escalation_policies.first.steps.0.schedule: unknown schedule 'primry'; did you mean 'primary'?",
        ),
        (policies("[{schedule: primary}]", "      repeat: 9\n"), "first.repeat: 9 is not a repeat count"),
        (policies("[{policy: first}]"), "oncall.escalation_policies.first.steps.0.policy: policy 'first' hands over"),
        (
            policies("[{policy: second}]", "    second:\n      steps: [{schedule: primary}, {policy: first}]\n"),
            "oncall.escalation_policies.first.steps.0.policy: hand-overs go round in a cycle: first → second → first",
        ),
        (policies("[{policy: nowhere}]"), "first.steps.0.policy: unknown policy 'nowhere'"),
        (
            policies("[{schedule: primary, channel: C0ONCALL}]"),
            "first.steps.0: a step notifies exactly one of schedule, users, usergroup, channel, policy",
        ),
        (policies("[{users: [U0ANNA]}, {policy: first}, {schedule: primary}]"), "a hand-over step must be the last"),
        (policies("[{channel: C0ONCALL, mode: round_robin}]"), "first.steps.0.mode: mode applies to a step"),
        (policies("[{usergroup: G0WRONG}]"), "first.steps.0.usergroup: 'G0WRONG' is not a Slack user group id"),
        (policies("[{scheduel: primary}]"), "first.steps.0.scheduel: unknown key; did you mean 'schedule'?"),
        (
            policies("[{channel: C0ONCALL}]", "  services:\n    api: {policy: first, assign_commander: true}\n"),
            "oncall.services.api.assign_commander: policy 'first' does not start by notifying a schedule",
        ),
        (
            policies("[{schedule: primary}]", "  services:\n    api: {by_severity: {SEV1: nope}}\n"),
            "oncall.services.api.by_severity.SEV1: unknown policy 'nope'",
        ),
        (policies("[{schedule: primary}]", "  services:\n    api: {}\n"), "oncall.services.api: a service needs"),
        ("oncall:\n  load: {max_pages_week: 0}\n", "oncall.load.max_pages_week: Input should be greater than"),
    ],
)
def test_each_bad_line_is_named_by_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)

    with pytest.raises(PolicyError) as raised:
        load_policy(path)

    lines = str(raised.value).splitlines()
    assert any(line.startswith(f"{path}: ") and expected in line for line in lines), lines


def test_check_config_and_start_up_refuse_with_the_same_line(tmp_path: Path) -> None:
    path = write(tmp_path, schedule(handoff="mon 25:00"))
    line = f"firebreak: {path}: oncall.schedules.primary.layers.0.handoff: 'mon 25:00' is not a time"
    firebreak = [sys.executable, "-m", "firebreak"]

    checked = subprocess.run([*firebreak, "check-config", str(path)], capture_output=True, text=True, check=False)
    started = subprocess.run(
        [*firebreak, "run"],
        capture_output=True,
        text=True,
        check=False,
        env={"FIREBREAK_CONFIG": str(path), "SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"},
        cwd=tmp_path,
    )

    assert checked.returncode == 2 and started.returncode == 2
    assert checked.stderr.startswith(line) and started.stderr.startswith(line)


def test_check_config_lists_the_schedules_it_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check-config", str(write(tmp_path, GOOD))])

    assert code == 0
    assert "  oncall:     primary, calendar\n" in capsys.readouterr().out
