"""incident detection: when and how it was noticed, where the impact start came from, the escalation policy

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 17:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("impact_start_source", sa.String(length=10), server_default="default", nullable=False)
        )
        batch_op.add_column(sa.Column("detected_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("detection_method", sa.String(length=10), server_default="unknown", nullable=False)
        )
        batch_op.add_column(sa.Column("escalation_policy", sa.String(length=60), nullable=True))
    # Incidents declared before this knew no better: detected when declared, and an impact start that differs
    # from the declaration can only have been entered by the declarer.
    op.execute("UPDATE incidents SET detected_at = declared_at WHERE detected_at IS NULL")
    op.execute(
        "UPDATE incidents SET impact_start_source = 'entered' "
        "WHERE impact_started_at IS NOT NULL AND impact_started_at <> declared_at"
    )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("escalation_policy")
        batch_op.drop_column("detection_method")
        batch_op.drop_column("detected_at")
        batch_op.drop_column("impact_start_source")
