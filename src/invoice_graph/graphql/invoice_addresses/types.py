"""Invoice addresses as clients see them, and the payload of their mutations."""

from typing import Any

import strawberry

from invoice_graph.domain.addresses import ADDRESSES
from invoice_graph.graphql.owned_lists import OwnedItem, from_snapshot
from invoice_graph.graphql.payloads import Payload


@strawberry.type(description="An address's printed fields.")
class _Mailing:
    recipient: str = strawberry.field(description="Who receives the invoice.")
    phone: str = strawberry.field(description="The recipient's mainland mobile or landline number.")
    province: str = strawberry.field(description="Province, autonomous region or municipality.")
    city: str = strawberry.field(description="City.")
    district: str = strawberry.field(description="District or county.")
    street: str = strawberry.field(description="Street, building and room.")
    postal_code: str = strawberry.field(description="The 6-digit postal code.")


@strawberry.type(description="Where paper invoices are mailed.")
class InvoiceAddress(OwnedItem, _Mailing):
    pass


@strawberry.type(description="The address as it was when the application was submitted.")
class InvoiceAddressSnapshot(_Mailing):
    @classmethod
    def from_snapshot(cls, value: dict[str, Any]) -> "InvoiceAddressSnapshot":
        """The snapshot stored on the application."""
        return from_snapshot(cls, ADDRESSES, value)


@strawberry.type(description="The result of creating or updating an invoice address.")
class InvoiceAddressPayload(Payload):
    invoice_address: InvoiceAddress | None = strawberry.field(
        description="The address as saved; null when the mutation was refused."
    )
