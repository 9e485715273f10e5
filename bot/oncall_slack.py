"""The on-call slice's Slack adapter (issue 11): a schedule's user group follows whoever is on call."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_calls import call_slack


class SlackUsergroups:
    """`incidents.oncall.ports.Usergroups` over usergroups.users.update (scope usergroups:write)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def set_members(self, usergroup: str, users: Sequence[str]) -> None:
        """Read the members first (usergroups:read): an update that changes nothing is not made."""
        listed = await call_slack("usergroups.users.list", self.client.usergroups_users_list(usergroup=usergroup))
        if sorted(listed.get("users") or []) == sorted(users):
            return
        method = "usergroups.users.update"
        await call_slack(method, self.client.usergroups_users_update(usergroup=usergroup, users=",".join(users)))
