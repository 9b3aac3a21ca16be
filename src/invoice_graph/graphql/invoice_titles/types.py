"""Invoice titles as clients see them, and the payloads of their mutations."""

from datetime import datetime
from typing import Any

import strawberry

from invoice_graph.domain.titles import InvoiceType, TitleKind
from invoice_graph.graphql.common import Node
from invoice_graph.graphql.ids import encode_id
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
    def from_row(cls, row: Any) -> "InvoiceTitle":
        """The title as shown to clients."""
        return cls(
            id=strawberry.ID(encode_id("InvoiceTitle", row.account_id, row.id)),
            kind=TitleKind(row.kind),
            invoice_type=InvoiceType(row.invoice_type),
            name=row.name,
            taxpayer_id=row.taxpayer_id,
            registered_address=row.registered_address,
            registered_phone=row.registered_phone,
            bank_name=row.bank_name,
            bank_account=row.bank_account,
            is_default=row.is_default,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


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
