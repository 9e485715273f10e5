"""The alerts slice's tables (issue 12): integrations, alerts, alert groups, storms and rejected bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base


class IntegrationRow(Base):
    """A sender of alerts. Only the token's SHA-256 is kept: the token itself is shown once and never stored."""

    __tablename__ = "alert_integrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    rotated_at: Mapped[datetime | None]


class AlertRow(Base):
    """Every alert received, once: a retried delivery repeats its idempotency key and is not stored again."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("integration", "idempotency_key", name="uq_alert_idempotency"),
        Index("ix_alerts_route_received", "route", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    integration: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    group_key: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(300))
    route: Mapped[str] = mapped_column(String(60))
    source_severity: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    received_at: Mapped[datetime]
    labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AlertGroupRow(Base):
    """One problem: the alerts with one group key in one integration (a new episode when it fires again long
    after it resolved). Its Slack post, its silence and its incident are here."""

    __tablename__ = "alert_groups"
    __table_args__ = (
        UniqueConstraint("integration", "group_key", "episode", name="uq_alert_group_episode"),
        Index("ix_alert_groups_channel_first_seen", "channel", "first_seen"),
        Index("ix_alert_groups_route_last_seen", "route", "last_seen"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    integration: Mapped[str] = mapped_column(String(40))
    group_key: Mapped[str] = mapped_column(String(32))
    episode: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12))
    route: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str | None] = mapped_column(String(90))
    escalation_policy: Mapped[str | None] = mapped_column(String(60))
    declare: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    silenced_by_route: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime]
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer, default=1)
    source_severity: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[str | None] = mapped_column(String(40))
    service: Mapped[str | None] = mapped_column(String(80))
    labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    resolved_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None]
    silenced_until: Mapped[datetime | None]
    silenced_until_resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    silenced_by: Mapped[str | None] = mapped_column(String(64))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    incident_reference: Mapped[str | None] = mapped_column(String(32))
    in_storm: Mapped[bool] = mapped_column(Boolean, default=False)
    post_ts: Mapped[str | None] = mapped_column(String(32))
    posted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    posted_version: Mapped[int] = mapped_column(Integer, default=0)


class AlertStormRow(Base):
    """A channel's storm summary: one message that keeps count while groups open faster than the threshold."""

    __tablename__ = "alert_storms"

    channel: Mapped[str] = mapped_column(String(90), primary_key=True)
    started_at: Mapped[datetime]
    last_group_at: Mapped[datetime]
    groups: Mapped[int] = mapped_column(Integer, default=0)
    alerts: Mapped[int] = mapped_column(Integer, default=0)
    ts: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    posted_version: Mapped[int] = mapped_column(Integer, default=0)
    posted_at: Mapped[datetime | None]


class RejectedBodyRow(Base):
    """A body an integration sent that could not be read (answered 422), kept 7 days for `integration show`."""

    __tablename__ = "alert_rejected_bodies"
    __table_args__ = (Index("ix_alert_rejected_integration_at", "integration", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    integration: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
