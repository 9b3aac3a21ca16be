"""The inputs of applyForInvoice and of the mutations of an application's life."""

from decimal import Decimal

import strawberry

from invoice_graph.domain.applications import InvoiceMedium, ReversalReason
from invoice_graph.domain.applying import ApplicationRequest
from invoice_graph.domain.months import Month
from invoice_graph.graphql.ids import decode_id


@strawberry.input(description="What a customer applies for: months, title, address and the confirmed amount.")
class ApplyForInvoiceInput:
    account_id: strawberry.ID = strawberry.field(description="The account applying.")
    months: list[Month] = strawberry.field(description="The months to invoice.")
    title_id: strawberry.ID = strawberry.field(description="One of the account's invoice titles.")
    address_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for PAPER: one of the account's invoice addresses."
    )
    medium: InvoiceMedium | None = strawberry.field(
        default=None, description="PAPER or ELECTRONIC; the server's default medium when omitted."
    )
    emails: list[str] | None = strawberry.field(
        default=None, description="Required for ELECTRONIC: 1 to 5 e-mail addresses."
    )
    confirmed_amount: Decimal = strawberry.field(
        description="The total the customer saw and approved; must equal the server's invoiceable total "
        "for the months."
    )
    accept_terms: bool = strawberry.field(description="The customer's tick in the confirmation box.")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key returns the first result instead of applying twice.",
    )
    remark: str | None = strawberry.field(
        default=None, description="Printed on the invoice: at most 128 characters, all printable in GBK."
    )

    def request(self) -> ApplicationRequest:
        """The request in domain terms; title and address ids are looked up within the account.

        Raises:
            BadUserInputError: for a malformed ID or one of another type.
        """
        return ApplicationRequest(
            account_id=decode_id(self.account_id, expected="Account").account_id,
            months=tuple(self.months),
            title_id=decode_id(self.title_id, expected="InvoiceTitle").row_id,
            address_id=(
                decode_id(self.address_id, expected="InvoiceAddress").row_id
                if self.address_id is not None and self.medium is not InvoiceMedium.ELECTRONIC
                else None
            ),
            medium=self.medium,
            emails=tuple(self.emails) if self.emails is not None else None,
            confirmed_amount=self.confirmed_amount,
            accept_terms=self.accept_terms,
            idempotency_key=self.idempotency_key,
            remark=self.remark,
        )


@strawberry.input(description="Finance records the invoices issued for an application.")
class IssueInvoiceApplicationInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    invoice_numbers: list[str] = strawberry.field(description="Numbers of the invoices issued.")


@strawberry.input(description="Finance records how the paper invoice was mailed.")
class ShipInvoiceApplicationInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    courier: str = strawberry.field(description="Who carries the parcel.")
    tracking_number: str = strawberry.field(description="The parcel's tracking number.")


@strawberry.input(description="Finance refuses a pending application, saying why.")
class RejectInvoiceApplicationInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    reason: str = strawberry.field(description="Why it is rejected; shown to the customer.")


@strawberry.input(description="The customer mails the paper invoice back.")
class RequestInvoiceReturnInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    reason: str = strawberry.field(description="Why the invoice is returned.")
    courier: str = strawberry.field(
        description="The courier and tracking number of the parcel that mails the paper invoice back."
    )
    tracking_number: str = strawberry.field(description="Tracking number of the parcel mailed back.")


@strawberry.input(
    description="Finance refuses a return, saying why; the application goes back to where it was."
)
class RejectInvoiceReturnInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    reason: str = strawberry.field(description="Why the return is refused; shown to the customer.")


@strawberry.input(description="The customer or its partner asks for an issued invoice to be voided.")
class RequestInvoiceReversalInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    reason: ReversalReason = strawberry.field(description="Why the invoice is to be reversed.")
    note: str | None = strawberry.field(default=None, description="Anything finance should know.")


@strawberry.input(description="Finance records the red-letter invoices that void the application's.")
class ConfirmInvoiceReversalInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    red_invoice_numbers: list[str] = strawberry.field(
        description="Numbers of the red-letter invoices finance issued, one per invoice, in their order."
    )


@strawberry.input(description="Finance refuses a reversal, saying why; the application goes back.")
class RejectInvoiceReversalInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    reason: str = strawberry.field(description="Why the reversal is refused.")


@strawberry.input(description="Send an e-invoice's files again.")
class ResendInvoiceEmailInput:
    id: strawberry.ID = strawberry.field(description="The application.")
    emails: list[str] | None = strawberry.field(
        default=None, description="Recipients of this e-mail (1 to 5); the application's own when omitted."
    )
