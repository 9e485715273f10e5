"""Socket Mode in the real `firebreak run` process: it stops on a signal at any moment, and a refused app token
is a settings error."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from slacksim import FakeSlack
from tests.process_support import FirebreakProcess, environment, free_port

APP_TOKEN = "xapp-1-A0TEST-1-socketmode"


def retrying(line: str) -> bool:
    return "Socket Mode" in line and "retrying" in line


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_socket_mode_stops_on_a_signal_while_slack_is_unreachable(tmp_path: Path, sig: signal.Signals) -> None:
    port, nowhere = free_port(), free_port()
    env = environment(
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=f"http://127.0.0.1:{nowhere}/api/",  # nothing listens there
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'fb.db'}",
        PORT=str(port),
    )
    firebreak = await FirebreakProcess.start("run", env=env, cwd=tmp_path)
    try:
        await firebreak.wait_healthy(port)
        await firebreak.wait_for_line(retrying)
        firebreak.proc.send_signal(sig)
        code = await firebreak.exit_code(within=8)
    finally:
        await firebreak.kill()

    assert code == 0, firebreak.output
    assert "Traceback" not in firebreak.output
    assert all(len(line) < 300 for line in firebreak.lines if retrying(line))
    assert APP_TOKEN not in firebreak.output


async def test_a_refused_app_token_stops_the_bot_with_one_line_naming_it(slack: FakeSlack, tmp_path: Path) -> None:
    slack.app_token = "xapp-1-A0TEST-1-the-current-one"
    slack.socket_mode_url = "ws://127.0.0.1:9/never-reached"
    env = environment(
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=slack.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'fb.db'}",
        PORT=str(free_port()),
    )
    firebreak = await FirebreakProcess.start("run", env=env, cwd=tmp_path)
    try:
        code = await firebreak.exit_code()
    finally:
        await firebreak.kill()

    assert code == 2, firebreak.output
    naming = [line for line in firebreak.lines if "SLACK_APP_TOKEN" in line]
    assert len(naming) == 1, firebreak.output
    assert naming[0].startswith("firebreak: SLACK_APP_TOKEN was refused by Slack (invalid_auth)")
    assert "Traceback" not in firebreak.output
    assert APP_TOKEN not in firebreak.output
