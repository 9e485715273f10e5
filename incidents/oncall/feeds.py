"""Private iCal feeds (`/incident oncall export`): a URL with an unguessable token, only its hash stored.

A feed is of one schedule or of "me" (the person's own shifts on every schedule). It lists the shifts from
30 days back to 92 days ahead, as the resolver sees them now (overrides included), with stable UIDs so a
calendar app updates events in place. `export reset` revokes every feed of the person: old URLs answer 404.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from incidents.context import Context
from incidents.errors import NotFound
from incidents.oncall.ical_export import export_calendar, whole_shifts
from incidents.oncall.ports import ExportFeed

ME = "me"
BACK = timedelta(days=30)
AHEAD = timedelta(days=92)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_feed(ctx: Context, user: str, scope: str | None) -> str:
    """A new feed of `scope` (a schedule, or "me" when None) for `user`; returns the token (shown once)."""
    scope = (scope or ME).lower()
    if scope != ME and scope not in ctx.policy.oncall.schedules:
        names = ", ".join(f"`{s}`" for s in sorted(ctx.policy.oncall.schedules)) or "none"
        raise NotFound(f"There is no schedule `{scope}`. Schedules: {names}; or say `me`.")
    token = secrets.token_urlsafe(32)
    async with ctx.uow() as uow:
        await uow.oncall.add_export_token(token_hash(token), ExportFeed(user, scope), ctx.clock.now())
        await uow.commit()
    return token


async def revoke_feeds(ctx: Context, user: str) -> int:
    """Revoke every feed of `user`; returns how many there were."""
    async with ctx.uow() as uow:
        count = await uow.oncall.revoke_export_tokens(user)
        await uow.commit()
    return count


async def feed_calendar(ctx: Context, token: str) -> bytes | None:
    """The .ics a token opens, or None (unknown or revoked: the caller answers 404)."""
    if not token or len(token) > 100 or ctx.oncall is None:
        return None
    async with ctx.uow(write=False) as uow:
        feed = await uow.oncall.export_feed(token_hash(token))
    if feed is None:
        return None
    now = ctx.clock.now()
    resolvers = await ctx.oncall.resolvers()
    if feed.scope == ME:
        shifts = [(name, whole_shifts(r, now - BACK, now + AHEAD, feed.user)) for name, r in sorted(resolvers.items())]
        title = "My on-call shifts"
    elif feed.scope in resolvers:
        shifts = [(feed.scope, whole_shifts(resolvers[feed.scope], now - BACK, now + AHEAD))]
        title = f"On call: {feed.scope}"
    else:
        return None  # the schedule left the policy file
    return export_calendar(shifts, name=title, now=now)
