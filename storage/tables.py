"""The tables. Alembic migrations in storage/migrations create them; this is what queries are written against."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[dict[str, str]]: JSON,
    }


class IncidentSequence(Base):
    """The last number handed out per year: INC-<year>-<number> is unique even under concurrent declarations."""

    __tablename__ = "incident_sequences"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


class IncidentRow(Base):
    __tablename__ = "incidents"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int]
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    is_open: Mapped[bool] = mapped_column(Boolean, index=True)
    customer_impact: Mapped[str] = mapped_column(String(10))
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    declared_by: Mapped[str] = mapped_column(String(32))
    # The submission that declared it (the modal's view id): unique so a double-clicked submit declares once.
    declare_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    declared_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    identified_at: Mapped[datetime | None]
    mitigated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    impact_started_at: Mapped[datetime | None]
    impact_start_source: Mapped[str] = mapped_column(String(10), default="default", server_default="default")
    detected_at: Mapped[datetime | None]
    detection_method: Mapped[str] = mapped_column(String(10), default="unknown", server_default="unknown")
    escalation_policy: Mapped[str | None] = mapped_column(String(60))
    impact_ended_at: Mapped[datetime | None]
    resolution_summary: Mapped[str] = mapped_column(Text, default="")
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    channel_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    channel_name: Mapped[str | None] = mapped_column(String(80))
    summary_ts: Mapped[str | None] = mapped_column(String(32))
    setup_started_at: Mapped[datetime | None]
    # Set by the postmortem when it is published; a resolved SEV1/SEV2 without one gets a reminder.
    postmortem_published_at: Mapped[datetime | None]

    services: Mapped[list[IncidentServiceRow]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentServiceRow.position", lazy="raise"
    )
    roles: Mapped[list[RoleAssignmentRow]] = relationship(cascade="all, delete-orphan", lazy="raise")


class ServiceRow(Base):
    """The catalogue of services people have named, offered in the declare modal."""

    __tablename__ = "services"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    created_at: Mapped[datetime]


class IncidentServiceRow(Base):
    __tablename__ = "incident_services"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    service: Mapped[str] = mapped_column(ForeignKey("services.name"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class RoleAssignmentRow(Base):
    __tablename__ = "incident_roles"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), index=True)


class MemberRow(Base):
    """People in the incident: invited by Firebreak or seen joining its channel."""

    __tablename__ = "incident_members"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class TimelineEntryRow(Base):
    """One timeline entry: a captured message, a system change, or a manual note."""

    __tablename__ = "timeline_entries"
    __table_args__ = (
        Index("ix_timeline_incident_at", "incident_id", "at"),
        # A message is recorded once per incident, whether it arrives live, retried or by backfill.
        UniqueConstraint("incident_id", "message_ts", name="uq_timeline_message"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(10), default="system", server_default="system")
    actor: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What flags it, e.g. "pin" or "reaction:pushpin:U1": removing one flag leaves the entry flagged by the others.
    flags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    deleted_at: Mapped[datetime | None]
    edits: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list, server_default="[]")
    files: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list, server_default="[]")
    links: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    permalink: Mapped[str | None] = mapped_column(String(500))


class ProcessedEventRow(Base):
    """Events API deliveries already stored: Slack retries a delivery with the same event_id."""

    __tablename__ = "processed_events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime]


class ActionItemRow(Base):
    """A follow-up from an incident, tracked until done."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_owner_status", "owner", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    due_on: Mapped[date]
    priority: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), index=True)  # open | done
    source: Mapped[str] = mapped_column(String(20), default="command")
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(32))
    evidence: Mapped[str] = mapped_column(Text, default="")
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ScheduledWorkRow(Base):
    """What is due, and when: the source of truth the scheduler's timers are rebuilt from.

    One row per piece of pending work (an update reminder, an escalation level, a nudge…), keyed so that
    scheduling the same work twice is one row. A runner claims a row before acting (state `firing`), and
    removes or reschedules it in the transaction that records what was done.
    """

    __tablename__ = "scheduled_work"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    action_item_id: Mapped[int | None] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SentNotificationRow(Base):
    """Every reminder, escalation and nudge sent, by its idempotency key: a key is sent once, ever."""

    __tablename__ = "sent_notifications"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime]


class PostmortemRow(Base):
    """An incident's postmortem: its status and current version. Every version is kept in postmortem_versions."""

    __tablename__ = "postmortems"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20))  # draft | in_review | published
    version: Mapped[int] = mapped_column(Integer)  # the current one
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(32))


class PostmortemVersionRow(Base):
    """One version of a postmortem: the whole document as drafted or edited, and what made it."""

    __tablename__ = "postmortem_versions"
    __table_args__ = (UniqueConstraint("postmortem_id", "version", name="uq_postmortem_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(32))
    change: Mapped[str] = mapped_column(String(200))  # e.g. "drafted", "edited Summary"
    draft_kind: Mapped[str] = mapped_column(String(20))  # model | template
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


# -- Search (issue 13): suggestions shown and voted on, runbooks, embeddings, the index's progress. The index
# itself differs by engine: see storage/search_index_table.py.


class SimilarSuggestionRow(Base):
    __tablename__ = "similar_suggestions"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    suggested_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    shown_at: Mapped[datetime]


class SimilarFeedbackRow(Base):
    """A Useful / Not relevant vote on a shown suggestion; the latest one stands for it."""

    __tablename__ = "similar_feedback"
    __table_args__ = (
        ForeignKeyConstraint(
            ["incident_id", "suggested_id"],
            ["similar_suggestions.incident_id", "similar_suggestions.suggested_id"],
            ondelete="CASCADE",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(Integer)
    suggested_id: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]


class RunbookRow(Base):
    __tablename__ = "runbooks"
    __table_args__ = (UniqueConstraint("service", "url", name="uq_runbook"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service: Mapped[str] = mapped_column(String(60), index=True)
    url: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime]


class IncidentEmbeddingRow(Base):
    __tablename__ = "incident_embeddings"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String(100))
    vector: Mapped[list[float]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class IndexProgressRow(Base):
    __tablename__ = "index_progress"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
