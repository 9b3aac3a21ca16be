"""Types shared by every area: Node, Money, and the enums taken from the domain."""

import enum
from decimal import Decimal

import strawberry

from invoice_graph.domain import applications, billing, deficit, e_invoices, titles, viewer
from invoice_graph.domain.money import from_fen


@strawberry.interface(description="An object with a global ID; fetch any of them again with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID of the object.")


@strawberry.enum(description="Currencies amounts are in.")
class CurrencyCode(enum.Enum):
    CNY = "CNY"


@strawberry.type(description="An exact amount of money.")
class Money:
    amount: Decimal = strawberry.field(description='The amount, two decimals, e.g. "1234.50".')
    currency: CurrencyCode = strawberry.field(description="Always CNY today.")

    @classmethod
    def of_fen(cls, fen: int) -> "Money":
        """Money from integer fen."""
        return cls(amount=from_fen(fen), currency=CurrencyCode.CNY)


# The domain's enums, under their GraphQL names (annotations use the domain classes themselves).
_ENUMS: tuple[tuple[type[enum.Enum], str, str], ...] = (
    (viewer.Role, "ViewerRole", "Who is asking."),
    (billing.Channel, "BillingChannel", "CLOUD products or the Cloud MARKET."),
    (billing.BillingMode, "BillingMode", "How a product is billed."),
    (billing.ExclusionReason, "ExclusionReason", "Why an amount cannot be invoiced here."),
    (
        applications.StatementInvoiceStatus,
        "StatementInvoiceStatus",
        "Whether a month is not invoiced, in a pending application, or invoiced.",
    ),
    (applications.ApplicationStatus, "InvoiceApplicationStatus", "Where an application is."),
    (applications.InvoiceMedium, "InvoiceMedium", "What an invoice is issued on."),
    (applications.ReversalReason, "ReversalReason", "Why an issued invoice is to be voided."),
    (e_invoices.DocumentFormat, "InvoiceDocumentFormat", "The format of an issued file."),
    (e_invoices.DeliveryStatus, "EmailDeliveryStatus", "How an e-mail of an e-invoice's files went."),
    (deficit.DeficitEntryKind, "InvoiceDeficitEntryKind", "What an entry of the invoice deficit records."),
    (titles.TitleKind, "TitleKind", "A company or a person."),
    (titles.InvoiceType, "InvoiceType", "The kind of VAT invoice."),
)
for _enum, _name, _description in _ENUMS:
    strawberry.enum(_enum, name=_name, description=_description)
