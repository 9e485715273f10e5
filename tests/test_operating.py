"""Operating the real `firebreak` process: what it says when something around it is wrong."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from firebreak.runtime import runtime
from incidents.policy import Policy
from slacksim import FakeSlack
from tests.conftest import make_settings
from tests.harness import SIGNING_SECRET
from tests.process_support import WAIT, FirebreakProcess, environment, free_port


def http_env(tmp_path: Path, port: int, **more: str) -> dict[str, str]:
    settings = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",  # Slack unreachable: start-up goes on without it
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fb.db'}",
        "PORT": str(port),
    }
    return environment(**{**settings, **more})


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


async def _wait_for_the_scheduler_lock(database_url: str, firebreak: FirebreakProcess) -> None:
    """Until the bot holds its leader lock (a PostgreSQL advisory lock in its database)."""
    async with asyncio.timeout(WAIT):
        while True:
            assert firebreak.proc.returncode is None, firebreak.output
            async with _connected(database_url) as conn:
                held = await conn.fetchval(
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                    " WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()"
                )
            if held:
                return
            await asyncio.sleep(0.05)  # polling another process's progress: there is no event to wait on


@asynccontextmanager
async def _connected(database_url: str) -> AsyncIterator[Any]:
    url = make_url(database_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database=url.database
    )
    try:
        yield conn
    finally:
        await conn.close()


@pytest.mark.postgres
async def test_after_postgresql_drops_the_bots_connections_sigterm_still_drains_and_exits_0(
    fresh_postgres_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = http_env(tmp_path, port, DATABASE_URL=fresh_postgres_url)
    firebreak = await FirebreakProcess.start("run", env=env, cwd=tmp_path)
    try:
        await firebreak.wait_healthy(port)
        await _wait_for_the_scheduler_lock(fresh_postgres_url, firebreak)
        # What a PostgreSQL restart does to the bot: every connection it holds is gone, the lock's among them.
        async with _connected(fresh_postgres_url) as conn:
            ended = await conn.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        assert ended >= 1
        firebreak.proc.send_signal(signal.SIGTERM)
        code = await firebreak.exit_code()
    finally:
        await firebreak.kill()

    assert code == 0, firebreak.output
    assert "Traceback" not in firebreak.output and "DATABASE_URL" not in firebreak.output
    assert any("Drained" in line for line in firebreak.lines), firebreak.output
    assert not [line for line in firebreak.lines if " ERROR " in line], firebreak.output


async def test_a_start_with_slack_tokens_in_the_environment_leaves_bolt_quiet_and_as_configured(
    slack: FakeSlack, database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    # Bolt would also turn on its OAuth flow (a multi-workspace install) from these two.
    monkeypatch.setenv("SLACK_CLIENT_ID", "1234.5678")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "not-ours")

    with caplog.at_level(logging.INFO):
        async with runtime(make_settings(slack, database_url), policy=Policy()) as rt:
            oauth_flow = rt.bolt.oauth_flow

    said = [r.getMessage() for r in caplog.records if r.name.startswith(("firebreak.bolt", "slack_bolt"))]
    assert not [line for line in said if "token" in line or "OAuth" in line], said
    assert oauth_flow is None
    assert os.environ["SLACK_BOT_TOKEN"] == "xoxb-test-token"  # the environment is left as it was


@pytest.mark.parametrize(
    ("policy_yaml", "expected"),
    [
        ("channels:\n  prefix: inc: oops\n", "firebreak.yml:2:14: not valid YAML: mapping values are not allowed here"),
        ("escalaton:\n  levels: []\n", "firebreak.yml: escalaton: unknown key; did you mean 'escalation'?"),
    ],
    ids=["syntax", "unknown key"],
)
async def test_run_refuses_a_bad_policy_file_with_one_line(tmp_path: Path, policy_yaml: str, expected: str) -> None:
    (tmp_path / "firebreak.yml").write_text(policy_yaml, encoding="utf-8")  # ./firebreak.yml is read by default
    firebreak = await FirebreakProcess.start("run", env=http_env(tmp_path, free_port()), cwd=tmp_path)
    try:
        code = await firebreak.exit_code()
    finally:
        await firebreak.kill()

    assert code == 2
    assert firebreak.lines == [f"firebreak: {expected}"]
