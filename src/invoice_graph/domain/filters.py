"""Which rows of a list to read: the filters the read side takes (and DataLoaders key on)."""

from dataclasses import dataclass
from datetime import date

from invoice_graph.domain.applications import ApplicationStatus, StatementInvoiceStatus


@dataclass(frozen=True, slots=True)
class StatementFilter:
    """Which of an account's statements to list."""

    from_month: date | None = None
    to_month: date | None = None
    invoice_status: StatementInvoiceStatus | None = None


@dataclass(frozen=True, slots=True)
class ApplicationFilter:
    """Which applications to list; `today` (CST) decides what is overdue."""

    statuses: tuple[ApplicationStatus, ...] | None = None
    overdue: bool | None = None
    today: date | None = None
