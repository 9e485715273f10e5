"""Making overrides and swaps from Slack: checked, stored in one transaction, the roster told at once.

An override that overlaps others of its schedule is not stored: the caller is told which, and may ask again
replacing them (the overlapped ones are removed in the same transaction). A swap request is stored open;
taking it stores its overrides with it, cancelling it marks it so. Each change re-plans the schedule's next
handoff (see handoffs.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from incidents.context import Context
from incidents.errors import NotFound
from incidents.oncall.handoffs import HandoffPlan
from incidents.oncall.overrides import Override, check_span, overlapping
from incidents.oncall.swaps import SwapRequest, TakenSwap, cancel_swap, request_swap, take_swap
from incidents.people import ensure_person
from incidents.ports import UnitOfWork

# Called in the transaction of every change to a schedule's overrides (the next handoff moves with them).
ScheduleChanged = Callable[[UnitOfWork, str], Awaitable[None]]


def new_id() -> str:
    return secrets.token_hex(12)


@dataclass(frozen=True)
class OverrideOutcome:
    """`override` when stored; else the ones it overlaps (nothing stored: offer to replace them)."""

    override: Override | None
    overlapping: Sequence[Override] = ()


def _check_schedule(ctx: Context, schedule: str) -> None:
    if ctx.oncall is None or schedule not in ctx.oncall.oncall.schedules:
        names = ", ".join(f"`{s}`" for s in sorted(ctx.policy.oncall.schedules)) or "none"
        raise NotFound(f"There is no schedule `{schedule}`. Schedules: {names}.")


class OverrideCases:
    def __init__(self, ctx: Context, changed: ScheduleChanged | None = None) -> None:
        self.ctx = ctx
        self.changed = changed or HandoffPlan(ctx).schedule_changed

    async def _after(self, uow: UnitOfWork, schedule: str) -> None:
        if self.changed is not None:
            await self.changed(uow, schedule)

    def _invalidate(self) -> None:
        if self.ctx.oncall is not None:
            self.ctx.oncall.invalidate()

    async def make_override(
        self,
        *,
        actor: str,
        schedule: str,
        user: str,
        start: datetime,
        end: datetime,
        reason: str = "",
        replacing: Sequence[str] | None = None,
    ) -> OverrideOutcome:
        """Store an override, unless it overlaps others and `replacing` does not name them all."""
        _check_schedule(self.ctx, schedule)
        now = self.ctx.clock.now()
        check_span(start, end, now)
        await ensure_person(self.ctx, user, actor=actor, field="user")  # someone who can be paged
        override = Override(new_id(), schedule, user, start, end, created_by=actor, created_at=now, reason=reason)
        async with self.ctx.uow() as uow:
            found = overlapping(await uow.oncall.overrides(schedule, start, end), schedule, start, end)
            if found and (replacing is None or not {o.id for o in found} <= set(replacing)):
                return OverrideOutcome(None, found)
            await uow.oncall.add(override, replacing=[o.id for o in found])
            await self._after(uow, schedule)
            await uow.commit()
        self._invalidate()
        return OverrideOutcome(override)

    async def request_swap(
        self, *, actor: str, schedule: str, start: datetime, end: datetime, reason: str = ""
    ) -> SwapRequest:
        """A swap request for the actor's own time on call within [start, end), stored open."""
        _check_schedule(self.ctx, schedule)
        assert self.ctx.oncall is not None
        resolver = await self.ctx.oncall.resolver(schedule)
        now = self.ctx.clock.now()
        swap = request_swap(
            swap_id=new_id(),
            schedule=schedule,
            requester=actor,
            start=start,
            end=end,
            now=now,
            shifts=resolver.shifts(start, end) if end > start else [],
            reason=reason,
        )
        async with self.ctx.uow() as uow:
            await uow.oncall.save(swap)
            await uow.commit()
        return swap

    async def take_swap(self, *, actor: str, swap_id: str) -> TakenSwap:
        """Take a swap: the overrides that put the actor on call for the requester's time, stored with it."""
        assert self.ctx.oncall is not None
        async with self.ctx.uow() as uow:
            swap = await uow.oncall.swap(swap_id)
            if swap is None:
                raise NotFound("That swap request is no longer known.")
            resolver = await self.ctx.oncall.resolver(swap.schedule)
            overrides = await uow.oncall.overrides(swap.schedule, swap.start, swap.end)
            shifts = resolver.with_overrides(overrides).shifts(swap.start, swap.end)
            taken = take_swap(swap, taker=actor, now=self.ctx.clock.now(), shifts=shifts, new_id=new_id)
            await uow.oncall.save(taken.swap, taken.overrides)
            await self._after(uow, swap.schedule)
            await uow.commit()
        self._invalidate()
        return taken

    async def cancel_swap(self, *, actor: str, swap_id: str) -> SwapRequest:
        async with self.ctx.uow() as uow:
            swap = await uow.oncall.swap(swap_id)
            if swap is None:
                raise NotFound("That swap request is no longer known.")
            cancelled = cancel_swap(swap, by=actor, now=self.ctx.clock.now())
            await uow.oncall.save(cancelled)
            await uow.commit()
        return cancelled
