"""Who the bot is, for Bolt, without asking Slack while a request waits for its ack.

Bolt's single-workspace authorization calls auth.test on the first request it sees and keeps the answer; when
that one call fails, Bolt answers the request with "please reinstall this app" and runs no listener (an event
so answered is never delivered again). Firebreak asked auth.test at start-up already (firebreak/runtime.py), so
this middleware, which takes the place of Bolt's, hands Bolt that answer: no request ever depends on Slack
answering auth.test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.middleware.authorization.async_authorization import AsyncAuthorization
from slack_bolt.middleware.authorization.async_single_team_authorization import AsyncSingleTeamAuthorization
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.capture_events import BotIdentity


class KnownBotAuthorization(AsyncAuthorization):
    def __init__(self, token: str, me: BotIdentity) -> None:
        self.token = token
        self.me = me

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        context = req.context
        context.set_authorize_result(
            AuthorizeResult(
                enterprise_id=context.enterprise_id,
                team_id=context.team_id,
                bot_user_id=self.me.user_id,
                bot_id=self.me.bot_id,
                bot_token=self.token,
                user_id=context.user_id,
            )
        )
        return await next()


def authorize_without_slack(app: AsyncApp, token: str, me: BotIdentity) -> None:
    """Put KnownBotAuthorization in the place of Bolt's single-workspace authorization in `app`."""
    # Bolt takes no middleware instance for this step: its list is the only place to change it.
    middleware = app._async_middleware_list
    [position] = [i for i, m in enumerate(middleware) if isinstance(m, AsyncSingleTeamAuthorization)]
    middleware[position] = KnownBotAuthorization(token, me)
