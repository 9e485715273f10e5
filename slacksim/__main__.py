"""`python -m slacksim --port 3999`: the simulator as a server of its own, with a demo workspace seeded.

Point any Slack app's Web API base URL at the printed URL (Firebreak: SLACK_API_URL) with the printed bot token.
Requests to the app (slash commands, clicks, events) are not sent from here: see slacksim/driver.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .demo_workspace import DEMO_BOT_TOKEN, seed_demo_workspace
from .server import FakeSlack


async def serve(host: str, port: int) -> None:
    slack = FakeSlack(bot_token=DEMO_BOT_TOKEN)
    workspace = seed_demo_workspace(slack)
    await slack.start(host=host, port=port)
    try:
        print(f"slacksim: Slack Web API simulator at {slack.base_url}", flush=True)
        print(f"  SLACK_API_URL={slack.base_url}")
        print(f"  SLACK_BOT_TOKEN={DEMO_BOT_TOKEN}")
        for user in slack.users.values():
            print(f"  user    {user.id:<10} @{user.name}")
        for channel in slack.channels.values():
            print(f"  channel {channel.id:<10} #{channel.name}")
        print(f"  (announcement channel for a policy file: {workspace.announcements})", flush=True)
        await asyncio.Event().wait()  # until interrupted
    finally:
        await slack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m slacksim", description="A stateful Slack Web API simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3999, help="port to listen on (default 3999; 0: any free one)")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
