"""The records the read side returns: frozen, slotted, typed, one per kind of row.

Queries build their SELECT from a record's fields (`db/records.py`), so a record is filled
positionally and mypy checks every attribute a caller reads.
"""

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from invoice_graph.domain.viewer import Role, Viewer

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(record: type) -> tuple[str, ...]:
    """A dataclass's field names, in order (read once per class: rows and records are hot paths)."""
    names = _FIELD_NAMES.get(record)
    if names is None:
        names = _FIELD_NAMES[record] = tuple(field.name for field in fields(record))
    return names


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """A customer's account."""

    id: int
    account_number: str
    name: str
    partner_id: int | None
    invoice_deficit_fen: int


@dataclass(frozen=True, slots=True)
class StatementRecord:
    """An account's statement of a month, with the active application covering the month, if any."""

    account_id: int
    id: int
    month: date
    generated_at: datetime
    cloud_expense_fen: int
    market_expense_fen: int
    invoiceable_cloud_fen: int
    invoiceable_market_fen: int
    voucher_fen: int
    coupon_fen: int
    gift_balance_fen: int
    not_subscription_fen: int
    delivered_before_cutoff_fen: int
    issued_by_market_provider_fen: int
    application_id: int | None
    application_status: str | None


@dataclass(frozen=True, slots=True)
class LineRecord:
    """One billing line of a statement."""

    account_id: int
    id: int
    month: date
    line_id: str
    billed_on: date
    product: str
    channel: str
    seller: str
    self_operated: bool
    billing_mode: str
    delivered_on: date | None
    amount_fen: int
    voucher_fen: int
    coupon_fen: int
    gift_balance_fen: int
    cash_fen: int
    ineligible_reason: str | None


@dataclass(frozen=True, slots=True)
class InvoiceableSums:
    """What can still be invoiced of an account's generated months not in an active application."""

    account_id: int
    cloud_fen: int
    market_fen: int
    months: list[date]


@dataclass(frozen=True, slots=True)
class ApplicationRecord:
    """An invoice application, with the title and address snapshots it was made with."""

    account_id: int
    id: int
    number: str
    status: str
    medium: str
    months: list[date]
    cloud_fen: int
    market_fen: int
    deficit_offset_fen: int
    amount_fen: int
    title: dict[str, Any]
    address: dict[str, Any] | None
    emails: list[str]
    remark: str | None
    submitted_at: datetime
    due_by: date
    invoice_numbers: list[str]
    courier: str | None
    tracking_number: str | None
    rejection_reason: str | None
    return_reason: str | None
    return_courier: str | None
    return_tracking_number: str | None
    status_before_return: str | None
    reversal_reason: str | None
    reversal_note: str | None
    status_before_reversal: str | None
    red_invoice_numbers: list[str]
    shipped_at: datetime | None
    idempotency_key: str | None
    request_fingerprint: str | None


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """An issued file of an e-invoice, without its content."""

    account_id: int
    id: int
    application_id: int
    invoice_number: str
    format: str
    colour: str
    file_name: str
    content_type: str
    sha256: str
    size_bytes: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """A document's bytes, for its download."""

    file_name: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One e-mail of an application's documents."""

    account_id: int
    id: int
    application_id: int
    colour: str
    recipients: list[str]
    status: str
    attempts: int
    last_error: str | None
    message_id: str
    queued_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """A change in an application's life."""

    account_id: int
    application_id: int
    at: datetime
    status: str
    actor_role: str
    note: str | None


@dataclass(frozen=True, slots=True)
class InvoiceSetup:
    """How many titles and addresses an account has: what applying needs first."""

    titles: int
    addresses: int


@dataclass(frozen=True, slots=True)
class DeficitEntryRecord:
    """An entry of an account's invoice deficit ledger, with the balance after it."""

    account_id: int
    id: int
    kind: str
    amount_fen: int
    balance_fen: int
    at: datetime
    line_id: str | None
    application_id: int | None


@dataclass(frozen=True, slots=True)
class EndpointRecord:
    """A webhook endpoint; its secret stays sealed (only the delivery job opens it)."""

    id: int
    owner_role: str
    owner_account_id: int | None
    owner_partner_id: int | None
    url: str
    events: list[str]
    enabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DeliveryLogRecord:
    """A webhook delivery as its endpoint's log shows it, with its event's id and type."""

    id: int
    endpoint_id: int
    status: str
    attempts: int
    last_response_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    event_key: str
    event_type: str


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """An export: what it lists, for whom, and where its file stands."""

    id: int
    owner_role: str
    owner_account_id: int | None
    owner_partner_id: int | None
    kind: str
    status: str
    from_month: date | None
    to_month: date | None
    account_ids: list[int] | None
    row_count: int | None
    size_bytes: int | None
    sha256: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def owner(self) -> Viewer:
        """The scope the export was started in, as a viewer (it sees what that scope sees)."""
        return Viewer(
            role=Role(self.owner_role),
            token_id=0,
            account_id=self.owner_account_id,
            partner_id=self.owner_partner_id,
        )
