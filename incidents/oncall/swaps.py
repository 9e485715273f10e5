"""Shift swaps: someone asks to be covered for a while; whoever takes it gets overrides for those shifts.

A request is checked like an override (`check_span`) and must cover some of the requester's own time on call.
It is open until taken, cancelled (by the requester) or its start passes (it expires then). Taking it makes one
override per stretch the requester is on call within the span, so the time someone else covers (a night layer
above, another override) stays theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from incidents.errors import IncidentError
from incidents.oncall.overrides import Override, check_span
from incidents.oncall.shifts import Shift


class SwapState(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class SwapProblem(StrEnum):
    NOT_ON_CALL = "not_on_call"
    OWN_SWAP = "own_swap"
    ALREADY_TAKEN = "already_taken"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    NOT_YOURS = "not_yours"


class SwapRefused(IncidentError):
    """A swap request that cannot be made, taken or cancelled; `problem` says why, for the caller to word."""

    _SAID: ClassVar[dict[SwapProblem, str]] = {
        SwapProblem.NOT_ON_CALL: "You are not on call during that time, so there is nothing to swap.",
        SwapProblem.OWN_SWAP: "That is your own swap request: someone else has to take it.",
        SwapProblem.ALREADY_TAKEN: "That swap has been taken already.",
        SwapProblem.CANCELLED: "That swap request was cancelled.",
        SwapProblem.EXPIRED: "That swap request expired when its shift began.",
        SwapProblem.NOT_YOURS: "Only the person who asked for the swap can cancel it.",
    }

    def __init__(self, problem: SwapProblem) -> None:
        super().__init__(self._SAID[problem])
        self.problem = problem


@dataclass(frozen=True, slots=True)
class SwapRequest:
    id: str
    schedule: str
    requester: str
    start: datetime
    end: datetime
    created_at: datetime
    reason: str = ""
    taken_by: str | None = None
    taken_at: datetime | None = None
    cancelled_at: datetime | None = None

    def state(self, now: datetime) -> SwapState:
        if self.taken_by is not None:
            return SwapState.TAKEN
        if self.cancelled_at is not None:
            return SwapState.CANCELLED
        return SwapState.EXPIRED if now >= self.start else SwapState.OPEN


@dataclass(frozen=True, slots=True)
class TakenSwap:
    swap: SwapRequest
    overrides: tuple[Override, ...]


def request_swap(
    *,
    swap_id: str,
    schedule: str,
    requester: str,
    start: datetime,
    end: datetime,
    now: datetime,
    shifts: Sequence[Shift],
    reason: str = "",
) -> SwapRequest:
    """A new swap request; `shifts` are the schedule's final shifts over [start, end)."""
    check_span(start, end, now)
    if not _requester_stretches(shifts, requester, start, end):
        raise SwapRefused(SwapProblem.NOT_ON_CALL)
    return SwapRequest(swap_id, schedule, requester, start, end, created_at=now, reason=reason)


def take_swap(
    swap: SwapRequest, *, taker: str, now: datetime, shifts: Sequence[Shift], new_id: Callable[[], str]
) -> TakenSwap:
    """Take `swap`: the overrides that put `taker` on call for the requester's stretches within it.

    `shifts` are the schedule's final shifts over the swap's span as they are now (overrides included).
    """
    state = swap.state(now)
    if state is SwapState.TAKEN:
        raise SwapRefused(SwapProblem.ALREADY_TAKEN)
    if state is SwapState.CANCELLED:
        raise SwapRefused(SwapProblem.CANCELLED)
    if taker == swap.requester:
        raise SwapRefused(SwapProblem.OWN_SWAP)
    if state is SwapState.EXPIRED:
        raise SwapRefused(SwapProblem.EXPIRED)
    stretches = _requester_stretches(shifts, swap.requester, swap.start, swap.end)
    if not stretches:
        raise SwapRefused(SwapProblem.NOT_ON_CALL)
    overrides = tuple(
        Override(
            id=new_id(),
            schedule=swap.schedule,
            user=taker,
            start=begins,
            end=ends,
            created_by=taker,
            created_at=now,
            reason=swap.reason,
            swap_id=swap.id,
        )
        for begins, ends in stretches
    )
    return TakenSwap(replace(swap, taken_by=taker, taken_at=now), overrides)


def cancel_swap(swap: SwapRequest, *, by: str, now: datetime) -> SwapRequest:
    """Cancel an open swap request; only its requester may."""
    if by != swap.requester:
        raise SwapRefused(SwapProblem.NOT_YOURS)
    state = swap.state(now)
    if state is not SwapState.OPEN:
        raise SwapRefused(SwapProblem(state.value) if state is not SwapState.TAKEN else SwapProblem.ALREADY_TAKEN)
    return replace(swap, cancelled_at=now)


def _requester_stretches(
    shifts: Sequence[Shift], requester: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The unbroken stretches in which `requester` is on call within [start, end)."""
    stretches: list[tuple[datetime, datetime]] = []
    for shift in shifts:
        if shift.user != requester:
            continue
        begins, ends = max(shift.start, start), min(shift.end, end)
        if ends <= begins:
            continue
        if stretches and stretches[-1][1] == begins:
            stretches[-1] = (stretches[-1][0], ends)
        else:
            stretches.append((begins, ends))
    return stretches
