"""e-invoices, reversal and background jobs

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:12:08.910498
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_OLD_STATUSES = (
    "status IN ('PENDING', 'ISSUED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REJECTED', "
    "'RETURN_REQUESTED', 'RETURNED')"
)
_STATUSES = _OLD_STATUSES[:-1] + ", 'REVERSAL_REQUESTED', 'REVERSED')"
_IMMUTABLE_DOCUMENTS = """
CREATE FUNCTION invoice_documents_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'issued invoice documents never change (%)', OLD.file_name;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), server_default="QUEUED", nullable=False),
        sa.Column("attempts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("max_attempts", sa.BigInteger(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('QUEUED', 'DONE', 'FAILED')", name=op.f("ck_jobs_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(
        "ix_jobs_due", "jobs", ["run_at"], unique=False, postgresql_where=sa.text("status = 'QUEUED'")
    )
    op.create_table(
        "invoice_documents",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.Column("invoice_number", sa.Text(), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("colour", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("colour IN ('BLUE', 'RED')", name=op.f("ck_invoice_documents_colour")),
        sa.CheckConstraint("format IN ('PDF', 'XML')", name=op.f("ck_invoice_documents_format")),
        sa.CheckConstraint(
            "size_bytes = octet_length(content)", name=op.f("ck_invoice_documents_size_bytes")
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "application_id"],
            ["invoice_applications.account_id", "invoice_applications.id"],
            name=op.f("fk_invoice_documents_account_id_application_id_invoice_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_invoice_documents_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_invoice_documents")),
        sa.UniqueConstraint(
            "account_id",
            "invoice_number",
            "format",
            name=op.f("uq_invoice_documents_account_id_invoice_number_format"),
        ),
    )
    op.create_index(
        "ix_invoice_documents_application",
        "invoice_documents",
        ["account_id", "application_id"],
        unique=False,
    )
    op.create_table(
        "invoice_email_deliveries",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.Column("colour", sa.Text(), nullable=False),
        sa.Column("recipients", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), server_default="QUEUED", nullable=False),
        sa.Column("attempts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("colour IN ('BLUE', 'RED')", name=op.f("ck_invoice_email_deliveries_colour")),
        sa.CheckConstraint(
            "status IN ('QUEUED', 'SENT', 'FAILED')", name=op.f("ck_invoice_email_deliveries_status")
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "application_id"],
            ["invoice_applications.account_id", "invoice_applications.id"],
            name=op.f("fk_invoice_email_deliveries_account_id_application_id_invoice_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_invoice_email_deliveries_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_invoice_email_deliveries")),
    )
    op.create_index(
        "ix_invoice_email_deliveries_application",
        "invoice_email_deliveries",
        ["account_id", "application_id"],
        unique=False,
    )
    op.add_column(
        "invoice_applications",
        sa.Column("emails", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.add_column("invoice_applications", sa.Column("reversal_reason", sa.Text(), nullable=True))
    op.add_column("invoice_applications", sa.Column("reversal_note", sa.Text(), nullable=True))
    op.add_column("invoice_applications", sa.Column("status_before_reversal", sa.Text(), nullable=True))
    op.add_column(
        "invoice_applications",
        sa.Column("red_invoice_numbers", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.alter_column(
        "invoice_applications",
        "address",
        existing_type=postgresql.JSONB(astext_type=sa.Text()),
        nullable=True,
    )
    op.drop_constraint(op.f("ck_invoice_applications_status"), "invoice_applications", type_="check")
    op.create_check_constraint(op.f("ck_invoice_applications_status"), "invoice_applications", _STATUSES)
    # Issued files never change: not by the application, not by hand.
    op.execute(_IMMUTABLE_DOCUMENTS)
    op.execute(
        "CREATE TRIGGER invoice_documents_immutable BEFORE UPDATE OR DELETE ON invoice_documents "
        "FOR EACH ROW EXECUTE FUNCTION invoice_documents_immutable()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER invoice_documents_immutable ON invoice_documents")
    op.execute("DROP FUNCTION invoice_documents_immutable()")
    op.drop_constraint(op.f("ck_invoice_applications_status"), "invoice_applications", type_="check")
    op.create_check_constraint(op.f("ck_invoice_applications_status"), "invoice_applications", _OLD_STATUSES)
    op.alter_column(
        "invoice_applications",
        "address",
        existing_type=postgresql.JSONB(astext_type=sa.Text()),
        nullable=False,
    )
    op.drop_column("invoice_applications", "red_invoice_numbers")
    op.drop_column("invoice_applications", "status_before_reversal")
    op.drop_column("invoice_applications", "reversal_note")
    op.drop_column("invoice_applications", "reversal_reason")
    op.drop_column("invoice_applications", "emails")
    op.drop_index("ix_invoice_email_deliveries_application", table_name="invoice_email_deliveries")
    op.drop_table("invoice_email_deliveries")
    op.drop_index("ix_invoice_documents_application", table_name="invoice_documents")
    op.drop_table("invoice_documents")
    op.drop_index("ix_jobs_due", table_name="jobs", postgresql_where=sa.text("status = 'QUEUED'"))
    op.drop_table("jobs")
