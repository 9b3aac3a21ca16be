"""Invoice applications: their statuses and which months they hold (SPEC R6, section 5)."""

import enum


class ApplicationStatus(enum.StrEnum):
    """Where an application is in its life."""

    PENDING = "PENDING"
    ISSUED = "ISSUED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    RETURN_REQUESTED = "RETURN_REQUESTED"
    RETURNED = "RETURNED"


class InvoiceMedium(enum.StrEnum):
    """What the invoice is printed on."""

    PAPER = "PAPER"


class StatementInvoiceStatus(enum.StrEnum):
    """Where a month stands with invoicing."""

    NOT_INVOICED = "NOT_INVOICED"
    IN_APPLICATION = "IN_APPLICATION"
    INVOICED = "INVOICED"


# These statuses release their months: they can be applied for again.
RELEASING_STATUSES = frozenset(
    {ApplicationStatus.CANCELLED, ApplicationStatus.REJECTED, ApplicationStatus.RETURNED}
)


def statement_invoice_status(status: ApplicationStatus | None) -> StatementInvoiceStatus:
    """How a month shows, given the status of the active application covering it (if any)."""
    if status is None or status in RELEASING_STATUSES:
        return StatementInvoiceStatus.NOT_INVOICED
    if status is ApplicationStatus.PENDING:
        return StatementInvoiceStatus.IN_APPLICATION
    return StatementInvoiceStatus.INVOICED
