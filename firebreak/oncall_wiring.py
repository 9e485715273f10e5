"""Wiring the on-call slice (issue 11): its roster, and the kinds of scheduled work it adds to follow-through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from incidents.context import Context
from incidents.followup_runner import FollowThrough
from incidents.oncall.paging import PageRunner
from incidents.oncall.paging_plan import PAGE_KIND
from incidents.ports import DueWork


def oncall_work(ctx: Context, follow_through: FollowThrough) -> dict[str, Callable[[DueWork], Awaitable[None]]]:
    """The on-call kinds of scheduled work and what does each."""
    if ctx.oncall is None:
        return {}
    return {PAGE_KIND: PageRunner(ctx, follow_through).fire}
