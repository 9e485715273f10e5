"""The on-call slice's tables (issue 11). Alembic revision 0007 creates them; queries are written against these."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base


class OverrideRow(Base):
    """Someone covers a schedule over [start_at, end_at), above every layer; who made it and when."""

    __tablename__ = "oncall_overrides"
    __table_args__ = (Index("ix_oncall_overrides_schedule_end", "schedule", "end_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    schedule: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[str] = mapped_column(String(32))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    swap_id: Mapped[str | None] = mapped_column(String(40))


class SwapRow(Base):
    """A swap request, open until taken, cancelled or its start passes; where its message was posted."""

    __tablename__ = "oncall_swaps"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    schedule: Mapped[str] = mapped_column(String(60))
    requester: Mapped[str] = mapped_column(String(32))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    created_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    taken_by: Mapped[str | None] = mapped_column(String(32))
    taken_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


class PageRow(Base):
    """Every page: who, for which incident (if any) and step, when sent, acknowledged, and out of hours."""

    __tablename__ = "oncall_pages"
    __table_args__ = (Index("ix_oncall_pages_user_sent", "user_id", "sent_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    page_group: Mapped[str] = mapped_column(String(64), index=True)  # the incident's id, or a page's own group
    user_id: Mapped[str] = mapped_column(String(32))
    paged_by: Mapped[str | None] = mapped_column(String(32))
    policy: Mapped[str | None] = mapped_column(String(60))
    run: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[int | None] = mapped_column(Integer)
    schedule: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    out_of_hours: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)


class SnapshotRow(Base):
    """Who was on call for each schedule when an incident was declared (None: a gap)."""

    __tablename__ = "oncall_snapshots"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    schedule: Mapped[str] = mapped_column(String(60), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime]


class CursorRow(Base):
    """A round-robin step's position, per policy and step, kept across incidents."""

    __tablename__ = "oncall_cursors"

    key: Mapped[str] = mapped_column(String(140), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CalendarRow(Base):
    """The last copy of an iCal layer's calendar that was fetched and read without error."""

    __tablename__ = "oncall_calendars"

    schedule: Mapped[str] = mapped_column(String(60), primary_key=True)
    layer: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]


class ExportTokenRow(Base):
    """A private iCal feed: only the SHA-256 of its token is kept, so the database cannot give the URL away."""

    __tablename__ = "oncall_export_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    scope: Mapped[str] = mapped_column(String(60))  # a schedule's name, or "me"
    created_at: Mapped[datetime]
