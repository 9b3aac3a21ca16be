"""index for the finance work queue without a status filter

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 12:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_invoice_applications_submitted_at_id"),
        "invoice_applications",
        ["submitted_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_invoice_applications_submitted_at_id"), table_name="invoice_applications")
