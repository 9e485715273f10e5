"""What the on-call slice needs from outside, as narrow ports; storage and HTTP adapters implement them.

Phase 2 wires: an aiohttp `CalendarFetcher`, SQL stores for overrides, swaps and the last good calendar text,
and a cache of overrides in memory (invalidated on write) so a page never waits on the database per lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidents.oncall.overrides import Override
from incidents.oncall.swaps import SwapRequest


class CalendarFetchFailed(Exception):
    """The calendar could not be fetched (unreachable, an HTTP error, too large); the message says which."""


class CalendarFetcher(Protocol):
    async def fetch(self, url: str) -> str:
        """The calendar text at `url`; raises CalendarFetchFailed."""
        ...


@dataclass(frozen=True, slots=True)
class CachedCalendar:
    """The last calendar text that was fetched and read without error, and when."""

    text: str
    fetched_at: datetime


class CalendarCache(Protocol):
    async def last_good(self, schedule: str, layer: int) -> CachedCalendar | None: ...

    async def keep(self, schedule: str, layer: int, calendar: CachedCalendar) -> None: ...


class OverrideStore(Protocol):
    async def overrides(self, schedule: str, start: datetime, end: datetime) -> Sequence[Override]:
        """The schedule's overrides that share time with [start, end)."""
        ...

    async def add(self, override: Override, *, replacing: Sequence[str] = ()) -> None:
        """Store `override`, removing the overrides whose ids are in `replacing`, in one transaction."""
        ...

    async def remove(self, override_id: str) -> None: ...


class SwapStore(Protocol):
    async def swap(self, swap_id: str) -> SwapRequest | None: ...

    async def save(self, swap: SwapRequest, overrides: Sequence[Override] = ()) -> None:
        """Store the swap's new state and the overrides taking it made, in one transaction."""
        ...
