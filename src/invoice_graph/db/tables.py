"""The database tables.

Every table that holds an account's data carries `account_id` first in its primary key and in
every unique key, so the data can be distributed by account (SPEC section 8). Partners, tokens and
statement runs are small reference tables. Money is integer fen (`*_fen`). Enumerations are text
with check constraints, which migrate more easily than PostgreSQL enum types.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from invoice_graph.domain import events
from invoice_graph.domain.applications import ApplicationStatus
from invoice_graph.domain.billing import BillingMode, Channel, ExclusionReason
from invoice_graph.domain.deficit import DeficitEntryKind
from invoice_graph.domain.e_invoices import DeliveryStatus, DocumentFormat, InvoiceColour
from invoice_graph.domain.titles import InvoiceType, TitleKind
from invoice_graph.domain.viewer import Role

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def _one_of(column: str, values: Any) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _id_column() -> Any:
    return Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))


def _account_key() -> Any:
    return Field(sa_column=Column(BigInteger, ForeignKey("accounts.id"), primary_key=True))


def _now_column() -> Any:
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def _fen() -> Any:
    return Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))


class Partner(SQLModel, table=True):
    """A partner that manages some customers' accounts (reference table)."""

    __tablename__ = "partners"

    id: int | None = _id_column()
    code: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    name: str = Field(sa_column=Column(Text, nullable=False))


class Account(SQLModel, table=True):
    """A customer's account; created and renamed by billing imports."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("invoice_deficit_fen >= 0", name="invoice_deficit"),)

    id: int | None = _id_column()
    account_number: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    partner_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("partners.id"), index=True)
    )
    created_at: datetime | None = _now_column()
    updated_at: datetime | None = _now_column()
    # The balance of the invoice deficit ledger (SPEC section 11), kept here so that the writers of
    # its entries serialise on the account's row.
    invoice_deficit_fen: int = _fen()


class BillingLine(SQLModel, table=True):
    """One line of the billing system, as imported."""

    __tablename__ = "billing_lines"
    __table_args__ = (
        UniqueConstraint("account_id", "line_id"),
        Index("ix_billing_lines_line_id", "line_id"),
        Index("ix_billing_lines_account_id_month_billed_on_id", "account_id", "month", "billed_on", "id"),
        Index("ix_billing_lines_month", "month"),
        CheckConstraint(_one_of("channel", Channel), name="channel"),
        CheckConstraint(_one_of("billing_mode", BillingMode), name="billing_mode"),
        CheckConstraint(
            "ineligible_reason IS NULL OR " + _one_of("ineligible_reason", ExclusionReason),
            name="ineligible_reason",
        ),
        CheckConstraint("voucher_fen + coupon_fen + gift_balance_fen + cash_fen = amount_fen", name="parts"),
        Index("ix_billing_lines_refund_of", "refund_of", postgresql_where=text("refund_of IS NOT NULL")),
        CheckConstraint("(refund_of IS NULL) = (refund_netted IS NULL)", name="refund_netted"),
    )

    account_id: int = _account_key()
    id: int | None = _id_column()
    line_id: str = Field(sa_column=Column(Text, nullable=False))
    month: date = Field(sa_column=Column(Date, nullable=False))
    billed_on: date = Field(sa_column=Column(Date, nullable=False))
    product: str = Field(sa_column=Column(Text, nullable=False))
    channel: str = Field(sa_column=Column(Text, nullable=False))
    seller: str = Field(sa_column=Column(Text, nullable=False))
    self_operated: bool = Field(sa_column=Column(Boolean, nullable=False))
    billing_mode: str = Field(sa_column=Column(Text, nullable=False))
    delivered_on: date | None = Field(default=None, sa_column=Column(Date))
    amount_fen: int = _fen()
    voucher_fen: int = _fen()
    coupon_fen: int = _fen()
    gift_balance_fen: int = _fen()
    cash_fen: int = _fen()
    ineligible_reason: str | None = Field(default=None, sa_column=Column(Text))
    content_hash: str = Field(sa_column=Column(Text, nullable=False))
    # A refund (SPEC section 11): the line_id of the line it refunds, whose eligibility it takes.
    # Its amounts are the refunded parts; it is in no statement of its own.
    refund_of: str | None = Field(default=None, sa_column=Column(Text))
    # Whether the refund was taken off its line before the line's month was generated (the line
    # then shows what is left), rather than added to the account's invoice deficit.
    refund_netted: bool | None = Field(default=None, sa_column=Column(Boolean))


class StatementRun(SQLModel, table=True):
    """A month whose statements have been generated; no line may be added to it after."""

    __tablename__ = "statement_runs"

    month: date = Field(sa_column=Column(Date, primary_key=True))
    generated_at: datetime | None = _now_column()


class Statement(SQLModel, table=True):
    """An account's monthly statement with its totals frozen at generation."""

    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("account_id", "month"),)

    account_id: int = _account_key()
    id: int | None = _id_column()
    month: date = Field(sa_column=Column(Date, nullable=False))
    generated_at: datetime | None = _now_column()
    cloud_expense_fen: int = _fen()
    market_expense_fen: int = _fen()
    invoiceable_cloud_fen: int = _fen()
    invoiceable_market_fen: int = _fen()
    voucher_fen: int = _fen()
    coupon_fen: int = _fen()
    gift_balance_fen: int = _fen()
    not_subscription_fen: int = _fen()
    delivered_before_cutoff_fen: int = _fen()
    issued_by_market_provider_fen: int = _fen()


class AccessToken(SQLModel, table=True):
    """An API token, stored only as a hash of its secret (reference table)."""

    __tablename__ = "access_tokens"
    __table_args__ = (
        CheckConstraint(_one_of("role", Role), name="role"),
        CheckConstraint(
            "(role = 'CUSTOMER') = (account_id IS NOT NULL)"
            " AND (role = 'PARTNER') = (partner_id IS NOT NULL)",
            name="scope",
        ),
    )

    id: int | None = _id_column()
    token_hash: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    role: str = Field(sa_column=Column(Text, nullable=False))
    account_id: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("accounts.id")))
    partner_id: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("partners.id")))
    label: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime | None = _now_column()
    expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class InvoiceTitle(SQLModel, table=True):
    """Invoice information: who the invoice is made out to."""

    __tablename__ = "invoice_titles"
    __table_args__ = (
        Index(
            "uq_invoice_titles_default",
            "account_id",
            unique=True,
            postgresql_where=text("is_default"),
        ),
        CheckConstraint(_one_of("kind", TitleKind), name="kind"),
        CheckConstraint(_one_of("invoice_type", InvoiceType), name="invoice_type"),
    )

    account_id: int = _account_key()
    id: int | None = _id_column()
    kind: str = Field(sa_column=Column(Text, nullable=False))
    invoice_type: str = Field(sa_column=Column(Text, nullable=False))
    name: str = Field(sa_column=Column(Text, nullable=False))
    taxpayer_id: str | None = Field(default=None, sa_column=Column(Text))
    registered_address: str | None = Field(default=None, sa_column=Column(Text))
    registered_phone: str | None = Field(default=None, sa_column=Column(Text))
    bank_name: str | None = Field(default=None, sa_column=Column(Text))
    bank_account: str | None = Field(default=None, sa_column=Column(Text))
    is_default: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    created_at: datetime | None = _now_column()
    updated_at: datetime | None = _now_column()


class InvoiceAddress(SQLModel, table=True):
    """Where paper invoices are mailed."""

    __tablename__ = "invoice_addresses"
    __table_args__ = (
        Index(
            "uq_invoice_addresses_default",
            "account_id",
            unique=True,
            postgresql_where=text("is_default"),
        ),
    )

    account_id: int = _account_key()
    id: int | None = _id_column()
    recipient: str = Field(sa_column=Column(Text, nullable=False))
    phone: str = Field(sa_column=Column(Text, nullable=False))
    province: str = Field(sa_column=Column(Text, nullable=False))
    city: str = Field(sa_column=Column(Text, nullable=False))
    district: str = Field(sa_column=Column(Text, nullable=False))
    street: str = Field(sa_column=Column(Text, nullable=False))
    postal_code: str = Field(sa_column=Column(Text, nullable=False))
    is_default: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    created_at: datetime | None = _now_column()
    updated_at: datetime | None = _now_column()


class InvoiceApplication(SQLModel, table=True):
    """An application for an invoice over one or more months, with snapshots of its title and address."""

    __tablename__ = "invoice_applications"
    __table_args__ = (
        UniqueConstraint("account_id", "number"),
        UniqueConstraint("account_id", "idempotency_key"),
        Index("ix_invoice_applications_status_submitted_at", "status", "submitted_at"),
        # The finance work queue without a status filter pages every application by time.
        Index("ix_invoice_applications_submitted_at_id", "submitted_at", "id"),
        Index("ix_invoice_applications_account_id_submitted_at", "account_id", "submitted_at"),
        CheckConstraint(_one_of("status", ApplicationStatus), name="status"),
        CheckConstraint(
            "deficit_offset_fen >= 0 AND amount_fen = cloud_fen + market_fen - deficit_offset_fen",
            name="amount",
        ),
    )

    account_id: int = _account_key()
    id: int | None = _id_column()
    number: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False))
    medium: str = Field(sa_column=Column(Text, nullable=False))
    months: list[date] = Field(sa_column=Column(ARRAY(Date), nullable=False))
    cloud_fen: int = _fen()
    market_fen: int = _fen()
    # The part of the account's invoice deficit taken off when it applied (SPEC section 11).
    deficit_offset_fen: int = _fen()
    amount_fen: int = _fen()
    title: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    # The address of a PAPER invoice; ELECTRONIC ones are e-mailed to `emails` instead.
    address: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    emails: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    remark: str | None = Field(default=None, sa_column=Column(Text))
    submitted_at: datetime | None = _now_column()
    due_by: date = Field(sa_column=Column(Date, nullable=False))
    invoice_numbers: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(Text), nullable=False, server_default="{}"),
    )
    courier: str | None = Field(default=None, sa_column=Column(Text))
    tracking_number: str | None = Field(default=None, sa_column=Column(Text))
    rejection_reason: str | None = Field(default=None, sa_column=Column(Text))
    return_reason: str | None = Field(default=None, sa_column=Column(Text))
    return_courier: str | None = Field(default=None, sa_column=Column(Text))
    return_tracking_number: str | None = Field(default=None, sa_column=Column(Text))
    status_before_return: str | None = Field(default=None, sa_column=Column(Text))
    reversal_reason: str | None = Field(default=None, sa_column=Column(Text))
    reversal_note: str | None = Field(default=None, sa_column=Column(Text))
    status_before_reversal: str | None = Field(default=None, sa_column=Column(Text))
    red_invoice_numbers: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}")
    )
    shipped_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    idempotency_key: str | None = Field(default=None, sa_column=Column(Text))
    request_fingerprint: str | None = Field(default=None, sa_column=Column(Text))
    updated_at: datetime | None = _now_column()


class InvoiceApplicationMonth(SQLModel, table=True):
    """A month covered by an application; `active` until the application releases it.

    The partial unique index on (account_id, month) where active is what makes R6 hold under
    concurrency: two active applications can never cover the same month.
    """

    __tablename__ = "invoice_application_months"
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "application_id"],
            ["invoice_applications.account_id", "invoice_applications.id"],
        ),
        Index(
            "uq_invoice_application_months_active",
            "account_id",
            "month",
            unique=True,
            postgresql_where=text("active"),
        ),
    )

    account_id: int = _account_key()
    application_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    month: date = Field(sa_column=Column(Date, primary_key=True))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))


class InvoiceApplicationEvent(SQLModel, table=True):
    """A change in an application's life."""

    __tablename__ = "invoice_application_events"
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "application_id"],
            ["invoice_applications.account_id", "invoice_applications.id"],
        ),
        Index("ix_invoice_application_events_application", "account_id", "application_id", "at"),
        CheckConstraint(_one_of("actor_role", Role), name="actor_role"),
    )

    account_id: int = _account_key()
    id: int | None = _id_column()
    application_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    at: datetime | None = _now_column()
    status: str = Field(sa_column=Column(Text, nullable=False))
    actor_role: str = Field(sa_column=Column(Text, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))


def _of_application() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["account_id", "application_id"],
        ["invoice_applications.account_id", "invoice_applications.id"],
    )


class InvoiceDocument(SQLModel, table=True):
    """An issued file of an e-invoice (SPEC section 9); a trigger refuses any change once written."""

    __tablename__ = "invoice_documents"
    __table_args__ = (
        _of_application(),
        UniqueConstraint("account_id", "invoice_number", "format"),
        Index("ix_invoice_documents_application", "account_id", "application_id"),
        CheckConstraint(_one_of("format", DocumentFormat), name="format"),
        CheckConstraint(_one_of("colour", InvoiceColour), name="colour"),
        CheckConstraint("size_bytes = octet_length(content)", name="size_bytes"),
    )

    account_id: int = _account_key()
    id: int | None = _id_column()
    application_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    invoice_number: str = Field(sa_column=Column(Text, nullable=False))
    format: str = Field(sa_column=Column(Text, nullable=False))
    # BLUE: the invoice itself; RED: a red-letter invoice voiding it.
    colour: str = Field(sa_column=Column(Text, nullable=False))
    file_name: str = Field(sa_column=Column(Text, nullable=False))
    content_type: str = Field(sa_column=Column(Text, nullable=False))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(sa_column=Column(Text, nullable=False))
    size_bytes: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime | None = _now_column()


class InvoiceEmailDelivery(SQLModel, table=True):
    """One e-mail of an application's documents, and how its sending went."""

    __tablename__ = "invoice_email_deliveries"
    __table_args__ = (
        _of_application(),
        Index("ix_invoice_email_deliveries_application", "account_id", "application_id"),
        CheckConstraint(_one_of("status", DeliveryStatus), name="status"),
        CheckConstraint(_one_of("colour", InvoiceColour), name="colour"),
    )

    account_id: int = _account_key()
    id: int | None = _id_column()
    application_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    # Which documents it carries: the invoices, or the red-letter ones that void them.
    colour: str = Field(sa_column=Column(Text, nullable=False))
    recipients: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False, server_default="QUEUED"))
    attempts: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    # The Message-ID, the same on every attempt, so a receiver can tell a resent copy.
    message_id: str = Field(sa_column=Column(Text, nullable=False))
    queued_at: datetime | None = _now_column()
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class InvoiceDeficitEntry(SQLModel, table=True):
    """An entry of an account's invoice deficit ledger (SPEC section 11), with the balance after it."""

    __tablename__ = "invoice_deficit_entries"
    __table_args__ = (
        _of_application(),
        # A refund line grows the deficit once; an application offsets once and releases once.
        Index(
            "uq_invoice_deficit_entries_refund",
            "account_id",
            "line_id",
            unique=True,
            postgresql_where=text("line_id IS NOT NULL"),
        ),
        Index(
            "uq_invoice_deficit_entries_application",
            "account_id",
            "application_id",
            "kind",
            unique=True,
            postgresql_where=text("application_id IS NOT NULL"),
        ),
        CheckConstraint(_one_of("kind", DeficitEntryKind), name="kind"),
        CheckConstraint(
            "CASE kind WHEN 'OFFSET' THEN amount_fen < 0 ELSE amount_fen > 0 END", name="amount_sign"
        ),
        CheckConstraint("balance_fen >= 0", name="balance"),
        CheckConstraint(
            "(kind = 'REFUND') = (line_id IS NOT NULL) AND (kind = 'REFUND') = (application_id IS NULL)",
            name="source",
        ),
    )

    account_id: int = _account_key()
    id: int | None = _id_column()
    kind: str = Field(sa_column=Column(Text, nullable=False))
    # Positive for REFUND and RELEASE, negative for OFFSET.
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    balance_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    at: datetime | None = _now_column()
    # The refund line (REFUND), or the application (OFFSET, RELEASE).
    line_id: str | None = Field(default=None, sa_column=Column(Text))
    application_id: int | None = Field(default=None, sa_column=Column(BigInteger))


class RateLimitBucket(SQLModel, table=True):
    """A token's leaky bucket of query cost, shared by every server process (graphql/limits.py)."""

    __tablename__ = "rate_limit_buckets"

    token_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("access_tokens.id", ondelete="CASCADE"), primary_key=True)
    )
    # Cost points in the bucket right after `updated_at`; the bucket leaks from there.
    level: float = Field(sa_column=Column(Double, nullable=False))
    # Whether the last request was let through (read back by the same UPSERT that decides it).
    accepted: bool = Field(sa_column=Column(Boolean, nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Job(SQLModel, table=True):
    """A background job (SPEC section 12): written in the transaction of the change that causes it.

    A worker claims a due job by setting `locked_until` (FOR UPDATE SKIP LOCKED); a job whose
    worker died is claimed again once its lease has passed. A reference table: jobs name their
    account in `payload` when they have one.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_due", "run_at", postgresql_where=text("status = 'QUEUED'")),
        CheckConstraint(_one_of("status", ("QUEUED", "DONE", "FAILED")), name="status"),
    )

    id: int | None = _id_column()
    kind: str = Field(sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False, server_default="QUEUED"))
    attempts: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    max_attempts: int = Field(sa_column=Column(BigInteger, nullable=False))
    # When the job may run next: now for a new job, later after a failure (backoff with jitter).
    run_at: datetime | None = _now_column()
    # A claimed job's lease: while it runs no other worker takes it; past it, the job runs again.
    locked_until: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    locked_by: str | None = Field(default=None, sa_column=Column(Text))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime | None = _now_column()
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


def _owner_role() -> Any:
    return Field(sa_column=Column(Text, nullable=False))


def _owner_account() -> Any:
    return Field(default=None, sa_column=Column(BigInteger, ForeignKey("accounts.id")))


def _owner_partner() -> Any:
    return Field(default=None, sa_column=Column(BigInteger, ForeignKey("partners.id")))


# Whose a webhook endpoint or an export is: a customer's account, a partner, or finance; it sees
# what that role sees (SPEC section 6).
_OWNER_SCOPE = (
    "(owner_role = 'CUSTOMER') = (owner_account_id IS NOT NULL)"
    " AND (owner_role = 'PARTNER') = (owner_partner_id IS NOT NULL)"
)


class WebhookEndpoint(SQLModel, table=True):
    """A URL that receives the events its owner chose, for the accounts its owner may see.

    A reference table: an endpoint belongs to a role's scope, not to one account.
    """

    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        Index("ix_webhook_endpoints_owner", "owner_role", "owner_account_id", "owner_partner_id"),
        CheckConstraint(_one_of("owner_role", Role), name="owner_role"),
        CheckConstraint(_OWNER_SCOPE, name="owner_scope"),
    )

    id: int | None = _id_column()
    owner_role: str = _owner_role()
    owner_account_id: int | None = _owner_account()
    owner_partner_id: int | None = _owner_partner()
    url: str = Field(sa_column=Column(Text, nullable=False))
    events: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    # The signing secret (whsec_...), encrypted with the server's key; shown once, at creation.
    secret_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    enabled: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default="true"))
    created_at: datetime | None = _now_column()


class Event(SQLModel, table=True):
    """Something that happened, written in the transaction of the change (a transactional outbox).

    A reference table: an event names its account in `account_id` when it has one.
    """

    __tablename__ = "events"
    __table_args__ = (CheckConstraint(_one_of("type", events.EventType), name="type"),)

    id: int | None = _id_column()
    # Sent as the webhook-id header: the same on every attempt and redelivery.
    event_id: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    type: str = Field(sa_column=Column(Text, nullable=False))
    account_id: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("accounts.id")))
    # The delivered body's `data`.
    data: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime | None = _now_column()


class WebhookDelivery(SQLModel, table=True):
    """One event's delivery to one endpoint, and how its attempts went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_webhook_deliveries_endpoint_id_id", "endpoint_id", "id"),
        CheckConstraint(_one_of("status", events.DeliveryStatus), name="status"),
    )

    id: int | None = _id_column()
    endpoint_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False)
    )
    event_id: int = Field(sa_column=Column(BigInteger, ForeignKey("events.id"), nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False, server_default="PENDING"))
    attempts: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    last_response_status: int | None = Field(default=None, sa_column=Column(BigInteger))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    next_attempt_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime | None = _now_column()
    delivered_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class ExportJob(SQLModel, table=True):
    """A CSV of applications or statements its owner may see, made in the background (SPEC 13)."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        Index("ix_export_jobs_owner", "owner_role", "owner_account_id", "owner_partner_id", "id"),
        CheckConstraint(_one_of("owner_role", Role), name="owner_role"),
        CheckConstraint(_OWNER_SCOPE, name="owner_scope"),
        CheckConstraint(_one_of("kind", events.ExportKind), name="kind"),
        CheckConstraint(_one_of("status", events.ExportStatus), name="status"),
    )

    id: int | None = _id_column()
    owner_role: str = _owner_role()
    owner_account_id: int | None = _owner_account()
    owner_partner_id: int | None = _owner_partner()
    kind: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False, server_default="QUEUED"))
    from_month: date | None = Field(default=None, sa_column=Column(Date))
    to_month: date | None = Field(default=None, sa_column=Column(Date))
    # Only these accounts (all the owner may see when null).
    account_ids: list[int] | None = Field(default=None, sa_column=Column(ARRAY(BigInteger)))
    row_count: int | None = Field(default=None, sa_column=Column(BigInteger))
    size_bytes: int | None = Field(default=None, sa_column=Column(BigInteger))
    sha256: str | None = Field(default=None, sa_column=Column(Text))
    error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime | None = _now_column()
    started_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class ExportChunk(SQLModel, table=True):
    """A piece of an export's CSV, in order: written batch by batch, so memory stays flat."""

    __tablename__ = "export_chunks"

    export_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True)
    )
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


def table(model: type[SQLModel]) -> Table:
    """The Core table of a model, for queries that return plain rows."""
    result: Table = model.__table__  # type: ignore[attr-defined]
    return result


partners = table(Partner)
accounts = table(Account)
billing_lines = table(BillingLine)
statement_runs = table(StatementRun)
statements = table(Statement)
access_tokens = table(AccessToken)
invoice_titles = table(InvoiceTitle)
invoice_addresses = table(InvoiceAddress)
invoice_applications = table(InvoiceApplication)
invoice_application_months = table(InvoiceApplicationMonth)
invoice_application_events = table(InvoiceApplicationEvent)
rate_limit_buckets = table(RateLimitBucket)
jobs = table(Job)
invoice_documents = table(InvoiceDocument)
invoice_email_deliveries = table(InvoiceEmailDelivery)
invoice_deficit_entries = table(InvoiceDeficitEntry)
webhook_endpoints = table(WebhookEndpoint)
events_table = table(Event)
webhook_deliveries = table(WebhookDelivery)
export_jobs = table(ExportJob)
export_chunks = table(ExportChunk)
