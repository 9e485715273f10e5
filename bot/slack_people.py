"""Who a Slack user is, for checking the people a user names (users.info, cached per process).

Known people are remembered for an hour (a deactivation shows within the hour). An id Slack does not know is
remembered for only half a minute: a user created a moment ago may not be visible yet, and should not be
refused for long, while a burst of requests naming the same wrong id still costs one call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_calls import call_slack
from incidents.errors import ChatError
from incidents.ports import Clock, Person

KNOWN_FOR = timedelta(hours=1)
UNKNOWN_FOR = timedelta(seconds=30)
NOT_FOUND = frozenset({"user_not_found", "user_not_visible"})
MOST_REMEMBERED = 10_000  # made-up ids cost memory too: past this, the cache starts over


class SlackPeople:
    def __init__(self, client: AsyncWebClient, clock: Clock) -> None:
        self.client = client
        self.clock = clock
        self._known: dict[str, tuple[Person | None, datetime]] = {}

    async def person(self, user_id: str) -> Person | None:
        now = self.clock.now()
        cached = self._known.get(user_id)
        if cached is not None and now - cached[1] < (KNOWN_FOR if cached[0] is not None else UNKNOWN_FOR):
            return cached[0]
        try:
            data = await call_slack("users.info", self.client.users_info(user=user_id))
        except ChatError as exc:
            if exc.code not in NOT_FOUND:
                raise  # not an answer about the person: nothing to remember
            found = None
        else:
            user = data.get("user") or {}
            found = Person(user_id, deleted=bool(user.get("deleted")), is_bot=bool(user.get("is_bot")))
        if len(self._known) >= MOST_REMEMBERED:
            self._known.clear()
        self._known[user_id] = (found, now)
        return found
