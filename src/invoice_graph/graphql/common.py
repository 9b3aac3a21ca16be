"""Types shared by every area: Node, Money, and the enums taken from the domain."""

import enum
from decimal import Decimal

import strawberry

from invoice_graph.domain import applications, billing, titles, viewer
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


ViewerRole = strawberry.enum(viewer.Role, name="ViewerRole", description="Who is asking.")
BillingChannel = strawberry.enum(
    billing.Channel, name="BillingChannel", description="CLOUD products or the Cloud MARKET."
)
BillingMode = strawberry.enum(billing.BillingMode, name="BillingMode", description="How a product is billed.")
ExclusionReason = strawberry.enum(
    billing.ExclusionReason, name="ExclusionReason", description="Why an amount cannot be invoiced here."
)
StatementInvoiceStatus = strawberry.enum(
    applications.StatementInvoiceStatus,
    name="StatementInvoiceStatus",
    description="Whether a month is not invoiced, in a pending application, or invoiced.",
)
InvoiceApplicationStatus = strawberry.enum(
    applications.ApplicationStatus, name="InvoiceApplicationStatus", description="Where an application is."
)
InvoiceMedium = strawberry.enum(applications.InvoiceMedium, name="InvoiceMedium", description="Paper today.")
TitleKind = strawberry.enum(titles.TitleKind, name="TitleKind", description="A company or a person.")
InvoiceType = strawberry.enum(titles.InvoiceType, name="InvoiceType", description="The kind of VAT invoice.")
