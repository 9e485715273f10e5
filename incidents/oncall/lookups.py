"""Reads for `/incident oncall`: who is on call now and next, and upcoming shifts. From memory (the roster)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from incidents.context import Context
from incidents.errors import NotFound
from incidents.oncall.escalation_plan import plan_escalation
from incidents.oncall.policy import OncallPolicy
from incidents.oncall.resolver import OnCall
from incidents.oncall.roster import OncallRoster
from incidents.oncall.shifts import Shift

MAX_SHIFT_DAYS = 92


@dataclass(frozen=True)
class OnCallNow:
    schedule: str
    now: OnCall
    next: OnCall | None


def _roster(ctx: Context) -> OncallRoster:
    if ctx.oncall is None or not ctx.oncall.oncall.schedules:
        raise NotFound("No on-call schedules are set up: they go under `oncall.schedules` in the policy file.")
    return ctx.oncall


def schedules_named(oncall: OncallPolicy, name: str | None) -> list[str]:
    """The schedules `name` means: a schedule, else a service's (those its policies notify); None: all."""
    if name is None:
        return sorted(oncall.schedules)
    lowered = name.lower()
    if lowered in oncall.schedules:
        return [lowered]
    service = {s.lower(): s for s in oncall.services}.get(lowered)
    if service is not None:
        routing = oncall.services[service]
        found: list[str] = []
        for policy in [routing.policy, *routing.by_severity.values()]:
            for step in plan_escalation(oncall, policy) if policy else []:
                if step.step.schedule is not None and step.step.schedule not in found:
                    found.append(step.step.schedule)
        return found
    known = ", ".join(f"`{s}`" for s in sorted(oncall.schedules))
    raise NotFound(f"There is no schedule or service `{name}`. Schedules: {known}.")


async def on_call_now(ctx: Context, name: str | None = None) -> list[OnCallNow]:
    """Who is on call now for each schedule `name` means, until when, and who is next."""
    roster = _roster(ctx)
    now = ctx.clock.now()
    resolvers = await roster.resolvers()  # (drops the kept answers when it reads the overrides again)
    kept = roster.answers.get(("now", name))
    if kept is not None and now < kept[1]:
        return cast(list[OnCallNow], kept[0])
    answers = []
    for schedule in schedules_named(roster.oncall, name):
        resolver = resolvers[schedule]
        current = resolver.on_call_at(now)
        following = resolver.on_call_at(current.until) if current.until is not None else None
        answers.append(OnCallNow(schedule, current, following))
    # The same until someone's cover ends (a handoff), or the overrides change; at most a minute (the roster's).
    ends = [a.now.until for a in answers if a.now.until is not None]
    roster.answers[("now", name)] = (answers, min([*ends, now + timedelta(minutes=1)]))
    return answers


async def upcoming_shifts(
    ctx: Context, *, schedule: str | None = None, user: str | None = None, days: int = 14
) -> list[tuple[str, Shift]]:
    """The shifts (no gaps unless one schedule is asked for) in the next `days`, of `user` if given."""
    roster = _roster(ctx)
    if not 1 <= days <= MAX_SHIFT_DAYS:
        raise NotFound(f"Ask for 1 to {MAX_SHIFT_DAYS} days of shifts.")
    names = schedules_named(roster.oncall, schedule) if schedule else sorted(roster.oncall.schedules)
    now = ctx.clock.now()
    resolvers = await roster.resolvers()
    found: list[tuple[str, Shift]] = []
    for name in names:
        for shift in resolvers[name].shifts(now, now + timedelta(days=days)):
            if user is not None and shift.user != user:
                continue
            if shift.user is None and schedule is None:
                continue
            found.append((name, shift))
    found.sort(key=lambda pair: (pair[1].start, pair[0]))
    return found
