"""`make demo` as a smoke test: the scripted incident plays end to end against the simulator, and
`python -m slacksim` serves a seeded workspace on its own."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

from firebreak.demo import run_demo
from firebreak.demo_script import STEPS
from slacksim.demo_workspace import DEMO_BOT_TOKEN


async def test_the_demo_plays_every_step_and_leaves_the_timeline_and_the_postmortem(tmp_path: Path) -> None:
    lines: list[str] = []
    async with asyncio.timeout(120):
        files = await run_demo(tmp_path / "demo-output", write=lines.append)
    transcript = "\n".join(lines)

    for number, title in enumerate(STEPS, start=1):
        assert f"== {number}. {title}" in transcript
    assert "bot created channel #inc-" in transcript
    assert "bot pinned a message in #inc-" in transcript
    assert "bot → #incidents:" in transcript  # the announcement
    assert "bot → only @bob sees:" in transcript  # an ephemeral answer
    assert "bot → DM to @carol:" in transcript  # the action item she tracked
    assert "no update on INC-" in transcript  # the reminder fired
    assert "bot → #stakeholders:" in transcript  # the stakeholder update
    assert "Status: Resolved" in transcript  # the pinned summary, read back at the end
    assert "the bot answered HTTP" not in transcript and "form error" not in transcript

    for path in (files.timeline, files.postmortem):
        assert path.parent == (tmp_path / "demo-output").resolve()
        assert path.stat().st_size > 0
        assert str(path) in transcript
    timeline = files.timeline.read_text()
    assert "Rolling it back now" in timeline and "Resolved" in timeline
    assert files.postmortem.read_text().startswith("# Postmortem: INC-")


async def test_python_m_slacksim_serves_a_seeded_workspace() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "slacksim", "--port", "0", stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(30):
            first = (await proc.stdout.readline()).decode()
        assert first.startswith("slacksim: Slack Web API simulator at http://127.0.0.1:")
        base_url = first.rsplit(" ", 1)[1].strip()
        async with aiohttp.ClientSession() as http:
            headers = {"Authorization": f"Bearer {DEMO_BOT_TOKEN}"}
            async with http.post(base_url + "conversations.list", headers=headers) as resp:
                names = {c["name"] for c in (await resp.json())["channels"]}
        assert {"general", "incidents"} <= names
    finally:
        proc.terminate()
        await proc.wait()
