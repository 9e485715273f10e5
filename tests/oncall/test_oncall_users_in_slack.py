"""`firebreak check-config` and `firebreak run` ask Slack whether the on-call users exist (with a bot token)."""

from __future__ import annotations

from pathlib import Path

from slacksim import FakeSlack
from tests.harness import SIGNING_SECRET
from tests.process_support import FirebreakProcess, environment, free_port

POLICY = """oncall:
  schedules:
    primary:
      timezone: UTC
      layers:
        - {users: [UCAROL, UNOBODY1, UGONE], turn: 1w, handoff: "mon 09:00", anchor: 2026-11-23}
  escalation_policies:
    urgent:
      steps: [{users: [UNOBODY1], wait: 5m}]
"""


def setup(slack: FakeSlack, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    slack.add_user("UGONE", name="gone", deleted=True)
    path = tmp_path / "firebreak.yml"
    path.write_text(POLICY, encoding="utf-8")
    env = environment(
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'fb.db'}",
        PORT=str(free_port()),
    )
    return path, env


async def test_check_config_names_unknown_and_deactivated_users_by_file_and_key(
    slack: FakeSlack, tmp_path: Path
) -> None:
    path, env = setup(slack, tmp_path)
    proc = await FirebreakProcess.start("check-config", str(path), env=env, cwd=tmp_path)
    assert await proc.exit_code() == 2
    lines = proc.output.splitlines()
    unknown = "is not a user of this Slack workspace"
    assert f"firebreak: {path}: oncall.schedules.primary.layers.0.users.1: UNOBODY1 {unknown}" in lines
    assert f"firebreak: {path}: oncall.escalation_policies.urgent.steps.0.users.0: UNOBODY1 {unknown}" in lines
    assert f"firebreak: {path}: oncall.schedules.primary.layers.0.users.2: UGONE is deactivated in Slack" in lines
    assert len(slack.calls_to("users.info")) == 3  # each distinct id asked once
    assert len(lines) == 3  # and nothing else said


async def test_run_refuses_to_start_with_the_same_lines(slack: FakeSlack, tmp_path: Path) -> None:
    path, env = setup(slack, tmp_path)
    env["FIREBREAK_CONFIG"] = str(path)
    proc = await FirebreakProcess.start("run", env=env, cwd=tmp_path)
    assert await proc.exit_code() == 2
    assert "oncall.schedules.primary.layers.0.users.1: UNOBODY1 is not a user of this Slack workspace" in proc.output
