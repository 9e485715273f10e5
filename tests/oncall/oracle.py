"""An independent, brute-force answer to "who is on call", minute by minute, for checking the resolver.

It watches the schedule's wall clock the way a person would: it walks UTC minute by minute, keeps the latest
local time the clock has shown so far (the high-water mark: after a fall-back change the clock shows an hour
again, but nothing scheduled happens twice), and evaluates every rule on that reading: a turn has begun once
the mark reaches its handoff time, a restriction window is open from its `from` until the mark reaches its
`to`. It never converts a local time into an instant, so it shares no arithmetic with the resolver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from incidents.oncall.policy_fields import WEEKDAYS
from incidents.oncall.schedule_policy import Layer, Restriction, Schedule

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class OracleOverride:
    user: str
    start: datetime
    end: datetime
    made: int  # creation order: the newest decides


@dataclass(frozen=True)
class OracleSwap:
    requester: str
    taker: str
    start: datetime
    end: datetime


def minute_by_minute(
    schedule: Schedule,
    start: datetime,
    end: datetime,
    overrides: list[OracleOverride] | None = None,
    swaps: list[OracleSwap] | None = None,
) -> list[str | None]:
    """Who is on call at each UTC minute of [start, end) (whole minutes), None for nobody."""
    zone = ZoneInfo(schedule.timezone)
    mark = _reading(start - timedelta(hours=6), zone)
    probe = start - timedelta(hours=6)
    while probe < start:  # settle the high-water mark on the hours before the window
        mark = max(mark, _reading(probe, zone))
        probe += MINUTE
    answers: list[str | None] = []
    at = start
    while at < end:
        mark = max(mark, _reading(at, zone))
        answers.append(_who(schedule, mark, at, overrides or [], swaps or []))
        at += MINUTE
    return answers


def _reading(at: datetime, zone: ZoneInfo) -> datetime:
    return at.astimezone(zone).replace(tzinfo=None)


def _who(
    schedule: Schedule, mark: datetime, at: datetime, overrides: list[OracleOverride], swaps: list[OracleSwap]
) -> str | None:
    active = [o for o in overrides if o.start <= at < o.end]
    if active:
        return max(active, key=lambda o: o.made).user
    user = None
    for layer in schedule.layers:  # later layers are higher: the last one covering wins
        covering = _layer_user(layer, mark)
        if covering is not None:
            user = covering
    for swap in swaps:
        if swap.start <= at < swap.end and user == swap.requester:
            user = swap.taker
    return user


def _layer_user(layer: Layer, mark: datetime) -> str | None:
    users, turn, handoff, anchor = layer.users, layer.turn, layer.handoff, layer.anchor
    assert turn is not None and handoff is not None and anchor is not None
    if layer.restrictions and not any(_open(r, mark) for r in layer.restrictions):
        return None
    first = anchor
    while handoff.weekday is not None and first.weekday() != handoff.weekday:
        first += timedelta(days=1)
    reference = datetime.combine(first, handoff.at)
    number = (mark - reference) // turn
    return str(users[number % len(users)])


def _open(restriction: Restriction, mark: datetime) -> bool:
    days = [WEEKDAYS.index(d) for d in restriction.days]
    opens, closes = restriction.start, restriction.end
    for back in (0, 1):  # a window may have opened yesterday and cross midnight
        day = (mark - timedelta(days=back)).date()
        if day.weekday() not in days:
            continue
        begins = datetime.combine(day, opens)
        ends = datetime.combine(day + timedelta(days=1) if closes <= opens else day, closes)
        if begins <= mark < ends:
            return True
    return False


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
