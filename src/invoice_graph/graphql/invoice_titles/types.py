"""Invoice titles as clients see them, and the payloads of their mutations."""

from typing import Any

import strawberry

from invoice_graph.domain.titles import TITLES, InvoiceType, TitleKind
from invoice_graph.graphql.owned_lists import OwnedItem, from_snapshot
from invoice_graph.graphql.payloads import Payload


@strawberry.type(description="A title's printed fields.")
class _Buyer:
    kind: TitleKind = strawberry.field(description="A company or a person.")
    invoice_type: InvoiceType = strawberry.field(description="The kind of VAT invoice this title asks for.")
    name: str = strawberry.field(description="The company's or person's name, as printed.")
    taxpayer_id: str | None = strawberry.field(
        description="The unified social credit code (18 characters); required for a company."
    )
    registered_address: str | None = strawberry.field(
        description="The company's registered address; required for a VAT special invoice."
    )
    registered_phone: str | None = strawberry.field(
        description="The company's registered phone; required for a VAT special invoice."
    )
    bank_name: str | None = strawberry.field(
        description="The company's bank; required for a VAT special invoice."
    )
    bank_account: str | None = strawberry.field(
        description="The company's bank account number; required for a VAT special invoice."
    )


@strawberry.type(description="Invoice information: who an invoice is made out to.")
class InvoiceTitle(OwnedItem, _Buyer):
    pass


@strawberry.type(description="The title as it was when the application was submitted.")
class InvoiceTitleSnapshot(_Buyer):
    @classmethod
    def from_snapshot(cls, value: dict[str, Any]) -> "InvoiceTitleSnapshot":
        """The snapshot stored on the application."""
        return from_snapshot(cls, TITLES, value)


@strawberry.type(description="The result of creating or updating an invoice title.")
class InvoiceTitlePayload(Payload):
    invoice_title: InvoiceTitle | None = strawberry.field(
        description="The title as saved; null when the mutation was refused."
    )


@strawberry.type(description="The result of deleting an object.")
class DeletePayload(Payload):
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The ID of the deleted object; null when the mutation was refused."
    )
