"""Invoice addresses as clients see them, and the payload of their mutations."""

from datetime import datetime
from typing import Any

import strawberry

from invoice_graph.domain.addresses import ADDRESSES, AddressRecord
from invoice_graph.graphql.common import Node
from invoice_graph.graphql.owned_lists import from_owned, from_snapshot
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
    def from_record(cls, record: AddressRecord) -> "InvoiceAddress":
        """The address as shown to clients."""
        return from_owned(cls, "InvoiceAddress", record)


@strawberry.type(description="The address as it was when the application was submitted.")
class InvoiceAddressSnapshot:
    recipient: str = strawberry.field(description="Who receives the parcel.")
    phone: str = strawberry.field(description="The recipient's phone.")
    province: str = strawberry.field(description="Province.")
    city: str = strawberry.field(description="City.")
    district: str = strawberry.field(description="District.")
    street: str = strawberry.field(description="Street and house number.")
    postal_code: str = strawberry.field(description="Six-digit postal code.")

    @classmethod
    def from_snapshot(cls, value: dict[str, Any]) -> "InvoiceAddressSnapshot":
        """The snapshot stored on the application."""
        return from_snapshot(cls, ADDRESSES, value)


@strawberry.type(description="The result of creating or updating an invoice address.")
class InvoiceAddressPayload:
    invoice_address: InvoiceAddress | None = strawberry.field(
        description="The address as saved; null when the mutation was refused."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the mutation was refused; empty when it succeeded."
    )
