"""The real `firebreak run` process, as an operator starts it, against the fake Slack."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from slacksim import FakeSlack
from slacksim import requests as req
from tests.harness import SIGNING_SECRET, declare_values

FIREBREAK = Path(sys.executable).with_name("firebreak")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_healthy(http: aiohttp.ClientSession, url: str, proc: asyncio.subprocess.Process) -> None:
    async with asyncio.timeout(30):
        while True:
            assert proc.returncode is None, "firebreak exited during start-up"
            try:
                async with http.get(url + "healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)  # polling a starting process: there is no event to wait on


async def test_firebreak_run_serves_declares_and_stops_cleanly(slack: FakeSlack, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fb.db'}",
        "PORT": str(port),
    }
    proc = await asyncio.create_subprocess_exec(
        str(FIREBREAK), "run", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        async with aiohttp.ClientSession() as http:
            await _wait_healthy(http, url, proc)
            values = declare_values(title="Process test", severity="SEV2", commander="UALICE")
            body = req.view_submission_body(
                callback_id="declare_incident", view_id="VPROC", values=values, user_id="UALICE"
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded", **req.sign(body, SIGNING_SECRET)}
            async with http.post(url + "slack/events", data=body, headers=headers) as resp:
                assert resp.status == 200
                assert (await resp.json())["response_action"] == "update"
            await slack.wait_for("pins.add", timeout=10)
            bad = {**headers, "X-Slack-Signature": "v0=" + "0" * 64}
            async with http.post(url + "slack/events", data=body, headers=bad) as resp:
                assert resp.status == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            output, _ = await proc.communicate()
    log = output.decode()
    assert proc.returncode == 0, log
    assert "Firebreak listening on port" in log and "Traceback" not in log
    assert "will be unused" not in log  # Bolt no longer sees SLACK_BOT_TOKEN in the environment
    assert "xoxb-test-token" not in log and SIGNING_SECRET not in log
    assert slack.channel_by_name("inc-2026-0001-process-test") is not None
