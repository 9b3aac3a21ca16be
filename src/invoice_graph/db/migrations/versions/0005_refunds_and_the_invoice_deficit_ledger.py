"""refunds and the invoice deficit ledger (SPEC section 11)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:09:23.247566
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_deficit_entries",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=True),
        sa.Column("application_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'REFUND') = (line_id IS NOT NULL) AND (kind = 'REFUND') = (application_id IS NULL)",
            name=op.f("ck_invoice_deficit_entries_source"),
        ),
        sa.CheckConstraint(
            "CASE kind WHEN 'OFFSET' THEN amount_fen < 0 ELSE amount_fen > 0 END",
            name=op.f("ck_invoice_deficit_entries_amount_sign"),
        ),
        sa.CheckConstraint(
            "kind IN ('REFUND', 'OFFSET', 'RELEASE')", name=op.f("ck_invoice_deficit_entries_kind")
        ),
        sa.CheckConstraint("balance_fen >= 0", name=op.f("ck_invoice_deficit_entries_balance")),
        sa.ForeignKeyConstraint(
            ["account_id", "application_id"],
            ["invoice_applications.account_id", "invoice_applications.id"],
            name=op.f("fk_invoice_deficit_entries_account_id_application_id_invoice_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_invoice_deficit_entries_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_invoice_deficit_entries")),
    )
    op.create_index(
        "uq_invoice_deficit_entries_application",
        "invoice_deficit_entries",
        ["account_id", "application_id", "kind"],
        unique=True,
        postgresql_where=sa.text("application_id IS NOT NULL"),
    )
    op.create_index(
        "uq_invoice_deficit_entries_refund",
        "invoice_deficit_entries",
        ["account_id", "line_id"],
        unique=True,
        postgresql_where=sa.text("line_id IS NOT NULL"),
    )
    op.add_column(
        "accounts", sa.Column("invoice_deficit_fen", sa.BigInteger(), server_default="0", nullable=False)
    )
    op.add_column("billing_lines", sa.Column("refund_of", sa.Text(), nullable=True))
    op.add_column("billing_lines", sa.Column("refund_netted", sa.Boolean(), nullable=True))
    op.create_index(
        "ix_billing_lines_refund_of",
        "billing_lines",
        ["refund_of"],
        unique=False,
        postgresql_where=sa.text("refund_of IS NOT NULL"),
    )
    op.add_column(
        "invoice_applications",
        sa.Column("deficit_offset_fen", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.create_check_constraint(op.f("ck_accounts_invoice_deficit"), "accounts", "invoice_deficit_fen >= 0")
    op.create_check_constraint(
        op.f("ck_billing_lines_refund_netted"),
        "billing_lines",
        "(refund_of IS NULL) = (refund_netted IS NULL)",
    )
    op.create_check_constraint(
        op.f("ck_invoice_applications_amount"),
        "invoice_applications",
        "deficit_offset_fen >= 0 AND amount_fen = cloud_fen + market_fen - deficit_offset_fen",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_invoice_applications_amount"), "invoice_applications", type_="check")
    op.drop_constraint(op.f("ck_billing_lines_refund_netted"), "billing_lines", type_="check")
    op.drop_constraint(op.f("ck_accounts_invoice_deficit"), "accounts", type_="check")
    op.drop_column("invoice_applications", "deficit_offset_fen")
    op.drop_index(
        "ix_billing_lines_refund_of",
        table_name="billing_lines",
        postgresql_where=sa.text("refund_of IS NOT NULL"),
    )
    op.drop_column("billing_lines", "refund_netted")
    op.drop_column("billing_lines", "refund_of")
    op.drop_column("accounts", "invoice_deficit_fen")
    op.drop_index(
        "uq_invoice_deficit_entries_refund",
        table_name="invoice_deficit_entries",
        postgresql_where=sa.text("line_id IS NOT NULL"),
    )
    op.drop_index(
        "uq_invoice_deficit_entries_application",
        table_name="invoice_deficit_entries",
        postgresql_where=sa.text("application_id IS NOT NULL"),
    )
    op.drop_table("invoice_deficit_entries")
