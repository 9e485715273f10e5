"""FIREBREAK_LOG_FORMAT=json: the real `firebreak run` process writes one JSON object per line on stderr."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from pathlib import Path

import aiohttp

from firebreak.logs import JsonFormatter
from slacksim import FakeSlack
from slacksim import requests as req
from tests.harness import SIGNING_SECRET, declare_values
from tests.test_run_process import FIREBREAK, _free_port, _wait_healthy


async def test_json_logs_are_one_object_per_line_on_stderr(slack: FakeSlack, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fb.db'}",
        "PORT": str(port),
        "FIREBREAK_LOG_FORMAT": "json",
    }
    proc = await asyncio.create_subprocess_exec(
        str(FIREBREAK), "run", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}/"
    slack.fail_next("pins.add", "not_pinnable")  # a warning from deep inside a request, logged as it happens
    try:
        async with aiohttp.ClientSession() as http:
            await _wait_healthy(http, url, proc)
            body = req.view_submission_body(
                callback_id="declare_incident",
                view_id="VJSON",
                values=declare_values(title="JSON logs", severity="SEV2", commander="UALICE"),
                user_id="UALICE",
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded", **req.sign(body, SIGNING_SECRET)}
            async with http.post(url + "slack/events", data=body, headers=headers) as resp:
                assert resp.status == 200
            await slack.wait_for("chat.postEphemeral", timeout=10)  # "not everything worked": after the pin
    finally:
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            _, stderr = await proc.communicate()
    assert proc.returncode == 0, stderr.decode()
    lines = stderr.decode().splitlines()
    records = [json.loads(line) for line in lines]  # every line, or this fails naming the one that is not JSON
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records), records
    messages = [record["message"] for record in records]
    assert any(m.startswith("Firebreak listening on port") for m in messages), messages
    assert any(r["level"] == "WARNING" and "pins.add" in r["message"] for r in records), messages
    text = stderr.decode()
    assert "xoxb-test-token" not in text and SIGNING_SECRET not in text


def test_an_exception_is_logged_with_its_traceback_inside_the_one_object() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("firebreak.test", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info())
    line = JsonFormatter().format(record)

    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "failed here" and parsed["level"] == "ERROR" and parsed["logger"] == "firebreak.test"
    assert parsed["exception"].startswith("Traceback") and "ValueError: boom" in parsed["exception"]
    assert parsed["time"].endswith("+00:00")
