"""`make demo` / `firebreak demo`: an incident played end to end against the Slack simulator, no workspace needed.

The simulator (slacksim) and the real bot (the same runtime `firebreak run` builds, on SQLite in a temporary
folder) run in this process on free ports; the script sends signed requests as Slack would and prints what people
would see. The exported timeline and the postmortem are left in the output folder. No tokens, no network.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web

from firebreak.demo_script import Demo, DemoClock, play
from firebreak.demo_transcript import Transcript
from firebreak.runtime import runtime
from firebreak.settings import Settings
from incidents.model import Incident
from incidents.policy import Channels, Policy
from slacksim import FakeSlack
from slacksim.demo_workspace import DEMO_BOT_TOKEN, DemoWorkspace, seed_demo_workspace
from slacksim.driver import AppDriver

DEFAULT_OUTPUT = Path("demo-output")
TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class DemoFiles:
    timeline: Path
    postmortem: Path


def demo_policy(workspace: DemoWorkspace) -> Policy:
    return Policy(
        channels=Channels(
            announcement=workspace.announcements,
            stakeholders={"SEV1": workspace.leadership, "SEV2": workspace.stakeholders},
        ),
        admins=["UDAN"],
    )


def demo_settings(slack: FakeSlack, signing_secret: str, folder: Path) -> Settings:
    """Everything explicit, so nothing from the environment or a .env (a real token, a model) leaks in."""
    return Settings(
        _env_file=None,
        slack_bot_token=DEMO_BOT_TOKEN,
        slack_signing_secret=signing_secret,
        slack_app_token=None,
        slack_api_url=slack.base_url,
        database_url=f"sqlite+aiosqlite:///{folder / 'demo.db'}",
        port=3000,
        firebreak_config=None,
        firebreak_log_level="WARNING",
        firebreak_log_format="text",
        openai_api_key=None,
        openai_base_url=None,
        firebreak_llm_model=None,
    )


async def run_demo(output: Path = DEFAULT_OUTPUT, write: Callable[[str], None] = print) -> DemoFiles:
    """Play the demo incident, print its transcript with `write`, and leave the timeline and postmortem in `output`."""
    signing_secret = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="firebreak-demo-") as folder:
        async with FakeSlack(bot_token=DEMO_BOT_TOKEN) as slack:
            workspace = seed_demo_workspace(slack)
            clock = DemoClock(datetime.now(UTC).replace(microsecond=0))
            slack.workspace.time_source = lambda: clock.now().timestamp()
            settings = demo_settings(slack, signing_secret, Path(folder))
            write(f"Slack simulator at {slack.base_url}; Firebreak on SQLite in {folder}")
            async with runtime(settings, policy=demo_policy(workspace), clock=clock) as rt:
                runner = web.AppRunner(rt.web_app, access_log=None)
                await runner.setup()
                await web.TCPSite(runner, "127.0.0.1", 0).start()
                host, port = runner.addresses[0][:2]
                write(f"Firebreak listening at http://{host}:{port}/slack/events")
                try:
                    async with aiohttp.ClientSession() as http:
                        app = AppDriver(slack, f"http://{host}:{port}/slack/events", signing_secret, http)
                        demo = Demo(slack, workspace, rt, app, clock, Transcript(slack, write))
                        incident = await play(demo)
                finally:
                    await rt.lazy.drain()
                    await runner.cleanup()
            files = save_files(slack, incident, output)
    write("")
    write(f"Timeline:   {files.timeline}")
    write(f"Postmortem: {files.postmortem}")
    return files


def save_files(slack: FakeSlack, incident: Incident, output: Path) -> DemoFiles:
    """The files the bot uploaded to Slack, as a person would download them: the timeline and the latest postmortem."""
    uploaded = {f.name: f.content for f in slack.files.values() if f.content is not None}
    timeline_name = f"{incident.reference}-timeline.md"
    postmortems = sorted(name for name in uploaded if name.startswith(f"{incident.reference}-postmortem-"))
    if timeline_name not in uploaded or not postmortems:
        raise RuntimeError(f"the bot did not upload both files; it uploaded: {sorted(uploaded)}")
    output.mkdir(parents=True, exist_ok=True)
    timeline = output / timeline_name
    timeline.write_bytes(uploaded[timeline_name] or b"")
    postmortem = output / postmortems[-1]
    postmortem.write_bytes(uploaded[postmortems[-1]] or b"")
    return DemoFiles(timeline.resolve(), postmortem.resolve())


async def play_demo(output: Path) -> None:
    """`firebreak demo`: the demo, printed to stdout, bounded in time."""
    async with asyncio.timeout(TIMEOUT_SECONDS):
        await run_demo(output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="firebreak demo", description="Play an incident against a simulated Slack.")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the files go (demo-output)")
    args = parser.parse_args(argv)
    asyncio.run(play_demo(args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
