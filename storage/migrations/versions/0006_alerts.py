"""alerts: integrations (token hashed), alerts (once per idempotency key), alert groups, storms, rejected bodies

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 20:28:31
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:

    op.create_table(
        "alert_integrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "alert_rejected_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration", sa.String(length=40), nullable=False),
        sa.Column("received_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert_rejected_bodies", schema=None) as batch_op:
        batch_op.create_index("ix_alert_rejected_integration_at", ["integration", "received_at"], unique=False)

    op.create_table(
        "alert_storms",
        sa.Column("channel", sa.String(length=90), nullable=False),
        sa.Column("started_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_group_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("groups", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("posted_version", sa.Integer(), nullable=False),
        sa.Column("posted_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration", sa.String(length=40), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("group_key", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("route", sa.String(length=60), nullable=False),
        sa.Column("source_severity", sa.String(length=40), nullable=True),
        sa.Column("started_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("integration", "idempotency_key", name="uq_alert_idempotency"),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_route_received", ["route", "received_at"], unique=False)

    op.create_table(
        "alert_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration", sa.String(length=40), nullable=False),
        sa.Column("group_key", sa.String(length=32), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("route", sa.String(length=60), nullable=False),
        sa.Column("channel", sa.String(length=90), nullable=True),
        sa.Column("escalation_policy", sa.String(length=60), nullable=True),
        sa.Column("declare", sa.JSON(), nullable=True),
        sa.Column("silenced_by_route", sa.Boolean(), nullable=False),
        sa.Column("started_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_seen", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("source_severity", sa.String(length=40), nullable=True),
        sa.Column("severity", sa.String(length=40), nullable=True),
        sa.Column("service", sa.String(length=80), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("resolved_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("silenced_until", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("silenced_until_resolved", sa.Boolean(), nullable=False),
        sa.Column("silenced_by", sa.String(length=64), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("incident_reference", sa.String(length=32), nullable=True),
        sa.Column("in_storm", sa.Boolean(), nullable=False),
        sa.Column("post_ts", sa.String(length=32), nullable=True),
        sa.Column("posted_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("posted_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("integration", "group_key", "episode", name="uq_alert_group_episode"),
    )
    with op.batch_alter_table("alert_groups", schema=None) as batch_op:
        batch_op.create_index("ix_alert_groups_channel_first_seen", ["channel", "first_seen"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_groups_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index("ix_alert_groups_route_last_seen", ["route", "last_seen"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("alert_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_groups_route_last_seen")
        batch_op.drop_index(batch_op.f("ix_alert_groups_incident_id"))
        batch_op.drop_index("ix_alert_groups_channel_first_seen")

    op.drop_table("alert_groups")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_route_received")

    op.drop_table("alerts")
    op.drop_table("alert_storms")
    with op.batch_alter_table("alert_rejected_bodies", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_rejected_integration_at")

    op.drop_table("alert_rejected_bodies")
    op.drop_table("alert_integrations")
