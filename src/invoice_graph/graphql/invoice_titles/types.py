"""Invoice titles as clients see them, and the payloads of their mutations."""

from datetime import datetime
from typing import Any

import strawberry

from invoice_graph.domain.titles import TITLES, InvoiceType, TitleKind, TitleRecord
from invoice_graph.graphql.common import Node
from invoice_graph.graphql.owned_lists import from_owned, from_snapshot
from invoice_graph.graphql.user_errors import UserError


@strawberry.type(description="Invoice information: who an invoice is made out to.")
class InvoiceTitle(Node):
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
    is_default: bool = strawberry.field(description="Whether new applications start with this title.")
    created_at: datetime = strawberry.field(description="When the title was created.")
    updated_at: datetime = strawberry.field(description="When the title was last changed.")

    @classmethod
    def from_record(cls, record: TitleRecord) -> "InvoiceTitle":
        """The title as shown to clients."""
        return from_owned(cls, "InvoiceTitle", record)


@strawberry.type(description="The title as it was when the application was submitted.")
class InvoiceTitleSnapshot:
    kind: TitleKind = strawberry.field(description="A company or a person.")
    invoice_type: InvoiceType = strawberry.field(description="The kind of VAT invoice.")
    name: str = strawberry.field(description="Who the invoice is made out to.")
    taxpayer_id: str | None = strawberry.field(description="The unified social credit code, for a company.")
    registered_address: str | None = strawberry.field(description="Registered address (VAT special).")
    registered_phone: str | None = strawberry.field(description="Registered phone (VAT special).")
    bank_name: str | None = strawberry.field(description="Bank of the account (VAT special).")
    bank_account: str | None = strawberry.field(description="Bank account number (VAT special).")

    @classmethod
    def from_snapshot(cls, value: dict[str, Any]) -> "InvoiceTitleSnapshot":
        """The snapshot stored on the application."""
        return from_snapshot(cls, TITLES, value)


@strawberry.type(description="The result of creating or updating an invoice title.")
class InvoiceTitlePayload:
    invoice_title: InvoiceTitle | None = strawberry.field(
        description="The title as saved; null when the mutation was refused."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the mutation was refused; empty when it succeeded."
    )


@strawberry.type(description="The result of deleting an object.")
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The ID of the deleted object; null when the mutation was refused."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the mutation was refused; empty when it succeeded."
    )
