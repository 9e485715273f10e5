"""on-call: overrides, swap requests, pages, per-incident on-call snapshots, round-robin cursors, iCal caches,
export tokens (hashed)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 20:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "oncall_overrides",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("schedule", sa.String(length=60), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        _at("start_at"),
        _at("end_at"),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        _at("created_at"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("swap_id", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_oncall_overrides_schedule_end", "oncall_overrides", ["schedule", "end_at"])
    op.create_table(
        "oncall_swaps",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("schedule", sa.String(length=60), nullable=False),
        sa.Column("requester", sa.String(length=32), nullable=False),
        _at("start_at"),
        _at("end_at"),
        _at("created_at"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("taken_by", sa.String(length=32), nullable=True),
        _at("taken_at", True),
        _at("cancelled_at", True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "oncall_pages",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("page_group", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("paged_by", sa.String(length=32), nullable=True),
        sa.Column("policy", sa.String(length=60), nullable=True),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("schedule", sa.String(length=60), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        _at("sent_at"),
        _at("acknowledged_at", True),
        sa.Column("acknowledged_by", sa.String(length=32), nullable=True),
        sa.Column("out_of_hours", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_oncall_pages_incident_id", "oncall_pages", ["incident_id"])
    op.create_index("ix_oncall_pages_page_group", "oncall_pages", ["page_group"])
    op.create_index("ix_oncall_pages_user_sent", "oncall_pages", ["user_id", "sent_at"])
    op.create_table(
        "oncall_snapshots",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("schedule", sa.String(length=60), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        _at("at"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("incident_id", "schedule"),
    )
    op.create_table(
        "oncall_cursors",
        sa.Column("key", sa.String(length=140), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "oncall_calendars",
        sa.Column("schedule", sa.String(length=60), nullable=False),
        sa.Column("layer", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("fetched_at"),
        sa.PrimaryKeyConstraint("schedule", "layer"),
    )
    op.create_table(
        "oncall_export_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=60), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_oncall_export_tokens_user_id", "oncall_export_tokens", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_oncall_export_tokens_user_id", table_name="oncall_export_tokens")
    op.drop_table("oncall_export_tokens")
    op.drop_table("oncall_calendars")
    op.drop_table("oncall_cursors")
    op.drop_table("oncall_snapshots")
    op.drop_index("ix_oncall_pages_user_sent", table_name="oncall_pages")
    op.drop_index("ix_oncall_pages_page_group", table_name="oncall_pages")
    op.drop_index("ix_oncall_pages_incident_id", table_name="oncall_pages")
    op.drop_table("oncall_pages")
    op.drop_table("oncall_swaps")
    op.drop_index("ix_oncall_overrides_schedule_end", table_name="oncall_overrides")
    op.drop_table("oncall_overrides")
