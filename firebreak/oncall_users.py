"""Asking Slack whether the on-call users of the policy file exist: for `check-config` and `run` (issue 11)."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp

from bot.slack_client import web_client
from bot.slack_people import SlackPeople
from firebreak.settings import Settings
from incidents.context import SystemClock
from incidents.errors import ChatError
from incidents.oncall.user_check import user_keys, user_problems
from incidents.policy import Policy

log = logging.getLogger("firebreak")


async def oncall_user_problems(settings: Settings, policy: Policy, path: Path | None) -> list[str]:
    """The problem lines (empty: all known); Slack unreachable or refusing: a warning, and no lines."""
    if not settings.slack_bot_token or not user_keys(policy.oncall):
        return []
    async with aiohttp.ClientSession() as session:
        client = web_client(token=settings.bot_token, base_url=settings.slack_api_url, session=session)
        people = SlackPeople(client, SystemClock())
        quiet = logging.getLogger("bot.slack")  # an unknown id is an answer here, not a failure worth a warning
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            return await user_problems(policy.oncall, path, people.person)
        except ChatError as exc:
            log.warning("Could not ask Slack whether the on-call users exist (%s); not checked", exc.code)
            return []
        finally:
            quiet.setLevel(level)
