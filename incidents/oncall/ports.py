"""What the on-call slice needs from outside, as narrow ports; storage and HTTP adapters implement them.

Wired by the composition root: an aiohttp `CalendarFetcher`, `storage/oncall_store.py` for everything stored,
and `OncallRoster` (a cache of overrides in memory, invalidated on write) so a lookup never waits on the database.
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


@dataclass(frozen=True, slots=True)
class Page:
    """One person paged: by a policy step (`policy`, `run`, `step`) or by hand (`paged_by`), for an incident or not."""

    id: str
    user: str
    sent_at: datetime
    incident_id: int | None = None
    group: str = ""  # pages stopped together by one Acknowledge: the incident's id, or a page's own id
    paged_by: str | None = None
    policy: str | None = None
    run: int = 0
    step: int | None = None
    schedule: str | None = None
    message: str = ""
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    out_of_hours: bool = False


@dataclass(frozen=True, slots=True)
class ExportFeed:
    """Whose private iCal feed a token opens, and of what: a schedule's name, or "me" (their own shifts)."""

    user: str
    scope: str


class OncallStore(OverrideStore, SwapStore, CalendarCache, Protocol):
    """Everything the slice stores, inside the caller's unit of work (one transaction)."""

    async def overrides_ending_after(self, at: datetime) -> Sequence[Override]:
        """Every schedule's overrides that have not ended by `at` (what the in-memory cache holds)."""
        ...

    async def add_page(self, page: Page) -> bool:
        """Store the page unless one with its id is stored already; True when this call stored it."""
        ...

    async def page(self, page_id: str) -> Page | None: ...
    async def acknowledge_page(self, page_id: str, at: datetime, by: str) -> bool:
        """Mark the page acknowledged; False when it was already."""
        ...

    async def acknowledge_incident_pages(self, incident_id: int, at: datetime, by: str | None) -> None: ...
    async def group_acknowledged(self, group: str) -> bool: ...
    async def pages_of(self, user: str, since: datetime) -> Sequence[Page]: ...
    async def incident_pages(self, incident_id: int) -> Sequence[Page]: ...
    async def record_snapshot(self, incident_id: int, on_call: dict[str, str | None], at: datetime) -> None: ...
    async def snapshot(self, incident_id: int) -> dict[str, str | None]: ...
    async def cursor(self, key: str) -> int:
        """A round-robin position, held (locked where the database can) until the transaction ends."""
        ...

    async def set_cursor(self, key: str, position: int) -> None: ...
    async def add_export_token(self, token_hash: str, feed: ExportFeed, at: datetime) -> None: ...
    async def export_feed(self, token_hash: str) -> ExportFeed | None: ...
    async def revoke_export_tokens(self, user: str) -> int: ...


class Usergroups(Protocol):
    async def set_members(self, usergroup: str, users: Sequence[str]) -> None:
        """Make `users` the whole membership of the user group; raises ChatError."""
        ...
