"""What every use case needs, wired once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from incidents.capture import CaptureService
from incidents.oncall.roster import OncallRoster
from incidents.outbox import Outbox
from incidents.policy import Policy
from incidents.ports import Clock, FollowUpPlanner, IncidentChat, UnitOfWorkFactory
from incidents.postmortem_ports import Drafter
from incidents.search.service import SearchServices


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    uow: UnitOfWorkFactory
    chat: IncidentChat
    clock: Clock
    policy: Policy
    # Where captured timeline items go (None in tests of use cases that capture nothing).
    capture: CaptureService | None = None
    # Keeps scheduled follow-through in step with changes (None where nothing is scheduled).
    planner: FollowUpPlanner | None = None
    # Drafts postmortems (a language model or the template; None where nothing drafts).
    drafter: Drafter | None = None
    # This process's Slack effects between transactions (see incidents/effects.py); one per process.
    outbox: Outbox = field(default_factory=Outbox)
    # Who is on call (issue 11): schedules, stored overrides, calendars; None where no on-call is wired.
    oncall: OncallRoster | None = None
    # Search, similar incidents and runbooks (issue 13; None where nothing searches).
    search: SearchServices | None = None
