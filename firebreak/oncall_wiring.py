"""Wiring the on-call slice (issue 11): its roster, and the kinds of scheduled work it adds to follow-through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.oncall_notices import render_oncall_notice
from incidents.context import Context
from incidents.followup_runner import FollowThrough
from incidents.oncall.calendar_work import CALENDAR_KIND, CalendarRunner, ensure_calendar_refreshes
from incidents.oncall.feeds import feed_calendar
from incidents.oncall.handoffs import HANDOFF_KIND, HandoffPlan, HandoffRunner
from incidents.oncall.notices import Wording
from incidents.oncall.paging import PageRunner
from incidents.oncall.paging_plan import PAGE_KIND
from incidents.oncall.ports import CalendarFetcher, Usergroups
from incidents.ports import DueWork


def oncall_work(
    ctx: Context,
    follow_through: FollowThrough,
    *,
    usergroups: Usergroups | None,
    fetcher: CalendarFetcher,
    wording: Wording = render_oncall_notice,
) -> dict[str, Callable[[DueWork], Awaitable[None]]]:
    """The on-call kinds of scheduled work and what does each; their rows are planned at each reconcile."""
    if ctx.oncall is None:
        return {}
    follow_through.reconcilers += [HandoffPlan(ctx).ensure, lambda: ensure_calendar_refreshes(ctx)]
    return {
        PAGE_KIND: PageRunner(ctx, follow_through, wording).fire,
        HANDOFF_KIND: HandoffRunner(ctx, follow_through, usergroups, wording).fire,
        CALENDAR_KIND: CalendarRunner(ctx, follow_through, fetcher).fire,
    }


def add_oncall_routes(app: web.Application, ctx: Context) -> None:
    """`GET /oncall/<token>.ics`: a private iCal feed; 404 for a token that is unknown or revoked."""

    async def feed(request: web.Request) -> web.Response:
        calendar = await feed_calendar(ctx, request.match_info["token"])
        if calendar is None:
            return web.Response(status=404, text="No such calendar feed (revoked, or never made).")
        headers = {"Cache-Control": "private, max-age=300"}
        return web.Response(body=calendar, content_type="text/calendar", charset="utf-8", headers=headers)

    app.router.add_get("/oncall/{token}.ics", feed)
