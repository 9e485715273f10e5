"""The small interfaces the domain needs from the outside world; adapters implement them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Protocol

from incidents.action_items import ActionItem, ActionItemFilter
from incidents.model import ChannelRef, Incident, IncidentFilter, TimelineEvent
from incidents.oncall.ports import OncallStore
from incidents.postmortem_ports import PostmortemStore
from incidents.timeline import ChatMessage, StoredThread, TimelineEntry


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class IncidentStore(Protocol):
    """Persistence for incidents, used inside one unit of work (one transaction)."""

    async def next_number(self, year: int) -> int: ...
    async def add(self, incident: Incident, *, declare_key: str | None, claim_setup: bool = False) -> Incident:
        """Insert a new incident; `claim_setup` also claims its channel set-up (see `claim_setup`)."""
        ...

    async def save(self, incident: Incident) -> None: ...
    async def get(self, reference: str) -> Incident | None: ...
    async def get_by_channel(self, channel_id: str) -> Incident | None: ...
    async def get_by_declare_key(self, declare_key: str) -> Incident | None: ...
    async def claim_setup(self, reference: str) -> bool:
        """Mark the channel set-up as started; False if another worker already did (double submit)."""
        ...

    async def record_setup(
        self, reference: str, *, channel: ChannelRef | None = None, summary_ts: str | None = None
    ) -> None:
        """Store what set-up created (its channel, the summary's ts), leaving every other column as it is."""
        ...

    async def search(self, query: IncidentFilter) -> list[Incident]: ...
    async def add_event(self, reference: str, event: TimelineEvent) -> None: ...
    async def events(self, reference: str) -> list[TimelineEvent]: ...
    async def add_members(self, reference: str, user_ids: Sequence[str], at: datetime) -> None: ...
    async def remove_member(self, reference: str, user_id: str, at: datetime) -> None: ...
    async def members(self, reference: str) -> set[str]: ...
    async def known_services(self) -> list[str]: ...


class TimelineStore(Protocol):
    """Reading the timeline, and the entries people write by hand (notes)."""

    async def entries(self, incident_id: int, *, include_deleted: bool = False) -> list[TimelineEntry]: ...
    async def entry(self, incident_id: int, entry_id: int) -> TimelineEntry | None: ...
    async def add_manual(
        self, incident_id: int, *, at: datetime, actor: str, text: str, kind: str = "note", data: dict[str, Any]
    ) -> int: ...
    async def update_manual(
        self, incident_id: int, entry_id: int, *, text: str | None, at: datetime | None
    ) -> None: ...
    async def delete_manual(self, incident_id: int, entry_id: int, at: datetime) -> None: ...
    async def flag(self, incident_id: int, message_ts: str, flag: str) -> bool:
        """Flag a captured message; False when there is no such message."""
        ...

    async def last_message_ts(self, incident_id: int) -> str | None: ...
    async def latest_of_kinds(self, incident_ids: Sequence[int], kinds: Sequence[str]) -> dict[int, datetime]:
        """For each incident, when an entry of one of `kinds` was last recorded (absent: never)."""
        ...

    async def captured_message_ts(self, incident_id: int) -> set[str]:
        """The ts of every message captured from the incident's channel (deleted ones included)."""
        ...

    async def stored_threads(self, incident_id: int) -> dict[str, StoredThread]:
        """Each thread with captured replies, by its parent's ts: the newest reply's ts and how many."""
        ...


class ActionItemStore(Protocol):
    async def add(self, item: ActionItem) -> ActionItem: ...
    async def get(self, item_id: int) -> ActionItem | None: ...
    async def save(self, item: ActionItem) -> None: ...
    async def search(self, query: ActionItemFilter) -> list[ActionItem]: ...


@dataclass(frozen=True)
class DueWork:
    """A row of scheduled work: `key` names the work (one row per piece), `due_at` is when it is due."""

    key: str
    kind: str
    due_at: datetime
    incident_id: int | None = None
    action_item_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0
    recovering: bool = False  # claimed before by a runner that never finished: it may have sent already
    # Where the row stands: `pending` (due at due_at), `firing` (claimed at claimed_at), or `waiting` (a Slack
    # effect queued behind an earlier one; see incidents/effects.py). Not part of what the work *is*.
    state: str = field(default="pending", compare=False)
    claimed_at: datetime | None = field(default=None, compare=False)
    last_error: str = field(default="", compare=False)


class WorkStore(Protocol):
    async def put(self, work: DueWork) -> None:
        """Create or replace the work with this key (pending again)."""
        ...

    async def get(self, key: str) -> DueWork | None: ...
    async def put_many(self, works: Sequence[DueWork]) -> None:
        """Insert the rows not there yet, as given (state included); rows with these keys are left alone."""
        ...

    async def keys(self) -> set[str]: ...
    async def for_incident(self, incident_id: int, *, kinds: Sequence[str] = ()) -> dict[str, DueWork]:
        """The incident's rows (of `kinds`, when given), whatever their state."""
        ...

    async def for_incidents(
        self, incident_ids: Sequence[int], *, kinds: Sequence[str] = (), lock: bool = False
    ) -> list[DueWork]:
        """The incidents' rows of `kinds`; `lock`: held until the transaction ends (where the database can)."""
        ...

    async def remove(self, key: str) -> None: ...
    async def remove_many(self, keys: Sequence[str]) -> None: ...
    async def claim(self, keys: Sequence[str], now: datetime) -> None:
        """Mark these rows `firing`, claimed now by the caller (one more attempt each)."""
        ...

    async def remove_for(
        self, *, incident_id: int | None = None, action_item_id: int | None = None, kinds: Sequence[str] = ()
    ) -> None: ...
    async def claim_due(self, now: datetime, *, lease: timedelta, limit: int) -> list[DueWork]:
        """Mark due work as being done (and work whose earlier claim expired), returning it."""
        ...

    async def next_due(self) -> datetime | None: ...
    async def was_sent(self, key: str) -> bool: ...
    async def record_sent(self, key: str, channel: str, ts: str | None, at: datetime) -> None: ...


class FollowThroughMetrics(Protocol):
    """What the follow-through runner reports for operators: each piece of work it fires, and how late."""

    def work_fired(self, kind: str, late_by: timedelta) -> None: ...


class FollowUpPlanner(Protocol):
    """Keeps what is due (reminders, escalations, nudges) in step with each change, in the same transaction."""

    async def incident_changed(self, uow: UnitOfWork, incident: Incident) -> None: ...
    async def incident_opened(self, uow: UnitOfWork, incident: Incident) -> None: ...
    async def action_item_changed(self, uow: UnitOfWork, item: ActionItem) -> None: ...


class UnitOfWork(Protocol):
    @property
    def incidents(self) -> IncidentStore: ...
    @property
    def timeline(self) -> TimelineStore: ...
    @property
    def action_items(self) -> ActionItemStore: ...
    @property
    def postmortems(self) -> PostmortemStore: ...
    @property
    def work(self) -> WorkStore: ...
    @property
    def oncall(self) -> OncallStore: ...  # on-call (issue 11)

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = True) -> UnitOfWork: ...
    @property
    def committed_writes(self) -> int:
        """Write transactions this process has committed so far: what was read stays valid while it is unchanged."""
        ...


@dataclass(frozen=True)
class FollowUpNotice:
    """A reminder, escalation, nudge or digest; `buttons` are (kind, value) pairs the chat adapter renders."""

    kind: str  # update_reminder, unacknowledged, escalation, management, postmortem_reminder, nudge, digest
    text: str
    reference: str | None = None
    buttons: tuple[tuple[str, str], ...] = ()
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notice:
    """A change announced in an incident's channel; the chat adapter decides how it looks."""

    kind: str  # status_changed, severity_changed, role_assigned, resolved, reopened, stakeholder_update, problems
    actor: str | None
    text: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Person:
    """Someone the chat platform knows, as far as naming them for a role or an item is concerned."""

    id: str
    deleted: bool = False  # deactivated
    is_bot: bool = False


class IncidentChat(Protocol):
    """What the domain asks of the chat platform. Raises ChatError (or ChannelNameTaken) on failure."""

    async def create_channel(self, name: str, *, private: bool) -> ChannelRef: ...
    async def describe_channel(self, channel_id: str, *, topic: str, purpose: str) -> None: ...
    async def invite(self, channel_id: str, user_ids: Sequence[str]) -> None: ...
    async def post_summary(self, incident: Incident, *, key: str | None = None) -> str:
        """Post the live summary in the incident channel; returns its message id (ts). `key`: as for send_notice."""
        ...

    async def pin(self, channel_id: str, ts: str) -> None: ...

    async def update_summary(self, incident: Incident) -> None: ...
    async def announce(self, channel: str, incident: Incident, *, key: str | None = None) -> None: ...
    async def post_notice(self, channel: str, incident: Incident, notice: Notice, *, key: str | None = None) -> None:
        """Tell `channel` about a change; `key`, as for send_notice, lets a retry find what was already posted."""
        ...

    async def tell_user(self, user_id: str, text: str, *, channel: str | None = None) -> None:
        """An ephemeral message in `channel` when given (falling back to a DM), else a DM."""
        ...

    async def channel_members(self, channel_id: str) -> set[str]: ...

    # Reading back what was said, for backfill after downtime: the whole channel, oldest first; pages and rate
    # limits handled. Firebreak's own posts come too, marked `from_firebreak`: people reply to them in threads.
    def history(self, channel_id: str) -> AsyncIterator[ChatMessage]: ...
    def replies(self, channel_id: str, thread_ts: str) -> AsyncIterator[ChatMessage]:
        """The thread's replies (its parent too, first, as the platform lists a thread)."""
        ...

    async def user_names(self, user_ids: Iterable[str]) -> dict[str, str]:
        """Display names (cached); unknown or deleted users keep a readable fallback, never an error."""
        ...

    async def user_timezone(self, user_id: str) -> str:
        """The user's IANA timezone (cached), UTC when unknown."""
        ...

    async def person(self, user_id: str) -> Person | None:
        """Who `user_id` is (cached); None when the platform knows no such user. Raises ChatError when it could
        not be asked (unreachable, rate limited after retries)."""
        ...

    async def permalink(self, channel_id: str, ts: str) -> str | None: ...
    async def upload(self, channel_id: str, *, filename: str, content: bytes, title: str, comment: str) -> None: ...

    # Follow-through: reminders, escalations and nudges. `key` makes each send idempotent: it travels with
    # the message (as message metadata), so a send whose record was lost in a crash can be found again.
    async def send_notice(self, target: str, notice: FollowUpNotice, *, key: str) -> tuple[str, str | None]:
        """Post `notice` to a channel, or DM a user (U…); returns (channel id, message ts)."""
        ...

    async def find_notice(self, target: str, key: str, *, since: datetime) -> str | None:
        """The ts of a message posted with `key` to `target` since `since`; None when there is none."""
        ...
