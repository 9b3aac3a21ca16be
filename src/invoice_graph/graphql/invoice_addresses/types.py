"""Invoice addresses as clients see them, and the payload of their mutations."""

from datetime import datetime
from typing import Any

import strawberry

from invoice_graph.graphql.common import Node
from invoice_graph.graphql.ids import encode_id
from invoice_graph.graphql.user_errors import UserError


@strawberry.type(description="Where paper invoices are mailed.")
class InvoiceAddress(Node):
    recipient: str = strawberry.field(description="Who receives the invoice.")
    phone: str = strawberry.field(description="The recipient's mainland mobile or landline number.")
    province: str = strawberry.field(description="Province, autonomous region or municipality.")
    city: str = strawberry.field(description="City.")
    district: str = strawberry.field(description="District or county.")
    street: str = strawberry.field(description="Street, building and room.")
    postal_code: str = strawberry.field(description="The 6-digit postal code.")
    is_default: bool = strawberry.field(description="Whether new applications start with this address.")
    created_at: datetime = strawberry.field(description="When the address was created.")
    updated_at: datetime = strawberry.field(description="When the address was last changed.")

    @classmethod
    def from_row(cls, row: Any) -> "InvoiceAddress":
        """The address as shown to clients."""
        return cls(
            id=strawberry.ID(encode_id("InvoiceAddress", row.account_id, row.id)),
            recipient=row.recipient,
            phone=row.phone,
            province=row.province,
            city=row.city,
            district=row.district,
            street=row.street,
            postal_code=row.postal_code,
            is_default=row.is_default,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.type(description="The result of creating or updating an invoice address.")
class InvoiceAddressPayload:
    invoice_address: InvoiceAddress | None = strawberry.field(
        description="The address as saved; null when the mutation was refused."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the mutation was refused; empty when it succeeded."
    )
