"""Operating the real `firebreak` process: what it says when something around it is wrong."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.harness import SIGNING_SECRET
from tests.process_support import FirebreakProcess, environment, free_port


def http_env(tmp_path: Path, port: int, **more: str) -> dict[str, str]:
    return environment(
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/",  # Slack unreachable: start-up goes on without it
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'fb.db'}",
        PORT=str(port),
        **more,
    )


async def test_a_busy_port_is_reported_as_a_port_problem(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        port = int(holder.getsockname()[1])
        firebreak = await FirebreakProcess.start("run", env=http_env(tmp_path, port), cwd=tmp_path)
        try:
            code = await firebreak.exit_code()
        finally:
            await firebreak.kill()

    assert code == 2, firebreak.output
    assert f"firebreak: PORT {port} is already in use (address already in use): set PORT to a free port." in (
        firebreak.lines
    ), firebreak.output
    assert "DATABASE_URL" not in firebreak.output and "Traceback" not in firebreak.output
