"""Action items: the follow-ups that make the next incident less likely, tracked until done."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


@dataclass
class ActionItem:
    """`text` is held as Slack writes message text, like the timeline's: `&`, `<` and `>` escaped, mentions as
    tokens (see incidents/message_text.py), whether it came from the slash command or from a form."""

    id: int
    incident_id: int
    incident_reference: str
    text: str
    owner: str
    created_by: str
    created_at: datetime
    due_on: date
    priority: Priority
    status: ItemStatus = ItemStatus.OPEN
    source: str = "command"
    done_at: datetime | None = None
    done_by: str | None = None
    evidence: str = ""
    reopened_count: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    def is_overdue(self, today: date) -> bool:
        return self.status is ItemStatus.OPEN and self.due_on < today


@dataclass(frozen=True)
class NewActionItem:
    text: str  # as Slack writes message text (see ActionItem); a form's plain text goes through encode_entities
    owner: str | None = None  # default: whoever creates it
    due_on: date | None = None  # default: by priority, from the policy
    priority: Priority = Priority.MEDIUM
    source: str = "command"  # command | modal | shortcut | postmortem
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionItemFilter:
    owner: str | None = None
    incident_id: int | None = None
    open_only: bool = True
    overdue_on: date | None = None  # only items due before this day and still open
    private: bool | None = None  # only items of private (True) or of public (False) incidents; None: both
    limit: int = 50


@dataclass(frozen=True)
class CompletionFigures:
    """What analytics asks of follow-through: how many were created, done, done in time, overdue."""

    created: int
    done: int
    done_within_30_days: int
    overdue: int

    @property
    def done_rate(self) -> float:
        return self.done / self.created if self.created else 0.0


def completion_figures(items: list[ActionItem], today: date) -> CompletionFigures:
    done = [i for i in items if i.status is ItemStatus.DONE and i.done_at is not None]
    return CompletionFigures(
        created=len(items),
        done=len(done),
        done_within_30_days=sum(1 for i in done if i.done_at and i.done_at - i.created_at <= timedelta(days=30)),
        overdue=sum(1 for i in items if i.is_overdue(today)),
    )
